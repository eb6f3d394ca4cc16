"""Console pages for star ratings (星级评定), manager stars and committee reviews."""
