"""The PDF layout child process: charts become SVG there, a failure comes back as a clear error,
and no child outlives its report, whether the report was built or refused."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from klyngekart.core.charts import bar_chart
from klyngekart.core.tenancy import scope
from klyngekart.reports import renderer as renderer_module
from klyngekart.reports import services
from klyngekart.reports.renderer import Renderer, RenderError, chart, with_svg_charts
from klyngekart.reports.tests.conftest import ReportRound


def _spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return bar_chart(rows, category="area", value="n", category_title="Area", value_title="Companies")


def test_charts_in_the_data_become_svg_and_nothing_else_changes():
    data = {
        "title": "T",
        "charts": [{"title": "Bars", "svg": chart(_spec([{"area": "Lean", "n": 3}]))}],
        "empty": chart(_spec([])),
        "rows": [["a", "1"]],
    }
    out = with_svg_charts(data)
    assert out["charts"][0]["svg"].lstrip().startswith("<svg")
    assert "Lean" in out["charts"][0]["svg"]
    assert out["empty"] == ""
    assert {key: out[key] for key in ("title", "rows")} == {key: data[key] for key in ("title", "rows")}
    assert out["charts"][0]["title"] == "Bars"


def test_a_template_error_comes_back_as_a_render_error(tmp_path: Path):
    template = tmp_path / "broken.typ"
    template.write_text('#let data = json("data.json")\n#data.missing_key\n', encoding="utf-8")
    with Renderer() as renderer, pytest.raises(RenderError, match="missing_key"):
        renderer.render(template, {"title": "x"})


def test_a_renderer_renders_once_and_its_child_is_gone_after(tmp_path: Path):
    template = tmp_path / "ok.typ"
    template.write_text('#let data = json("data.json")\n#data.title\n', encoding="utf-8")
    renderer = Renderer()
    child = renderer.process
    assert child is not None
    assert renderer.render(template, {"title": "Hello"}).startswith(b"%PDF")
    assert child.returncode == 0
    with pytest.raises(RenderError):
        renderer.render(template, {"title": "again"})


@pytest.fixture
def children(monkeypatch) -> list[subprocess.Popen[bytes]]:
    """Every child process a Renderer starts during the test."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def record(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        process = real(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(renderer_module.subprocess, "Popen", record)
    return started


@pytest.mark.django_db
def test_a_pdf_build_starts_one_child_that_has_exited_when_the_file_is_there(
    world, report_round: ReportRound, children
):
    with scope(world.cluster):
        content, _name = services.needs_report_build(
            cluster=world.cluster, round_=report_round.round, fmt="pdf", language="nb"
        )
    assert content.startswith(b"%PDF")
    assert len(children) == 1
    assert children[0].poll() is not None


@pytest.mark.django_db
def test_a_refused_report_ends_its_child_and_an_xlsx_starts_none(
    world, thin_round, report_round: ReportRound, children, tmp_path
):
    with pytest.raises(CommandError):
        call_command(
            "report", "needs", "--cluster", world.cluster.slug, "--round", str(thin_round.pk),
            "--format", "pdf", "--output", str(tmp_path / "needs.pdf"),
        )  # fmt: skip
    assert len(children) == 1
    assert children[0].poll() is not None
    with scope(world.cluster):
        services.needs_report_build(
            cluster=world.cluster, round_=report_round.round, fmt="xlsx", language="nb"
        )
    assert len(children) == 1
