"""What the company workspace (/company/) shows the person who opens it.

Their company's rounds, the draft to continue with its progress, the modules assigned to them in the open
rounds (the same list as their "我的任务" page), and one next useful step, chosen in the order a company
works: describe the company, answer, read the result, come back for the next round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _

import questionnaires
from portal.assessments import services as assessments
from portal.assessments.rounds import round_name
from portal.companies.services import PROFILE_FIELDS
from portal.i18n import localized
from portal.instruments import instrument_of
from portal.models import Assessment, Company, User

# Profile facts the scoring and eligibility need; the contact fields are asked for but not blocking.
_NEEDED_FACTS = tuple(f for f in PROFILE_FIELDS if f not in {"district", "contact_name", "contact_phone"})


@dataclass(frozen=True)
class ModuleTask:
    title: str
    answered: int
    total: int
    url: str
    round: str = ""  # "T1 · <问卷名称>"
    due_on: date | None = None

    @property
    def done(self) -> bool:
        return self.answered >= self.total

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and not self.done and self.due_on < assessments.china_today()


@dataclass(frozen=True)
class NextStep:
    text: str
    label: str
    url: str


@dataclass(frozen=True)
class Workspace:
    rounds: list[Assessment]  # newest first
    draft: Assessment | None
    draft_progress: questionnaires.Progress | None
    continue_url: str | None
    my_modules: list[ModuleTask]
    next_step: NextStep


def build(company: Company, viewer: User) -> Workspace:
    rounds = list(reversed(assessments.company_assessments(company)))
    draft = next((a for a in rounds if not a.locked), None)
    progress = continue_url = None
    if draft is not None:
        progress = questionnaires.progress(instrument_of(draft), draft.answer_map(), company.cluster)
        continue_url = _continue_url(draft, viewer)
    tasks = my_tasks(company, viewer, rounds)
    return Workspace(
        rounds, draft, progress, continue_url, tasks, _next_step(company, viewer, rounds, draft, tasks)
    )


def _continue_url(draft: Assessment, viewer: User) -> str:
    resume = assessments.resume_point(draft, viewer)
    if resume is None:
        return url_for("assessments.overview", assessment_id=draft.id)
    return url_for("assessments.module", assessment_id=draft.id, module_id=resume.module_id)


def my_tasks(company: Company, viewer: User, rounds: list[Assessment] | None = None) -> list[ModuleTask]:
    """The modules assigned to the viewer in the company's open rounds: the earliest due first, then
    the newest round; each with its progress and a link straight to the module."""
    if rounds is None:
        rounds = list(reversed(assessments.company_assessments(company)))
    tasks = [t for draft in rounds if not draft.locked for t in _my_modules(draft, viewer)]
    return sorted(tasks, key=lambda t: (t.due_on is None, t.due_on or date.min))


def _my_modules(draft: Assessment, viewer: User) -> list[ModuleTask]:
    due = {a.module_id: a.due_on for a in draft.assignments if a.user_id == viewer.id}
    if not due:
        return []
    instrument = instrument_of(draft)
    progress = questionnaires.progress(instrument, draft.answer_map(), draft.company.cluster)
    titles = {m.id: localized(m, "title") for m in instrument.modules}
    return [
        ModuleTask(
            titles.get(row.module_id, row.module_id),
            row.answered,
            row.total,
            url_for("assessments.module", assessment_id=draft.id, module_id=row.module_id),
            round_name(draft),
            due[row.module_id],
        )
        for row in progress.modules
        if row.module_id in due
    ]


def _next_step(
    company: Company,
    viewer: User,
    rounds: list[Assessment],
    draft: Assessment | None,
    tasks: list[ModuleTask],
) -> NextStep:
    if any(getattr(company, f) in (None, "") for f in _NEEDED_FACTS) and viewer.is_company_admin:
        return NextStep(
            _("先完善企业信息：规模划型、同行对比和政策匹配都要用到。"),
            _("完善企业信息"),
            url_for("companies.edit_profile"),
        )
    open_task = next((t for t in tasks if t.answered < t.total), None)
    if open_task is not None:
        return NextStep(
            _(
                "你负责的模块“%(module)s”还有 %(left)s 题未答。",
                module=open_task.title,
                left=open_task.total - open_task.answered,
            ),
            _("继续填写"),
            open_task.url,
        )
    if draft is not None:
        return NextStep(
            _("%(round)s 正在填报，所有内容自动保存。", round=round_name(draft)),
            _("继续填报"),
            _continue_url(draft, viewer),
        )
    submitted = next((a for a in rounds if a.locked), None)
    if submitted is not None:
        return NextStep(
            _("%(round)s 已提交：查看成熟度等级、差距和提升路径。", round=round_name(submitted)),
            _("查看结果"),
            url_for("results.view", assessment_id=submitted.id),
        )
    return NextStep(
        _("还没有评估。选择问卷开始第一次评估（T0），同事可以分工填写。"),
        _("开始评估"),
        url_for("assessments.index"),
    )
