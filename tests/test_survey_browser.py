"""The HTML survey (and the report's partner's-view section) in headless Chromium: it
renders, prints to PDF on A4 and Letter, no request leaves the page, and names that
look like markup show as text. Uses the helpers of test_html_browser."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import struct

import pytest
from report_samples import HOSTILE, hostile_report
from test_html_browser import (  # noqa: F401 - chromium is a fixture
    PAPER,
    chromium,
    for_paper,
    page_requests,
    pdf_pages,
    run_chromium,
    write_page,
)

from partnerjournal.render.html import render_report
from partnerjournal.survey import render_html

pytestmark = pytest.mark.browser

DAY = dt.date(2026, 11, 23)
PARTNER = f"Eve {HOSTILE}"
LEADER = f"Al {HOSTILE}"


def _survey(leader: str | None = LEADER) -> str:
    return render_html(PARTNER, leader, DAY)


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_survey_prints_to_pdf(chromium, tmp_path, paper):
    page = write_page(tmp_path, for_paper(_survey(), paper), "survey.html")
    pdf = tmp_path / "survey.pdf"
    run_chromium(chromium, tmp_path, page.as_uri(), "--no-pdf-header-footer",
                 f"--print-to-pdf={pdf}")
    sizes = pdf_pages(pdf.read_bytes())
    assert 1 <= len(sizes) <= 3, f"{len(sizes)} pages on {paper}: the form should be short"
    width, height = PAPER[paper]
    for w, h in sizes:
        assert abs(w - width) < 2 and abs(h - height) < 2, (w, h)


def test_survey_renders_in_a_screenshot(chromium, tmp_path):
    page = write_page(tmp_path, _survey(None), "survey.html")
    png = tmp_path / "survey.png"
    run_chromium(chromium, tmp_path, page.as_uri(), "--window-size=900,1600",
                 f"--screenshot={png}")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (900, 1600)
    assert len(data) > 20_000, "the screenshot is nearly empty: the page did not render"


def test_no_request_leaves_the_survey(chromium, tmp_path):
    page = write_page(tmp_path, _survey(), "survey.html")
    netlog = tmp_path / "net.json"
    run_chromium(chromium, tmp_path, page.as_uri(), "--no-pdf-header-footer",
                 f"--print-to-pdf={tmp_path / 'survey.pdf'}", netlog=netlog)
    assert page_requests(netlog) == []


def test_survey_refers_to_nothing_outside_itself():
    lowered = _survey().lower()
    assert "<script" not in lowered
    assert not re.search(r"""\b(src|href|xlink:href|action|poster|srcset)\s*=""", lowered)
    assert not re.search(r"url\s*\(", lowered) and "@import" not in lowered
    css = lowered.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "//" not in css and "http" not in css


def test_hostile_names_show_as_text(chromium, tmp_path):
    page = _survey()
    dom = run_chromium(chromium, tmp_path, write_page(tmp_path, page, "survey.html").as_uri(),
                       "--dump-dom").stdout.decode("utf-8")
    assert "<script" not in dom.lower(), "a <script> element reached the DOM"
    assert dom.lower().count("<style") == 1  # '</style>' in a name closed nothing
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", dom))
    assert " ".join(PARTNER.split()) in text and " ".join(LEADER.split()) in text
    assert text.count("LOW number is the good answer") == 1
    assert dom.count('<ol class="scale"') == 5


def test_report_section_shows_hostile_partner_names_as_text(chromium, tmp_path):
    page = render_report(hostile_report())
    dom = run_chromium(chromium, tmp_path, write_page(tmp_path, page).as_uri(),
                       "--dump-dom").stdout.decode("utf-8")
    assert "<script" not in dom.lower()
    section = dom.split('<section id="partner_view"', 1)[1].split("</section>", 1)[0]
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", section))
    assert f"Eve {HOSTILE}" in text
    assert f"The largest gap with Eve {HOSTILE} is" in text
