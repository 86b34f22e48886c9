"""Where roadmap items come from: tracker adapters and import files, behind one small protocol."""
