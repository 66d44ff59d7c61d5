"""The barometer as CSV: exactly the rows the page's table shows for the same filters (a hidden
figure is a row that says why, with no numbers). The page and the API write it the same way."""

from __future__ import annotations

import csv
from typing import Any

from klyngekart.barometer import selectors

CSV_COLUMNS = (
    "year",
    "area",
    "area_name",
    "dimension",
    "value",
    "value_name",
    "shown",
    "hidden_reason",
    "answers",
    "companies",
    "clusters",
    "mean_gap",
    "need_share",
)


def write_csv(response: Any, rows: list[selectors.Row]) -> None:
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row.as_dict()
        writer.writerow(["" if data[column] is None else data[column] for column in CSV_COLUMNS])
