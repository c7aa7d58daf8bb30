#!/usr/bin/env python3
"""Render an mbc report page in headless Chromium and check it as a reader would see it.

Usage:
    python3 scripts/check_report.py REPORT.html [--screenshot PNG] [--dom HTML]
        [--chromium PATH] [--timeout 60] [--min-charts 1] [--min-numbers 1]

The page is opened once in headless Chromium, driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`, Python standard library only), with a fresh profile in a
temporary folder. After the load event and two animation frames it is checked for:

1. console errors: uncaught exceptions, console.error/console.assert calls, and the browser's
   own error entries (a missing image or script, a blocked request); also requests that leave
   the page's own folder (the report must be self-contained and work offline);
2. charts: every `<svg class="chart" data-chart="NAME">` in the rendered DOM holds at least one
   drawn mark (path, rect, circle, ellipse, line, polyline, polygon; not inside defs, clipPath,
   mask, pattern, marker or symbol); at least --min-charts;
3. headline numbers: every element of class `num` names a cell of a CSV file next to the page
   and shows its value (its innerText: what a reader sees); at least --min-numbers.

Headline-number attributes:
    data-file     the CSV file, in the page's folder (default summary.csv)
    data-stat     the column that holds the value (mean, p2_5, p_positive, ...)
    data-value    the exact text of that cell
    data-divisor  the visible number is value / divisor (data-per-client: the number of
                  clients, for an amount per client; data-per-client needs data-divisor)
    data-digits   the number of decimals shown (optional)
    data-format   presentation (money, number, percent); `percent` requires a % sign
    data-X        any other attribute names column X of the file (`-` may stand for `_`) and
                  must equal its text; together they must select exactly one row
The visible text must hold one number that is the value (divided by the divisor) rounded to
the digits shown: `1,234.5` and `1.234,5` are both read, a trailing `%` means hundredths and
`k`, `mln`/`M`, `mld`/`bn` thousands, millions and billions; a value that is not finite
(`NA`, `Inf`) must be shown without digits (`n/a`, `∞`).

The rendered DOM (what `chromium --dump-dom` prints) is written with --dom, the screenshot
(1280 x 4000 CSS pixels by default) with --screenshot.

Exit status: 0 when every check passed; 1 when a check failed (one `FAIL:` line each on
stdout); 2 when the page could not be checked (no Chromium, a timeout, bad arguments).
"""

from __future__ import annotations

import argparse
import base64
import csv
import html.parser
import json
import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_WINDOW = (1280, 4000)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MARK_ELEMENTS = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
# SVG containers whose content is not drawn where it stands.
UNDRAWN_CONTAINERS = {"defs", "clippath", "mask", "pattern", "marker", "symbol", "lineargradient",
                      "radialgradient", "filter"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "param", "source", "track", "wbr"}
# Attributes of a headline number that are not CSV columns.
RESERVED_ATTRIBUTES = {"file", "stat", "value", "divisor", "per-client", "format", "digits"}
SCALE_WORDS = {"%": 1e-2, "k": 1e3, "duizend": 1e3, "thousand": 1e3, "m": 1e6, "mln": 1e6,
               "mio": 1e6, "million": 1e6, "miljoen": 1e6, "bn": 1e9, "mld": 1e9,
               "billion": 1e9, "miljard": 1e9}


class CheckError(Exception):
    """The page could not be checked at all (exit status 2)."""


# MARK: - Chromium over the DevTools protocol


def find_chromium(explicit: str | None) -> str:
    """The Chromium executable: --chromium, $MBC_CHROMIUM, or the first of CHROMIUM_NAMES on PATH."""
    for candidate in (explicit, os.environ.get("MBC_CHROMIUM")):
        if candidate:
            path = shutil.which(candidate)
            if path is None:
                raise CheckError(f"Chromium not found at {candidate!r}.")
            return path
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise CheckError("No Chromium on PATH (chromium, chromium-browser): install it with "
                     "`apt-get install chromium` or `make chromium`, or pass --chromium.")


@dataclass
class Rendered:
    """What the browser saw: the DOM after scripts ran, console errors, outside requests, a PNG."""
    dom: str
    visible_numbers: list[str]  # innerText of each `.num`, in document order
    console_errors: list[str]
    outside_requests: list[str]
    screenshot: bytes
    seconds: float


