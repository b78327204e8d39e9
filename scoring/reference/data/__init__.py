"""YAML reference tables (a package so that setuptools ships the *.yaml files in wheels)."""
