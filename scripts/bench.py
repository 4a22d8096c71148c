#!/usr/bin/env python3
"""Time `ssml render` on a long document against the obvious baseline, with peak memory.

    python3 scripts/bench.py --ssml .build/release/ssml [--minutes 25] [--long-minutes 60] [--runs 3] [--keep]

Baseline: `espeak-ng -m -w base.wav -f doc.ssml`, then `sox base.wav -r 8000 -e u-law base8k.wav`.
Ours:     `ssml render doc.ssml -o ours.wav --rate 8000 --encoding mulaw`.
For reference only, the main document is also rendered by espeak-ng with the voice ssml speaks by
default (en-us-female: the variant, rate and pitch of the catalog's female template) and sox.

The document is generated deterministically (fixed seed): a <speak xml:lang="en-US"> with many <p>
paragraphs of English sentences from a list of ordinary words, sized for about N minutes of espeak-ng
speech. The first guess is 14.5 characters of text per second; the first baseline run measures the real
figure (about 18 for this word list) and the document is regenerated once if it is more than 5 % off.
The ~60-minute document uses the measured figure.

Each side runs 3 times (--runs), interleaved (baseline, ours, baseline, ...) so that other load on the
machine hits both alike. Times are medians of wall-clock (monotonic) time; CPU is wait4's user+sys
(including worker processes the command waits for). Peak RSS is the maximum over the runs, for ssml of
all its processes together (it renders long documents in a worker process as well): see run().
Wall-clock times on a shared 2-core VM vary by tens of percent between runs; the min..max rows show it.

Batch (`ssml batch`, --batch-rows, default 500): a CSV of short IVR prompts (fixed seed), 2 voices
(en-us-female, en-us-male) x 2 formats (vonage-stream: 16 kHz WAV; wav-8000-mulaw), so 2,000 files, with
`-j 2`, against a shell loop that makes the same files with `espeak-ng -w` (the catalog's female and male
voice settings) and two `sox` runs per voice. Both synthesise once per prompt and voice (ssml batch replays the
synthesis for the second format's rate), so the CPU per prompt and voice compares the rest. Then: a rerun with nothing changed (target < 2 s), a rerun after
changing 3 rows (exactly 3 x 2 voices x 2 formats = 12 files must be rendered, checked from the --json
summary), and peak RSS (all processes) at 500 and at 5,000 rows of one voice and one format (flat memory:
10x the rows, about the same peak). --only batch runs this part alone (about 5 minutes on 2 cores).

Standard library only. Exit status: 0 after measuring (even when a target is missed: this is a
measurement, not a test), 1 when a command fails, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240521
RUNS = 3
CHARS_PER_SECOND = 14.5  # espeak-ng at its default rate, before calibration
CALIBRATION_TOLERANCE = 0.05
TARGET_RATIO = 0.80
TARGET_PEAK_MB = 150.0

WORDS = """
the a an and but or so because when while after before if then than that this these those
we you they he she it our your their his her its my one some many every each other another
people family friend neighbour teacher doctor driver farmer child children parents mother father
house garden kitchen window door table chair street road river bridge village town city market
station office school library hospital shop bakery morning afternoon evening night week month year
summer winter spring autumn weather rain wind sun cloud snow water bread coffee tea milk apple
letter book paper story picture music song game ticket train bus car bicycle boat plane journey
walk walked walks talk talked talks look looked looks bring brought carry carried open opened
close closed start started finish finished help helped visit visited watch watched wait waited
make made take took give gave find found keep kept leave left think thought know knew tell told
remember remembered decide decided learn learned answer answered travel travelled listen listened
good new old long little great small large young early late important different easy hard quiet
busy happy warm cold bright dark clean simple careful ready free full open kind honest useful
always often sometimes never usually quickly slowly carefully together almost again already
still soon today tomorrow yesterday here there everywhere nearly really quite very just also
about across along around at behind beside between by during for from in into near of on over
through to toward under until up with without
""".split()

# Sentence shapes: a subject, a verb phrase and sometimes a clause, so the text reads like prose.
SUBJECTS = ["the teacher", "our neighbour", "my friend", "the doctor", "the children", "her mother",
            "the driver", "a young farmer", "the old man", "his family", "the people", "everyone"]


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_kib: int
    processes: int = 1


@dataclass
class Side:
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu_median(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_kib for r in self.runs) / 1024.0


class CommandFailed(Exception):
    pass


def sentence(rng: random.Random) -> str:
    words = [rng.choice(SUBJECTS)]
    words += [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    if rng.random() < 0.35:
        words[-1] += ","
        words += [rng.choice(WORDS) for _ in range(rng.randint(3, 7))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!"])


def generate(target_chars: int) -> tuple[str, int]:
    """A <speak> document with about target_chars characters of text; returns (xml, text characters)."""
    rng = random.Random(SEED)
    paragraphs: list[str] = []
    chars = 0
    while chars < target_chars:
        sentences: list[str] = []
        for _ in range(rng.randint(3, 7)):
            sentences.append(sentence(rng))
            chars += len(sentences[-1]) + 1
            if chars >= target_chars:
                break
        paragraphs.append(f"  <p>{' '.join(sentences)}</p>")
    body = "\n".join(paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<speak xml:lang="en-US">\n{body}\n</speak>\n', chars


def wav_seconds(path: Path) -> float:
    """Duration of a RIFF/WAVE file from its header (any encoding: data bytes / byte rate)."""
    with open(path, "rb") as f:
        header = f.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise CommandFailed(f"{path} is not a WAV file")
        byte_rate = None
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                break
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"fmt ":
                fmt = f.read(size)
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
                if size & 1:
                    f.seek(1, os.SEEK_CUR)
            elif cid == b"data":
                if not byte_rate:
                    break
                here = f.tell()
                end = f.seek(0, os.SEEK_END)
                # espeak-ng writing to a file it cannot seek leaves 0x7fffffff-ish sizes: trust the file.
                return min(size, end - here) / byte_rate
            else:
                f.seek(size + (size & 1), os.SEEK_CUR)
    raise CommandFailed(f"{path}: no fmt or data chunk")


def status_kib(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    """Fields of /proc/PID/status in KiB (missing when the process is gone or a zombie)."""
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name = line.split(":", 1)[0]
                if name in keys:
                    values[name] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return values


def descendants(root: int) -> set[int]:
    """root and every live process below it (from the parent ids in /proc/*/stat)."""
    parents: dict[int, int] = {}
    try:
        entries = os.scandir("/proc")
    except OSError:
        return {root}
    with entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    stat = f.read()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


@dataclass
class TreeSample:
    peak_sum_kib: int = 0  # largest sum of VmRSS over the process tree at one moment
    peak_one_kib: int = 0  # largest VmHWM of any one process of the tree
    processes: set[int] = field(default_factory=set)


def sample_tree(root: int, done: threading.Event, sample: TreeSample) -> None:
    """Until `done`: every 5 ms, the resident memory of `root` and its descendants (a command may run
    worker processes at the same time; their memory adds up)."""
    tree, tick = {root}, 0
    while not done.is_set():
        if tick % 4 == 0:  # scanning /proc for children costs more than reading a status file
            tree = descendants(root) | {root}
        tick += 1
        total = 0
        for pid in tree:
            values = status_kib(pid, ("VmRSS", "VmHWM"))
            if values:
                sample.processes.add(pid)
                total += values.get("VmRSS", 0)
                sample.peak_one_kib = max(sample.peak_one_kib, values.get("VmHWM", 0))
        sample.peak_sum_kib = max(sample.peak_sum_kib, total)
        done.wait(0.005)


def run(cmd: list[str], cwd: Path) -> Run:
    """Run a command, returning its wall time, CPU time and peak RSS (KiB); raise on failure.

    CPU time is wait4's user+sys, which includes the worker processes the command waited for.
    Peak RSS is of the whole process tree: the largest sum of the resident sets of the command and its
    workers sampled at one moment (every 5 ms), or the largest single peak if that is higher. Linux
    charges a child, at exec, with the peak RSS of the memory it replaces (the forking Python, ~15 MB),
    so wait4's ru_maxrss counts only when it is above Python's own peak.
    """
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err_path = cwd / "stderr.txt"
    done, sample = threading.Event(), TreeSample()
    with open(err_path, "wb") as err:
        start = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as error:
            raise CommandFailed(f"cannot run {cmd[0]}: {error}") from error
        sampler = threading.Thread(target=sample_tree, args=(proc.pid, done, sample), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; keep Popen from waiting again
    if proc.returncode != 0:
        message = err_path.read_text(errors="replace").strip()
        raise CommandFailed(f"{' '.join(cmd)} exited with status {proc.returncode}\n{message}")
    exact = usage.ru_maxrss if usage.ru_maxrss > floor else 0
    peak = max(exact, sample.peak_sum_kib, sample.peak_one_kib, 1)
    return Run(elapsed, usage.ru_utime + usage.ru_stime, peak, max(len(sample.processes), 1))


def locate_catalog(ssml: Path) -> Path | None:
    """The voice catalog the binary reads: $SSML_VOICES, then share/swift-ssml/Voices or Voices/ in a
    folder above the executable (as VoiceCatalog.locate does), then this checkout's Voices/."""
    explicit = os.environ.get("SSML_VOICES")
    if explicit:
        path = Path(explicit)
        return path if path.suffix == ".json" else path / "catalog.json"
    directory = ssml.resolve().parent
    for _ in range(6):
        for candidate in ("../share/swift-ssml/Voices/catalog.json", "Voices/catalog.json"):
            path = (directory / candidate).resolve()
            if path.is_file():
                return path
        directory = directory.parent
    path = Path(__file__).resolve().parent.parent / "Voices" / "catalog.json"
    return path if path.is_file() else None


def same_voice_args(ssml: Path) -> tuple[list[str], str]:
    """espeak-ng options for the voice `ssml` speaks by default (en-us-female), from its voice catalog.

    The baseline command uses espeak-ng's default voice, a male voice without breath noise; a female
    variant with breath noise (f2) costs espeak-ng ~30 % more CPU. This second baseline does the same
    synthesis work as ssml, for reference (the target is judged on the plain baseline).
    """
    variant, rate, pitch = "f2", 170, 50
    catalog = locate_catalog(ssml)
    try:
        female = json.loads(catalog.read_text(encoding="utf-8"))["templates"]["female"] if catalog else {}
        variant, rate, pitch = female.get("variant", variant), female.get("rate", rate), female.get("pitch", pitch)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    voice = f"en-us+{variant}" if variant else "en-us"
    return ["-v", voice, "-s", str(rate), "-p", str(pitch)], f"{voice}, {rate} wpm"


@dataclass
class Pipeline:
    espeak: Side = field(default_factory=Side)
    sox: Side = field(default_factory=Side)

    @property
    def median(self) -> float:
        # Median of the per-run totals, so one slow espeak run and one slow sox run don't add up.
        return statistics.median(e.seconds + s.seconds for e, s in zip(self.espeak.runs, self.sox.runs))

    @property
    def cpu_median(self) -> float:
        return statistics.median(e.cpu_seconds + s.cpu_seconds for e, s in zip(self.espeak.runs, self.sox.runs))

    @property
    def spread(self) -> str:
        totals = [e.seconds + s.seconds for e, s in zip(self.espeak.runs, self.sox.runs)]
        return f"{min(totals):.2f}..{max(totals):.2f}"


@dataclass
class Result:
    label: str
    chars: int
    base_seconds: float  # espeak-ng's audio
    ours_seconds: float  # our audio (includes <p> pauses)
    base: Pipeline
    same: Pipeline | None  # espeak-ng with ssml's default voice, then sox
    ours: Side

    @property
    def ratio(self) -> float:
        return self.ours.median / self.base.median


def measure(label: str, minutes: float, cps: float, ssml: Path, espeak: str, sox: str, work: Path,
            same_voice: list[str] | None, runs: int = RUNS) -> tuple[Result, float]:
    """Generate a document of about `minutes` of speech and time both sides; returns the result and the
    measured characters per second of espeak-ng."""
    target = minutes * 60.0
    for attempt in range(2):
        xml, chars = generate(round(target * cps))
        doc = work / f"doc-{label.strip('~').replace(' ', '')}.ssml"
        doc.write_text(xml, encoding="utf-8")
        base, ours = Pipeline(), Side()
        same = Pipeline() if same_voice else None
        base_seconds = ours_seconds = 0.0
        recalibrated = False
        for index in range(runs):
            print(f"  {label}: run {index + 1}/{runs} ...", file=sys.stderr, flush=True)
            for name in ("base.wav", "base8k.wav", "same.wav", "same8k.wav", "ours.wav"):
                (work / name).unlink(missing_ok=True)
            base.espeak.runs.append(run([espeak, "-m", "-w", "base.wav", "-f", doc.name], work))
            base.sox.runs.append(run([sox, "base.wav", "-r", "8000", "-e", "u-law", "base8k.wav"], work))
            base_seconds = wav_seconds(work / "base.wav")
            if index == 0 and attempt == 0:
                measured = chars / base_seconds
                if abs(base_seconds - target) / target > CALIBRATION_TOLERANCE:
                    print(f"  {label}: {chars} characters gave {base_seconds / 60:.1f} min "
                          f"({measured:.2f} characters/s); regenerating", file=sys.stderr, flush=True)
                    cps = measured
                    recalibrated = True
                    break
            ours.runs.append(run([str(ssml), "render", doc.name, "-o", "ours.wav",
                                  "--rate", "8000", "--encoding", "mulaw"], work))
            ours_seconds = wav_seconds(work / "ours.wav")
            if same is not None and same_voice is not None:
                same.espeak.runs.append(run([espeak, *same_voice, "-m", "-w", "same.wav", "-f", doc.name], work))
                same.sox.runs.append(run([sox, "same.wav", "-r", "8000", "-e", "u-law", "same8k.wav"], work))
        if not recalibrated:
            return Result(label, chars, base_seconds, ours_seconds, base, same, ours), chars / base_seconds
    raise AssertionError("unreachable")


def extras(doc: Path, espeak: str, sox: str, ssml: Path, work: Path) -> list[str]:
    """Costs of the features on top of a plain render, on the main document, and `ssml test` on a folder of
    short prompts against one espeak-ng + sox pipeline per prompt (one run each)."""
    lines = [""]
    lines.append(f"features on {doc.name} (one run each; ratios against the plain render):")
    plain = run([str(ssml), "render", doc.name, "-o", "x.wav", "--rate", "8000", "--encoding", "mulaw"], work)
    rows = [
        ("render --rate 8000 --encoding mulaw", [], plain),
        ("+ --timeline --timeline-svg", ["--timeline", "t.json", "--timeline-svg", "t.svg"], None),
        ("+ --loudness -19 (two passes)", ["--loudness", "-19"], None),
        ("--preset vonage-mp3", None, None),
    ]
    for label, extra, result in rows:
        if result is None:
            command = [str(ssml), "render", doc.name, "-o", "x.mp3", "--preset", "vonage-mp3"] if extra is None else \
                [str(ssml), "render", doc.name, "-o", "x.wav", "--rate", "8000", "--encoding", "mulaw", *extra]
            result = run(command, work)
        lines.append(f"  {label:38s} {result.seconds:7.2f} s  ratio {result.seconds / plain.seconds:5.2f}  peak {result.peak_kib / 1024:6.1f} MB")

    lines += short_work(espeak, sox, ssml, work)
    return lines


SHORT_RUNS = 15
PROMPT_COUNT = 40
TARGET_START_RATIO = 2.0
TARGET_START_MB = 25.0
TARGET_PROMPTS_RATIO = 0.5


def interleaved(commands: list[list[str]], work: Path, runs: int) -> list[list[Run]]:
    """Each command `runs` times, taking turns, so load on the machine hits them alike."""
    results: list[list[Run]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            results[index].append(run(command, work))
    return results


def short_work(espeak: str, sox: str, ssml: Path, work: Path) -> list[str]:
    """What matters for prompt libraries and tests: the start of one short render, and `ssml test` on 40 short
    prompts against a loop of espeak-ng -w + sox -r 8000 -e u-law over the same texts."""
    lines = [""]
    sentence_file = work / "hello.txt"
    sentence_file.write_text("Hello, welcome to Example Company.\n", encoding="utf-8")
    base, ours = interleaved([[espeak, "-w", "hello-e.wav", "-f", "hello.txt"], [str(ssml), "render", "hello.txt", "-o", "hello-s.wav"]],
                             work, SHORT_RUNS)
    base_median = statistics.median(r.seconds for r in base)
    ours_median = statistics.median(r.seconds for r in ours)
    ours_peak = max(r.peak_kib for r in ours) / 1024
    lines.append(f"one sentence ({SHORT_RUNS} runs each, medians): espeak-ng -w {base_median * 1000:.1f} ms, "
                 f"peak {max(r.peak_kib for r in base) / 1024:.1f} MB; ssml render {ours_median * 1000:.1f} ms, peak {ours_peak:.1f} MB; "
                 f"ratio {ours_median / base_median:.2f} (target <= {TARGET_START_RATIO:.1f}, <= {TARGET_START_MB:.0f} MB): "
                 f"{'PASS' if ours_median / base_median <= TARGET_START_RATIO and ours_peak <= TARGET_START_MB else 'FAIL'}")

    prompts = work / "prompts40"
    prompts.mkdir(exist_ok=True)
    rng = random.Random(11)
    texts = [sentence(rng) for _ in range(PROMPT_COUNT)]
    for index, text in enumerate(texts):
        (prompts / f"p{index:02d}.ssml").write_text(f"<speak>{text}</speak>\n", encoding="utf-8")
        (work / f"p{index:02d}.txt").write_text(text + "\n", encoding="utf-8")
    script = work / "loop.sh"
    script.write_text("set -e\nfor i in $(seq -w 0 %d); do %s -w b.wav -f p$i.txt; %s b.wav -r 8000 -e u-law b8k.wav; done\n"
                      % (PROMPT_COUNT - 1, espeak, sox), encoding="utf-8")
    record = run([str(ssml), "test", "prompts40", "--update", "--rate", "8000"], work)
    loop, test = interleaved([["bash", str(script)], [str(ssml), "test", "prompts40", "--rate", "8000"]], work, 3)
    loop_median = statistics.median(r.seconds for r in loop)
    test_median = statistics.median(r.seconds for r in test)
    ratio = test_median / loop_median
    lines.append(f"ssml test on {PROMPT_COUNT} short prompts at 8 kHz (3 runs each, medians): compare {test_median:.2f} s "
                 f"(record {record.seconds:.2f} s, peak {max(r.peak_kib for r in test) / 1024:.1f} MB, {max(r.processes for r in test)} processes); "
                 f"espeak-ng -w + sox per prompt {loop_median:.2f} s; ratio {ratio:.2f} (target <= {TARGET_PROMPTS_RATIO}): "
                 f"{'PASS' if ratio <= TARGET_PROMPTS_RATIO else 'FAIL'}")
    return lines


BATCH_TARGET_RATIO = 0.35
BATCH_RERUN_TARGET = 2.0
PROMPT_WORDS = """
please press one two three four five for your account balance to speak with an agent our office is open
from monday to friday thank you for calling we are sorry all lines are busy stay on the line your call is
important to us main menu order status payments billing technical support new customers returns opening
hours address appointment confirm cancel change repeat the options hold music transfer you now goodbye
""".split()


def prompt_text(rng: random.Random) -> str:
    """One short IVR prompt: one or two sentences of 4 to 12 words."""
    sentences = []
    for _ in range(rng.choice((1, 1, 2))):
        words = [rng.choice(PROMPT_WORDS) for _ in range(rng.randint(4, 12))]
        sentences.append(" ".join(words).capitalize() + rng.choice((".", ".", "?")))
    return " ".join(sentences)


def write_prompts(path: Path, rows: int, voices: list[str], formats: list[str], seed: int = 11,
                  changed: set[int] | None = None) -> list[tuple[str, str]]:
    """A prompt manifest (CSV with a header section); returns (id, text) rows. `changed` rows get other text."""
    rng = random.Random(seed)
    prompts = [(f"p{index:05d}", prompt_text(rng)) for index in range(rows)]
    if changed:
        prompts = [(pid, text.rstrip(".?") + ", changed." if index in changed else text) for index, (pid, text) in enumerate(prompts)]
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(f"# voices: {' | '.join(voices)}\n# formats: {' | '.join(formats)}\n# template: {{id}}/{{voice}}-{{format}}.{{ext}}\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "text"])
        writer.writerows(prompts)
    return prompts


def catalog_voice(ssml: Path, gender: str) -> list[str]:
    """espeak-ng options for the catalog's `gender` template in American English."""
    defaults = {"female": ("f4", 170, 60), "male": ("m1", 170, 45)}[gender]
    variant, rate, pitch = defaults
    catalog = locate_catalog(ssml)
    try:
        template = json.loads(catalog.read_text(encoding="utf-8"))["templates"][gender] if catalog else {}
        variant, rate, pitch = template.get("variant", variant), template.get("rate", rate), template.get("pitch", pitch)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return ["-v", f"en-us+{variant}" if variant else "en-us", "-s", str(rate), "-p", str(pitch)]


def baseline_script(ssml: Path, espeak: str, sox: str, prompts: list[tuple[str, str]], work: Path) -> Path:
    """The shell loop a team would write: per prompt and voice, espeak-ng -w, then sox once per format."""
    texts = work / "texts"
    texts.mkdir(exist_ok=True)
    for pid, text in prompts:
        (texts / f"{pid}.txt").write_text(text + "\n", encoding="utf-8")
    lines = ["set -e", "mkdir -p base", "for f in texts/*.txt; do", '  id=${f#texts/}; id=${id%.txt}', '  mkdir -p "base/$id"']
    for gender in ("female", "male"):
        voice = " ".join(catalog_voice(ssml, gender))
        lines += [
            f'  {espeak} {voice} -w "base/$id/{gender}.wav" -f "$f"',
            f'  {sox} "base/$id/{gender}.wav" -r 16000 -b 16 -e signed-integer "base/$id/en-us-{gender}-vonage-stream.wav"',
            f'  {sox} "base/$id/{gender}.wav" -r 8000 -e u-law "base/$id/en-us-{gender}-wav-8000-mulaw.wav"',
            f'  rm "base/$id/{gender}.wav"',
        ]
    lines.append("done")
    script = work / "baseline.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def batch_summary(work: Path) -> dict:
    """The --json summary of the last run (its stdout was saved by run_json)."""
    lines = (work / "batch.json").read_text(encoding="utf-8").strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def run_json(cmd: list[str], cwd: Path) -> Run:
    """run(), with standard output (JSON events) kept in batch.json."""
    out_path = cwd / "batch.json"
    with open(out_path, "wb") as out:
        err_path = cwd / "stderr.txt"
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        done, sample = threading.Event(), TreeSample()
        with open(err_path, "wb") as err:
            start = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            sampler = threading.Thread(target=sample_tree, args=(proc.pid, done, sample), daemon=True)
            sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.monotonic() - start
            done.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} exited with status {proc.returncode}\n{err_path.read_text(errors='replace').strip()}")
    exact = usage.ru_maxrss if usage.ru_maxrss > floor else 0
    return Run(elapsed, usage.ru_utime + usage.ru_stime, max(exact, sample.peak_sum_kib, sample.peak_one_kib, 1), max(len(sample.processes), 1))


def batch_bench(ssml: Path, espeak: str, sox: str, work: Path, rows: int, big_rows: int, runs: int) -> tuple[list[str], bool]:
    """The batch figures; returns report lines and whether every target was met."""
    work = work / "batch"
    work.mkdir(exist_ok=True)
    voices, formats = ["en-us-female", "en-us-male"], ["vonage-stream", "wav-8000-mulaw"]
    files = rows * len(voices) * len(formats)
    prompts = write_prompts(work / "prompts.csv", rows, voices, formats)
    script = baseline_script(ssml, espeak, sox, prompts, work)
    command = [str(ssml), "batch", "prompts.csv", "-o", "out", "-j", "2", "--json"]
    base, ours = Side(), Side()
    for index in range(runs):
        print(f"  batch: run {index + 1}/{runs}: shell loop ({files} files) ...", file=sys.stderr, flush=True)
        shutil.rmtree(work / "base", ignore_errors=True)
        base.runs.append(run(["sh", script.name], work))
        made = sum(1 for _ in (work / "base").rglob("*.wav"))
        if made != files:
            raise CommandFailed(f"the shell loop made {made} files, not {files}")
        print(f"  batch: run {index + 1}/{runs}: ssml batch -j 2 ...", file=sys.stderr, flush=True)
        shutil.rmtree(work / "out", ignore_errors=True)
        ours.runs.append(run_json(command, work))
        summary = batch_summary(work)
        if summary.get("rendered") != files:
            raise CommandFailed(f"ssml batch rendered {summary.get('rendered')} files, not {files}")
    print("  batch: reruns ...", file=sys.stderr, flush=True)
    reruns = []
    for _ in range(3):
        reruns.append(run_json(command, work))
        if batch_summary(work).get("rendered") != 0:
            raise CommandFailed("a rerun with nothing changed rendered something")
    rerun = statistics.median(r.seconds for r in reruns)
    write_prompts(work / "prompts.csv", rows, voices, formats, changed={7, rows // 2, rows - 3})
    changed = run_json(command, work)
    changed_summary = batch_summary(work)
    expected_changed = 3 * len(voices) * len(formats)

    print(f"  batch: peak memory at {rows} and {big_rows} rows (1 voice, 1 format) ...", file=sys.stderr, flush=True)
    peaks = []
    for count in (rows, big_rows):
        folder = work / f"mem{count}"
        folder.mkdir(exist_ok=True)
        write_prompts(folder / "prompts.csv", count, ["en-us-female"], ["wav-8000-mulaw"], seed=13)
        shutil.rmtree(folder / "out", ignore_errors=True)
        peaks.append((count, run_json([str(ssml), "batch", "prompts.csv", "-o", "out", "-j", "2", "--json"], folder)))
        if batch_summary(folder).get("rendered") != count:
            raise CommandFailed(f"ssml batch rendered {batch_summary(folder).get('rendered')} files of {count}")
    ratio = ours.median / base.median
    growth = peaks[1][1].peak_kib / peaks[0][1].peak_kib
    lines = [
        "",
        f"batch: {rows} prompts x {len(voices)} voices x {len(formats)} formats = {files} files ({runs} runs each, interleaved; medians)",
        f"  shell loop, espeak-ng -w + 2 sox per prompt and voice  {base.median:8.2f} s  (min..max {min(r.seconds for r in base.runs):.2f}..{max(r.seconds for r in base.runs):.2f}, CPU {base.cpu_median:.2f} s)",
        f"  ssml batch -j 2                                        {ours.median:8.2f} s  (min..max {min(r.seconds for r in ours.runs):.2f}..{max(r.seconds for r in ours.runs):.2f}, CPU {ours.cpu_median:.2f} s)",
        f"  ratio ssml batch / shell loop (<= {BATCH_TARGET_RATIO:.2f})                    {ratio:8.3f}",
        f"  CPU per prompt and voice (one synthesis, {len(formats)} files)         {1000 * base.cpu_median / (rows * len(voices)):8.1f} ms shell loop, "
        f"{1000 * ours.cpu_median / (rows * len(voices)):.1f} ms ssml batch",
        f"  rerun, nothing changed (< {BATCH_RERUN_TARGET:.0f} s)                           {rerun:8.2f} s  (runs {', '.join(f'{r.seconds:.2f}' for r in reruns)})",
        f"  rerun, 3 rows changed                                  {changed.seconds:8.2f} s  rendered {changed_summary.get('rendered')} files (expected {expected_changed}), {changed_summary.get('upToDate')} up to date",
        f"  peak RSS ssml batch, all processes                     {ours.peak_mb:8.1f} MB",
        f"  peak RSS at {peaks[0][0]} / {peaks[1][0]} rows (1 voice, 1 format)         {peaks[0][1].peak_kib / 1024:6.1f} / {peaks[1][1].peak_kib / 1024:.1f} MB  (ratio {growth:.2f}; {peaks[1][1].seconds:.1f} s for {peaks[1][0]} files)",
    ]
    ok = ratio <= BATCH_TARGET_RATIO and rerun < BATCH_RERUN_TARGET and changed_summary.get("rendered") == expected_changed and growth < 1.15
    lines.append(f"  targets: ratio <= {BATCH_TARGET_RATIO}: {'PASS' if ratio <= BATCH_TARGET_RATIO else 'FAIL'}; rerun < {BATCH_RERUN_TARGET:.0f} s: "
                 f"{'PASS' if rerun < BATCH_RERUN_TARGET else 'FAIL'}; 3 rows -> {expected_changed} files: "
                 f"{'PASS' if changed_summary.get('rendered') == expected_changed else 'FAIL'}; flat memory (< 1.15x): {'PASS' if growth < 1.15 else 'FAIL'}")
    return lines, ok



def print_table(results: list[Result], same_voice: str) -> None:
    rows: list[tuple[str, ...]] = [("", *[r.label for r in results])]

    def row(name: str, values: list[str]) -> None:
        rows.append((name, *values))

    def same(fn) -> list[str]:
        return [fn(r.same) if r.same is not None else "-" for r in results]

    row("text characters", [f"{r.chars:,}" for r in results])
    row("audio min, espeak-ng", [f"{r.base_seconds / 60:.2f}" for r in results])
    row("audio min, ssml (with <p> pauses)", [f"{r.ours_seconds / 60:.2f}" for r in results])
    row("baseline espeak-ng s", [f"{r.base.espeak.median:.2f}" for r in results])
    row("baseline sox s", [f"{r.base.sox.median:.2f}" for r in results])
    row("baseline total s", [f"{r.base.median:.2f}" for r in results])
    row("ssml render s", [f"{r.ours.median:.2f}" for r in results])
    row("ratio ssml / baseline (<= 0.80)", [f"{r.ratio:.3f}" for r in results])
    row("baseline total s, min..max", [r.base.spread for r in results])
    row("ssml render s, min..max", [f"{min(x.seconds for x in r.ours.runs):.2f}..{max(x.seconds for x in r.ours.runs):.2f}"
                                     for r in results])
    row("baseline speed, x realtime", [f"{r.base_seconds / r.base.median:.0f}" for r in results])
    row("ssml speed, x realtime", [f"{r.ours_seconds / r.ours.median:.0f}" for r in results])
    row("baseline CPU s (user+sys)", [f"{r.base.cpu_median:.2f}" for r in results])
    row("ssml CPU s (user+sys)", [f"{r.ours.cpu_median:.2f}" for r in results])
    row("ratio CPU ssml / baseline", [f"{r.ours.cpu_median / r.base.cpu_median:.3f}" for r in results])
    row(f"same-voice baseline total s ({same_voice})", same(lambda p: f"{p.median:.2f}"))
    row("same-voice baseline CPU s", same(lambda p: f"{p.cpu_median:.2f}"))
    row("ratio ssml / same-voice baseline", [f"{r.ours.median / r.same.median:.3f}" if r.same else "-" for r in results])
    row("ratio CPU ssml / same-voice baseline",
        [f"{r.ours.cpu_median / r.same.cpu_median:.3f}" if r.same else "-" for r in results])
    row("peak RSS espeak-ng MB", [f"{r.base.espeak.peak_mb:.1f}" for r in results])
    row("peak RSS sox MB", [f"{r.base.sox.peak_mb:.1f}" for r in results])
    row("peak RSS ssml MB, all its processes (< 150)", [f"{r.ours.peak_mb:.1f}" for r in results])
    row("ssml processes (render + workers)", [str(max(x.processes for x in r.ours.runs)) for r in results])

    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for index, r in enumerate(rows):
        print("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]))
        if index == 0:
            print("  ".join("-" * w for w in widths))


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ssml", required=True, help="the ssml binary (e.g. .build/release/ssml)")
    parser.add_argument("--minutes", type=float, default=25.0, help="length of the main document (default 25)")
    parser.add_argument("--long-minutes", type=float, default=60.0,
                        help="length of the long document for the memory check (default 60; 0 skips it)")
    parser.add_argument("--runs", type=int, default=RUNS,
                        help=f"runs of each side per document (default {RUNS}; more on a noisy machine)")
    parser.add_argument("--keep", action="store_true", help="work in ./bench-out and keep the files")
    parser.add_argument("--only", choices=("render", "batch"), help="run only the long-document part or only the batch part")
    parser.add_argument("--batch-rows", type=int, default=500, help="prompts of the batch case (default 500; 0 skips it)")
    parser.add_argument("--batch-big-rows", type=int, default=5000, help="prompts of the memory case (default 5000)")
    parser.add_argument("--batch-runs", type=int, default=2, help="runs of each side of the batch case (default 2)")
    args = parser.parse_args()

    ssml = Path(args.ssml).resolve()
    if not (ssml.is_file() and os.access(ssml, os.X_OK)):
        print(f"bench: {args.ssml} is not an executable (build it with: swift build -c release)", file=sys.stderr)
        return 2
    if args.minutes <= 0 or args.long_minutes < 0 or args.runs < 1:
        print("bench: --minutes must be > 0, --long-minutes >= 0 and --runs >= 1", file=sys.stderr)
        return 2
    espeak = shutil.which("espeak-ng")
    sox = shutil.which("sox")
    if not espeak or not sox:
        print("bench: needs espeak-ng and sox on PATH (make bench-deps)", file=sys.stderr)
        return 1

    if args.keep:
        work = Path("bench-out").resolve()
        work.mkdir(exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="ssml-bench-")
        work = Path(cleanup.name)

    print(f"ssml:      {ssml}")
    print(f"catalog:   {locate_catalog(ssml) or '?'}")
    print(f"espeak-ng: {version([espeak, '--version'])}")
    print(f"sox:       {version([sox, '--version'])}")
    print(f"machine:   {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
          f"{args.runs} runs each, interleaved; times are medians, RSS the maximum")
    print(f"work dir:  {work}{'' if args.keep else ' (removed at the end; --keep keeps ./bench-out)'}")
    print()

    voice_args, voice_label = same_voice_args(ssml)
    results: list[Result] = []
    extra_lines: list[str] = []
    batch_lines: list[str] = []
    first = long = None
    main_label = f"~{args.minutes:g} min"
    try:
        if args.only != "batch":
            first, cps = measure(main_label, args.minutes, CHARS_PER_SECOND, ssml, espeak, sox, work, voice_args, args.runs)
            results.append(first)
            print(f"  calibration: espeak-ng reads {cps:.2f} characters of text per second", file=sys.stderr)
            if args.long_minutes > 0:
                long, _ = measure(f"~{args.long_minutes:g} min", args.long_minutes, cps, ssml, espeak, sox, work, None, args.runs)
                results.append(long)
            print("  features and ssml test ...", file=sys.stderr, flush=True)
            extra_lines = extras(work / f"doc-{main_label.strip('~').replace(' ', '')}.ssml", espeak, sox, ssml, work)
        if args.only != "render" and args.batch_rows > 0:
            batch_lines, _ = batch_bench(ssml, espeak, sox, work, args.batch_rows, args.batch_big_rows, max(1, args.batch_runs))
    except CommandFailed as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    finally:
        if cleanup is not None:
            cleanup.cleanup()

    if first is not None:
        print_table(results, voice_label)
        print("\n".join(extra_lines))
        print()
        ratio_ok = first.ratio <= TARGET_RATIO
        peak = max(r.ours.peak_mb for r in results)
        peak_ok = peak < TARGET_PEAK_MB
        print(f"time ratio ssml / (espeak-ng + sox) at {main_label}: {first.ratio:.3f}")
        if long is not None:
            growth = long.ours.peak_mb / first.ours.peak_mb
            print(f"ssml peak RSS: {first.ours.peak_mb:.1f} MB at {first.label}, {long.ours.peak_mb:.1f} MB at "
                  f"{long.label}; ratio {growth:.2f} (~1.0: memory does not grow with length)")
            print(f"baseline peak RSS at {long.label}: espeak-ng {long.base.espeak.peak_mb:.1f} MB, "
                  f"sox {long.base.sox.peak_mb:.1f} MB")
        print(f"targets: ratio <= {TARGET_RATIO:.2f}: {'PASS' if ratio_ok else 'FAIL'}; "
              f"peak memory < {TARGET_PEAK_MB:.0f} MB: {'PASS' if peak_ok else 'FAIL'}")
    if batch_lines:
        print("\n".join(batch_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
