"""`flask seed-demo`: demo accounts for every role and a realistic set of companies.

Companies are weighted to 揭阳 and 梅州 and to the industries their plans name
(local_plans_digest §3.5/§3.6: 揭阳 金属制品/纺织服装/鞋业/医药/石化/玉器;
梅州 梅江 电子信息（铜箔—覆铜板—PCB）/生物医药/新材料).
The data are synthetic but deterministic (fixed random seed), so screenshots and tests are reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from portal.auth.services import NewAccount, new_user
from portal.companies.services import apply_size_classification
from portal.demo_guard import demo_data_command
from portal.extensions import db
from portal.models import Company, JurisdictionLevel, ProviderOrg, Role, User
from questionnaires.item_types import evidence_kind_of, kind_of
from scoring.reference import credit_code, regions

DEMO_PASSWORD = "Demo-2026"  # noqa: S105 — documented demo credential, demo data only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    note: str


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.dx", "平台管理员", Role.ADMIN, "平台管理员"),
    DemoAccount("qiye@demo.dx", "陈志强", Role.ENTERPRISE, "揭阳 企业管理员（揭阳市宏达五金制品有限公司）"),
    DemoAccount("yuangong@demo.dx", "林晓燕", Role.ENTERPRISE, "同一企业的普通成员"),
    DemoAccount(
        "meizhou@demo.dx", "黄伟明", Role.ENTERPRISE, "梅州 企业管理员（梅州市东升电路科技有限公司）"
    ),
    DemoAccount("fuwushang@demo.dx", "周敏", Role.PROVIDER, "服务商（粤东工业互联网科技有限公司）"),
    DemoAccount("sheng@demo.dx", "省工信厅 王处长", Role.BUREAU, "省级主管部门（全省）"),
    DemoAccount("jieyang@demo.dx", "揭阳市工信局 李科长", Role.BUREAU, "地市级主管部门（揭阳市）"),
    DemoAccount("meijiang@demo.dx", "梅江区工信局 张股长", Role.BUREAU, "区县级主管部门（梅州市 梅江区）"),
)

# (city, district, name pattern, industry section, division, cluster) — typical local industries.
_PROFILES: tuple[tuple[str, str | None, str, str, str, str | None], ...] = (
    ("揭阳市", "揭东区", "{}五金制品有限公司", "C", "33", "c05"),
    ("揭阳市", "揭东区", "{}不锈钢制品有限公司", "C", "33", "c05"),
    ("揭阳市", "榕城区", "{}鞋业有限公司", "C", "19", "c06"),
    ("揭阳市", "普宁市", "{}纺织服装有限公司", "C", "18", "c06"),
    ("揭阳市", "普宁市", "{}制药有限公司", "C", "27", "c09"),
    ("揭阳市", "惠来县", "{}石化装备有限公司", "C", "35", "c12"),
    ("揭阳市", "揭西县", "{}电线电缆有限公司", "C", "38", "c01"),
    ("揭阳市", "空港经济区", "{}智能家电有限公司", "C", "38", "c03"),
    ("揭阳市", "惠来县", "{}精细化工有限公司", "C", "26", "c02"),
    ("梅州市", "梅江区", "{}电路科技有限公司", "C", "39", "c01"),
    ("梅州市", "梅江区", "{}铜箔材料有限公司", "C", "32", "c05"),
    ("梅州市", "梅江区", "{}生物医药有限公司", "C", "27", "c09"),
    ("梅州市", "梅县区", "{}电子元件有限公司", "C", "39", "c01"),
    ("梅州市", "兴宁市", "{}食品有限公司", "C", "14", "c10"),
    ("梅州市", "蕉岭县", "{}新型建材有限公司", "C", "30", "c05"),
    ("广州市", "番禺区", "{}汽车零部件有限公司", "C", "36", "c04"),
    ("深圳市", "宝安区", "{}精密电子有限公司", "C", "39", "c01"),
    ("佛山市", "顺德区", "{}电器有限公司", "C", "38", "c03"),
    ("东莞市", None, "{}模具有限公司", "C", "35", "c12"),
    ("汕头市", "澄海区", "{}玩具实业有限公司", "C", "24", "c06"),
    ("中山市", None, "{}灯饰有限公司", "C", "38", "c06"),
    ("湛江市", "麻章区", "{}水产食品有限公司", "C", "13", "c10"),
    ("茂名市", "茂南区", "{}化工有限公司", "C", "26", "c02"),
    ("韶关市", "曲江区", "{}机械制造有限公司", "C", "34", "c12"),
)
_WEIGHTS = (6, 4, 4, 5, 3, 2, 2, 2, 2, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
_TRADE_NAMES = [
    "宏达",
    "鸿运",
    "金源",
    "粤兴",
    "恒通",
    "嘉诚",
    "榕江",
    "韩江",
    "梅岭",
    "东升",
    "华盛",
    "新锐",
    "永利",
    "祥和",
    "瑞丰",
    "德信",
    "泰昌",
    "丰源",
    "锦程",
    "广利",
    "众诚",
    "信达",
    "汇通",
    "兴业",
    "南粤",
    "东方",
    "金利",
    "立信",
    "伟业",
    "盛世",
]


def _district(city: str, district: str | None) -> str | None:
    if district and regions.is_valid_district(city, district):
        return district
    options = regions.districts(city)
    return options[0].name_zh if options else None


def _code(rng: random.Random, city_code: str = "4452") -> str:
    body = "91" + city_code + "00" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(11))
    return credit_code.with_check_char(body[:17])


def _company(rng: random.Random, index: int) -> Company:
    city, district, pattern, section, division, cluster = rng.choices(_PROFILES, weights=_WEIGHTS)[0]
    trade = _TRADE_NAMES[index % len(_TRADE_NAMES)] + ("" if index < len(_TRADE_NAMES) else str(index))
    employees = int(rng.lognormvariate(4.3, 0.9))
    revenue = Decimal(round(employees * rng.uniform(25, 90), 2))
    company = Company(
        name=city.removesuffix("市") + "市" + pattern.format(trade),
        credit_code=_code(rng),
        city=city,
        district=_district(city, district),
        industry_section=section,
        industry_division=division,
        cluster=cluster,
        founded_year=rng.randint(1995, 2021),
        employees=employees,
        revenue_wan=revenue,
        total_assets_wan=Decimal(round(float(revenue) * rng.uniform(0.6, 1.4), 2)),
        contact_name=rng.choice(["陈", "林", "黄", "李", "张", "吴", "郑", "蔡"])
        + rng.choice(["先生", "女士"]),
        bureau_sharing=rng.random() < 0.7,
    )
    apply_size_classification(company)
    return company


def seed(n_companies: int = 60) -> dict[str, int]:
    """Create the demo accounts and companies unless they exist; returns what was created."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_ACCOUNTS[0].email)):
        return {"accounts": 0, "companies": 0}
    rng = random.Random(2026)  # noqa: S311 — reproducible demo data, not security
    hongda = Company(
        name="揭阳市宏达五金制品有限公司",
        credit_code=credit_code.with_check_char("91445200MA4W3K8P1"),
        city="揭阳市",
        district="揭东区",
        industry_section="C",
        industry_division="33",
        cluster="c05",
        founded_year=2009,
        employees=186,
        revenue_wan=Decimal("12800"),
        total_assets_wan=Decimal("9300"),
        contact_name="陈志强",
        contact_phone="0663-8888001",
        bureau_sharing=True,
    )
    dongsheng = Company(
        name="梅州市东升电路科技有限公司",
        credit_code=credit_code.with_check_char("91441402MA53XR2L7"),
        city="梅州市",
        district="梅江区",
        industry_section="C",
        industry_division="39",
        cluster="c01",
        founded_year=2012,
        employees=420,
        revenue_wan=Decimal("36500"),
        total_assets_wan=Decimal("28800"),
        contact_name="黄伟明",
        contact_phone="0753-2222001",
        bureau_sharing=True,
    )
    for company in (hongda, dongsheng):
        apply_size_classification(company)
    provider = ProviderOrg(
        name="粤东工业互联网科技有限公司",
        credit_code=credit_code.with_check_char("91445200MA55PQ7T2"),
        city="揭阳市",
        contact_phone="0663-8666000",
    )
    companies = [hongda, dongsheng] + [_company(rng, i) for i in range(n_companies - 2)]
    db.session.add_all([*companies, provider])

    affiliation = {
        "qiye@demo.dx": (hongda, True),
        "yuangong@demo.dx": (hongda, False),
        "meizhou@demo.dx": (dongsheng, True),
    }
    jurisdictions = {
        "sheng@demo.dx": (JurisdictionLevel.PROVINCE, None, None),
        "jieyang@demo.dx": (JurisdictionLevel.CITY, "揭阳市", None),
        "meijiang@demo.dx": (JurisdictionLevel.DISTRICT, "梅州市", "梅江区"),
    }
    for account in DEMO_ACCOUNTS:
        user = new_user(NewAccount(account.name, account.email, DEMO_PASSWORD), account.role)
        if account.email in affiliation:
            user.company, user.is_company_admin = affiliation[account.email]
        if account.role is Role.PROVIDER:
            user.provider_org = provider
        if account.email in jurisdictions:
            user.jurisdiction_level, user.jurisdiction_city, user.jurisdiction_district = jurisdictions[
                account.email
            ]
        db.session.add(user)
    db.session.commit()
    seed_provider_catalogue(provider)
    return {"accounts": len(DEMO_ACCOUNTS), "companies": len(companies)}


