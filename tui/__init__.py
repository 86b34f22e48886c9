"""relplan's face: the Textual dashboard and the command line."""
