"""A Hatch publisher plugin for any PyPI-compatible index."""
