"""Registry: loading, listing, pinning by hash, immutability of published versions, publishing, CLI."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
import yaml

import questionnaires as q
from questionnaires.__main__ import main
from questionnaires.storage import DEFINITIONS_DIR, read_lock, read_yaml

PACKAGE_DIR = Path(q.__file__).parent


@pytest.fixture
def defs(tmp_path: Path) -> Path:
    """A private copy of the shipped definitions."""
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, root)
    return root


def test_shipped_definitions_are_valid() -> None:
    assert q.validate_all() == []


def test_list_available() -> None:
    rows = {r.key: r for r in q.list_available()}
    assert set(rows) >= {"miit-sme-digital@2024", "gd-mfg-dt@2025.1"}
    lock = read_lock(DEFINITIONS_DIR)
    for key, row in rows.items():
        assert row.status == "published"
        assert row.content_hash == lock[key]
        assert row.title_zh


LATEST_GD = "2025.2"  # the newest published gd-mfg-dt; a test draft goes one further
NEXT_GD = "2025.3"
GD_2025_1_HASH = "3c34d50771e6b6fa69d0ba3c0002b022310d24b975a46de246abe28fc435fd19"


def test_latest_published_and_cache() -> None:
    inst = q.latest_published("gd-mfg-dt")
    assert inst.version == LATEST_GD
    assert q.load("gd-mfg-dt", LATEST_GD) is inst
    with pytest.raises(q.InstrumentNotFoundError):
        q.latest_published("no-such-instrument")
    with pytest.raises(q.InstrumentNotFoundError):
        q.load("gd-mfg-dt", "1999")
    with pytest.raises(q.InstrumentNotFoundError):
        q.load("../gd-mfg-dt", "2025.1")


def test_pinning_by_hash() -> None:
    lock = read_lock(DEFINITIONS_DIR)
    pinned = lock["miit-sme-digital@2024"]
    inst = q.load("miit-sme-digital", "2024", expected_hash=pinned)
    assert inst.content_hash == pinned
    with pytest.raises(q.HashMismatchError) as exc:
        q.load("miit-sme-digital", "2024", expected_hash="0" * 64)
    assert exc.value.actual == pinned


def test_changing_published_content_is_rejected(defs: Path) -> None:
    path = defs / "miit-sme-digital" / "2024.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("企业目前具备哪些网络连接能力", "企业具备哪些网络连接能力", 1), "utf-8")
    errors = q.validate_all(defs)
    assert [(e.code, e.file) for e in errors] == [("hash_mismatch", str(path))]
    with pytest.raises(q.InvalidInstrumentError):
        q.Registry(defs).load("miit-sme-digital", "2024")


def test_comments_do_not_change_the_hash(defs: Path) -> None:
    path = defs / "gd-mfg-dt" / "2025.1.yaml"
    path.write_text("# a new comment\n" + path.read_text("utf-8"), "utf-8")
    assert q.validate_all(defs) == []


def test_deleting_published_version_is_reported(defs: Path) -> None:
    (defs / "gd-mfg-dt" / "2025.1.yaml").unlink()
    assert [e.code for e in q.validate_all(defs)] == ["missing_definition"]


def test_2025_1_keeps_its_content_for_the_assessments_pinned_to_it() -> None:
    assert read_lock(DEFINITIONS_DIR)["gd-mfg-dt@2025.1"] == GD_2025_1_HASH
    old = q.load("gd-mfg-dt", "2025.1", expected_hash=GD_2025_1_HASH)
    new = q.load("gd-mfg-dt", "2025.2")
    assert [i.id for i in old.items] == [i.id for i in new.items]
    assert old.item("platform.it_share").source.lines == "L2579"
    assert new.item("platform.it_share").source.lines == "L2601"


def _new_version(defs: Path, version: str) -> Path:
    src = defs / "gd-mfg-dt" / f"{LATEST_GD}.yaml"
    data = read_yaml(src)
    data["version"] = version
    data["status"] = "draft"
    data["modules"][0]["items"][0]["text_zh"] = "生产设备联网比例大约是多少？"
    dst = src.with_name(f"{version}.yaml")
    dst.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return dst


def test_second_version_reuses_item_ids_and_both_load(defs: Path) -> None:
    _new_version(defs, NEXT_GD)
    reg = q.Registry(defs)
    old, new = reg.load("gd-mfg-dt", LATEST_GD), reg.load("gd-mfg-dt", NEXT_GD)
    assert [i.id for i in old.items] == [i.id for i in new.items]
    assert old.content_hash != new.content_hash
    assert (
        old.item("cloud.equipment.networked_share").text_zh
        != new.item("cloud.equipment.networked_share").text_zh
    )
    assert reg.latest_published("gd-mfg-dt").version == LATEST_GD  # drafts are not served as latest
    assert [r.version for r in reg.list_available() if r.id == "gd-mfg-dt"] == ["2025.1", LATEST_GD, NEXT_GD]

    digest = reg.publish("gd-mfg-dt", NEXT_GD)
    assert read_lock(defs)[f"gd-mfg-dt@{NEXT_GD}"] == digest
    assert read_lock(defs)[f"gd-mfg-dt@{LATEST_GD}"] == old.content_hash
    latest = reg.latest_published("gd-mfg-dt")
    assert (latest.version, latest.status, latest.content_hash) == (NEXT_GD, "published", digest)
    assert (
        reg.load("gd-mfg-dt", LATEST_GD, expected_hash=old.content_hash) == old
    )  # the old pin still resolves
    assert q.validate_all(defs) == []
    with pytest.raises(q.QuestionnaireError, match="already published"):
        reg.publish("gd-mfg-dt", NEXT_GD)


def test_versions_sort_numerically(defs: Path) -> None:
    for version in ("2025.10", "2025.9"):
        _new_version(defs, version)
    assert q.Registry(defs).versions("gd-mfg-dt") == ["2025.1", LATEST_GD, "2025.9", "2025.10"]


def test_publish_refuses_invalid_draft(defs: Path) -> None:
    path = _new_version(defs, NEXT_GD)
    path.write_text(path.read_text("utf-8").replace("type: single", "type: dropdown", 1), "utf-8")
    with pytest.raises(q.InvalidInstrumentError) as exc:
        q.publish("gd-mfg-dt", NEXT_GD, root=defs)
    assert exc.value.errors[0].code == "unknown_type"
    assert f"gd-mfg-dt@{NEXT_GD}" not in read_lock(defs)


def test_cli_validate_and_list(defs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert main(["--root", str(defs), "list"]) == 0
    out = capsys.readouterr().out
    assert "gd-mfg-dt@2025.1\tpublished" in out and "miit-sme-digital@2024\tpublished" in out

    path = defs / "gd-mfg-dt" / "2025.1.yaml"
    path.write_text(path.read_text("utf-8").replace("weight: 15", "weight: 14", 1), "utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "[bad_weight]" in err and "[hash_mismatch]" in err and "1" in err
    assert main(["--root", str(defs), "validate"]) == 1
    assert main(["--root", str(defs), "list"]) == 1


def test_cli_publish(defs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _new_version(defs, NEXT_GD)
    assert main(["--root", str(defs), "publish", "gd-mfg-dt", NEXT_GD]) == 0
    assert f"published gd-mfg-dt@{NEXT_GD}" in capsys.readouterr().out
    assert main(["--root", str(defs), "publish", "gd-mfg-dt", NEXT_GD]) == 1


def test_lock_file_is_sorted_json() -> None:
    text = (DEFINITIONS_DIR / "published.lock.json").read_text("utf-8")
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert all(len(v) == 64 for v in data.values())


BANNED = ("flask", "flask_sqlalchemy", "sqlalchemy", "wtforms", "flask_wtf", "portal", "scoring")


def test_package_is_pure() -> None:
    for source in PACKAGE_DIR.glob("*.py"):
        tree = ast.parse(source.read_text("utf-8"))
        text = source.read_text("utf-8")
        assert "from __future__ import annotations" in text, source
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in BANNED, f"{source.name} imports {name}"
