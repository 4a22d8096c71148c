#!/usr/bin/env bash
# Render every *.ssml and *.txt file (with `ssml render`) and every *.json Vonage NCCO (with `ssml ncco`) in
# SAMPLES_DIR (sorted) with the ssml binary BIN into OUT_DIR:
#   OUT_DIR/NAME.wav            16 kHz PCM16
#   OUT_DIR/NAME.8k-mulaw.wav   8 kHz mu-law
#   OUT_DIR/NAME.timeline.json  what the 16 kHz render did (segments, words, events)
#   OUT_DIR/NAME.svg            its waveform with segments and words
# Prints one line per sample (name, duration of the 16 kHz file, ok/FAILED). Warnings from ssml go to
# stderr as usual. Every sample is tried; the exit status is non-zero if any render failed.
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: $0 BIN SAMPLES_DIR OUT_DIR" >&2
    exit 2
fi
bin=$1
samples=$2
out=$3

if [ ! -x "$bin" ]; then
    echo "$0: $bin is not an executable (build it with: swift build -c release)" >&2
    exit 2
fi
if [ ! -d "$samples" ]; then
    echo "$0: $samples is not a directory" >&2
    exit 2
fi
mkdir -p "$out"

# Duration in seconds of a WAV file: soxi when sox is installed, otherwise read the header with python3.
duration() {
    if command -v soxi >/dev/null 2>&1; then
        soxi -D "$1" 2>/dev/null && return 0
    fi
    python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
    sys.exit("not a WAV file")
pos, byte_rate, size = 12, None, None
while pos + 8 <= len(data):
    cid, clen = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
    if cid == b"fmt ":
        byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
    elif cid == b"data":
        size = min(clen, len(data) - pos - 8)
        break
    pos += 8 + clen + (clen & 1)
if not byte_rate or size is None:
    sys.exit("no fmt or data chunk")
print(f"{size / byte_rate:.6f}")
PY
}

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find "$samples" -maxdepth 1 -type f \( -name '*.ssml' -o -name '*.txt' -o -name '*.json' \) -print0 | LC_ALL=C sort -z
)
if [ "${#files[@]}" -eq 0 ]; then
    echo "$0: no *.ssml, *.txt or *.json files in $samples" >&2
    exit 1
fi

width=0
for f in "${files[@]}"; do
    name=$(basename "$f")
    if [ "${#name}" -gt "$width" ]; then width=${#name}; fi
done

failed=0
for f in "${files[@]}"; do
    file=$(basename "$f")
    name=${file%.*}
    status=ok
    command=render
    [[ $file == *.json ]] && command=ncco
    # A failed render leaves no file, so stale output from an earlier run must not be measured.
    rm -f "$out/$name.wav" "$out/$name.8k-mulaw.wav" "$out/$name.timeline.json" "$out/$name.svg"
    "$bin" "$command" "$f" -o "$out/$name.wav" --timeline "$out/$name.timeline.json" --timeline-svg "$out/$name.svg" || status=FAILED
    # The 8 kHz render repeats the warnings of the first one: show its messages only when it fails.
    if ! messages=$("$bin" "$command" "$f" -o "$out/$name.8k-mulaw.wav" --rate 8000 --encoding mulaw 2>&1); then
        status=FAILED
        printf '%s\n' "$messages" >&2
    fi
    seconds="-"
    if [ -f "$out/$name.wav" ]; then
        seconds=$(duration "$out/$name.wav") || seconds="?"
        if [[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]]; then seconds=$(printf '%.2f' "$seconds"); fi
    fi
    [ "$status" = ok ] || failed=$((failed + 1))
    printf "%-${width}s  %8s s  %s\n" "$file" "$seconds" "$status"
done

if [ "$failed" -ne 0 ]; then
    echo "$failed of ${#files[@]} samples FAILED (output in ${out%/}/)" >&2
    exit 1
fi
echo "rendered ${#files[@]} samples to ${out%/}/ (16 kHz PCM16 with timeline JSON and SVG, and 8 kHz mu-law)"
