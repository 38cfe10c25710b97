"""The Monday report (`lm.weekahead.report`): HTML content checks and a real headless-Chromium run.

The browser is Debian's `chromium` at /usr/bin/chromium; the session fixture installs it with
scripts/ensure_chromium.sh when it is missing and fails (never skips) when it cannot. The page is loaded from
a file with every host name unresolvable, so anything it tried to fetch would fail and show in the console.
"""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from plotly.offline import get_plotlyjs

from lm.weekahead import report
from lm.weekahead.report import (
    BacktestRow,
    ForecastSeries,
    ReportData,
    WhatIfRow,
    backtest_sentence,
    fmt_num,
    fmt_pct,
    render_html,
    render_report,
)
from report_sample import sample_report_data

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1280, 2000)
# +7 / 8 and ten digits, with the usual separators (spaces, dashes, brackets) between groups.
PHONE_RE = re.compile(
    r"(?<![\d.])(?:\+7|8)[\s\-()\u00a0]*\d{3}[\s\-()\u00a0]*\d{3}[\s\-\u00a0]*\d{2}[\s\-\u00a0]*\d{2}(?!\d)"
)
CHART_KEYS = ("calls_offered", "bookings", "risky_cases", "hourly_calls_offered", "kpi", "staffing")


# ---------------------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        proc = subprocess.run(
            ["bash", str(REPO / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True, timeout=1800
        )
        if proc.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(
                f"headless Chromium is needed at {CHROMIUM} and scripts/ensure_chromium.sh could not install it "
                f"(exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}",
                pytrace=False,
            )
    return CHROMIUM


@dataclass(frozen=True)
class BrowserRun:
    dom: str  # the DOM after the scripts ran (--dump-dom)
    log: str  # Chromium's stderr log with the page's console messages
    screenshot: Path


def _chromium(binary: Path, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        str(binary),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        # No network: any host name fails to resolve, so a fetch would fail (and log a console error).
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=15000",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *args,
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}: {proc.stderr[-3000:]}"
    return proc


def console_lines(log: str) -> list[str]:
    """The page's console messages (and uncaught errors) in Chromium's stderr log."""
    return [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def browse(binary: Path, html: Path, work: Path) -> BrowserRun:
    url = html.resolve().as_uri()
    dom = _chromium(binary, work / "profile-dom", url, "--dump-dom")
    shot = work / "screenshot.png"
    pic = _chromium(binary, work / "profile-shot", url, f"--screenshot={shot}")
    assert shot.exists(), f"chromium wrote no screenshot: {pic.stderr[-2000:]}"
    return BrowserRun(dom.stdout, dom.stderr + pic.stderr, shot)


@pytest.fixture(scope="module")
def data() -> ReportData:
    return sample_report_data(seed=3)


@pytest.fixture(scope="module")
def report_file(data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_report(data, tmp_path_factory.mktemp("report") / "weekly" / "report.html")


@pytest.fixture(scope="module")
def html(report_file: Path) -> str:
    return report_file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(chromium: Path, report_file: Path, tmp_path_factory: pytest.TempPathFactory) -> BrowserRun:
    return browse(chromium, report_file, tmp_path_factory.mktemp("browser"))


# ---------------------------------------------------------------------------------------------------------
# HTML structure
# ---------------------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Start tags with their attributes (script bodies are not parsed as markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.tags


class _Table(HTMLParser):
    """The text of each cell of each row of the table with the given class."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls = cls
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("class") == self.cls:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []
        elif self.depth and tag == "span" and self.cell is not None:
            self.cell.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table(text: str, cls: str) -> list[list[str]]:
    parser = _Table(cls)
    parser.feed(text)
    parser.close()
    assert parser.rows, f"no table of class {cls}"
    return parser.rows


def test_report_is_self_contained(html: str, report_file: Path) -> None:
    all_tags = tags(html)
    scripts = [a for t, a in all_tags if t == "script"]
    assert scripts and all("src" not in a for a in scripts), "a <script src=...> needs a fetch"
    # plotly.js inlined once, then one Plotly.newPlot script per chart.
    assert html.count(get_plotlyjs()) == 1
    assert len(scripts) == 1 + len(CHART_KEYS)
    assert not [t for t, _ in all_tags if t in ("link", "img", "iframe", "object", "embed")]
    for tag, attrs in all_tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {key}={value}> points outside the file"
    style = html[html.index("<style>") : html.index("</style>")]
    assert "url(" not in style and "@import" not in style
    size = report_file.stat().st_size
    assert len(get_plotlyjs()) < size < len(get_plotlyjs()) + 1_000_000, f"report is {size} bytes"


def test_report_has_no_field_for_personal_data() -> None:
    classes = [
        report.ReportData,
        report.RiskyCall,
        report.ForecastSeries,
        report.KpiDay,
        report.StaffingHour,
        report.WhatIfRow,
        report.BacktestRow,
        report.ValuePoint,
        report.IntervalPoint,
    ]
    names = {f.name for c in classes for f in dataclasses.fields(c)}
    assert "history_id" in names
    banned = ("phone", "caller", "number", "transcript", "name_of", "email")
    assert not [n for n in names if any(b in n for b in banned)]


def test_no_phone_number_in_the_page(html: str, data: ReportData) -> None:
    # The check can fail: a phone number written as text would be caught.
    assert PHONE_RE.search("call back +7 (912) 345-67-89 today")
    assert PHONE_RE.search("89123456789")
    page = html.replace(get_plotlyjs(), "")  # the library itself is not data
    assert PHONE_RE.findall(page) == []
    # The library holds no such string either (the whole file is clean).
    assert PHONE_RE.findall(html) == []
    assert len(data.risky_calls) > 0


def test_every_risky_call_is_listed_by_history_id(html: str, data: ReportData) -> None:
    rows = table(html, "risky")
    assert rows[0][0] == "history_id"
    body = rows[1:]
    assert [int(r[0]) for r in body] == [c.history_id for c in data.risky_calls]
    for row, call in zip(body, data.risky_calls, strict=True):
        assert row[2] == ("\u2014" if call.operator_id is None else str(call.operator_id))
        assert row[3] == call.channel
        assert row[4] == call.churn_risk_level
        assert row[5] == fmt_pct(call.complaint_prob, 0)
        assert row[6] == call.reason
        assert row[1].endswith(f"{call.call_at:%d.%m %H:%M}")


def test_headline_sums_the_forecast_week(html: str, data: ReportData) -> None:
    week = sum(p.mean for p in data.calls_offered.forecast if p.mean is not None)
    last = sum(p.value for p in data.calls_offered.history[-7:] if p.value is not None)
    assert f'<div class="value">{fmt_num(week)}</div>' in html
    assert f"last week {fmt_num(last)} ({(week - last) / last * 100:+.1f}\u00a0%)" in html


def test_whatif_table_sets_each_scenario_beside_the_baseline(html: str, data: ReportData) -> None:
    rows = table(html, "whatif")
    assert rows[0][:2] == ["Scenario", "What changes"]
    base = data.whatif_baseline
    assert base is not None
    assert [r[0] for r in rows[1:]] == [base.scenario_code] + [s.scenario_code for s in data.whatif_scenarios]
    assert rows[1][3] == fmt_pct(base.service_level)
    for row, s in zip(rows[2:], data.whatif_scenarios, strict=True):
        assert s.service_level is not None and base.service_level is not None
        sl_value, sl_delta = row[3].split(" | ")
        assert sl_value == fmt_pct(s.service_level)
        d = (s.service_level - base.service_level) * 100
        assert sl_delta == (f"{d:+.1f}\u00a0pp vs baseline" if abs(d) > 1e-7 else "same as baseline")
        bookings_value, _ = row[6].split(" | ")
        assert bookings_value == fmt_num(s.bookings)
    # The sample's +10 % volume scenario: more calls, lower service level, more bookings than the baseline.
    plus = next(s for s in data.whatif_scenarios if s.scenario_code == "vol_plus_10")
    assert plus.offered is not None and base.offered is not None
    assert math.isclose(plus.offered, base.offered * 1.1, rel_tol=1e-9)


def test_backtest_in_plain_words(html: str, data: ReportData) -> None:
    row = BacktestRow("calls_offered_daily", "Daily volume", "MSTL", 8, 0.71, 0.062, 0.79, 0.94)
    text = backtest_sentence(row)
    assert text.startswith(
        "Daily volume forecasts were off by 6 % on average over the last 8 weeks; "
        "the 80 % band held the actual value 79 % of the time (the 95 % band 94 %)."
    )
    assert "MASE 0.71: more accurate than" in text
    narrow = backtest_sentence(replace(row, coverage_80=0.55, mase=1.3))
    assert "too narrow" in narrow and "no more accurate than" in narrow
    missing = backtest_sentence(replace(row, wape=None, coverage_80=None, mase=float("nan")))
    assert missing == "Daily volume: no error figure over the last 8 weeks."
    rows = table(html, "backtest")
    assert [r[0] for r in rows[1:]] == [b.series_title for b in data.backtest]
    for r, b in zip(rows[1:], data.backtest, strict=True):
        assert r[1:] == [
            b.model,
            fmt_num(b.mase, 2),
            fmt_pct(b.wape),
            fmt_pct(b.coverage_80, 0),
            fmt_pct(b.coverage_95, 0),
        ]
        assert backtest_sentence(b) in html


def test_staffing_summary_counts_short_hours(html: str, data: ReportData) -> None:
    rows = table(html, "staffing-days")[1:]
    days = sorted({h.ds.date() for h in data.staffing})
    assert len(rows) == len(days) == 7
    for row, d in zip(rows, days, strict=True):
        hours = [h for h in data.staffing if h.ds.date() == d]
        short = [h for h in hours if (h.operators_needed or 0) > (h.operators_current or 0)]
        assert int(row[3]) == len(short)
        assert row[1] == fmt_num(sum(h.operators_needed or 0 for h in hours))
    total_short = sum(int(r[3]) for r in rows)
    assert f"in {total_short} of {len(data.staffing)} hours" in html


def test_text_is_escaped(data: ReportData) -> None:
    evil = '<script>alert("x")</script>'
    calls = [replace(c, reason=evil) for c in data.risky_calls[:2]]
    series = replace(data.calls_offered, title="Calls </script><b>offered</b>")
    page = render_html(
        replace(
            data,
            risky_calls=calls,
            calls_offered=series,
            centre_name="<img src=x onerror=alert(1)>",
            whatif_scenarios=[WhatIfRow("evil", evil, 1.0, 0.5, math.inf, float("nan"), 2.0)],
            notes=[evil],
        )
    )
    assert evil not in page and "<img" not in page and "</script><b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert len([t for t, _ in tags(page) if t == "script"]) == 1 + len(CHART_KEYS)
    evil_row = table(page, "whatif")[-1]
    assert evil_row[0] == "evil" and evil_row[1] == evil  # the text itself, shown as text
    assert evil_row[4] == evil_row[5] == "\u2014"  # ASA inf and abandonment nan are missing values


def test_empty_sections_render(tmp_path: Path, data: ReportData) -> None:
    empty = ForecastSeries("calls_offered", "Calls offered", "calls")
    page = render_report(
        ReportData(
            week_start=date(2026, 11, 30),
            generated_at=datetime(2026, 11, 30, 6, 0),
            calls_offered=empty,
            bookings=replace(empty, code="bookings", title="Bookings"),
            risky_cases=replace(empty, code="risky_cases", title="Risky cases"),
            hourly_calls_offered=replace(empty, code="hourly", title="Calls per hour"),
            kpi_days=[],
            staffing=[],
            whatif_baseline=None,
            whatif_scenarios=[],
            backtest=[],
            risky_calls=[],
        ),
        tmp_path / "empty.html",
    ).read_text(encoding="utf-8")
    assert page.count("No data.") == 4
    assert "No high-risk calls in the last 7 days." in page
    assert "No staffing figures for the forecast week." in page
    assert len([t for t, _ in tags(page) if t == "script"]) == 1


# ---------------------------------------------------------------------------------------------------------
# Real browser
# ---------------------------------------------------------------------------------------------------------


def _chart_segments(dom: str) -> Iterator[tuple[str, str]]:
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'id="chart-([a-z_]+)"', dom)]
    for i, (pos, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(dom)
        yield key, dom[pos:end]


def test_browser_draws_every_chart(browser: BrowserRun, data: ReportData) -> None:
    segments = dict(_chart_segments(browser.dom))
    assert sorted(segments) == sorted(CHART_KEYS)
    expected_traces = {
        "calls_offered": len(report.forecast_figure(data.calls_offered).data),
        "bookings": len(report.forecast_figure(data.bookings).data),
        "risky_cases": len(report.forecast_figure(data.risky_cases).data),
        "hourly_calls_offered": len(report.forecast_figure(data.hourly_calls_offered).data),
        "kpi": len(report.kpi_figure(data.kpi_days, data.sla_answer_sec, data.sl_target).data),
        "staffing": len(report.staffing_figure(data.staffing).data),
    }
    for key, segment in segments.items():
        assert segment.count('class="plot-container plotly"') == 1, key
        assert segment.count('class="main-svg"') >= 2, key
        # plotly drew one scatter trace group per trace of the figure, each with a drawn path.
        assert len(re.findall(r'class="trace scatter', segment)) == expected_traces[key], key
        assert re.search(r'<path class="js-line" d="M[\d.]', segment), key
    assert expected_traces["calls_offered"] == 6  # 2 bands x 2 edges, history, forecast


def test_browser_console_is_clean(browser: BrowserRun) -> None:
    assert console_lines(browser.log) == []


def test_console_check_sees_errors(chromium: Path, tmp_path: Path) -> None:
    """The console check can fail: a page that throws and logs an error is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><script>console.error('report-broken'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    run = _chromium(chromium, tmp_path / "profile", page.as_uri(), "--dump-dom")
    lines = console_lines(run.stderr)
    assert any("report-broken" in line for line in lines)
    assert any("Uncaught ReferenceError" in line for line in lines)


def _pixels_near(rgb: np.ndarray, hex_color: str, tol: int = 3) -> int:
    target = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return int((np.abs(rgb.astype(np.int16) - target).max(axis=2) <= tol).sum())


def test_screenshot_shows_the_charts(browser: BrowserRun) -> None:
    with Image.open(browser.screenshot) as im:
        assert im.size == WINDOW
        rgb = np.asarray(im.convert("RGB"))
    non_white = (rgb < 245).any(axis=2)
    assert non_white.mean() > 0.03, f"only {non_white.mean():.1%} of the screenshot is not white"
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    colours = np.unique(packed)
    assert len(colours) > 200, f"{len(colours)} distinct colours"
    # The forecast bands and line are painted (opaque fills: their exact colours show).
    assert _pixels_near(rgb, report.BAND95_COLOR) > 2000
    assert _pixels_near(rgb, report.BAND80_COLOR) > 2000
    assert _pixels_near(rgb, report.FORECAST_COLOR, tol=10) > 300
    assert _pixels_near(rgb, report.HISTORY_COLOR, tol=10) > 300
    # The charts fill the page below the headline: most rows from 300 px down have non-white pixels.
    rows_with_ink = non_white[300:].any(axis=1).mean()
    assert rows_with_ink > 0.6, f"{rows_with_ink:.0%} of the rows below the headline have ink"
