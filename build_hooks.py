"""Build step of the package (pyproject.toml [tool.setuptools.cmdclass]): an installed release carries what
the checkout keeps beside the packages.

- templates/, static/ and migrations/ are copied into the package (portal/templates, portal/static,
  portal/migrations); `portal.ASSETS` finds them there, and in the checkout's root during development;
- the message catalogues are compiled (.po → .mo, fuzzy entries included like `make translations`), so an
  installed release speaks English without a compile step on the server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ASSET_FOLDERS = ("templates", "static", "migrations")


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "portal"
        for folder in ASSET_FOLDERS:
            destination = target / folder
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(
                HERE / folder, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "artifacts")
            )
        compile_catalogues(HERE / "portal" / "translations", target / "translations")


def compile_catalogues(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in source.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
