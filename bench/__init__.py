"""Benchmarks: `make bench` (python -m bench). Results are ratios, never timed assertions."""
