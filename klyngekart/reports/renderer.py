"""Lays a report out as a PDF in a child process: its charts (Vega-Lite -> SVG by vl-convert) and
the typst compile.

Why a child process: typst memoizes the layout of every document it compiles and keeps it for
the next ten compiles (about 35 MB per cluster-scale needs report), and vl-convert keeps a V8
engine (about 70 MB) for the life of the process. In a report worker both would stay resident and
grow; in a child that exits after one document they are given back at once. The child is started
before the figures are computed (``Renderer()``), so the chart engine's cold start (0.5-1 s)
runs on the other core while the parent reads the database.

The child gets one JSON request on stdin and writes the PDF to stdout. This file imports nothing
from Django or the project, so the child starts in tens of milliseconds. The request holds only
the ready-made strings of a report, in which the k rules have already been applied.

Charts: any JSON object ``{"vega_lite": spec}`` in the data is replaced by the chart as an SVG
string ("" for a chart without data) before the template reads it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

FONTS = Path(__file__).resolve().parent / "fonts"
CHART_WIDTH = 480
CHART_FONT = "Inter"
# A report that takes longer than this is stuck, not slow: the child is killed.
TIMEOUT = 300
CHART = "vega_lite"


class RenderError(RuntimeError):
    """The child process could not lay the report out."""


def chart_svg(spec: dict[str, Any]) -> str:
    """A page's chart as SVG: a fixed width instead of the container's, and the report's font."""
    if not spec.get("data", {}).get("values"):
        return ""
    import vl_convert

    printable = {**spec, "width": CHART_WIDTH}
    printable["config"] = {**spec.get("config", {}), "font": CHART_FONT}
    return str(vl_convert.vegalite_to_svg(printable))


def chart(spec: dict[str, Any]) -> dict[str, Any]:
    """A chart for the data of a report: the child turns it into SVG."""
    return {CHART: spec}


def with_svg_charts(value: Any) -> Any:
    """``value`` with every chart (``chart(spec)``) replaced by its SVG."""
    if isinstance(value, dict):
        if set(value) == {CHART}:
            return chart_svg(value[CHART])
        return {key: with_svg_charts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_svg_charts(item) for item in value]
    return value


def compile_pdf(template: Path, data: dict[str, Any]) -> bytes:
    """The PDF of a typst template that reads ``data.json`` (charts already SVG)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="kk-report-") as folder:
        root = Path(folder)
        (root / "main.typ").write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = typst.compile(
            str(root / "main.typ"), root=str(root), font_paths=[str(FONTS)], ignore_system_fonts=True
        )
    return bytes(result)


def _warm_up() -> None:
    """Start the chart engine (V8 and Vega) while the parent is still computing the figures."""
    # A chart like the reports' own (text labels, axis titles, the report's font): a bare mark
    # would leave the text measuring and font loading to the first real chart.
    chart_svg(
        {
            "data": {"values": [{"label": "Kompetanse", "value": 1.5}, {"label": "Område", "value": 2}]},
            "mark": {"type": "bar", "cornerRadiusEnd": 3},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "title": None},
                "x": {"field": "value", "type": "quantitative", "title": "Gap", "axis": {"format": ".1f"}},
            },
        }
    )


def main() -> None:
    _warm_up()
    request = json.load(sys.stdin.buffer)
    pdf = compile_pdf(Path(request["template"]), with_svg_charts(request["data"]))
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()


class Renderer:
    """One child process that lays out one PDF. Start it as early as possible; use it as a context
    manager so the child is ended when the report fails before it is rendered."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            # -P: not this folder first on the path, where selectors.py would hide the standard one.
            [sys.executable, "-P", str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def render(self, template: Path, data: dict[str, Any]) -> bytes:
        """The PDF of ``template`` with ``data``; the child exits after it."""
        if self.process is None:
            raise RenderError("This renderer has already rendered its report.")
        process, self.process = self.process, None
        request = json.dumps({"template": str(template), "data": data}, ensure_ascii=False)
        try:
            pdf, errors = process.communicate(request.encode("utf-8"), timeout=TIMEOUT)
        except subprocess.TimeoutExpired as error:
            process.kill()
            process.communicate()
            raise RenderError(f"The PDF took more than {TIMEOUT} s to lay out.") from error
        if process.returncode != 0 or not pdf.startswith(b"%PDF"):
            message = errors.decode("utf-8", "replace").strip()[-2000:]
            raise RenderError(f"The PDF could not be laid out (exit {process.returncode}): {message}")
        return pdf

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.communicate()
            self.process = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


if __name__ == "__main__":
    main()
