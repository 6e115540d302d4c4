"""Benchmarks: `make bench`; each module runs alone as `python -m bench.<module>`."""
