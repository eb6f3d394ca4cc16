"""Console pages for tickets (随手拍), the 12345 hotline intake and ticket time limits."""
