#!/usr/bin/env python3
"""Load test of `ssml serve` with wrk on loopback (part of `make bench`).

    bench-serve.py --ssml .build/release/ssml [--seconds 30] [--warmup 5] [--wrk-threads 1]

Measures, on short-prompt renders (POST /render of one SSML sentence, the same bytes every time):
  * startup: from exec to the "listening on" line (median of 5 starts);
  * 16 connections for --seconds with 2 workers (the default on 2 cores): renders/s, p50/p99 latency, and the
    failures (socket errors, timeouts, non-2xx), which must be 0;
  * the same with 1 worker: the 2-worker throughput should be at least 1.6x;
  * 64 connections with 2 workers: the surplus should get 503 (queue full), with no timeout, socket error or status
    other than 200 and 503;
  * where the CPU went, per render: the server process, its render workers with their forked render processes,
    and wrk itself (from /proc and wait4).

How it measures, and why:
  * Every run starts a fresh server and first sends --warmup seconds of the same load, not counted: both workers
    have rendered (the first job of a worker builds its voice's tables) and the allocator is warm.
  * wrk runs one thread (--wrk-threads): on 2 cores every thread of the client competes with the server and its
    workers, and one thread drives 16 connections on loopback without being the bottleneck.
  * The measured runs count statuses without wrk's Lua `response` callback, which hands each 120 KB answer to Lua
    (measured: 0.39 instead of 0.24 ms of wrk's CPU per request, CPU the server's side does not get); wrk's own
    count of non-2xx answers says whether any request failed. Only the 64-connection run, where 200s and 503s must
    be told apart, uses it.

A missed target prints MISSED with the figure and the target and does not fail the bench; the bench fails (exit 1)
only when it could not measure: a server that does not start or crashes, a failed request, a wrk that prints no
result. Writes bench-out/serve.json.
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

REQUEST = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ssml+xml"
wrk.body = [==[%s]==]
""" % PROMPT

# Prints wrk's summary as one JSON line; the statuses only when the script counts them.
DONE = r"""
function done(summary, latency, requests)
  local parts = {}
  for status, count in pairs(merged_statuses()) do table.insert(parts, string.format('"%d": %d', status, count)) end
  io.write(string.format('WRK-JSON {"requests": %d, "seconds": %f, "connect": %d, "read": %d, "write": %d, "timeout": %d, "non2xx": %d, "p50": %f, "p90": %f, "p99": %f, "max": %f, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, table.concat(parts, ", ")))
end
"""

LEAN = REQUEST + r"""
function merged_statuses() return {} end
""" + DONE

COUNTING = REQUEST + r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function merged_statuses()
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + count end
  end
  return merged
