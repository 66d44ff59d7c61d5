"""Export the filtered directory as CSV, XLSX or JSON, in the importer's canonical columns, so an
export can be edited and imported again (docs/landscape-import.md)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from klyngekart.core.spreadsheets import csv_text, xlsx_cell
from klyngekart.landscape.models import ClusterProfile, TagKind

COLUMNS = [
    "name", "acronym", "country", "region", "nuts", "city", "website", "founded", "programme",
    "programme_level", "label", "label_valid_until", "sectors", "emerging_industries",
    "technology_areas", "members_sme", "members_large", "members_research", "members_public",
    "management_fte", "description", "source", "record_date", "fictional",
]  # fmt: skip
_SECTOR_KINDS = {TagKind.CATEGORY, TagKind.NACE, TagKind.SECTOR_TAG}


def _records(profiles: QuerySet[ClusterProfile]) -> Iterator[dict[str, Any]]:
    for profile in profiles.prefetch_related("tags").iterator(chunk_size=500):
        tags = list(profile.tags.all())
        record: dict[str, Any] = {name: getattr(profile, name, None) for name in COLUMNS}
        record["sectors"] = [
            f"NACE {tag.code}" if tag.kind == TagKind.NACE else tag.code
            for tag in tags
            if tag.kind in _SECTOR_KINDS
        ]
        record["emerging_industries"] = [tag.code for tag in tags if tag.kind == TagKind.EMERGING]
        record["technology_areas"] = [tag.code for tag in tags if tag.kind == TagKind.AREA]
        yield record


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return ""
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def export_csv(profiles: QuerySet[ClusterProfile]) -> bytes:
    """UTF-8 with BOM and semicolons: Norwegian Excel opens it as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in _records(profiles):
        row = []
        for name in COLUMNS:
            value = _cell(record[name])
            if isinstance(value, datetime.date):
                value = value.isoformat()
            row.append(csv_text(value) if isinstance(value, str) else value)
        writer.writerow(row)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def export_xlsx(profiles: QuerySet[ClusterProfile]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("clusters")
    sheet.append([xlsx_cell(sheet, name) for name in COLUMNS])
    for record in _records(profiles):
        sheet.append([xlsx_cell(sheet, _cell(record[name])) for name in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_json(profiles: QuerySet[ClusterProfile]) -> bytes:
    items = [{name: _json_value(record[name]) for name in COLUMNS} for record in _records(profiles)]
    return json.dumps({"clusters": items}, ensure_ascii=False, indent=1).encode("utf-8")
