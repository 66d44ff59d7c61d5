"""The needs report: the command writes a PDF and an XLSX without a hidden figure, refuses bad
input and a round below k, and the page builds the report through a task with progress."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook
from pypdf import PdfReader

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.reports import services
from klyngekart.reports.models import ReportJob
from klyngekart.reports.tests.conftest import HIDDEN_MEANS, ReportRound
from klyngekart.reports.tests.factories import ReportJobFactory
from klyngekart.surveys.models import Round

pytestmark = pytest.mark.django_db


def _job(**kwargs: Any) -> ReportJob:
    job: ReportJob = ReportJobFactory(**kwargs)  # type: ignore[assignment]
    return job


def _command(world: Any, round_id: int, path: Path, fmt: str, lang: str = "nb") -> None:
    call_command(
        "report",
        "needs",
        "--cluster",
        world.cluster.slug,
        "--round",
        str(round_id),
        "--format",
        fmt,
        "--output",
        str(path),
        "--lang",
        lang,
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _xlsx_values(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    }


def test_the_command_writes_a_norwegian_pdf_without_a_hidden_figure(
    world, report_round: ReportRound, tmp_path
):
    path = tmp_path / "needs.pdf"
    _command(world, report_round.round.pk, path, "pdf")
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert world.cluster.name in text
    assert report_round.round.title in text
    # Norwegian prose from the method section, and the figures of the page.
    assert "Kompetanse" in text or "kompetanse" in text
    assert "skjult" in text
    # The cluster's depth in the area, (13 + 27 + 7) / 16, is shown; the pooled companies' own
    # means are not, nor is the small company's name.
    assert "2,94" in text
    for figure in HIDDEN_MEANS:
        assert figure not in text
    assert report_round.small.company.name not in text
    assert report_round.middle.company.name not in text
    assert report_round.big.company.name in text


def test_the_command_writes_english_on_request(world, report_round: ReportRound, tmp_path):
    path = tmp_path / "needs.pdf"
    _command(world, report_round.round.pk, path, "pdf", lang="en")
    text = _pdf_text(path.read_bytes())
    assert "Method and response rates" in text
    assert "2.94" in text
    assert "hidden" in text
    for figure in HIDDEN_MEANS:
        assert figure not in text


def test_the_command_writes_an_xlsx_with_the_same_aggregates(world, report_round: ReportRound, tmp_path):
    path = tmp_path / "needs.xlsx"
    _command(world, report_round.round.pk, path, "xlsx")
    sheets = _xlsx_values(path.read_bytes())
    # Ranking, a sheet per heatmap view (company, size, industry, region), strategies, trend, measures.
    assert list(sheets)[0] == "Rangering" and list(sheets)[-3:] == ["Strategier", "Utvikling", "Tiltak"]
    assert len(sheets) == 8
    cells = [value for rows in sheets.values() for row in rows for value in row if value is not None]
    ranking = next(rows for rows in sheets.values())
    # Names, not codes: the reader sees the area as the page names it.
    assert "digital-ai" not in cells
    digital = next(row for row in ranking[1:] if row[3] == pytest.approx(2.94))
    assert isinstance(digital[0], str) and digital[0].startswith("Område")
    assert any(value == "skjult" for value in cells)
    for value in cells:
        assert value not in (4.5, 3.5)
        assert not (isinstance(value, str) and value in HIDDEN_MEANS)
    names = {str(value) for value in cells}
    assert report_round.small.company.name not in names
    assert report_round.middle.company.name not in names


def test_a_round_below_k_gives_a_clear_message_and_no_file(world, thin_round, tmp_path):
    path = tmp_path / "needs.pdf"
    with pytest.raises(CommandError, match="færre enn|fewer than"):
        _command(world, thin_round.pk, path, "pdf")
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_bad_input(world, other_world, report_round: ReportRound, tmp_path):
    path = tmp_path / "needs.pdf"
    with pytest.raises(CommandError, match="No cluster"):
        call_command(
            "report", "needs", "--cluster", "nope", "--round", "1", "--format", "pdf", "--output", path
        )
    # A round of another cluster is "no such round" in this one.
    with pytest.raises(CommandError, match="has no round"):
        call_command(
            "report", "needs", "--cluster", other_world.cluster.slug, "--round", str(report_round.round.pk),
            "--format", "pdf", "--output", path,
        )  # fmt: skip
    with pytest.raises(CommandError):
        _command(world, report_round.round.pk, path, "docx")
    with pytest.raises(CommandError, match="does not exist"):
        _command(world, report_round.round.pk, tmp_path / "missing" / "needs.pdf", "pdf")
    assert not path.exists()


def _order(client, world, round_id: int, fmt: str = "pdf", **extra: Any) -> Any:
    url = reverse("reports:index", args=[world.cluster.slug])
    return client.post(url, {"round": round_id, "format": fmt, "language": "nb", **extra})


def test_the_page_builds_the_report_by_a_task_with_progress(
    world, login, report_round: ReportRound, client, django_capture_on_commit_callbacks, monkeypatch
):
    steps: list[int] = []
    save = services._save_progress

    def record(job: ReportJob, **fields: Any) -> None:
        if "progress" in fields:
            steps.append(fields["progress"])
        save(job, **fields)

    monkeypatch.setattr(services, "_save_progress", record)
    client.force_login(world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _order(client, world, report_round.round.pk)
    with scope(world.cluster):
        job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[world.cluster.slug, job.pk])
    assert (job.status, job.progress, job.requested_by) == ("done", 100, world.users["manager"])
    assert steps == sorted(steps) and steps[0] < 100 and steps[-1] == 100 and len(steps) >= 3
    assert job.content is not None and bytes(job.content).startswith(b"%PDF")
    with scopes_disabled():
        assert AuditLog.objects.filter(action="reports.needs.requested", cluster=world.cluster).exists()

    page = client.get(response["Location"])
    download_url = reverse("reports:download", args=[world.cluster.slug, job.pk])
    assert download_url in page.content.decode()
    # The board gets the file too.
    client.force_login(world.users["board"])
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    for figure in HIDDEN_MEANS:
        assert figure not in _pdf_text(download.content)


def test_an_xlsx_job_for_a_thin_round_fails_with_a_message_and_no_file(
    world, thin_round, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _order(client, world, thin_round.pk, fmt="xlsx")
    with scope(world.cluster):
        job = ReportJob.objects.get()
    assert (job.status, job.content, job.filename) == ("failed", None, "")
    assert thin_round.title in job.message
    page = client.get(response["Location"]).content.decode()
    assert job.message.split("“")[0] in page
    assert client.get(reverse("reports:download", args=[world.cluster.slug, job.pk])).status_code == 404


def test_a_running_job_polls_and_refreshes_without_javascript(world, client):
    job = _job(cluster=world.cluster, status="running", progress=40, content=None)
    client.force_login(world.users["advisor"])
    url = reverse("reports:job", args=[world.cluster.slug, job.pk])
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'value="40"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert client.get(reverse("reports:download", args=[world.cluster.slug, job.pk])).status_code == 404
    job.status = "done"
    with scopes_disabled():
        ReportJob.objects.filter(pk=job.pk).update(status="done", content=b"%PDF-1.7", progress=100)
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "download" in done


def test_company_roles_cannot_order_or_download(world, client):
    job = _job(cluster=world.cluster)
    for role in ("contact", "member"):
        client.force_login(world.users[role])
        assert client.get(reverse("reports:index", args=[world.cluster.slug])).status_code == 403
        assert client.get(reverse("reports:download", args=[world.cluster.slug, job.pk])).status_code == 403


def test_bad_orders_are_refused_with_a_message(world, other_world, report_round: ReportRound, client):
    client.force_login(world.users["manager"])
    response = _order(client, world, report_round.round.pk, fmt="docx")
    assert response.status_code == 200
    assert response.context["form"].errors["format"]
    foreign = report_round.round.pk + 10_000
    assert _order(client, world, foreign).context["form"].errors["round"]
    with scopes_disabled():
        assert not ReportJob.objects.exists()
    with pytest.raises(Exception, match="format"), scope(world.cluster):
        services.report_job_request(
            cluster=world.cluster, user=world.users["manager"], round_=report_round.round, fmt="doc",
            language="nb",
        )  # fmt: skip


def test_jobs_older_than_a_week_are_deleted(world, other_world):
    old = _job(cluster=world.cluster)
    fresh = _job(cluster=other_world.cluster)
    with scopes_disabled():
        ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert services.report_jobs_purge() == 1
    with scopes_disabled():
        assert list(ReportJob.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_needs_page_links_to_the_report_for_its_round(world, report_round: ReportRound, client):
    client.force_login(world.users["board"])
    page = client.get(reverse("needs:index", args=[world.cluster.slug]), {"round": report_round.round.pk})
    link = f"{reverse('reports:index', args=[world.cluster.slug])}?round={report_round.round.pk}"
    assert link in page.content.decode()
    form = client.get(link).context["form"]
    assert form.initial["round"] == report_round.round.pk


def test_the_xlsx_writes_names_that_look_like_formulas_as_text(english) -> None:
    from decimal import Decimal

    from klyngekart.reports.needs_data import CostRow, MeasureSummary, NeedsReportData, RankingRow
    from klyngekart.reports.needs_report import needs_report_xlsx

    money = Decimal("100")
    data = NeedsReportData(
        cluster="Klynge",
        round_title="Runde",
        k=5,
        threshold=Decimal("1"),
        companies_invited=1,
        companies_answered=1,
        respondents=5,
        response_rate=None,
        ranking=[RankingRow("x", '=HYPERLINK("http://evil.example")', 1, None, None, None, None, 0)],
        heatmaps=[],
        strategies=[],
        texts=[],
        trend_rounds=[],
        trend=[],
        measures=[
            MeasureSummary(
                "@SUM(A1)",
                "planned",
                "course",
                [],
                money,
                money,
                Decimal("0"),
                [CostRow("-1+1 AS", 2, money, money, money)],
                money,
                money,
            )
        ],
    )
    book = load_workbook(io.BytesIO(needs_report_xlsx(data)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert {'=HYPERLINK("http://evil.example")', "@SUM(A1)", "-1+1 AS"} <= {cell.value for cell in cells}


def test_the_list_names_round_date_and_file_and_the_download_keeps_the_name(
    world, report_round: ReportRound, client, django_capture_on_commit_callbacks
):
    from urllib.parse import unquote

    from klyngekart.core.models import Cluster

    with scopes_disabled():
        Cluster.objects.filter(pk=world.cluster.pk).update(name="Demo Havbruk Øst")
        Round.objects.filter(pk=report_round.round.pk).update(title="Kartlegging våren 2026")
    year = report_round.round.opens_on.year
    client.force_login(world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        _order(client, world, report_round.round.pk)
    with scope(world.cluster):
        job = ReportJob.objects.get()
    name = f"Felles-behov-{year}-Demo-Havbruk-Øst.pdf"
    assert job.filename == name
    page = client.get(reverse("reports:index", args=[world.cluster.slug])).content.decode()
    assert "Kartlegging våren 2026" in page
    assert name in page
    assert date_format(job.created_at, "SHORT_DATETIME_FORMAT")[:8] in page
    download = client.get(reverse("reports:download", args=[world.cluster.slug, job.pk]))
    header = download["Content-Disposition"]
    # An ASCII name for old clients, and the real one (UTF-8) for the rest.
    assert f'filename="Felles-behov-{year}-Demo-Havbruk-Ost.pdf"' in header
    assert header.startswith("attachment;")
    encoded = header.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == name
    header.encode("latin-1")


def test_readable_filenames_and_their_ascii_form() -> None:
    from klyngekart.core.downloads import ascii_filename, attachment_header, readable_filename

    assert readable_filename("Felles behov", 2026, "Demo Havbruk", extension="pdf") == (
        "Felles-behov-2026-Demo-Havbruk.pdf"
    )
    assert readable_filename("Ås & Sønn / Ærlig", "Kartlegging 2026", extension="pdf") == (
        "Ås-Sønn-Ærlig-Kartlegging-2026.pdf"
    )
    assert readable_filename('"; rm -rf', extension="xlsx") == "rm-rf.xlsx"
    assert ascii_filename("Ås-Sønn-Ærlig.pdf") == "As-Sonn-Aerlig.pdf"
    assert '"' not in attachment_header('a"b.pdf').split("filename=")[1].split(";")[0].strip('"')
