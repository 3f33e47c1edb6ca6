"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``) prints it
to PDF and PNG; the page count must suit A4 and Letter, no request may leave the page,
and user text that looks like markup must show as text.

scripts/test.sh installs chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from report_samples import HOSTILE, hostile_report, sample_report

from partnerjournal.render.html import render_report

pytestmark = pytest.mark.browser

EXTERNAL = re.compile(r"^(https?|wss?|ftp)://", re.IGNORECASE)
# PDF points: A4 is 210 x 297 mm, Letter 8.5 x 11 in
PAPER = {"A4": (595.3, 841.9), "letter": (612.0, 792.0)}
# the sample quarter fills about six A4 pages; far fewer or more means the layout broke
PAGES = {"A4": range(4, 9), "letter": range(4, 9)}


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("headless chromium is not installed: run scripts/test.sh, which installs "
                    "it (apt-get install chromium)")
    return binary


def run_chromium(binary: str, tmp_path: Path, url: str, *args: str,
                 netlog: Path | None = None) -> subprocess.CompletedProcess:
    """Chromium, headless and isolated: its own profile, no background traffic of its
    own, and every host name resolving to nothing, so nothing could be fetched anyway."""
    command = [
        binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp_path / 'profile'}",
        *([f"--log-net-log={netlog}"] if netlog else []), *args, url,
    ]
    done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done


def write_page(tmp_path: Path, text: str, name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def for_paper(page: str, paper: str) -> str:
    """The page as a printer set to ``paper`` would lay it out (the report leaves the
    size to the printer; headless Chromium would otherwise always print Letter)."""
    return page.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1)


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of every page in a PDF written by Chromium (no PDF library needed)."""
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) >= len(pages) > 0
    return [(float(w), float(h)) for w, h in boxes[: len(pages)]]


def page_requests(netlog: Path) -> list[str]:
    """External URLs the page asked for, from Chromium's network log (the browser's own
    housekeeping requests carry no page origin and are left out)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if params.get("initiator") == "not an origin":
            continue
        if EXTERNAL.match(params["url"]):
            urls.append(params["url"])
    return urls


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_prints_to_pdf_on_a4_and_letter(chromium, tmp_path, paper):
    page = write_page(tmp_path, for_paper(render_report(sample_report()), paper))
    pdf = tmp_path / "report.pdf"
    run_chromium(chromium, tmp_path, page.as_uri(), "--no-pdf-header-footer",
                 f"--print-to-pdf={pdf}")
    sizes = pdf_pages(pdf.read_bytes())
    assert len(sizes) in PAGES[paper], f"{len(sizes)} pages on {paper}"
    width, height = PAPER[paper]
    for w, h in sizes:
        assert abs(w - width) < 2 and abs(h - height) < 2, (w, h)


def test_screenshot_shows_the_page(chromium, tmp_path):
    page = write_page(tmp_path, render_report(sample_report()))
    png = tmp_path / "report.png"
    run_chromium(chromium, tmp_path, page.as_uri(), "--window-size=1280,2400",
                 f"--screenshot={png}")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2400)
    assert len(data) > 60_000, "the screenshot is nearly empty: the page did not render"


def test_no_request_leaves_the_page(chromium, tmp_path):
    page = write_page(tmp_path, render_report(hostile_report()))
    netlog = tmp_path / "net.json"
    run_chromium(chromium, tmp_path, page.as_uri(), "--no-pdf-header-footer",
                 f"--print-to-pdf={tmp_path / 'report.pdf'}", netlog=netlog)
    assert page_requests(netlog) == []


def test_the_request_check_sees_a_page_that_fetches(chromium, tmp_path):
    """The check above can fail: a page with a remote image is caught."""
    page = write_page(tmp_path, '<!DOCTYPE html><html><body><p>x</p>'
                      '<img src="https://example.invalid/logo.png"></body></html>', "bad.html")
    netlog = tmp_path / "net.json"
    run_chromium(chromium, tmp_path, page.as_uri(), "--dump-dom", netlog=netlog)
    assert page_requests(netlog) == ["https://example.invalid/logo.png"]


def test_page_refers_to_nothing_outside_itself():
    page = render_report(hostile_report())
    lowered = page.lower()
    assert "<script" not in lowered
    assert not re.search(r"""\b(src|href|xlink:href|action|poster|srcset)\s*=""", lowered)
    assert not re.search(r"url\s*\(", lowered) and "@import" not in lowered
    # no URL of any kind in attributes or CSS (user text may mention one: it is only text)
    assert not re.search(r"""=\s*["']?\s*(https?:)?//""", lowered)
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "//" not in css and "http" not in css


def test_markup_in_user_text_shows_as_text(chromium, tmp_path):
    report = hostile_report()
    page = render_report(report)
    assert htmllib.escape("<script>alert(1)</script></style>", quote=True) in page
    dom = run_chromium(chromium, tmp_path, write_page(tmp_path, page).as_uri(),
                       "--dump-dom").stdout.decode("utf-8")
    assert "<script" not in dom.lower(), "a <script> element reached the DOM"
    assert dom.lower().count("<style") == 1  # '</style>' in a story closed nothing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;" in dom
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", dom))
    for shown in (f"Story {HOSTILE}".split("\n")[0], f"Impact {HOSTILE}", f"Eve {HOSTILE}",
                  f"Adjust {HOSTILE}", f"Earlier {HOSTILE}", f"Feedback {HOSTILE}"):
        assert shown in text, shown
    # every section made it through intact
    for section in ("summary", "steps", "partnerships", "objectives", "important", "stories",
                    "adjustments", "evaluation", "focus"):
        assert f'<section id="{section}"' in dom, section
