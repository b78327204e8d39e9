"""Reference data with sources: cities and region groups, districts, industries, SME size rules, credit codes."""
