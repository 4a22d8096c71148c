#!/usr/bin/env python3
"""Drives the preview page in headless Chromium (Debian's `chromium`) over the DevTools protocol.

    browser-check.py --ssml .build/release/ssml [--screenshot docs/serve-preview.png] [--renders 10] [--latency-target 150]

Starts `ssml serve` on a free port and Chromium, loads the page, types an SSML document with lint findings on
known lines (for Amazon Polly), checks that the gutter marks exactly those lines, applies one fix with its button,
renders with the Render button and checks that the player plays the rendered duration and the timeline names the
words, then measures click to sound (the player's "playing" event) for a one-sentence prompt over several renders
and takes a screenshot. Exits 1 on a failed check.
Needs `websocket-client` (the Makefile's Python environment has it).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

DOCUMENT = """<speak>
  Welcome to <emphasis>Acme</emphasis>.
  <break time="30s"/>
  Your code is <say-as interpret-as="characters">A7X9</say-as>.
  <prosody rate="300%">Goodbye.</prosody>
</speak>
"""


SHORT_PROMPT = '<speak>Your code is <say-as interpret-as="characters">A7X9</say-as>.</speak>'


class Page:
    def __init__(self, url):
        self.socket = websocket.create_connection(url, timeout=60)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, timeout=30, what=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise SystemExit(f"FAIL: {what or expression} did not happen within {timeout} s")

    def click(self, selector):
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ssml", default=".build/debug/ssml")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--screenshot", default="docs/serve-preview.png")
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--latency-target", type=int, default=150, help="median click-to-sound target in ms (a release build)")
    options = parser.parse_args()
    failures = []

    server = subprocess.Popen([options.ssml, "serve", "--port", "0", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    base = re.match(r"listening on (\S+)", line).group(1)
    profile = tempfile.mkdtemp(prefix="ssml-chromium-")
    browser = subprocess.Popen(
        [options.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
         "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={profile}", "--window-size=1440,1000", "about:blank"],
        stderr=subprocess.PIPE, text=True)
    try:
        devtools = None
        for line in browser.stderr:
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                devtools = match.group(1)
                break
        if not devtools:
            raise SystemExit("FAIL: Chromium did not start its DevTools endpoint")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1440, height=1000, deviceScaleFactor=1, mobile=False)
        page.call("Page.navigate", url=base + "/")
        page.wait("document.querySelectorAll('#dialect option').length > 0 && document.querySelectorAll('#voices option').length > 0", what="the pickers")

        # Amazon Polly: its break cap (10 s) and rate range (20%-200%) are lint errors on lines 3 and 5.
        page.evaluate("(() => { const d = document.getElementById('dialect'); d.value = 'polly'; d.dispatchEvent(new Event('change')); })()")
        page.evaluate("(() => { const t = document.getElementById('input'); t.focus(); t.select(); })()")
        page.call("Input.insertText", text=DOCUMENT)
        marked = page.wait(
            "(() => { const l = [...document.querySelectorAll('#gutter div.error')].map(d => Number(d.dataset.line)); return l.length ? l : null; })()",
            what="lint markers")
        print(f"lint markers (errors) on lines {marked}")
        if marked != [3, 5]:
            failures.append(f"lint marked lines {marked}, expected [3, 5]")
        titles = page.evaluate("document.querySelector('#gutter div[data-line=\"3\"]').title")
        if "10s" not in titles:
            failures.append(f"the marker of line 3 says {titles!r}")

        # One click on the break-cap fix: the document changes and line 3 is clean after the re-lint.
        page.evaluate("[...document.querySelectorAll('#findings li')].find(li => li.textContent.includes('break-cap')).querySelector('button').id = 'fixBreak'")
        page.click("#fixBreak")
        page.wait("document.getElementById('input').value.includes('time=\"10s\"')", what="the fix")
        remaining = page.wait(
            "(() => { const l = [...document.querySelectorAll('#gutter div.error')].map(d => Number(d.dataset.line)); return l.length === 1 ? l : null; })()",
            what="the re-lint after the fix")
        if remaining != [5]:
            failures.append(f"after the fix, errors on {remaining}, expected [5]")

        # Render with the button: the player gets the rendered audio and plays it, for its whole duration.
        page.evaluate("delete document.body.dataset.clickToSound; document.getElementById('player').pause()")
        page.click("#render")
        page.wait("document.body.dataset.clickToSound", timeout=30, what="sound after Render")
        status = page.evaluate("document.getElementById('renderStatus').textContent")
        rendered = float(re.match(r"([\d.]+) s", status).group(1))
        duration = page.wait("(() => { const p = document.getElementById('player'); return isFinite(p.duration) && p.duration > 0 ? p.duration : null; })()", what="the player's duration")
        print(f"rendered {rendered:.2f} s; the player's duration {duration:.3f} s")
        if abs(duration - rendered) > 0.02:
            failures.append(f"the player plays {duration:.3f} s, the render was {rendered:.2f} s")
        if not page.evaluate("!!document.querySelector('#timeline svg line[stroke=\"#e53935\"]')"):
            failures.append("no timeline with a playhead")
        words = page.evaluate("document.querySelector('#timeline svg').textContent")
        if "Welcome" not in words or "Goodbye" not in words:
            failures.append("the timeline does not name the words")

        # Click to sound for a short prompt (one sentence), the case that must feel instant.
        page.evaluate("(() => { const t = document.getElementById('input'); t.focus(); t.select(); })()")
        page.call("Input.insertText", text=SHORT_PROMPT)
        latencies = []
        for attempt in range(options.renders):
            page.evaluate("delete document.body.dataset.clickToSound; document.getElementById('player').pause()")
            page.click("#render")
            latency = page.wait("document.body.dataset.clickToSound", timeout=30, what="sound after Render")
            latencies.append(int(latency))
        print(f"click to sound, one-sentence prompt, over {len(latencies)} renders: median {statistics.median(latencies)} ms, "
              f"max {max(latencies)} ms ({latencies})")
        if statistics.median(latencies) >= options.latency_target:
            failures.append(f"click to sound {statistics.median(latencies)} ms is not under {options.latency_target} ms")

        # The screenshot shows the document with its findings and its render.
        page.evaluate("(() => { const t = document.getElementById('input'); t.focus(); t.select(); })()")
        page.call("Input.insertText", text=DOCUMENT)
        page.wait("document.querySelectorAll('#gutter div.error').length > 0", what="lint markers again")
        page.evaluate("delete document.body.dataset.clickToSound; document.getElementById('player').pause()")
        page.click("#render")
        page.wait("document.body.dataset.clickToSound", timeout=30, what="sound after Render")

        page.evaluate("document.getElementById('player').pause(); document.getElementById('player').currentTime = 1.2")
        time.sleep(0.3)
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        if options.screenshot:
            os.makedirs(os.path.dirname(options.screenshot) or ".", exist_ok=True)
            import base64
            with open(options.screenshot, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
            print(f"screenshot: {options.screenshot}")
    finally:
        browser.terminate()
        server.terminate()
        browser.wait(timeout=20)
        server.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
