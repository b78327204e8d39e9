"""CSV and Excel exports of the dashboard: the very tables `queries.summary` gives the page.

Counts and shares are stored as numbers (Excel: number formats, shares as percentages); a suppressed
("<5") or undefined ("—") cell is left empty and each table says so in a note; every rate names its
denominator in its column header; file names carry the jurisdiction, the filters and the date.

The company list comes as streamed CSV (`company_list_csv`) and as an Excel file written by the job
queue a batch at a time (`company_list_xlsx`, portal/bureau/company_export.py).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from portal.bureau.disclosure import is_number
from portal.bureau.queries import Table, cluster_name, counting_rule
from portal.bureau.queries.labels import SIZE_NAMES, city_name, district_name
from portal.bureau.queries.tables import COUNT, MONEY, SHARE

CHINA = ZoneInfo("Asia/Shanghai")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMATS = {COUNT: "#,##0", SHARE: "0.0%", MONEY: "#,##0"}
_INVALID_SHEET = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _value(value: Any, kind: str) -> Any:
    """The cell as stored in a file: numbers stay numbers; "<5" and "—" become empty."""
    if kind in _FORMATS:
        return value if is_number(value) or isinstance(value, float | Decimal) else None
    if is_number(value) or value is None:
        return value
    return str(value)


def _kinds(table: Table) -> list[str]:
    return table.kinds or ["text"] * len(table.columns)


def describe_filters(args: dict[str, str]) -> str:
    parts = []
    for name, value in args.items():
        if name == "city":
            parts.append(city_name(value))
        elif name == "cluster":
            parts.append(cluster_name(value))
        elif name == "size_class":
            parts.append(str(SIZE_NAMES.get(value, value)))
        elif name in ("from", "to"):
            parts.append(f"{_('起') if name == 'from' else _('止')} {value}")
        else:
            parts.append(value)
    return "，".join(parts) if parts else _("无（全部）")


def _meta(scope: str, args: dict[str, str]) -> list[list[Any]]:
    return [
        [_("辖区"), scope],
        [_("筛选条件"), describe_filters(args)],
        [_("导出时间（北京时间）"), datetime.now(CHINA).strftime("%Y-%m-%d %H:%M")],
        [_("计数规则"), counting_rule()],
        [_("空白单元格"), _("少于 5 家企业（为保护企业信息不显示），或分母为零/不显示时的比例。")],
    ]


def filename(scope: str, args: dict[str, str], ext: str, title: str = "") -> str:
    """e.g. 揭阳市_数字化转型统计_2026-12-06.xlsx; filtered: 揭阳市_先进材料_小型_2024-01至2025-06_…"""
    parts = [scope.replace(" ", "")]
    shown = {
        "city": city_name(args.get("city", "")),
        "district": district_name(args.get("city", ""), args.get("district", "")),
        "cluster": cluster_name(args.get("cluster", "")),
        "size_class": str(SIZE_NAMES.get(args.get("size_class", ""), "")) if args.get("size_class") else "",
    }
    parts += [value for value in shown.values() if value and value.replace(" ", "") not in parts[0]]
    if "from" in args or "to" in args:
        parts.append(f"{args.get('from', '')}{_('至')}{args.get('to', '')}")
    parts += [title or _("数字化转型统计"), datetime.now(CHINA).strftime("%Y-%m-%d")]
    name = "_".join(p for p in parts if p).replace("/", "-").replace("\\", "-")
    return f"{name}.{ext}"


def content_disposition(name: str) -> str:
    """An attachment header with an ASCII fallback and the real name RFC 5987-encoded."""
    stem, _dot, ext = name.rpartition(".")
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in stem)
    return f"attachment; filename=\"{fallback or 'export'}.{ext}\"; filename*=UTF-8''{quote(name, safe='')}"


def to_csv(tables: Sequence[Table], scope: str, args: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_meta(scope, args))
    for table in tables:
        kinds = _kinds(table)
        writer.writerow([])
        writer.writerow([f"# {table.key}", table.title])
        writer.writerow(table.columns)
        for row in table.rows:
            values = [_value(c, k) for c, k in zip(row, kinds, strict=True)]
            writer.writerow(
                [
                    "" if v is None else (f"{v:.1%}" if k == SHARE else v)
                    for v, k in zip(values, kinds, strict=True)
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def company_list_csv(
    rows: Iterable[dict[str, Any]], withheld: bool, scope: str, args: dict[str, str]
) -> Iterator[str]:
    """The consenting companies of the selection as CSV text, a line at a time (streamed to the reader)."""
    out = io.StringIO()
    writer = csv.writer(out)

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerows(_meta(scope, args))
    writer.writerows(_list_notes(withheld))
    writer.writerow([])
    writer.writerow(company_headers())
    yield "\ufeff" + flush()  # BOM: Excel opens UTF-8 CSV correctly
    cells = company_cells()
    for row in rows:
        writer.writerow(["" if v is None else v for v in cells(row)])
        yield flush()


def company_list_xlsx(
    batches: Iterable[list[dict[str, Any]]],
    withheld: bool,
    scope: str,
    args: dict[str, str],
    progress: Callable[[int], None],
) -> bytes:
    """The consenting companies of the selection as an Excel workbook, written a batch at a time by the
    export job (portal/bureau/company_export.py). Write-only mode: openpyxl streams each row to a
    temporary file instead of keeping the sheet's cells, so memory stays flat however long the list;
    `progress(rows written)` after each batch."""
    book = Workbook(write_only=True)
    info = book.create_sheet(_("说明"))
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    for note in [*_meta(scope, args), *_list_notes(withheld)]:
        info.append(note)
    sheet = book.create_sheet(_sheet_name(_("企业名单"), {info.title}))
    sheet.column_dimensions["A"].width = 36
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, header, bold) for header in company_headers()])
    done, cells = 0, company_cells()
    for batch in batches:
        for company in batch:
            sheet.append(cells(company))
        done += len(batch)
        progress(done)
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        return out.read()


def _bold_cell(sheet: Any, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _list_notes(withheld: bool) -> list[list[str]]:
    """What a company list says about itself: whose names it carries, and why it may be empty."""
    notes = [[_("名单范围"), _("仅列出同意向主管部门共享信息的企业。")]]
    if withheld:
        notes.append(
            [
                _("名单"),
                _("本筛选范围内未同意共享的企业少于 5 家：名单暂不显示，以免由汇总数推算出这些企业。"),
            ]
        )
    return notes


def company_headers() -> list[str]:
    return [c for c, _key in _company_columns()]


def company_cells() -> Callable[[dict[str, Any]], list[Any]]:
    """How a company of the list becomes file cells (yes/no in words, no result left empty): the words
    are looked up once per file, not once per row (a gettext call costs more than writing the row)."""
    keys = [key for _c, key in _company_columns()]
    yes, no = _("是"), _("否")

    def cells(row: dict[str, Any]) -> list[Any]:
        values = [row[key] for key in keys]
        return [(yes if v else no) if isinstance(v, bool) else v for v in values]

    return cells


def _company_columns() -> list[tuple[str, str]]:
    return [
        (_("企业"), "name"),
        (_("城市"), "city"),
        (_("区县"), "district"),
        (_("集群"), "cluster"),
        (_("规模"), "size_class"),
        (_("评估月份"), "month"),
        (_("成熟度"), "level"),
        (_("上云"), "on_cloud"),
        (_("上平台"), "on_platform"),
        ("5G", "fiveg"),
        (_("工信部等级"), "miit_level"),
    ]


def _sheet_name(title: str, taken: set[str]) -> str:
    base = title.translate(_INVALID_SHEET).split("（")[0][:28] or "Sheet"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]} {n}", n + 1
    taken.add(name)
    return name


def to_xlsx(tables: Sequence[Table], scope: str, args: dict[str, str]) -> bytes:
    book = Workbook()
    info = book.active
    info.title = _("说明")
    for row in _meta(scope, args):
        info.append(row)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    for cell in info["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    taken = {info.title}
    for table in tables:
        kinds = _kinds(table)
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
        blanks = False
        for row in table.rows:
            values = [_value(c, k) for c, k in zip(row, kinds, strict=True)]
            blanks = blanks or any(v is None and k in _FORMATS for v, k in zip(values, kinds, strict=True))
            sheet.append(values)
            for cell, kind in zip(sheet[sheet.max_row], kinds, strict=True):
                if kind in _FORMATS:
                    cell.number_format = _FORMATS[kind]
        if blanks:
            sheet.append([])
            sheet.append([_("空白：少于 5 家企业，为保护企业信息不显示（或比例无法计算）。")])
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
