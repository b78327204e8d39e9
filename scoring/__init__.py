"""Pure scoring library: maturity, MIIT level, benchmarks, roadmap, eligibility.

Nothing in this package imports Flask, SQLAlchemy or the portal (tests/test_layering.py enforces it).
Inputs are plain data, results are frozen dataclasses / JSON-ready dicts.
"""
