"""``python -m scoring score`` (and ``python -m scoring.maturity score``) via subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, "score", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def _module() -> str:
    text = (ROOT / "scoring" / "cli.py").read_text(encoding="utf-8")
    return "scoring" if "score_command" in text else "scoring.maturity"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "answers": {"base.info_systems.coverage": "C", "base.equipment.network": ["B", "C"]},
                "scenario_levels": {"ops.production.quality": 2},
            }
        ),
        encoding="utf-8",
    )
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"cluster": "c06", "size": "small", "city": "揭阳市"}), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"answers": {"base.info_systems.coverage": "Q"}}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50000, encoding="utf-8")
    return {"answers": answers, "profile": profile, "bad": bad, "broken": broken, "deep": deep}


def test_score_ok(files: dict[str, Path]) -> None:
    out = _run(
        _module(),
        "--instrument",
        "miit-sme-digital",
        "--version",
        "2024",
        "--answers",
        str(files["answers"]),
        "--profile",
        str(files["profile"]),
    )
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["miit"]["points"]["total"] == 9.0
    assert body["miit"]["points"]["base"] == 9.0
    assert body["miit"]["rule"]["status"] == "assumed"
    again = _run(
        _module(),
        "--instrument",
        "miit-sme-digital",
        "--version",
        "2024",
        "--answers",
        str(files["answers"]),
        "--profile",
        str(files["profile"]),
    )
    assert again.stdout == out.stdout


@pytest.mark.parametrize("case", ["bad", "broken", "deep", "instrument"])
def test_score_invalid_input_exit_2(files: dict[str, Path], case: str) -> None:
    inst = "nope" if case == "instrument" else "miit-sme-digital"
    answers = files["answers"] if case == "instrument" else files[case]
    out = _run(_module(), "--instrument", inst, "--version", "2024", "--answers", str(answers))
    assert (out.returncode, out.stderr) == (2, "")
    body = json.loads(out.stdout)
    assert body["errors"] and {"field", "message_zh", "message_en"} <= set(body["errors"][0])


def test_gd_instrument_via_cli(files: dict[str, Path], tmp_path: Path) -> None:
    answers = tmp_path / "gd.json"
    answers.write_text(json.dumps({"net.5g_coverage": "C", "net.5g_scenarios": ["B"]}), encoding="utf-8")
    out = _run(
        _module(),
        "--instrument",
        "gd-mfg-dt",
        "--version",
        "2025.1",
        "--answers",
        str(answers),
        "--profile",
        str(files["profile"]),
    )
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["fiveg"]["tier"] == "line"
    assert body["engine_version"]
