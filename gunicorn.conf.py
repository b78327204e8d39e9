"""gunicorn reads this file from the working directory by default: the settings of portal/gunicorn_conf.py
(an installed release names that module instead: `gunicorn -c python:portal.gunicorn_conf …`)."""

from portal.gunicorn_conf import *  # noqa: F403
