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


def test_latest_published_and_cache() -> None:
    inst = q.latest_published("gd-mfg-dt")
    assert inst.version == "2025.1"
    assert q.load("gd-mfg-dt", "2025.1") is inst
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


def _new_version(defs: Path, version: str) -> Path:
    src = defs / "gd-mfg-dt" / "2025.1.yaml"
    data = read_yaml(src)
    data["version"] = version
    data["status"] = "draft"
    data["modules"][0]["items"][0]["text_zh"] = "生产设备联网比例大约是多少？"
    for module in data["modules"]:  # a new version declares the bounds 2025.1 left out (missing_bound)
        for item in module["items"]:
            for field in item.get("evidence", []):
                if field.get("type", "number") != "text":
                    field.setdefault("max", 100000)
    dst = src.with_name(f"{version}.yaml")
    dst.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return dst


def test_second_version_reuses_item_ids_and_both_load(defs: Path) -> None:
    _new_version(defs, "2025.2")
    reg = q.Registry(defs)
    old, new = reg.load("gd-mfg-dt", "2025.1"), reg.load("gd-mfg-dt", "2025.2")
    assert [i.id for i in old.items] == [i.id for i in new.items]
    assert old.content_hash != new.content_hash
    assert (
        old.item("cloud.equipment.networked_share").text_zh
        != new.item("cloud.equipment.networked_share").text_zh
    )
    assert reg.latest_published("gd-mfg-dt").version == "2025.1"  # drafts are not served as latest
    assert [r.version for r in reg.list_available() if r.id == "gd-mfg-dt"] == ["2025.1", "2025.2"]

    digest = reg.publish("gd-mfg-dt", "2025.2")
    assert read_lock(defs)["gd-mfg-dt@2025.2"] == digest
    assert read_lock(defs)["gd-mfg-dt@2025.1"] == old.content_hash
    latest = reg.latest_published("gd-mfg-dt")
    assert (latest.version, latest.status, latest.content_hash) == ("2025.2", "published", digest)
    assert (
        reg.load("gd-mfg-dt", "2025.1", expected_hash=old.content_hash) == old
    )  # the old pin still resolves
    assert q.validate_all(defs) == []
    with pytest.raises(q.QuestionnaireError, match="already published"):
        reg.publish("gd-mfg-dt", "2025.2")


def test_versions_sort_numerically(defs: Path) -> None:
    for version in ("2025.10", "2025.9"):
        _new_version(defs, version)
    assert q.Registry(defs).versions("gd-mfg-dt") == ["2025.1", "2025.9", "2025.10"]


def test_publish_refuses_invalid_draft(defs: Path) -> None:
    path = _new_version(defs, "2025.2")
    path.write_text(path.read_text("utf-8").replace("type: single", "type: dropdown", 1), "utf-8")
    with pytest.raises(q.InvalidInstrumentError) as exc:
        q.publish("gd-mfg-dt", "2025.2", root=defs)
    assert exc.value.errors[0].code == "unknown_type"
    assert "gd-mfg-dt@2025.2" not in read_lock(defs)


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
    _new_version(defs, "2025.2")
    assert main(["--root", str(defs), "publish", "gd-mfg-dt", "2025.2"]) == 0
    assert "published gd-mfg-dt@2025.2" in capsys.readouterr().out
    assert main(["--root", str(defs), "publish", "gd-mfg-dt", "2025.2"]) == 1


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
