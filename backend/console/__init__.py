"""The console for community auditors and county officers (server-rendered pages)."""