def seed_provider_catalogue(provider: ProviderOrg) -> int:
    """The demo provider's profile and a small solution catalogue (portal/providers/demo_catalogue.py)."""
    from portal.providers.demo_catalogue import seed_catalogue

    return seed_catalogue(provider)


@click.command("seed-demo")
@click.option("--companies", "n_companies", default=60, show_default=True, help="number of demo companies")
@with_appcontext
@demo_data_command
def seed_demo_command(n_companies: int) -> None:
    """Create demo accounts for every role and demo companies (idempotent)."""
    created = seed(n_companies)
    if created["accounts"] == 0:
        click.echo("Demo data already present; nothing to do.")
        return
    click.echo(f"Created {created['accounts']} demo accounts and {created['companies']} companies.")
    click.echo(f"All demo accounts use the password {DEMO_PASSWORD}:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<22} {account.note}")
    assessment = demo_submitted_assessment()
    click.echo(
        f"Submitted demo assessment {assessment.id} of {DEMO_COMPANY_NAME} "
        "(used by `flask report render --demo`)."
    )


# --------------------------------------------------------------------------- a submitted demo assessment

DEMO_COMPANY_NAME = "揭阳市宏达五金制品有限公司"
DEMO_INSTRUMENT = "gd-mfg-dt"


def _demo_answer(item: Any, rng: random.Random, maturity: float) -> Any:
    """A plausible answer: options around the company's maturity (0–1), numbers inside the item's range
    (each item type's ``demo_answer``)."""
    value = kind_of(item).demo_answer(item, rng, maturity)
    if item.evidence:
        evidence = {f.id: evidence_kind_of(f).demo_value(f, rng, maturity) for f in item.evidence}
        value = {"value": value, "evidence": evidence}
    return value


