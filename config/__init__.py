"""Settings per environment; environment variables always win."""
