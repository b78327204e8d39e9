"""Reference data with sources.

Cities and region groups, districts, industries, SME size rules, credit codes.
"""
