"""Console pages for the problem list (问题清单, 十件实事) and inspections (动态督查)."""
