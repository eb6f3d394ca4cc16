"""Console pages for credit penalties (失信惩戒) and the property companies' credit."""
