"""Evidence uploads: type and size limits checked on content, stored outside static, served only to the
company, locked with the assessment."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory
from werkzeug.test import TestResponse

from portal.assessments.services import start
from portal.evidence import services
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentStatus, Role, User

if TYPE_CHECKING:
    from portal.evidence.models import EvidenceFile

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM = "base.equipment.digitization"


# the company user, a draft assessment of the company, and the user's signed-in client
Setup = tuple[User, Assessment, FlaskClient]


@pytest.fixture
def setup(make: Factory, login_as: LoginAs) -> Setup:
    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    return user, assessment, login_as(user)


def _upload(client: FlaskClient, assessment: Assessment, name: str, data: bytes) -> TestResponse:
    return client.post(
        f"/company/assessments/{assessment.id}/evidence",
        data={"item_id": ITEM, "module_id": "base", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_upload_list_download_delete(setup: Setup) -> None:
    _user, assessment, client = setup
    page = _upload(client, assessment, "设备台账.pdf", PDF).get_data(as_text=True)
    assert "已上传：设备台账.pdf" in page
    (row,) = services.files_by_item(assessment)[ITEM]
    download = client.get(f"/company/assessments/{assessment.id}/evidence/{row.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    client.post(f"/company/assessments/{assessment.id}/evidence/{row.id}/delete", data={"module_id": "base"})
    assert services.files_by_item(assessment) == {}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("script.html", b"<script>alert(1)</script>", "只能上传 PDF"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名 .pdf 不符"),
        ("empty.png", b"", "文件是空的"),
        ("../../etc/passwd.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, ""),
    ],
)
def test_bad_files_are_refused_with_reason(setup: Setup, name: str, data: bytes, message: str) -> None:
    _user, assessment, client = setup
    page = _upload(client, assessment, name, data).get_data(as_text=True)
    if message:
        assert message in page and services.files_by_item(assessment) == {}
    else:  # a path in the name is stripped, the file is kept under its base name
        (row,) = services.files_by_item(assessment)[ITEM]
        assert row.filename == "passwd.png"


def test_size_limit(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    _user, assessment, client = setup
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    assert "超过 10 MB" in _upload(client, assessment, "big.pdf", PDF + b"0" * 200).get_data(as_text=True)


def test_other_companies_and_anonymous_cannot_download(
    setup: Setup, make: Factory, login_as: LoginAs, app: Flask
) -> None:
    _user, assessment, client = setup
    _upload(client, assessment, "a.pdf", PDF)
    (row,) = services.files_by_item(assessment)[ITEM]
    url = f"/company/assessments/{assessment.id}/evidence/{row.id}"
    assert login_as(make.user(Role.ENTERPRISE)).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # to the login page
    assert login_as(make.user(Role.BUREAU)).get(url).status_code == 403


def test_locked_assessment_refuses_uploads(setup: Setup) -> None:
    from portal.extensions import db

    _user, assessment, client = setup
    assessment.status = AssessmentStatus.SUBMITTED
    db.session.commit()
    assert "锁定" in _upload(client, assessment, "a.pdf", PDF).get_data(as_text=True)
    assert services.files_by_item(assessment) == {}


def _upload_at_once(app: Flask, user: User, uploads: list[tuple[int, str]], data: bytes) -> list[int]:
    """One thread per (assessment id, item id), all released together by a barrier: concurrent uploads of
    one company, each through its own client and database session. Returns the status codes."""
    from tests_support import sign_in_session

    barrier = threading.Barrier(len(uploads), timeout=60)
    user = SimpleNamespace(id=user.id)  # the threads must not touch this thread's ORM objects
    statuses: list[int] = []

    def send(assessment_id: int, item_id: str, n: int) -> None:
        with app.app_context():
            client = app.test_client()
            sign_in_session(client, user)
            barrier.wait()
            response = client.post(
                f"/company/assessments/{assessment_id}/evidence",
                data={"item_id": item_id, "module_id": "base", "file": (io.BytesIO(data), f"f{n}.pdf")},
                content_type="multipart/form-data",
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(a, i, n)) for n, (a, i) in enumerate(uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _stored(assessment_ids: list[int], item_id: str | None = None) -> list[EvidenceFile]:
    from portal.evidence.models import EvidenceFile
    from portal.extensions import db

    query = sa.select(EvidenceFile).where(EvidenceFile.assessment_id.in_(assessment_ids))
    if item_id is not None:
        query = query.where(EvidenceFile.item_id == item_id)
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_parallel_uploads_to_one_item_never_exceed_the_limit(app: Flask, setup: Setup) -> None:
    user, assessment, _client = setup
    statuses = _upload_at_once(app, user, [(assessment.id, ITEM)] * 20, PDF)
    assert len(statuses) == 20 and all(code == 302 for code in statuses), statuses
    assert len(_stored([assessment.id], ITEM)) == services.MAX_FILES_PER_ITEM


def test_parallel_uploads_never_exceed_the_company_quota(app: Flask, setup: Setup) -> None:
    user, assessment, _client = setup
    other = start(user.company, "gd-mfg-dt", user)  # the quota covers all the company's assessments
    data = PDF + b"0" * (10_000 - len(PDF))
    app.config["EVIDENCE_QUOTA_BYTES"] = 5 * len(data)
    try:
        uploads = [(a.id, instrument_of(a).items[0].id) for a in (assessment, other) for _ in range(6)]
        statuses = _upload_at_once(app, user, uploads, data)
    finally:
        app.config["EVIDENCE_QUOTA_BYTES"] = 500 * 1024 * 1024
    assert len(statuses) == 12 and all(code == 302 for code in statuses), statuses
    stored = _stored([assessment.id, other.id])
    assert len(stored) == 5 and sum(f.size for f in stored) <= 5 * len(data)


def test_quota_message_shows_used_and_limit_in_the_users_language(app: Flask, setup: Setup) -> None:
    _user, assessment, client = setup
    app.config["EVIDENCE_QUOTA_BYTES"] = 3 * 1024 * 1024
    try:
        first = PDF + b"0" * (2 * 1024 * 1024)
        page = _upload(client, assessment, "台账.pdf", first).get_data(as_text=True)
        assert "已上传：台账.pdf（企业佐证材料已用 2.0 MB / 3.0 MB）" in page
        page = _upload(client, assessment, "第二份.pdf", first).get_data(as_text=True)
        assert "企业佐证材料存储空间不足：已用 2.0 MB，上限 3.0 MB" in page
        client.post("/lang/en")
        page = _upload(client, assessment, "second.pdf", first).get_data(as_text=True)
        assert "Not enough evidence storage for your company: 2.0 MB of 3.0 MB used" in page
    finally:
        app.config["EVIDENCE_QUOTA_BYTES"] = 500 * 1024 * 1024
    assert len(services.files_by_item(assessment)[ITEM]) == 1  # the refused files left nothing behind


def test_evidence_quota_setting_is_validated(tmp_path: Path) -> None:
    from portal.config import ConfigError, load_config

    assert load_config(str(tmp_path), {})["EVIDENCE_QUOTA_BYTES"] == 500 * 1024 * 1024
    assert load_config(str(tmp_path), {"EVIDENCE_QUOTA_MB": "2048"})["EVIDENCE_QUOTA_BYTES"] == 2 << 30
    for bad in ("0", "-5", "lots", "1.5"):
        with pytest.raises(ConfigError, match="EVIDENCE_QUOTA_MB"):
            load_config(str(tmp_path), {"EVIDENCE_QUOTA_MB": bad})


def test_company_dashboard_shows_evidence_storage_used_of_limit(setup: Setup) -> None:
    _user, assessment, client = setup
    _upload(client, assessment, "a.pdf", PDF + b"0" * (3 * 1024 * 1024))
    assert "佐证材料存储空间：已用 3.0 MB / 500.0 MB" in client.get("/company/").get_data(as_text=True)
    client.post("/lang/en")
    assert "Evidence storage: 3.0 MB of 500.0 MB used" in client.get("/company/").get_data(as_text=True)
