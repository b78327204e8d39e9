"""Evidence uploads: type and size limits checked on content, stored outside static, served only to the
company, locked with the assessment."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.assessments.services import start
from portal.evidence import services
from portal.models import AssessmentStatus, Role

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ITEM = "base.equipment.digitization"


@pytest.fixture
def setup(make: Any, login_as: Any) -> tuple[Any, Any, Any]:
    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    return user, assessment, login_as(user)


def _upload(client: Any, assessment: Any, name: str, data: bytes) -> Any:
    return client.post(
        f"/company/assessments/{assessment.id}/evidence",
        data={"item_id": ITEM, "module_id": "base", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_upload_list_download_delete(setup: Any) -> None:
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
def test_bad_files_are_refused_with_reason(setup: Any, name: str, data: bytes, message: str) -> None:
    _user, assessment, client = setup
    page = _upload(client, assessment, name, data).get_data(as_text=True)
    if message:
        assert message in page and services.files_by_item(assessment) == {}
    else:  # a path in the name is stripped, the file is kept under its base name
        (row,) = services.files_by_item(assessment)[ITEM]
        assert row.filename == "passwd.png"


def test_size_limit(setup: Any, monkeypatch: Any) -> None:
    _user, assessment, client = setup
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    assert "超过 10 MB" in _upload(client, assessment, "big.pdf", PDF + b"0" * 200).get_data(as_text=True)


def test_other_companies_and_anonymous_cannot_download(
    setup: Any, make: Any, login_as: Any, app: Any
) -> None:
    _user, assessment, client = setup
    _upload(client, assessment, "a.pdf", PDF)
    (row,) = services.files_by_item(assessment)[ITEM]
    url = f"/company/assessments/{assessment.id}/evidence/{row.id}"
    assert login_as(make.user(Role.ENTERPRISE)).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # to the login page
    assert login_as(make.user(Role.BUREAU)).get(url).status_code == 403


def test_locked_assessment_refuses_uploads(setup: Any) -> None:
    from portal.extensions import db

    _user, assessment, client = setup
    assessment.status = AssessmentStatus.SUBMITTED
    db.session.commit()
    assert "锁定" in _upload(client, assessment, "a.pdf", PDF).get_data(as_text=True)
    assert services.files_by_item(assessment) == {}
