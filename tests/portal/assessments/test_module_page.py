"""The module page rendered in two stages (markup compiled per instrument version, language and lock; the
answers filled per view) shows each viewer their own state, and saves keep the resume point."""

from __future__ import annotations

from typing import Any, BinaryIO

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory

from portal.assessments import services
from portal.extensions import db
from portal.models import ResumePoint, Role, User

MIIT = "miit-sme-digital"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def admin(make: Factory) -> User:
    return make.user(Role.ENTERPRISE)


def _page(client: FlaskClient, assessment_id: int, module: str = "base", **query: str) -> str:
    response = client.get(f"/company/assessments/{assessment_id}/modules/{module}", query_string=query)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_each_view_shows_its_own_answers_versions_and_visibility(
    login_as: LoginAs, admin: User, make: Factory
) -> None:
    first = services.start(admin.company, MIIT, admin)
    other_admin = make.user(Role.ENTERPRISE)
    second = services.start(other_admin.company, MIIT, other_admin)
    client = login_as(admin)
    client.post(
        f"/api/v1/assessments/{first.id}/answers",
        json={"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]},
    )
    html = _page(client, first.id)
    assert 'checked data-exclusive="false" id="base.info_systems.coverage-2"' in html
    assert 'name="__v__base.info_systems.coverage" value="1"' in html
    assert admin.name in html  # "最近由 … 修改于 …"
    other = _page(login_as(other_admin), second.id)  # same compiled markup, nothing of the first company
    assert "checked" not in other and 'name="__v__base.info_systems.coverage" value="0"' in other
    assert admin.name not in other


def test_language_and_lock_get_their_own_markup(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    zh, en = _page(client, assessment.id), _page(client, assessment.id, lang="en")
    assert "必答" in zh and "上传佐证材料" in zh
    assert "Required" in en and "必答" not in en
    assessment.status = services.AssessmentStatus.SUBMITTED
    db.session.commit()
    locked = _page(client, assessment.id)
    assert "disabled" in locked and "上传佐证材料" not in locked


def test_typed_text_is_escaped_when_filled_in(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    url = f"/company/assessments/{assessment.id}/modules/base"
    bad = client.post(url, data={"base.equipment.digitization::production_devices_total": '"><script>x'})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'value="&#34;&gt;&lt;script&gt;x"' in html and '"><script>x' not in html


def test_attachments_are_listed_only_where_uploaded(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    assert "📎" not in _page(client, assessment.id)
    client.post(
        f"/company/assessments/{assessment.id}/evidence",
        data={"item_id": "base.equipment.digitization", "module_id": "base", "file": (_pdf(), "台账.pdf")},
        content_type="multipart/form-data",
    )
    html = _page(client, assessment.id)
    assert html.count("📎") == 1 and "台账.pdf" in html


def _pdf() -> BinaryIO:
    import io

    return io.BytesIO(PDF)


def test_autosave_moves_the_resume_point_and_page_views_keep_it(login_as: LoginAs, admin: User) -> None:
    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)

    def point() -> tuple[str, str | None]:
        db.session.expire_all()
        row = db.session.get(ResumePoint, (assessment.id, admin.id))
        assert row is not None
        return row.module_id, row.item_id

    _page(client, assessment.id, "mgmt")
    assert point() == ("mgmt", None)
    for item in ("mgmt.planning.implementation", "mgmt.planning.mechanism"):
        response = client.post(
            f"/api/v1/assessments/{assessment.id}/answers?module=mgmt",
            json={"answers": [{"item_id": item, "value": "A"}]},
        )
        assert response.status_code == 200, response.get_json()
        assert point() == ("mgmt", item)
    _page(client, assessment.id, "mgmt")
    assert point() == ("mgmt", "mgmt.planning.mechanism")  # reopening the module keeps the item
    _page(client, assessment.id, "base")
    assert point() == ("base", None)


def test_page_reads_in_a_fixed_number_of_statements(login_as: LoginAs, admin: User, make: Factory) -> None:
    """The page reads in a fixed number of statements (the assessment with the resume module, the evidence
    count and its answers in one); colleagues' names come in one more, however many answers they changed."""
    assessment = services.start(admin.company, MIIT, admin)
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    url = f"/api/v1/assessments/{assessment.id}/answers"
    mine = login_as(admin)
    mine.post(url, json={"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]})
    _page(mine, assessment.id)  # first view writes the resume point; later views only read

    def statements_of_page_view() -> list[str]:
        seen: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            html = _page(mine, assessment.id)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        assert admin.name in html
        return seen

    alone = statements_of_page_view()
    theirs = login_as(colleague)
    items = ["base.info_systems.coverage", "base.info_systems.integration", "base.network.coverage"]
    for item in items:
        theirs.post(url, json={"answers": [{"item_id": item, "value": "B"}]})
    with_colleague = statements_of_page_view()
    assert len(with_colleague) == len(alone) + 1, "\n\n".join(with_colleague)


def test_page_slots_carry_this_view(login_as: LoginAs, admin: User, make: Factory) -> None:
    """The compiled page is shared; the viewer's name, links, language switch target, flashed message and
    a failed save's messages belong to each view."""
    assessment = services.start(admin.company, MIIT, admin)
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    url = f"/company/assessments/{assessment.id}/modules/base"
    mine, theirs = login_as(admin), login_as(colleague)
    html = _page(mine, assessment.id, lang="en")
    assert f'<span class="who"><span lang="zh-CN">{admin.name}</span></span>' in html  # a name: Chinese data
    assert f'name="next" value="{url}?lang=en"' in html  # the language switch comes back here
    assert f'data-api="/api/v1/assessments/{assessment.id}/answers?module=base"' in html
    assert f'href="/company/assessments/{assessment.id}/modules/mgmt"' in html
    assert 'role="status"' not in html and 'role="alert"' not in html

    saved = mine.post(url, data={"base.info_systems.coverage": "B"}, follow_redirects=True)
    assert saved.status_code == 200
    assert 'class="flash flash-success">已保存。</li>' in saved.get_data(as_text=True)
    # the colleague saves over it with the version they loaded before: both messages of a conflict show
    stale = theirs.post(url, data={"base.info_systems.coverage": "D", "__v__base.info_systems.coverage": "0"})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 422
    assert f'<span class="who"><span lang="zh-CN">{colleague.name}</span></span>' in body
    assert admin.name in body
    flash = '<div role="alert"><ul class="flashes"><li class="flash flash-error">'
    assert flash + "有 1 道题被同事同时修改" in body


def test_last_change_is_shown_in_china_time(login_as: LoginAs, admin: User) -> None:
    """Answers are stored in UTC; the page says when they changed in the respondents' time (UTC+8)."""
    from datetime import UTC, datetime

    from portal.models import Answer

    assessment = services.start(admin.company, MIIT, admin)
    client = login_as(admin)
    body = {"answers": [{"item_id": "base.info_systems.coverage", "value": "C"}]}
    assert client.post(f"/api/v1/assessments/{assessment.id}/answers", json=body).status_code == 200
    db.session.execute(
        sa.update(Answer)
        .where(Answer.assessment_id == assessment.id)
        .values(updated_at=datetime(2026, 11, 20, 2, 30, tzinfo=UTC))
    )
    db.session.commit()
    assert f'最近由 <span lang="zh-CN">{admin.name}</span> 修改于 11-20 10:30' in _page(client, assessment.id)
