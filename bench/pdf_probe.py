"""Build the needs PDF of a round a few times in this fresh process; print one JSON line with the
seconds of each build (the first includes loading fonts and the chart renderer), its size, its
pages, this process's peak RSS, the largest peak RSS of its layout children
(reports/renderer.py) and what is wrong with its layout (content outside a page, a heading left
alone, text drawn over text: reports/tests/pdf_layout.py). Used by the bench's "needs PDF report"
scenario."""

from __future__ import annotations

import json
import resource
import sys
import time
from io import BytesIO
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from pypdf import PdfReader

    from klyngekart.core.tenancy import scope, scopes_disabled
    from klyngekart.reports.services import needs_report_build
    from klyngekart.reports.tests.pdf_layout import layout_problems, overlapping_text
    from klyngekart.surveys.models import Round

    round_id, repeat = int(sys.argv[1]), int(sys.argv[2])
    with scopes_disabled():
        round_ = Round.objects.select_related("cluster").get(pk=round_id)
    seconds = []
    content = b""
    with scope(round_.cluster):
        for _ in range(repeat):
            started = time.perf_counter()
            content, _name = needs_report_build(
                cluster=round_.cluster, round_=round_, fmt="pdf", language="nb"
            )
            seconds.append(time.perf_counter() - started)
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    # Linux reports ru_maxrss in KiB: the largest of the children that have exited and been waited for.
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pages = len(PdfReader(BytesIO(content)).pages)
    problems = layout_problems(content) + overlapping_text(content)
    result = {
        "seconds": seconds,
        "bytes": len(content),
        "pages": pages,
        "peak_rss_mb": peak,
        "layout_problems": problems[:5],
    }
    print(json.dumps({**result, "child_peak_rss_mb": child_peak}))


if __name__ == "__main__":
    main()
