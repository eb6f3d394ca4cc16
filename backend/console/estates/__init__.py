"""Console pages about the estates a staff user supervises and their delivery logs."""
