"""Demo data for the provider feature: the demo provider's profile, a recognition and a small catalogue
from several providers, so result pages show matched solutions out of the box (`flask seed-demo`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ProviderOrg, Recognition, Solution
from portal.providers import services
from scoring.reference import credit_code

_BASE = {"all_clusters": True, "clusters": [], "deployments": ["public"], "support_listed": False}

DEMO_SOLUTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "demo",
        {
            "name": "哑设备联网与设备上云快线",
            "summary": (
                "加装传感器与采集网关，两周内把关键设备运行数据接入工业互联网平台，支撑设备运维和生产计划。"
            ),
            "modules": ["equip", "cloud", "data"],
            "cloud_kinds": ["cloud_equipment"],
            "actions": ["cloud_equipment_dumb_devices", "cloud_equipment_realtime", "data_auto_collection"],
            "sizes": ["micro", "small", "medium"],
            "price_band": "5-20",
            "duration": "1-3m",
            "support_listed": True,
            "support_note": "揭阳市中小型制造企业“上云上平台”产品目录（金属制品）",
            "all_clusters": False,
            "clusters": ["c05", "c12"],
        },
    ),
    (
        "demo",
        {
            "name": "五金行业轻量 MES",
            "summary": "面向五金、不锈钢制品企业的生产报工、工单与质量追溯，SaaS 部署，按年订阅。",
            "modules": ["software", "platform"],
            "cloud_kinds": ["cloud_operations"],
            "actions": ["software_mes_erp"],
            "sizes": ["small", "medium"],
            "price_band": "subscription",
            "duration": "1-3m",
            "deployments": ["public", "private"],
        },
    ),
    (
        "other",
        {
            "name": "中小企业云上进销存与财务一体化",
            "summary": "财务、进销存、CRM 上云，数据打通，适合快速起步。",
            "modules": ["cloud", "software"],
            "cloud_kinds": ["cloud_operations", "cloud_supply_chain"],
            "actions": ["cloud_operations_saas", "cloud_supply_chain_collab"],
            "sizes": ["micro", "small"],
            "price_band": "lt5",
            "duration": "lt1m",
        },
    ),
    (
        "other",
        {
            "name": "企业内网改造与 5G 专网",
            "summary": "工厂内网升级、5G 行业专网与边缘计算部署。",
            "modules": ["net"],
            "cloud_kinds": [],
            "actions": ["net_intranet_upgrade", "net_5g_core_links"],
            "sizes": ["small", "medium", "large"],
            "price_band": "50-200",
            "duration": "3-6m",
            "deployments": ["on_prem"],
        },
    ),
)


def seed_catalogue(demo_org: ProviderOrg) -> int:
    """Fill the demo provider's profile and add the demo catalogue (idempotent); returns solutions added."""
    if db.session.scalar(sa.select(sa.func.count(Solution.id))):
        return 0
    demo_org.cities_served = ["揭阳市", "汕头市", "潮州市", "梅州市"]
    demo_org.service_types = ["platform", "cloud", "integration", "consulting"]
    demo_org.contact_name = "周敏"
    demo_org.description = "面向粤东制造业的工业互联网平台与数字化改造服务商。"
    db.session.add(Recognition(org_id=demo_org.id, kind="resource_pool", title="2022 年入池", year=2022))
    other = ProviderOrg(
        name="梅州云智数字科技有限公司",
        credit_code=credit_code.with_check_char("91441400MA56KD3R1"),
        city="梅州市",
        contact_phone="0753-2666000",
        cities_served=["梅州市", "河源市", "揭阳市"],
        service_types=["cloud", "software", "5g"],
    )
    db.session.add(other)
    db.session.commit()
    orgs = {"demo": demo_org, "other": other}
    for owner, data in DEMO_SOLUTIONS:
        services.save_solution(orgs[owner], {**_BASE, **data})
    return len(DEMO_SOLUTIONS)