end
""" + DONE

TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """The bench could not measure (as opposed to a figure that misses its target)."""


def cpu_seconds(pid, children=False):
    """User + system CPU seconds of a process (with its reaped children's when `children`), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields after the command: state is [0]; utime [11], stime [12], cutime [13], cstime [14].
    used = int(fields[11]) + int(fields[12])
    if children:
        used += int(fields[13]) + int(fields[14])
    return used / TICKS


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
            raise BenchError(f"ssml serve printed {line!r} instead of 'listening on URL'")
        self.url = match.group(1)

    def workers(self):
        """The render worker processes: children of any thread of the server (the pool starts them from its own)."""
        found = []
        try:
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                with open(f"/proc/{self.process.pid}/task/{task}/children") as file:
                    found += [int(child) for child in file.read().split()]
        except OSError:
            pass
        return found

    def cpu(self):
        """CPU seconds so far: the server's own, and its workers' with the render processes they forked and reaped."""
        return cpu_seconds(self.process.pid), sum(cpu_seconds(worker, children=True) for worker in self.workers())

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

        workers = self.workers()
        return {"serverPeakMB": status(self.process.pid, "VmHWM"), "serverMB": status(self.process.pid, "VmRSS"),
                "workers": len(workers), "workersMB": sum(status(worker, "VmRSS") for worker in workers)}

    def check_alive(self, name):
        if self.process.poll() is not None:
            raise BenchError(f"{name}: ssml serve exited with status {self.process.returncode} during the run")

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


def wrk(url, connections, seconds, script, threads):
    """Runs wrk; its result, with the CPU seconds wrk used (from wait4)."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script, url + "/render"]
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + seconds + 60
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                raise BenchError(f"wrk did not finish within {seconds + 60} s")
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    for line in output.splitlines():
        if line.startswith("WRK-JSON "):
            result = json.loads(line[len("WRK-JSON "):])
            # Without a status count, every request that was not a non-2xx answer was a 200.
            ok = result["statuses"].get("200", result["requests"] - result["non2xx"])
            result["ok"] = ok
            result["throughput"] = ok / result["seconds"]
            result["wrkCPUSeconds"] = usage.ru_utime + usage.ru_stime
            return result
    raise BenchError(f"wrk printed no result (status {process.returncode}):\n{output}")


def describe(name, result):
    errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    statuses = result["statuses"] or {"2xx": result["ok"], "other": result["non2xx"]}
    print(f"  {name}: {result['throughput']:.1f} renders/s, p50 {result['p50']:.1f} ms, p90 {result['p90']:.1f} ms, "
          f"p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms; statuses {statuses}, socket errors {errors}, "
          f"timeouts {result['timeout']}")
    cpu = result["cpuMsPerRender"]
    print(f"  CPU per render: server {cpu['server']:.2f} ms, workers and their render processes {cpu['workers']:.2f} ms, "
          f"wrk {cpu['wrk']:.2f} ms; {cpu['total']:.2f} ms in all ({result['cpuSecondsPerSecond']:.2f} cores busy)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ssml", default=".build/release/ssml")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measured run, not counted")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--out", default="bench-out")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    scripts = {}
    for name, text in [("lean", LEAN), ("counting", COUNTING)]:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
            file.write(text)
            scripts[name] = file.name
    report = {"prompt": PROMPT, "seconds": options.seconds, "warmupSeconds": options.warmup, "wrkThreads": options.wrk_threads}
    missed, failures = [], []
    try:
        measure(options, scripts, report, missed, failures)
    except BenchError as error:
        failures.append(str(error))
    finally:
        for script in scripts.values():
            os.unlink(script)
    report["missed"] = missed
    report["failures"] = failures
    with open(os.path.join(options.out, "serve.json"), "w") as file:
        json.dump(report, file, indent=2, sort_keys=True)
    for line in missed:
        print(f"MISSED: {line}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if not missed and not failures:
        print("ssml serve: every target met")
    sys.exit(1 if failures else 0)


def measure(options, scripts, report, missed, failures):
    print("ssml serve: startup (exec to 'listening on')")
    startups = []
    for _ in range(5):
        server = Server(options.ssml, 2)
        startups.append(server.startup)
        server.stop()
    report["startupSeconds"] = statistics.median(startups)
    print(f"  median {report['startupSeconds'] * 1000:.0f} ms (runs: {', '.join(f'{s * 1000:.0f}' for s in startups)} ms)")
    if report["startupSeconds"] >= 1:
        missed.append(f"startup {report['startupSeconds'] * 1000:.0f} ms (target < 1000 ms)")

    runs = {}
    for name, workers, connections, queue, script in [
        ("2 workers, 16 connections", 2, 16, None, "lean"),
        ("1 worker, 16 connections", 1, 16, 16, "lean"),
        ("2 workers, 64 connections", 2, 64, None, "counting"),
    ]:
        server = Server(options.ssml, workers, queue)
        try:
            singles = sorted(render_once(server.url)[0] for _ in range(20))
            if options.warmup > 0:
                wrk(server.url, connections, options.warmup, scripts[script], options.wrk_threads)
            server.check_alive(name)
            before = server.cpu()
            result = wrk(server.url, connections, options.seconds, scripts[script], options.wrk_threads)
            after = server.cpu()
            server.check_alive(name)
            result["singleRequestMedianMs"] = statistics.median(singles) * 1000
            result["memory"] = server.memory()
        finally:
            server.stop()
        renders = max(result["ok"], 1)
        server_cpu, workers_cpu = after[0] - before[0], after[1] - before[1]
        result["cpuMsPerRender"] = {
            "server": server_cpu * 1000 / renders, "workers": workers_cpu * 1000 / renders, "wrk": result["wrkCPUSeconds"] * 1000 / renders,
            "total": (server_cpu + workers_cpu + result["wrkCPUSeconds"]) * 1000 / renders,
        }
        result["cpuSecondsPerSecond"] = (server_cpu + workers_cpu + result["wrkCPUSeconds"]) / result["seconds"]
        runs[name] = result
        print(f"ssml serve, {name}, {options.seconds} s after {options.warmup} s of warm-up "
              f"(one request alone: median {result['singleRequestMedianMs']:.1f} ms):")
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
        missed.append(f"2 workers give {ratio:.2f}x the throughput of 1 ({two['throughput']:.1f} vs {one['throughput']:.1f} renders/s; target >= 1.6x)")
    others = {status: count for status, count in many["statuses"].items() if status not in ("200", "503")}
    if many["connect"] + many["read"] + many["write"] + many["timeout"] or others:
        failures.append(f"64 connections: socket errors, timeouts or statuses other than 200 and 503 ({many})")
    if many["statuses"].get("503", 0) == 0:
        missed.append("64 connections: no request was refused with 503 (target: the surplus gets 503 once the queue is full)")


if __name__ == "__main__":
    main()
