"""Helpers for the tests, the demo and the benchmark: real index servers and real projects to publish."""