def fill_in(assessment: Any, user: User, rng: random.Random, maturity: float, share: float = 1.0) -> int:
    """Answer `share` of the visible items of a draft plausibly (the demo seed, the benchmarks); returns
    how many were answered. Which items are left open is chosen at random."""
    import questionnaires
    from portal.assessments import saving
    from portal.assessments import services as assessments

    instrument = assessments.instrument_of(assessment)
    answers = {item.id: _demo_answer(item, rng, maturity) for item in instrument.items}
    visible = questionnaires.visible_items(instrument, answers, assessment.company.cluster)
    chosen = visible if share >= 1 else [item for item in visible if rng.random() < share]
    changes = [saving.Change(item.id, answers[item.id], None) for item in chosen]
    saving.save(assessment.id, changes, user)
    return len(changes)


def _submit_demo(company: Company, user: User, rng: random.Random, maturity: float) -> Any:
    from portal.assessments import services as assessments

    assessment = assessments.start(company, DEMO_INSTRUMENT, user)
    fill_in(assessment, user, rng, maturity)
    assessments.submit(assessment, user, attested=True)
    return assessment


def demo_submitted_assessment() -> Any:
    """The demo company's latest submitted assessment. Seeds the demo data first if needed, and gives every
    demo company someone can sign in as its engine-scored submissions (`submit_for_demo_members`)."""
    from portal.models import Assessment, AssessmentStatus

    seed()
    submit_for_demo_members()
    company = db.session.scalar(sa.select(Company).where(Company.name == DEMO_COMPANY_NAME))
    if company is None:
        raise click.ClickException(f"demo company {DEMO_COMPANY_NAME} not found")
    latest = db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.company_id == company.id,
            Assessment.instrument_id == DEMO_INSTRUMENT,
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Assessment.submitted_at.desc())
        .limit(1)
    )
    if latest is None:
        raise click.ClickException(f"demo company {DEMO_COMPANY_NAME} has no demo member to submit as")
    return latest


def submit_for_demo_members() -> int:
    """Give every company a demo account belongs to, and that has no submitted assessment yet, real
    submissions: answered plausibly, then submitted through the same code path as a user's submission,
    so the stored result is the scoring engine's (result page, API and PDF all work for them).

    Only companies of the demo accounts: `flask report render --demo` may run on a real database.
    Returns the number of assessments submitted."""
    from portal.models import Assessment, AssessmentStatus

    demo_emails = [account.email for account in DEMO_ACCOUNTS]
    with_demo_member = sa.select(User.company_id).where(User.email.in_(demo_emails))
    submitted = sa.select(Assessment.company_id).where(Assessment.status == AssessmentStatus.SUBMITTED)
    companies = db.session.scalars(
        sa.select(Company)
        .where(Company.id.in_(with_demo_member), Company.id.not_in(submitted))
        .order_by(Company.id)
    ).all()
    count = 0
    for company in companies:
        member = db.session.scalar(
            sa.select(User)
            .where(User.company_id == company.id, User.email.in_(demo_emails))
            .order_by(User.is_company_admin.desc(), User.id)
            .limit(1)
        )
        if member is None:  # pragma: no cover — selected above for having one
            continue
        if company.name == DEMO_COMPANY_NAME:
            # two submissions: the result page's and the report's comparison need an earlier, less mature one
            rng = random.Random(20261)  # noqa: S311 — reproducible demo data, not security
            maturities: tuple[float, ...] = (0.35, 0.6)
        else:
            rng = random.Random(company.credit_code)  # noqa: S311 — reproducible demo data, not security
            maturities = (0.5,)
        for maturity in maturities:
            _submit_demo(company, member, rng, maturity=maturity)
            count += 1
    return count