class DevToolsPipe:
    """One headless Chromium process and its DevTools connection over fds 3 (in) and 4 (out).

    Messages are JSON objects separated by NUL bytes. Every read is bounded by the deadline
    given at construction; `close()` always kills the whole process group.
    """

    def __init__(self, chromium: str, profile: Path, window: tuple[int, int], deadline: float):
        self.deadline = deadline
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def child_fds() -> None:  # runs in the child between fork and exec
            read_end = os.dup(to_browser_read)  # above 4, so the two dup2 calls cannot collide
            write_end = os.dup(from_browser_write)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}",
            "--hide-scrollbars", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--mute-audio",
            "--disable-dev-shm-usage",  # containers often have a small /dev/shm
            "about:blank",
        ]
        self.process = subprocess.Popen(
            arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=child_fds,
            start_new_session=True)
        os.close(to_browser_read)
        os.close(from_browser_write)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self.to_browser, data)
            data = data[written:]
        return self.next_id

    def receive(self) -> dict:
        """The next message; raises CheckError when the deadline passes or Chromium exits."""
        while b"\0" not in self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise CheckError("Chromium did not finish within the time limit; it was killed.")
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise CheckError(f"Chromium exited unexpectedly (status {self.process.poll()}).")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Sends a command and returns its result, keeping the events that arrive meanwhile."""
        ident = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == ident:
                if "error" in message:
                    raise CheckError(f"DevTools {method} failed: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for_event(self, method: str, session: str) -> None:
        seen = next((e for e in self.events if e["method"] == method and e.get("sessionId") == session), None)
        while seen is None:
            message = self.receive()
            if "method" in message:
                self.events.append(message)
                if message["method"] == method and message.get("sessionId") == session:
                    seen = message

    def close(self) -> None:
        try:
            if self.process.poll() is None and time.monotonic() < self.deadline:
                self.send("Browser.close")
                self.process.wait(timeout=min(5.0, max(0.1, self.deadline - time.monotonic())))
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # renderer and zygote processes too
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass


# Waits for two animation frames (layout and paint of what scripts drew on load) and 100 ms.
SETTLE_SCRIPT = ("new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
                 "() => setTimeout(r, 100))))")


def render(url: str, chromium: str, window: tuple[int, int], timeout: float) -> Rendered:
    """Opens `url` in a fresh headless Chromium and collects what `Rendered` holds."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mbc-chromium-") as profile:
        browser = DevToolsPipe(chromium, Path(profile), window, start + timeout)
        try:
            targets = browser.call("Target.getTargets")["targetInfos"]
            page = next((t for t in targets if t["type"] == "page"), None)
            if page is None:
                page = {"targetId": browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]}
            attached = browser.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})
            session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.call(f"{domain}.enable", session=session)
            browser.call("Emulation.setDeviceMetricsOverride", {
                "width": window[0], "height": window[1], "deviceScaleFactor": 1, "mobile": False}, session)
            browser.events.clear()  # nothing from about:blank
            navigation = browser.call("Page.navigate", {"url": url}, session)
            if navigation.get("errorText"):
                raise CheckError(f"Chromium could not open {url}: {navigation['errorText']}")
            browser.wait_for_event("Page.loadEventFired", session)
            browser.call("Runtime.evaluate", {"expression": SETTLE_SCRIPT, "awaitPromise": True}, session)
            dom = browser.call("Runtime.evaluate", {
                "expression": "(document.doctype ? new XMLSerializer().serializeToString(document.doctype)"
                              " + '\\n' : '') + document.documentElement.outerHTML",
                "returnByValue": True}, session)["result"].get("value", "")
            visible = browser.call("Runtime.evaluate", {
                "expression": "Array.from(document.querySelectorAll('.num'), e => e.innerText)",
                "returnByValue": True}, session)["result"].get("value", [])
            shot = browser.call("Page.captureScreenshot", {"format": "png"}, session)
            errors, outside = console_problems(browser.events, url)
            seconds = time.monotonic() - start
            return Rendered(dom, visible, errors, outside, base64.b64decode(shot["data"]), seconds)
        finally:
            browser.close()


