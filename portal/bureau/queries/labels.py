"""Names shown for the dashboard's categories, and the counting rule stated on every page and export."""

from __future__ import annotations

from typing import Final

SIZE_CLASSES: Final = ("large", "medium", "small", "micro")
SIZE_NAMES: Final = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "": "未划型"}
LEVEL_NAMES: Final = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
MIIT_NAMES: Final = {0: "未达一级", 1: "一级", 2: "二级", 3: "三级", 4: "四级"}
FIVEG_NAMES: Final = {"none": "未达产线级", "line": "产线级", "workshop": "车间级", "factory": "工厂级"}
CLOUD_KINDS: Final = {
    "cloud_equipment": "设备上云",
    "cloud_rnd": "研发上云",
    "cloud_supply_chain": "供应链上云",
    "cloud_operations": "运营管理上云",
}
COUNTING_RULE_ZH: Final = (
    "计数规则：按评估提交日期（北京时间）计入月份/季度；每家企业在每个期间只按其该期间内最近一次已提交评估计一次"
    "（成熟度等级、上云上平台、5G 来自 gd-mfg-dt 评估，工信部等级来自 miit-sme-digital 评估）；"
    "未选时间范围时为各企业最近一次评估。少于 5 家企业的单元格显示为“<5”，由其推算的比例显示为“—”。"
)
COUNTING_RULE_EN: Final = (
    "Counting rule: assessments count in the month/quarter of their submission date (China time); each "
    "company counts once per period, with its latest submitted assessment in that period (maturity level, "
    "cloud/platform and 5G from gd-mfg-dt, MIIT level from miit-sme-digital); without a date range, each "
    "company's latest assessment. Cells of fewer than 5 companies show '<5'; shares derived from them '—'."
)
