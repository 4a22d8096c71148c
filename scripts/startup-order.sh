#!/usr/bin/env bash
# Writes scripts/startup-order.txt: the functions of `ssml` that a short render runs, in the order they first run.
# The release link (Package.swift, `startLinking`) hands the list to lld, which places those functions together, so
# a start maps fewer pages of the 160 MB static binary. Run it after large changes to the start-up path (a stale
# list still links: names that no longer exist are skipped); needs valgrind and a release build (`make release`).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/ssml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 of this toolchain: profile a copy without debug information, beside the
# original so that it finds the Voices and Dialects folders the same way.
copy="$(dirname "$(readlink -f "$binary")")/ssml-startup-profile"
objcopy --strip-debug "$binary" "$copy"
trap 'rm -rf "$work" "$copy"' EXIT
printf '<speak>Hello, welcome to <emphasis>Example Company</emphasis>. <break time="300ms"/> Press 1.</speak>\n' >"$work/a.ssml"
printf '[{"action":"talk","text":"Your code is 1 2 3.","language":"en-GB","style":2}]\n' >"$work/a.json"
runs=(
  "render $work/a.ssml -o $work/1.wav"
  "render $work/a.ssml -o $work/2.ulaw --rate 8000 --encoding mulaw --voice de-de-female"
  "ncco $work/a.json -o $work/3.wav"
  "text $work/a.ssml"
)
index=0
for run in "${runs[@]}"; do
  index=$((index + 1))
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$index" "$copy" $run >/dev/null 2>&1
done
python3 - "$work" "$(basename "$copy")" >scripts/startup-order.txt <<'PY'
import glob, re, sys
work, name = sys.argv[1], sys.argv[2]
order, seen = [], set()
for path in sorted(glob.glob(f"{work}/cg.*")):
    objects, functions, current, callee = {}, {}, None, None
    for line in open(path):
        line = line.rstrip("\n")
        match = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line)
        if match:
            if match.group(3): objects[match.group(2)] = match.group(3)
            if match.group(1) == "ob": current, callee = objects.get(match.group(2)), None
            else: callee = objects.get(match.group(2))
            continue
        match = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
        if not match: continue
        owner = current if match.group(1) == "fn" else (callee or current)
        if match.group(3): functions[match.group(2)] = (match.group(3), owner)
        symbol, where = functions.get(match.group(2), (None, None))
        if match.group(1) == "fn": callee = None
        # Only this executable's own functions, by their linker names (callgrind adds 'N to recursion levels).
        if not symbol or not where or not where.endswith("/" + name): continue
        if symbol.startswith("0x") or symbol.startswith("(") or "'" in symbol or symbol in seen: continue
        seen.add(symbol)
        order.append(symbol)
print("\n".join(order))
PY
echo "scripts/startup-order.txt: $(wc -l <scripts/startup-order.txt) functions"
