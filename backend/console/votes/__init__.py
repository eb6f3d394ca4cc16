"""Console pages for owners' votes (业主共同决定)."""
