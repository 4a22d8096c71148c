#!/usr/bin/env python3
"""Load test of `ssml serve` with wrk on loopback (part of `make bench`).

    bench-serve.py --ssml .build/release/ssml [--seconds 30]

Measures, on short-prompt renders (POST /render of one SSML sentence):
  * startup: from exec to the "listening on" line (median of 5 starts);
  * 16 connections for --seconds with 2 workers (the default on 2 cores): requests/s, p50/p99 latency, and the
    failures (socket errors, timeouts, non-2xx), which must be 0;
  * the same with 1 worker: the 2-worker throughput must be at least 1.6x;
  * 64 connections with 2 workers: the surplus must get 503 (queue full), with no timeout, socket error or status
    other than 200 and 503.
Exits 1 when a target is missed. Writes bench-out/serve.json.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PROMPT = '<speak>Your code is <say-as interpret-as="characters">A7X9</say-as>. Thank you.</speak>'

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ssml+xml"
wrk.body = [==[%s]==]
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%%d": %%d', status, count)) end
  io.write(string.format('WRK-JSON {"requests": %%d, "seconds": %%f, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "non2xx": %%d, "p50": %%f, "p90": %%f, "p99": %%f, "max": %%f, "statuses": {%%s}}\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, table.concat(parts, ", ")))
end
""" % PROMPT


class Server:
    def __init__(self, ssml, workers, queue=None):
        arguments = [ssml, "serve", "--port", "0", "--workers", str(workers), "--log-level", "warning"]
        if queue is not None:
            arguments += ["--queue", str(queue)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline().strip()
        self.startup = time.monotonic() - self.started
        match = re.match(r"listening on (\S+)", line)
        if not match:
            self.process.kill()
            raise SystemExit(f"ssml serve printed {line!r}")
        self.url = match.group(1)

    def memory(self):
        """Peak resident memory of the server process, and the resident memory of its worker processes now (MB)."""
        def status(pid, key):
            try:
                with open(f"/proc/{pid}/status") as file:
                    for line in file:
                        if line.startswith(key + ":"):
                            return int(line.split()[1]) / 1024
            except OSError:
                pass
            return 0.0

        def children(pid):
            # The pool starts its workers from a thread of its own: every thread's children count.
            found = []
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as file:
                        found += [int(child) for child in file.read().split()]
            except OSError:
                pass
            return found

        workers = children(self.process.pid)
        return {"serverPeakMB": status(self.process.pid, "VmHWM"), "serverMB": status(self.process.pid, "VmRSS"),
                "workers": len(workers), "workersMB": sum(status(worker, "VmRSS") for worker in workers)}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def render_once(url):
    request = urllib.request.Request(url + "/render", data=PROMPT.encode(), headers={"Content-Type": "application/ssml+xml"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        timing = response.headers.get("Server-Timing", "")
    return time.monotonic() - started, len(body), timing


def wrk(url, connections, seconds, script):
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script, url + "/render"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    for line in output.splitlines():
        if line.startswith("WRK-JSON "):
            result = json.loads(line[len("WRK-JSON "):])
            result["throughput"] = result["statuses"].get("200", 0) / result["seconds"]
            return result
    raise SystemExit(f"wrk printed no result:\n{output}")


def describe(name, result):
    errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    print(f"  {name}: {result['throughput']:.1f} renders/s, p50 {result['p50']:.1f} ms, p90 {result['p90']:.1f} ms, "
          f"p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms; statuses {result['statuses']}, socket errors {errors}, "
          f"timeouts {result['timeout']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ssml", default=".build/release/ssml")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--out", default="bench-out")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(LUA)
        script = file.name
    report = {"prompt": PROMPT, "seconds": options.seconds}
    failures = []

    print("ssml serve: startup (exec to 'listening on')")
    startups = []
    for _ in range(5):
        server = Server(options.ssml, 2)
        startups.append(server.startup)
        server.stop()
    report["startupSeconds"] = statistics.median(startups)
    print(f"  median {report['startupSeconds'] * 1000:.0f} ms (runs: {', '.join(f'{s * 1000:.0f}' for s in startups)} ms)")
    if report["startupSeconds"] >= 1:
        failures.append(f"startup {report['startupSeconds']:.2f} s is not under 1 s")

    runs = {}
    for name, workers, connections, queue in [("2 workers, 16 connections", 2, 16, None), ("1 worker, 16 connections", 1, 16, 16),
                                              ("2 workers, 64 connections", 2, 64, None)]:
        server = Server(options.ssml, workers, queue)
        try:
            singles = sorted(render_once(server.url)[0] for _ in range(20))
            result = wrk(server.url, connections, options.seconds, script)
            result["singleRequestMedianMs"] = statistics.median(singles) * 1000
            result["memory"] = server.memory()
        finally:
            server.stop()
        runs[name] = result
        print(f"ssml serve, {name}, {options.seconds} s (one request alone: median {result['singleRequestMedianMs']:.1f} ms):")
        describe(name, result)
        memory = result["memory"]
        print(f"  memory: server peak {memory['serverPeakMB']:.1f} MB (now {memory['serverMB']:.1f} MB), "
              f"{memory['workers']} idle workers {memory['workersMB']:.1f} MB resident in all")
    report["runs"] = runs

    two, one, many = runs["2 workers, 16 connections"], runs["1 worker, 16 connections"], runs["2 workers, 64 connections"]
    for name, result in [("2 workers, 16 connections", two), ("1 worker, 16 connections", one)]:
        failed = result["connect"] + result["read"] + result["write"] + result["timeout"] + result["non2xx"]
        if failed:
            failures.append(f"{name}: {failed} failed requests")
    ratio = two["throughput"] / one["throughput"] if one["throughput"] else 0
    report["scaling"] = ratio
    print(f"  2 workers / 1 worker throughput: {ratio:.2f}x (target >= 1.6x)")
    if ratio < 1.6:
        failures.append(f"2 workers give {ratio:.2f}x the throughput of 1, not 1.6x")
    others = {status: count for status, count in many["statuses"].items() if status not in ("200", "503")}
    if many["connect"] + many["read"] + many["write"] + many["timeout"] or others:
        failures.append(f"64 connections: socket errors or timeouts or other statuses ({many})")
    if many["statuses"].get("503", 0) == 0:
        failures.append("64 connections: no request was refused with 503 (the queue should have filled)")

    with open(os.path.join(options.out, "serve.json"), "w") as file:
        json.dump(report, file, indent=2, sort_keys=True)
    os.unlink(script)
    for failure in failures:
        print(f"FAIL: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
