# ruff: noqa: E501 — generator tables are data
"""`flask seed-scale --companies N`: a synthetic population for load tests and demos of the dashboards.

What it writes, directly and in bulk (PostgreSQL COPY through psycopg; executemany on SQLite):
companies → submitted assessments (1–5 per assessed company between 2023-12 and 2026-11) → one
AssessmentResult row each → pipeline rows (bureau_program_status, marked synthetic) → then
`aggregates.rebuild_all()`.

The results are **synthetic**: plausible maturity level/score, 上云/上平台 kinds, 5G tier and MIIT level
drawn from distributions that improve with company size, the city's region and time. The scoring engine
is NOT run for these rows (it would take hours for 100k companies); result JSON says
`{"synthetic": true}` and engine_version is "synthetic".

Cities are weighted by the approximate distribution of Guangdong's above-designated-size manufacturers
(深圳/东莞/佛山 largest, then 广州/中山/江门/惠州 …; our rounded estimate, not an official table);
districts follow a Zipf-like weight within the city; clusters and size classes have fixed weights.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa

from portal.bureau import aggregates
from portal.bureau.bulk import Writer
from portal.bureau.models import BureauProgramStatus
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, Company
from scoring.reference import credit_code, industries, regions

CITY_WEIGHTS: Final = {
    "深圳市": 13.0, "东莞市": 12.5, "佛山市": 10.0, "广州市": 6.5, "中山市": 5.0, "江门市": 4.0, "惠州市": 3.5,
    "汕头市": 2.6, "肇庆市": 1.7, "珠海市": 1.5, "揭阳市": 1.4, "清远市": 1.1, "潮州市": 1.0, "湛江市": 0.9,
    "茂名市": 0.8, "梅州市": 0.8, "韶关市": 0.7, "阳江市": 0.6, "河源市": 0.6, "云浮市": 0.5, "汕尾市": 0.3,
}  # fmt: skip
SIZE_WEIGHTS: Final = {"micro": 0.42, "small": 0.40, "medium": 0.14, "large": 0.04}
SIZE_BOOST: Final = {"micro": -0.35, "small": 0.0, "medium": 0.45, "large": 0.9}
START: Final = datetime(2023, 12, 1, tzinfo=UTC)
END: Final = datetime(2026, 11, 20, tzinfo=UTC)
# Synthetic submissions end before 2025.2 was published (December 2026), so they are pinned to 2025.1 with its
# hash (looked up per id@version: the lock holds every published version).
GD: Final = ("gd-mfg-dt", "2025.1")
MIIT: Final = ("miit-sme-digital", "2024")
PROGRAMS: Final = (
    # (id, name, base eligible probability, needs_info probability, award range 万元 or None, min level)
    ("gd_sme_dt_pilot_digital_level", "中小企业数字化转型城市试点——数字化水平达到二级及以上", 0.0, 0.0, None, 0),
    ("gd_techreform_equipment_post_award", "先进制造业发展专项资金（企业技术改造）——企业技术改造设备事后奖励",
     0.06, 0.08, (40, 600), 2),
    ("gd_dt_benchmark_2022", "2022年省级促进经济高质量发展专项资金制造业数字化转型标杆示范项目", 0.15, 0.05, (100, 300), 4),
    ("gd_zjtx_sme", "广东省专精特新中小企业", 0.05, 0.10, None, 2),
    ("miit_zjtx_little_giant_batch3", "专精特新“小巨人”企业（第三批）", 0.01, 0.02, None, 3),
    ("gd_inclusive_mfg_investment_award", "先进制造业发展专项资金（普惠性制造业投资奖励）", 0.0, 0.05, None, 0),
)  # fmt: skip
_CODE_CHARS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_NAMES: Final = [
    "宏达",
    "鸿运",
    "金源",
    "汇通",
    "兴业",
    "南粤",
    "东方",
    "金利",
    "立信",
    "伟业",
    "盛世",
    "华丰",
    "永成",
    "联创",
    "恒信",
    "嘉和",
    "瑞丰",
    "新锐",
    "粤海",
    "中联",
]
_TRADES: Final = [
    "五金制品",
    "电子科技",
    "精密机械",
    "纺织服装",
    "塑胶制品",
    "新材料",
    "智能装备",
    "食品",
    "家具",
    "电器",
    "化工",
    "汽车零部件",
    "医疗器械",
    "模具",
    "照明",
]

COMPANY_COLUMNS: Final = (
    "id", "name", "credit_code", "city", "district", "industry_section", "industry_division", "cluster",
    "founded_year", "employees", "revenue_wan", "total_assets_wan", "size_class", "bureau_sharing",
    "bureau_sharing_changed_at", "created_at", "updated_at",
)  # fmt: skip
ASSESSMENT_COLUMNS: Final = (
    "id", "company_id", "instrument_id", "instrument_version", "instrument_hash", "status", "created_at",
    "updated_at", "submitted_at", "attestation",
)  # fmt: skip
RESULT_COLUMNS: Final = (
    "id", "assessment_id", "engine_version", "answers_hash", "computed_at", "result", "overall_score",
    "overall_level", "miit_points", "miit_level", "on_cloud", "on_platform", "cloud_equipment", "cloud_rnd",
    "cloud_supply_chain", "cloud_operations", "fiveg_tier",
)  # fmt: skip
PROGRAM_COLUMNS: Final = (
    "company_id", "program", "name_zh", "name_en", "status", "estimated_award_wan", "gaps", "computed_at", "synthetic",
)  # fmt: skip


@dataclass
class Report:
    companies: int = 0
    assessments: int = 0
    results: int = 0
    pipeline: int = 0
    seconds_generate: float = 0.0
    seconds_aggregate: float = 0.0

    @property
    def companies_per_second(self) -> float:
        return self.companies / self.seconds_generate if self.seconds_generate else 0.0


def _hashes() -> dict[str, str]:
    from questionnaires.storage import DEFINITIONS_DIR

    lock: dict[str, str] = json.loads((DEFINITIONS_DIR / "published.lock.json").read_text())
    return lock


def _next_id(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, not security
        self.cities = list(CITY_WEIGHTS)
        self.city_w = list(CITY_WEIGHTS.values())
        self.districts = {c: [d.name_zh for d in regions.districts(c)] for c in self.cities}
        self.district_w = {
            c: [1 / (i + 1) ** 0.8 for i in range(len(ds))] for c, ds in self.districts.items()
        }
        self.clusters = [c.id for c in industries.clusters()]
        self.cluster_w = [3.0 if i < 10 else 1.0 for i in range(len(self.clusters))]  # 支柱 clusters larger
        self.region_boost = {
            c: 0.35 if regions.region_group(c).value != "ewn_12" else -0.15 for c in self.cities
        }
        self.hashes = _hashes()
        self.tag = "".join(self.rng.choice(_CODE_CHARS) for _ in range(3))

    def company(self, cid: int, now: datetime) -> dict[str, Any]:
        rng = self.rng
        city = rng.choices(self.cities, self.city_w)[0]
        district = (
            rng.choices(self.districts[city], self.district_w[city])[0] if self.districts[city] else None
        )
        size = rng.choices(list(SIZE_WEIGHTS), list(SIZE_WEIGHTS.values()))[0]
        employees = {"micro": (3, 19), "small": (20, 299), "medium": (300, 999), "large": (1000, 5000)}[size]
        staff = rng.randint(*employees)
        revenue = Decimal(round(staff * rng.uniform(20, 120), 2))
        body = f"91{self.tag}{cid:012d}"[:17]
        sharing = rng.random() < 0.7
        return {
            "id": cid,
            "name": f"{city.removesuffix('市')}{rng.choice(_NAMES)}{rng.choice(_TRADES)}{cid}有限公司",
            "credit_code": credit_code.with_check_char(body),
            "city": city,
            "district": district,
            "industry_section": "C",
            "industry_division": str(rng.randint(13, 43)),
            "cluster": rng.choices(self.clusters, self.cluster_w)[0],
            "founded_year": rng.randint(1990, 2022),
            "employees": staff,
            "revenue_wan": revenue,
            "total_assets_wan": Decimal(round(float(revenue) * rng.uniform(0.5, 1.5), 2)),
            "size_class": size,
            "bureau_sharing": sharing,
            "bureau_sharing_changed_at": now if sharing else None,
            "created_at": START - timedelta(days=rng.randint(0, 400)),
            "updated_at": now,
        }

    def submissions(self, company: dict[str, Any]) -> Iterator[tuple[str, datetime, dict[str, Any]]]:
        rng = self.rng
        if rng.random() < 0.15:  # registered, never assessed
            return
        n = rng.choices([1, 2, 3, 4, 5], [0.35, 0.3, 0.2, 0.1, 0.05])[0]
        span = (END - START).total_seconds()
        moments = sorted(START + timedelta(seconds=rng.random() * span) for _ in range(n))
        ability = rng.gauss(0, 0.8) + SIZE_BOOST[company["size_class"]] + self.region_boost[company["city"]]
        for moment in moments:
            years = (moment - START).days / 365
            instrument = GD[0] if rng.random() < 0.8 else MIIT[0]
            yield instrument, moment, self.result(instrument, ability + 0.25 * years)

    def result(self, instrument: str, ability: float) -> dict[str, Any]:
        rng = self.rng
        score = max(1.0, min(99.0, 30 + 16 * ability + rng.gauss(0, 8)))
        out: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS[6:])
        if instrument == GD[0]:
            level = min(5, int(score // 20) + 1)
            kinds = [rng.random() < min(0.95, 0.12 + score / 110) for _ in range(4)]
            tier_roll = score + rng.gauss(0, 10)
            tier = (
                "factory"
                if tier_roll > 85
                else "workshop"
                if tier_roll > 70
                else "line"
                if tier_roll > 55
                else "none"
            )
            out.update(
                overall_score=Decimal(f"{score:.2f}"),
                overall_level=level,
                on_cloud=any(kinds),
                on_platform=any(kinds) and rng.random() < 0.25 + score / 200,
                cloud_equipment=kinds[0],
                cloud_rnd=kinds[1],
                cloud_supply_chain=kinds[2],
                cloud_operations=kinds[3],
                fiveg_tier=tier,
            )
        else:
            points = max(0.0, min(100.0, score + rng.gauss(0, 6)))
            out.update(
                miit_points=Decimal(f"{points:.3f}"),
                miit_level=min(4, int(points // 20)) if points >= 20 else 0,
            )
        return out

    def pipeline(
        self, company: dict[str, Any], level: int | None, miit: int | None, now: datetime
    ) -> list[dict[str, Any]]:
        rng = self.rng
        rows = []
        for program, name, p_ok, p_info, award, min_level in PROGRAMS:
            if program == "gd_sme_dt_pilot_digital_level":
                status = "eligible" if miit is not None and miit >= 2 else None
            else:
                roll = rng.random()
                ok = (level or 0) >= min_level and roll < p_ok * (
                    1.5 if company["size_class"] != "micro" else 0.5
                )
                status = "eligible" if ok else "needs_info" if roll > 1 - p_info else None
            if status is None:
                continue
            amount = Decimal(rng.randint(*award)) if award and status == "eligible" else None
            gaps = [] if status == "eligible" else [{"field": "rd_expense_ratio", "missing": True}]
            rows.append(
                {
                    "company_id": company["id"], "program": program, "name_zh": name, "name_en": "",
                    "status": status, "estimated_award_wan": amount, "gaps": gaps, "computed_at": now,
                    "synthetic": True,
                }
            )  # fmt: skip
        return rows


def seed(n_companies: int, seed_value: int = 2026, rebuild: bool = True) -> Report:
    """Append `n_companies` synthetic companies with assessments and results, then rebuild aggregates."""
    report = Report()
    started = time.perf_counter()
    gen = Generator(seed_value + _next_id(Company))
    now = datetime.now(UTC)
    company_id, assessment_id, result_id = _next_id(Company), _next_id(Assessment), _next_id(AssessmentResult)
    never = 10**12  # flushed together below, parents first, so foreign keys always hold
    writers = {
        "companies": Writer(Company.__table__, COMPANY_COLUMNS, never),
        "assessments": Writer(Assessment.__table__, ASSESSMENT_COLUMNS, never),
        "results": Writer(AssessmentResult.__table__, RESULT_COLUMNS, never),
        "pipeline": Writer(BureauProgramStatus.__table__, PROGRAM_COLUMNS, never),
    }
    synthetic = {"synthetic": True}
    for _ in range(n_companies):
        company = gen.company(company_id, now)
        writers["companies"].add([company])
        level = miit = None
        for instrument, moment, fields in gen.submissions(company):
            version = GD[1] if instrument == GD[0] else MIIT[1]
            writers["assessments"].add(
                [
                    {
                        "id": assessment_id, "company_id": company_id, "instrument_id": instrument,
                        "instrument_version": version, "instrument_hash": gen.hashes.get(f"{instrument}@{version}", ""),
                        "status": "SUBMITTED", "created_at": moment - timedelta(days=3), "updated_at": moment,
                        "submitted_at": moment, "attestation": "synthetic (seed-scale)",
                    }
                ]
            )  # fmt: skip
            answers_hash = hashlib.sha256(f"{assessment_id}".encode()).hexdigest()
            row = {"id": result_id, "assessment_id": assessment_id, "engine_version": "synthetic",
                   "answers_hash": answers_hash, "computed_at": moment, "result": synthetic, **fields}  # fmt: skip
            writers["results"].add([row])
            level = fields["overall_level"] if fields["overall_level"] is not None else level
            miit = fields["miit_level"] if fields["miit_level"] is not None else miit
            report.assessments += 1
            report.results += 1
            assessment_id += 1
            result_id += 1
        if level is not None or miit is not None:
            report.pipeline += writers["pipeline"].add(gen.pipeline(company, level, miit, now))
        company_id += 1
        report.companies += 1
        if report.companies % 5000 == 0 or report.companies == n_companies:
            for name in ("companies", "assessments", "results", "pipeline"):
                writers[name].flush()
    _reset_sequences()
    aggregates.analyze("companies", "assessments", "assessment_results", "bureau_program_status")
    db.session.commit()
    report.seconds_generate = time.perf_counter() - started
    if rebuild:
        started = time.perf_counter()
        aggregates.rebuild_all()
        report.seconds_aggregate = time.perf_counter() - started
    return report


def _reset_sequences() -> None:
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("companies", "assessments", "assessment_results"):
        db.session.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 — fixed names
        )
