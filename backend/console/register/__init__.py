"""Console pages for the estate register (小区档案) and the committee candidate pool."""
