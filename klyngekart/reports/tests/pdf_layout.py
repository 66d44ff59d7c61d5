"""Reads a laid-out PDF with pypdfium2 and says what a reader would see is wrong with its pages:
content (text, chart paths, pictures) that falls outside the page, and pages that hold nothing
but a heading. Used by the report tests and by bench/pdf_probe.py."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Half a point of slack: a glyph's box may touch the edge by rounding.
SLACK = 0.5
# The page footer (page number, cluster, round) stands in the bottom margin, below this height.
FOOTER_TOP = 2.0 * 72 / 2.54
# Headings are 12 pt and larger; body text, tables, notes and the footer are 10 pt and smaller.
HEADING_SIZE = 11.5


@dataclass(frozen=True)
class PageReport:
    number: int
    outside: list[str]
    only_heading: bool
    text: str


# Fewer lines than this under the page's last heading, and no table, chart or picture: the
# heading has been left behind by what it introduces (a one- or two-line lead is not content).
ORPHAN_LINES = 4


def _text_size(obj: pdfium.PdfTextObj) -> float:
    # The object's own matrix can scale the font (a chart's labels are drawn that way).
    matrix = obj.get_matrix()
    return float(obj.get_font_size()) * max(abs(matrix.a), abs(matrix.d), 1e-9)


def _outside(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    left, bottom, right, top = box
    return left < -SLACK or bottom < -SLACK or right > width + SLACK or top > height + SLACK


def _orphan_heading(body: list[tuple[int, float, float, float]], height: float, last_page: bool) -> bool:
    """``body``: (type, font size or 0, bottom, top) of every object above the footer. True when
    the page's last heading has (almost) nothing under it while a quarter of the page or more
    stays empty and the document goes on: what the heading introduces was pushed to the next
    page. (A short last section at the end of the document is not an orphan.)"""
    headings = [bottom for kind, size, bottom, _top in body if size >= HEADING_SIZE]
    if not headings or last_page:
        return False
    last = min(headings)
    below = [(kind, size, bottom) for kind, size, bottom, top in body if top <= last + SLACK]
    if any(kind != pdfium_c.FPDF_PAGEOBJ_TEXT for kind, _size, _bottom in below):
        return False
    lines = {round(bottom) for _kind, _size, bottom in below}
    lowest = min(bottom for _kind, _size, bottom, _top in body)
    return len(lines) < ORPHAN_LINES and lowest - FOOTER_TOP > height / 4


def check_pdf(content: bytes) -> list[PageReport]:
    """One report per page, in order."""
    document = pdfium.PdfDocument(content)
    reports = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            outside = []
            body: list[tuple[int, float, float, float]] = []
            for obj in page.get_objects(max_depth=0):
                box = obj.get_bounds()
                if _outside(box, width, height):
                    outside.append(
                        f"page {index + 1}: object type {obj.type} at "
                        f"({box[0]:.0f}, {box[1]:.0f}, {box[2]:.0f}, {box[3]:.0f}) "
                        f"outside {width:.0f}×{height:.0f}"
                    )
                if box[3] < FOOTER_TOP:
                    continue
                is_text = obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT
                size = _text_size(obj) if is_text else 0.0  # type: ignore[arg-type]
                body.append((obj.type, size, box[1], box[3]))
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            for char in range(textpage.count_chars()):
                box = textpage.get_charbox(char)
                if _outside(box, width, height):
                    outside.append(
                        f"page {index + 1}: text {text[char : char + 20]!r} at "
                        f"({box[0]:.0f}, {box[1]:.0f}) outside {width:.0f}×{height:.0f}"
                    )
                    break
            last_page = index == len(document) - 1
            orphan = _orphan_heading(body, height, last_page) or not body
            reports.append(PageReport(index + 1, outside, orphan, text))
            textpage.close()
            page.close()
    finally:
        document.close()
    return reports


def layout_problems(content: bytes) -> list[str]:
    """Everything wrong with the PDF's pages, as sentences; empty when every page is sound."""
    problems = []
    for report in check_pdf(content):
        problems.extend(report.outside)
        if report.only_heading:
            problems.append(f"page {report.number} holds only a heading: {report.text.strip()[:80]!r}")
    return problems


def overlapping_text(content: bytes, *, min_overlap: float = 1.0) -> list[str]:
    """Pairs of text runs that are drawn over each other (overlapping column headers), as
    sentences: boxes that share more than ``min_overlap`` points both ways."""
    document = pdfium.PdfDocument(content)
    found = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            boxes = []
            for obj in page.get_objects(max_depth=0):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    box = obj.get_bounds()
                    words = " ".join(textpage.get_text_bounded(*box).split())
                    if words:
                        boxes.append((box, words))
            boxes.sort(key=lambda item: item[0][0])
            for position, ((left, bottom, right, top), words) in enumerate(boxes):
                for (o_left, o_bottom, o_right, o_top), other in boxes[position + 1 :]:
                    if o_left >= right - min_overlap:
                        break
                    across = min(right, o_right) - max(left, o_left)
                    up = min(top, o_top) - max(bottom, o_bottom)
                    if across > min_overlap and up > min_overlap:
                        found.append(f"page {index + 1}: {words!r} overlaps {other!r}")
            textpage.close()
            page.close()
    finally:
        document.close()
    return found