def console_problems(events: list[dict], page_url: str) -> tuple[list[str], list[str]]:
    """The console errors and the requests outside the page's folder among DevTools events."""
    errors: list[str] = []
    outside: list[str] = []
    folder = page_url.rsplit("/", 1)[0] + "/"
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            errors.append(f"{text.splitlines()[0]} (line {details.get('lineNumber', 0) + 1})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            words = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            errors.append(f"console.{params['type']}: {' '.join(words)}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            where = f" ({entry['url']})" if entry.get("url") else ""
            errors.append(f"{entry.get('source', 'browser')}: {entry.get('text', '')}{where}")
        elif method == "Inspector.targetCrashed":
            errors.append("the page crashed")
        elif method == "Network.requestWillBeSent":
            request_url = params.get("request", {}).get("url", "")
            if not (request_url.startswith(folder) or request_url.startswith(("data:", "blob:", "about:"))):
                outside.append(request_url)
    return errors, outside


# MARK: - Reading the rendered DOM


@dataclass
class Chart:
    name: str
    marks: int = 0


@dataclass
class Number:
    attributes: dict[str, str]
    line: int
    text: str = ""


class PageReader(html.parser.HTMLParser):
    """Collects charts (`svg.chart` with their drawn marks) and headline numbers (`.num`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: list[Chart] = []
        self.numbers: list[Number] = []
        self.stack: list[tuple[str, Chart | None, Number | None]] = []
        self.skip_text = 0  # inside <script>, <style> or <template>

    def open_chart(self) -> Chart | None:
        return next((c for _, c, _ in reversed(self.stack) if c is not None), None)

    def undrawn(self) -> bool:
        return any(t in UNDRAWN_CONTAINERS for t, _, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        chart = number = None
        if tag == "svg" and "chart" in classes:
            chart = Chart(values.get("data-chart", "(unnamed)"))
            self.charts.append(chart)
        elif tag in MARK_ELEMENTS and not self.undrawn() and (outer := self.open_chart()) is not None:
            outer.marks += 1
        if "num" in classes:
            number = Number({k[5:]: v for k, v in values.items() if k.startswith("data-")}, self.getpos()[0])
            self.numbers.append(number)
        if tag in ("script", "style", "template"):
            self.skip_text += 1
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, chart, number))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            open_tag, _, _ = self.stack.pop()
            if open_tag in ("script", "style", "template"):
                self.skip_text -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip_text:
            return
        for _, _, number in self.stack:
            if number is not None:
                number.text += data


# MARK: - Headline numbers against the CSV files


@dataclass
class Reading:
    """One way to read the number on the page: its value and half a unit of its last digit."""
    value: float
    half_unit: float
    decimals: int


def readings(text: str) -> tuple[list[Reading], str | None]:
    """The possible values of the one number in `text`, or an explanation why there is none."""
    text = text.replace("\u2212", "-").replace("\u2013", "-")
    text = re.sub(r"(?<=\d)[\s\u00a0\u202f\u2009']+(?=\d{3}(?!\d))", "", text)  # 1 234 567
    tokens = list(re.finditer(r"\d[\d.,]*\d|\d", text))
    if len(tokens) != 1:
        return [], "no number" if not tokens else f"{len(tokens)} numbers"
    token = tokens[0]
    # A minus before the number, possibly before the currency: -1.5, −€1,234, € −1.234, -USD 12.
    negative = re.search(r"-\s*(?:[€$£¥]|[A-Z]{3})?\s*$", text[:token.start()]) is not None
    digits = token.group(0)
    after = text[token.end():].strip().lower()
    scale = 1.0
    word = re.match(r"(%|[a-z]+)", after)
    if word and word.group(1) in SCALE_WORDS:
        scale = SCALE_WORDS[word.group(1)]
        if word.group(1) == "m" and re.match(r"m[²2³3]", after):
            scale = 1.0  # square metres, not millions
    candidates: list[tuple[str, str]] = []  # (whole digits, decimal digits)
    separators = set(re.sub(r"\d", "", digits))
    if len(separators) == 2:
        decimal = digits[-1 - re.search(r"[.,]", digits[::-1]).start()]
        whole, _, fraction = digits.rpartition(decimal)
        if decimal in whole or not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*", whole):
            return [], f"{digits!r} is not a well-formed number"
        candidates.append((re.sub(r"[.,]", "", whole), fraction))
    elif len(separators) == 1:
        separator = separators.pop()
        parts = digits.split(separator)
        grouped = all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3
        if grouped:
            candidates.append(("".join(parts), ""))
        if len(parts) == 2:
            candidates.append((parts[0], parts[1]))
        if not candidates:
            return [], f"{digits!r} is not a well-formed number"
    else:
        candidates.append((digits, ""))
    result = []
    for whole, fraction in candidates:
        value = float(f"{whole}.{fraction or '0'}") * (-1 if negative else 1)
        if fraction:
            unit = 10.0 ** -len(fraction)
        else:  # 1,234,000 may be rounded to thousands
            unit = 10.0 ** (len(whole) - len(whole.rstrip("0"))) if whole.strip("0") else 1.0
        result.append(Reading(value * scale, unit / 2 * scale, len(fraction)))
    return result, None


@dataclass
class NumberCheck:
    """Checks headline numbers against the CSV files in the page's folder (read once each)."""
    folder: Path
    tables: dict[str, tuple[list[str], list[dict[str, str]]] | str] = field(default_factory=dict)

    def table(self, name: str) -> tuple[list[str], list[dict[str, str]]] | str:
        if name not in self.tables:
            path = self.folder / name
            if "/" in name or "\\" in name or name.startswith("."):
                self.tables[name] = f"data-file={name!r} must name a file in the report's folder"
            elif not path.is_file():
                self.tables[name] = f"{name} does not exist next to the report"
            else:
                with path.open(newline="", encoding="utf-8") as handle:
                    reader = csv.DictReader(handle)
                    rows = list(reader)
                    self.tables[name] = (list(reader.fieldnames or []), rows)
        return self.tables[name]

    def check(self, number: Number) -> str | None:
        """None when the number is right, else what is wrong with it."""
        attributes = number.attributes
        file_name = attributes.get("file", "summary.csv")
        label = describe(number)
        loaded = self.table(file_name)
        if isinstance(loaded, str):
            return f"{label}: {loaded}"
        columns, rows = loaded
        for needed in ("stat", "value"):
            if needed not in attributes:
                return f"{label}: no data-{needed} attribute"
        stat = attributes["stat"]
        if stat not in columns:
            return f"{label}: data-stat={stat!r} names no column of {file_name} (columns: {', '.join(columns)})"
        keys: dict[str, str] = {}
        for name, value in attributes.items():
            if name in RESERVED_ATTRIBUTES and name.replace("-", "_") not in columns:
                continue
            column = name if name in columns else name.replace("-", "_")
            if column not in columns:
                return f"{label}: data-{name} names no column of {file_name} (columns: {', '.join(columns)})"
            keys[column] = value
        matches = [row for row in rows if all(row.get(c) == v for c, v in keys.items())]
        if not matches:
            return f"{label}: no row of {file_name} has " + ", ".join(f"{c}={v!r}" for c, v in keys.items())
        if len(matches) > 1:
            differing = [c for c in columns if len({r[c] for r in matches}) > 1 and not all(
                is_number(r[c]) for r in matches)]  # the identifying columns, not the statistics
            return (f"{label}: {len(matches)} rows of {file_name} match; add data-{' / data-'.join(differing)} "
                    "to pick one")
        cell = matches[0][stat]
        if attributes["value"] != cell:
            return f"{label}: data-value={attributes['value']!r} but {file_name} has {stat}={cell!r}"
        return self.check_text(number, cell, label)

    def check_text(self, number: Number, cell: str, label: str) -> str | None:
        shown = " ".join(number.text.split())
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            if re.search(r"\d", shown):
                return f"{label}: the value is {cell!r} but the page shows {shown!r}"
            return None
        attributes = number.attributes
        divisor_text = attributes.get("divisor")
        if "per-client" in attributes and divisor_text is None:
            return f"{label}: data-per-client without data-divisor (the number of clients)"
        if divisor_text is not None:
            try:
                divisor = float(divisor_text)
            except ValueError:
                return f"{label}: data-divisor={divisor_text!r} is not a number"
            if divisor == 0:
                return f"{label}: data-divisor is 0"
            value /= divisor
        options, problem = readings(shown)
        if problem:
            return f"{label}: the visible text {shown!r} has {problem}; expected one number, {value:g}"
        if attributes.get("format") == "percent" and "%" not in shown:
            return f"{label}: data-format=\"percent\" but the visible text {shown!r} has no %"
        if "digits" in attributes:
            options = [r for r in options if str(r.decimals) == attributes["digits"]]
            if not options:
                return f"{label}: the visible text {shown!r} does not have data-digits={attributes['digits']} decimals"
        if not any(abs(r.value - value) <= r.half_unit * (1 + 1e-9) + 1e-12 * abs(value) for r in options):
            per = f" ({cell} / {divisor_text})" if divisor_text is not None else ""
            return f"{label}: the page shows {shown!r} but the value is {value:.10g}{per}"
        return None


def is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def describe(number: Number) -> str:
    attributes = " ".join(f'data-{k}="{v}"' for k, v in number.attributes.items())
    return f"headline number <{attributes}> (DOM line {number.line})"


# MARK: - The checks


def check_page(page: Path, rendered: Rendered, min_charts: int, min_numbers: int) -> list[str]:
    """Every failed check of a rendered page, one message each."""
    failures = [f"console error: {e}" for e in rendered.console_errors]
    failures += [f"request outside the report's folder (the page must be self-contained): {u}"
                 for u in rendered.outside_requests]
    reader = PageReader()
    reader.feed(rendered.dom)
    reader.close()
    for chart in reader.charts:
        if chart.marks == 0:
            failures.append(f'chart "{chart.name}" has no drawn elements ({", ".join(sorted(MARK_ELEMENTS))})')
    if len(reader.charts) < min_charts:
        failures.append(f"{len(reader.charts)} charts (svg.chart) on the page; at least {min_charts} expected")
    if len(reader.numbers) < min_numbers:
        failures.append(f"{len(reader.numbers)} headline numbers (.num) on the page; at least {min_numbers} expected")
    if len(rendered.visible_numbers) == len(reader.numbers):  # else the text in the DOM
        for number, text in zip(reader.numbers, rendered.visible_numbers):
            number.text = text
    numbers = NumberCheck(page.parent)
    failures += [problem for n in reader.numbers if (problem := numbers.check(n))]
    print(f"{page}: {len(reader.charts)} charts, {len(reader.numbers)} headline numbers, "
          f"{len(rendered.console_errors)} console errors, rendered in {rendered.seconds:.1f} s")
    return failures


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Render an mbc report in headless Chromium and check it.")
    parser.add_argument("page", type=Path, help="report.html (the CSV files are read from its folder)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="write a screenshot here")
    parser.add_argument("--dom", type=Path, metavar="HTML", help="write the rendered DOM here")
    parser.add_argument("--chromium", help="the Chromium executable (default: $MBC_CHROMIUM, then PATH)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS,
                        help="seconds before Chromium is killed (default %(default)g)")
    parser.add_argument("--window", default=f"{DEFAULT_WINDOW[0]}x{DEFAULT_WINDOW[1]}",
                        help="viewport in CSS pixels (default %(default)s)")
    parser.add_argument("--min-charts", type=int, default=1, help="charts required (default 1)")
    parser.add_argument("--min-numbers", type=int, default=1, help="headline numbers required (default 1)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    try:
        width, height = (int(v) for v in arguments.window.lower().split("x"))
        page = arguments.page.resolve()
        if not page.is_file():
            raise CheckError(f"{arguments.page} does not exist.")
        chromium = find_chromium(arguments.chromium)
        rendered = render(page.as_uri(), chromium, (width, height), arguments.timeout)
    except CheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"error: --window {arguments.window!r} is not WIDTHxHEIGHT", file=sys.stderr)
        return 2
    if arguments.screenshot:
        arguments.screenshot.write_bytes(rendered.screenshot)
    if arguments.dom:
        arguments.dom.write_text(rendered.dom, encoding="utf-8")
    failures = check_page(page, rendered, arguments.min_charts, arguments.min_numbers)
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
