"""Benchmarks of the kit against nbgrader on synthetic courses (``make bench``)."""
