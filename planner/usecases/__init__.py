"""What the faces (command line, dashboard) ask for: the session and one module per use case."""
