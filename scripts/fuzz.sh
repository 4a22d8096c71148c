#!/bin/sh
# Runs each libFuzzer harness for a while on its own corpus.
#   scripts/fuzz.sh BIN_DIR SECONDS_EACH TARGET...
# The working corpus (Fuzz/Corpus/<target>/, not in git) is seeded from Samples/ and from the kept
# regression inputs (Fuzz/Regressions/<target>/). A crash, leak, timeout or out-of-memory input lands in
# Fuzz/Findings/<target>/ and fails the run: keep it as a regression input once fixed.
set -eu
bin=$1; seconds=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for target in "$@"; do
  corpus="$root/Fuzz/Corpus/$target"; findings="$root/Fuzz/Findings/$target"; kept="$root/Fuzz/Regressions/$target"
  mkdir -p "$corpus" "$findings" "$kept"
  case $target in
    FuzzSSML|FuzzLint) seeds=$(ls "$root"/Samples/*.ssml "$root"/Samples/*.txt 2>/dev/null) ;;
    FuzzNCCO) seeds=$(ls "$root"/Samples/*.json 2>/dev/null) ;;
    FuzzAudio) seeds=$(ls "$root"/Samples/*.wav "$root"/Samples/*.flac 2>/dev/null) ;;
    *) seeds= ;;
  esac
  for seed in $seeds; do cp -n "$seed" "$corpus/" 2>/dev/null || true; done
  echo "== $target: $seconds s"
  log="$findings/last-run.log"
  if ! "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$kept" >"$log" 2>&1; then
    status=1
    echo "   FOUND: see $log and $findings/"
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "$log" | sed 's/^/   /' || true
done
exit $status
