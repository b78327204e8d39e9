"""The result page and the PDF report state the same result: the same levels, gap questions with the same
answers, programmes and labels, in Chinese and in English. Both render one result view, so this guards the
templates (a section left out of one of them, a label translated twice, a different number of gap rows).

Also the PDF itself: tagged PDF/A, bookmarks that read as headings, cross-references that point to the
section they name."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fixture_types import LoginAs
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from tests_support import Factory, answer_everything, empty_all_tables, login

from portal.reports.context import build_report_context
from portal.reports.pdf import render_report_pdf, stop_chart_server
from portal.results.model import ResultView
from portal.results.plain import to_plain
from portal.results.view import GAP_ROWS, locale_of

LANGS = ("zh", "en")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install poppler-utils")
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


# {(instrument, lang): {"view", "page", "pdf", "path"}} (the `outputs` fixture)
Outputs = dict[tuple[str, str], dict[str, Any]]


class _Text(HTMLParser):
    """The text a reader sees on the page (no scripts, no styles, no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _flat(text: str) -> str:
    """Without whitespace: pdftotext breaks lines wherever the PDF wraps them."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def outputs(_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    """A GD assessment (dimensions, cloud, roadmap, programmes) and a MIIT one, each as page and PDF in
    both languages: {(instrument, lang): {"view", "page", "pdf", "path"}}."""
    out: Outputs = {}
    tmp = tmp_path_factory.mktemp("agree")
    with _app.app_context():
        try:
            from portal.assessments import services as assessments
            from portal.models import Role

            make = Factory()
            for instrument_id in ("gd-mfg-dt", "miit-sme-digital"):
                company = make.company(name=f"揭阳市一致性测试{instrument_id[:4]}有限公司", cluster="c05")
                user = make.user(Role.ENTERPRISE, company=company)
                if instrument_id == "gd-mfg-dt":  # an earlier assessment, for the comparison
                    earlier = assessments.start(company, instrument_id, user)
                    answer_everything(earlier, user, choice=2)
                    assessments.submit(earlier, user, attested=True)
                assessment = assessments.start(company, instrument_id, user)
                answer_everything(assessment, user, choice=1)
                assessments.submit(assessment, user, attested=True)
                client = _app.test_client()
                login(client, user)
                for lang in LANGS:
                    client.post(f"/lang/{locale_of(lang)}")
                    html = client.get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
                    api = client.get(f"/api/v1/assessments/{assessment.id}/result?lang={lang}")
                    # without ?lang=: the language the pages use (the one just chosen)
                    api_default = client.get(f"/api/v1/assessments/{assessment.id}/result")
                    parser = _Text()
                    parser.feed(html)
                    context = build_report_context(
                        assessment, lang, report_no="DX-AGREE", verification_code="C0DE"
                    )
                    path = tmp / f"{instrument_id}-{lang}.pdf"
                    path.write_bytes(render_report_pdf(context))
                    out[(instrument_id, lang)] = {
                        "view": context.view,
                        "context": context,
                        "page": " ".join(parser.parts),
                        # -raw: in drawing order, so a table cell's lines stay together
                        "pdf": _run(_tool("pdftotext"), "-raw", str(path), "-"),
                        "path": path,
                        "api": api.get_json(),
                        "api_default": api_default.get_json(),
                    }
        finally:
            stop_chart_server()
            empty_all_tables()
    return out


def _both_state(case: dict[str, Any], needles: list[str]) -> None:
    page, pdf = _flat(case["page"]), _flat(case["pdf"])
    for needle in needles:
        flat = _flat(needle)
        assert flat in page, f"page lacks {needle!r}"
        assert flat in pdf, f"PDF lacks {needle!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_levels_gaps_and_answers_are_the_same_on_page_and_pdf(outputs: Outputs, lang: str) -> None:
    case = outputs[("gd-mfg-dt", lang)]
    view: ResultView = case["view"]
    needles = [view.overall.level_name, view.overall.gbt39116]
    gap_rows = 0
    for d in view.dimensions:
        needles += [d.title, d.level_name]
        if d.next_level:
            needles.append(d.next_level.name)
            for row in d.next_level.rows:
                needles += [row.question, row.current, row.needed]
            gap_rows += len(d.next_level.rows)
            items = [row for row in d.next_level.rows if row.points is not None]
            assert len(items) <= GAP_ROWS
    assert gap_rows, "the answers should leave questions to improve"
    _both_state(case, needles)


@pytest.mark.parametrize("lang", LANGS)
def test_answers_read_the_same_with_units_and_level_texts(outputs: Outputs, lang: str) -> None:
    """A scenario level reads "L1：<what L1 means>" wherever it is listed, on the page as in the PDF."""
    case = outputs[("miit-sme-digital", lang)]
    view: ResultView = case["view"]
    answers = [row.current for d in view.dimensions if d.next_level for row in d.next_level.rows]
    ladder = [a for a in answers if re.match(r"L\d：", a)]
    assert ladder, answers
    _both_state(case, ladder)


@pytest.mark.parametrize("lang", LANGS)
def test_miit_level_scenarios_and_cloud_are_the_same(outputs: Outputs, lang: str) -> None:
    miit: ResultView = outputs[("miit-sme-digital", lang)]["view"]
    assert miit.miit is not None
    _both_state(
        outputs[("miit-sme-digital", lang)],
        [miit.miit.level_name, *(s.name for s in miit.miit.scenarios), *(p.title for p in miit.miit.parts)],
    )
    gd: ResultView = outputs[("gd-mfg-dt", lang)]["view"]
    assert gd.cloud is not None
    _both_state(outputs[("gd-mfg-dt", lang)], [k.name for k in gd.cloud.kinds])


@pytest.mark.parametrize("lang", LANGS)
def test_programmes_and_roadmap_are_the_same(outputs: Outputs, lang: str) -> None:
    case = outputs[("gd-mfg-dt", lang)]
    view: ResultView = case["view"]
    assert view.programmes.available and view.programmes.rows
    assert view.roadmap is not None
    needles = [p.name for p in view.programmes.rows] + [p.status_label for p in view.programmes.rows]
    needles += [a.title for h in view.roadmap.horizons for a in h.actions]
    needles += [name for h in view.roadmap.horizons for a in h.actions for name in a.programmes]
    _both_state(case, needles)


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_with_the_previous_assessment_is_the_same(outputs: Outputs, lang: str) -> None:
    case = outputs[("gd-mfg-dt", lang)]
    comparison = case["view"].comparison
    assert comparison is not None
    cells = [row.title for row in comparison.rows]
    cells += [f"{row.then_score}" for row in comparison.rows if row.then_score is not None]
    _both_state(case, cells)


@pytest.mark.parametrize("lang", LANGS)
def test_summary_figures_benchmark_and_miit_next_level_are_the_same(
    outputs: Outputs, app: Flask, lang: str
) -> None:
    """The summary cards, the peer block and MIIT's "next level" are one markup for page and PDF: the same
    figures under the same labels (the page once had no points or scenarios still missing)."""
    with app.test_request_context(), force_locale(locale_of(lang)):
        labels = [
            _("同行百分位"),
            _("综合得分（0–100）"),
            _("总分还差"),
            _("达标场景还差"),
            _("等级规则（假定）"),
        ]
        gd_labels = [_("上云上平台（四类）"), _("5G 工厂建设层级")]
    miit_case = outputs[("miit-sme-digital", lang)]
    miit: ResultView = miit_case["view"]
    assert miit.miit is not None and miit.miit.next_level is not None
    nxt = miit.miit.next_level
    _both_state(
        miit_case,
        [*labels, miit.overall.gbt39116, nxt.name, *nxt.missing, *(p.title for p in miit.miit.parts)],
    )
    gd_case = outputs[("gd-mfg-dt", lang)]
    gd: ResultView = gd_case["view"]
    _both_state(gd_case, [*gd_labels, gd.overall.gbt39116, gd.overall.level_name])


@pytest.mark.parametrize("instrument_id", ["gd-mfg-dt", "miit-sme-digital"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_result_api_states_what_page_and_pdf_state(
    outputs: Outputs, instrument_id: str, lang: str
) -> None:
    """An integrator reading GET …/result gets the view the page and the PDF render: the same levels, gap
    rows, programmes and labels, in the language asked for; the engine's fields stay for older clients."""
    case = outputs[(instrument_id, lang)]
    body = case["api"]
    assert body["view"] == to_plain(case["view"])
    assert body["view"]["lang"] == lang
    assert case["api_default"]["view"] == body["view"]
    assert {"overall", "modules", "benchmark", "stored"} <= body.keys()  # backwards compatible
    assert body["overall"]["level"] == body["view"]["overall"]["level"]
    view = body["view"]
    needles = [view["overall"]["level_name"]]
    for d in view["dimensions"]:
        needles += [d["title"], d["level_name"]]
        assert [x["met"] for x in d["decided_by"]] == [
            x.met for x in next(v for v in case["view"].dimensions if v.id == d["id"]).decided_by
        ]
        if d["next_level"]:
            needles += [cell for row in d["next_level"]["rows"] for cell in (row["question"], row["current"])]
    needles += [p["name"] for p in view["programmes"]["rows"]] + [
        p["status_label"] for p in view["programmes"]["rows"]
    ]
    if view["miit"]:
        needles += [view["miit"]["level_name"], *(s["name"] for s in view["miit"]["scenarios"])]
    _both_state(case, needles)


def test_the_result_api_matches_its_openapi_schema(outputs: Outputs) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis (dev dependencies)
    from portal.api.openapi import document

    doc = document()
    operation = doc["paths"]["/api/v1/assessments/{assessment_id}/result"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.Draft202012Validator({"components": doc["components"], **schema})
    for case in outputs.values():
        validator.validate(case["api"])


def test_the_result_api_refuses_an_unknown_language(make: Factory, login_as: LoginAs) -> None:
    from portal.assessments import services as assessments
    from portal.models import Role

    user = make.user(Role.ENTERPRISE, company=make.company())
    assessment = assessments.start(user.company, "gd-mfg-dt", user)
    response = login_as(user).get(f"/api/v1/assessments/{assessment.id}/result?lang=fr")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "lang"


def test_labels_come_from_one_catalog(outputs: Outputs, app: Flask) -> None:
    """The same Chinese label reads the same in English on the page and in the PDF (the PDF's own table
    once said "Points" where the page says "Score")."""
    labels = ["得分", "判定依据", "题目", "当前回答", "需要的回答", "升级路线图", "近期（0–6 个月）"]
    for lang in LANGS:
        with app.test_request_context(), force_locale(locale_of(lang)):
            shown = [_(label) for label in labels]
        _both_state(outputs[("gd-mfg-dt", lang)], shown)
    en = outputs[("gd-mfg-dt", "en")]
    scored = [d for d in en["view"].dimensions if d.score is not None]
    assert all(f"Score{d.score}" in _flat(en["pdf"]) for d in scored)
    assert not re.search(r"Points\s*[\d.]+", en["pdf"])
    for case in (en["page"], en["pdf"]):
        assert not re.search(r"[\u4e00-\u9fff]{2,}(得分|等级|判定依据)", case)


def test_summary_points_to_the_programmes_section_by_its_number(outputs: Outputs) -> None:
    case = outputs[("gd-mfg-dt", "zh")]
    context = case["context"]
    assert not context.view.programmes.eligible  # the summary then refers the reader to the programmes
    number = context.no("programs")
    assert f"见第{number}节" in _flat(case["pdf"])
    assert f"{number}政策申报匹配" in _flat(case["pdf"])  # the section really has that number


def test_pdf_is_tagged_pdfa_with_bookmarks_that_read_as_headings(outputs: Outputs) -> None:
    for lang in LANGS:
        path: Path = outputs[("gd-mfg-dt", lang)]["path"]
        info = _run(_tool("pdfinfo"), str(path))
        assert re.search(r"^Tagged:\s+yes$", info, re.M), info
        meta = _run(_tool("pdfinfo"), "-meta", str(path))
        assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="U"' in meta, meta
        outline = _run(_tool("pdftohtml"), "-xml", "-stdout", "-i", "-q", str(path))
        items = re.findall(r"<item page=\"\d+\">([^<]*)</item>", outline)
        sections = outputs[("gd-mfg-dt", lang)]["context"].sections
        for section in sections:
            assert f"{section.no} {section.title}" in items, items  # "1 执行摘要", not "1执行摘要"


INTERNAL = re.compile(
    r"\bL\d{3,}\b"  # line numbers of the policy seed texts
    r"|\b[DJM]-?[A-Z]*\d*\s+(?:L\d|专栏|第)"  # document codes of the roadmap catalogue
    r"|shared/|\.md\b|\.ya?ml\b|\.py\b"  # file names and paths of the policy sources
    r"|gd-mfg-dt|miit-sme-digital|dx-maturity|miit-2024"  # instrument and method ids
    r"|\b[a-z0-9]+\.[a-z]+_[a-z_]+\b"  # item and flag keys (equip.old_equipment, platform.data_on_platform)
    r"|min_score|requires\b"
)


@pytest.mark.parametrize("instrument_id", ["gd-mfg-dt", "miit-sme-digital"])
def test_no_engine_identifiers_file_names_or_line_numbers(outputs: Outputs, instrument_id: str) -> None:
    """What a company reads names documents and sections, not the catalogue's codes, seed line numbers,
    file names, questionnaire keys or engine ids."""
    for lang in LANGS:
        case = outputs[(instrument_id, lang)]
        for where in ("page", "pdf"):
            found = INTERNAL.findall(case[where])
            assert not found, (lang, where, found[:5])


def test_a_company_without_5g_reads_why_in_english(outputs: Outputs) -> None:
    """The 5G tier below the first one reads "Below production-line level", not the engine's "none"."""
    view: ResultView = outputs[("gd-mfg-dt", "en")]["view"]
    assert view.fiveg is not None and view.fiveg.tier == "Below production-line level"  # low answers: no 5G
    _both_state(outputs[("gd-mfg-dt", "en")], [view.fiveg.tier])


def test_the_chart_follows_the_data(outputs: Outputs) -> None:
    """A MIIT result gets its points per sub-dimension (they decide its level); any other result a radar of
    every dimension that counts in the overall score, whatever the dimensions are called."""
    gd: ResultView = outputs[("gd-mfg-dt", "zh")]["view"]
    assert gd.charts.miit_bars is None and gd.charts.radar is not None
    counted = [d.id for d in gd.dimensions if d.weight and d.score is not None]
    assert [mid for mid, _title, _score in gd.charts.radar.modules] == counted
    miit: ResultView = outputs[("miit-sme-digital", "zh")]["view"]
    assert miit.charts.radar is None and miit.charts.miit_bars is not None
    assert miit.miit is not None
    assert [title for _id, title, _p, _m in miit.charts.miit_bars.groups] == [
        g.title for g in miit.miit.groups
    ]


def test_english_cites_policy_sections_in_english_with_english_punctuation(outputs: Outputs) -> None:
    """The documents keep their Chinese titles (people find them by those); the sections read as an
    English reader cites them."""
    zh, en = outputs[("gd-mfg-dt", "zh")], outputs[("gd-mfg-dt", "en")]
    assert "专栏" in zh["pdf"] and "专栏" in zh["page"]
    for text in (en["page"], en["pdf"]):
        assert "专栏" not in text and not re.search(r"第[一二三四五六七八九十]+条", text)
        assert re.search(r"》\s*(?:Box|Article|Part) \d", text)
        assert "：" not in text, "a Chinese colon in English text"
