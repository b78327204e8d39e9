"""CSV and Excel exports of the dashboard: the very tables `queries.summary` gives the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.bureau.queries import COUNTING_RULE_ZH, Table


def _meta(scope: str, filters: dict[str, Any]) -> list[list[Any]]:
    described = ", ".join(f"{k}={v}" for k, v in filters.items()) or "无（全部）"
    return [["辖区", scope], ["筛选条件", described], ["计数规则", COUNTING_RULE_ZH]]


def to_csv(tables: Sequence[Table], scope: str, filters: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _meta(scope, filters):
        writer.writerow(row)
    for table in tables:
        writer.writerow([])
        writer.writerow([f"# {table.key}", table.title])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def to_xlsx(tables: Sequence[Table], scope: str, filters: dict[str, Any]) -> bytes:
    book = Workbook()
    info = book.active
    info.title = "说明"
    for row in _meta(scope, filters):
        info.append(row)
    info.column_dimensions["B"].width = 100
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
