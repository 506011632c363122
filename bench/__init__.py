"""Benchmarks: `python -m bench` (see bench/run.py) and `python bench/stress.py`."""
