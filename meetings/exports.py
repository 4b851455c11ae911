"""A table as a file: CSV or a spreadsheet (openpyxl), the same cells in both, numbers as
numbers. Used by the dashboards' downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def tabular_response(
    header: Sequence[str], rows: Iterable[Sequence], *, fmt: str, name: str
) -> HttpResponse:
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        sheet.append(list(header))
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
        sheet.freeze_panes = "B2"
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response
