"""Console pages for joint meetings (四方联席会议)."""
