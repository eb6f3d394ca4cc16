"""Console pages about staff accounts: sign-in, passwords, and the admin's staff list."""
