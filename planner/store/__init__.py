"""What relplan keeps on disk: the plan file, the config, the tracker cache, atomic writes,
history."""
