"""Benchmarks, run by hand (`python -m bench`), never as part of the test suite."""
