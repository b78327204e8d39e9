"""Rule files of the eligibility engine: one YAML document per program (see docs/eligibility.md)."""
