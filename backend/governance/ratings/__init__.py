"""Star ratings (小区星级评定), property-manager stars and committee performance reviews."""
