"""Build the needs PDF of a round a few times in this fresh process; print one JSON line with the
seconds of each build (the first includes loading fonts and the chart renderer), its size, its pages
and this process's peak RSS. Used by the bench's "needs PDF report" scenario."""

from __future__ import annotations

import json
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
    pages = len(PdfReader(BytesIO(content)).pages)
    print(json.dumps({"seconds": seconds, "bytes": len(content), "pages": pages, "peak_rss_mb": peak}))


if __name__ == "__main__":
    main()
