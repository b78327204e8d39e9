"""Benchmark (not a test): the preview of a rule version over the demo population.

    .venv/bin/python -m bench.bench_rule_preview [--companies 600]

Seeds the demo data with `--companies` companies in a temporary SQLite database, uploads the worked example
of docs/rules.md as a draft and times its preview (every company evaluated under the rules in force and with
the draft) against a baseline measured in the same run: one pass of the eligibility page's evaluation
(`evaluate_company`, every program) over the same companies. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "gd_sme_dt_pilot_upgraded_2026.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dx-bench-rules-") as tmp:
        os.environ.update(PORTAL_ENV="development", DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
        import sqlalchemy as sa
        from flask_migrate import upgrade

        from portal import create_app

        app = create_app()
        app.instance_path = tmp
        with app.app_context():
            from portal import demo
            from portal.admin import rule_preview, rule_versions
            from portal.eligibility import inputs
            from portal.extensions import db
            from portal.models import Company

            upgrade()
            demo.seed(args.companies)
            draft = rule_versions.upload(EXAMPLE.name, EXAMPLE.read_bytes(), None)
            companies = list(db.session.scalars(sa.select(Company)))
            start = time.perf_counter()
            for company in companies:
                inputs.evaluate_company(company)
            baseline = time.perf_counter() - start
            start = time.perf_counter()
            preview = rule_preview.preview(draft)
            elapsed = time.perf_counter() - start
            db.engine.dispose()
    result = {
        "bench": "rule_preview",
        "companies": preview.companies,
        "evaluation_pass_s": round(baseline, 3),
        "preview_s": round(elapsed, 3),
        "ratio_preview_to_evaluation_pass": round(elapsed / baseline, 3),
    }
    print(f"{result}", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
