#!/usr/bin/env bash
# Scale benchmarks (figures in bench/README.md).
#
#   bash bench/run.sh BUILD_DIR        (make bench does this with BUILD_DIR=build)
#
# Environment:
#   LC_BENCH_DIR      data and outputs (default /tmp/lc-bench; never inside the repository)
#   LC_BENCH_SEED     generator seed (default 20250601); data is regenerated when it changes
#   LC_BENCH_REPS     repetitions of each timed run (default 3; the best is reported)
#   LC_BENCH_STEPS    which steps to run (default "network analyze site"; add "quality" for
#                     bench_siting_quality, CBC vs greedy, ~3 min, and its --scale run)
#   LC_BENCH_QUALITY  1 = same as adding "quality" to LC_BENCH_STEPS
# A step that fails is reported (FAILED, with its last error line) and the others still run.
set -uo pipefail

BUILD=${1:-build}
STEPS=" ${LC_BENCH_STEPS:-network analyze site} "
[ "${LC_BENCH_QUALITY:-0}" = 1 ] && STEPS="$STEPS quality "
step() { [[ "$STEPS" == *" $1 "* ]]; }
DATA=${LC_BENCH_DIR:-/tmp/lc-bench}
SEED=${LC_BENCH_SEED:-20250601}
REPS=${LC_BENCH_REPS:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$(realpath -m "$DATA")/" in "$ROOT"/*) echo "LC_BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac

TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "GNU time is missing (apt-get install -y time); peak memory is then only reported by the bench programs" >&2
  TIME=""
fi

for exe in lifecircle gen_dongguan_network bench_network bench_site_scale bench_siting_quality; do
  if [ ! -x "$BUILD/$exe" ]; then cmake --build "$BUILD" --target "$exe" -j "$(nproc)"; fi
done

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GB RAM"

# --- data --------------------------------------------------------------------------------------
if [ ! -f "$DATA/project.toml" ] || [ ! -f "$DATA/dongguan_bench.gpkg" ] || ! grep -q "\"seed\": $SEED," "$DATA/gen.json" 2>/dev/null; then
  echo "== generating data into $DATA (seed $SEED)"
  "$BUILD/gen_dongguan_network" "$DATA" --seed "$SEED"
else
  echo "== data present in $DATA: $(cat "$DATA/gen.json")"
fi

# Runs a command under GNU time; prints "wall rss" (s, MiB), or "FAILED(rc) -" if it failed.
timed() {
  local log=$1; shift
  if [ -n "$TIME" ]; then
    "$TIME" -v -o "$log.time" "$@" >"$log.out" 2>"$log.err"
    local rc=$?
    if [ $rc -ne 0 ]; then echo "FAILED($rc) -"; return 0; fi
    local rss wall
    rss=$(awk -F: '/Maximum resident set size/{print int($2/1024)}' "$log.time")
    wall=$(awk '/Elapsed \(wall clock\)/{n=split($NF,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log.time")
    echo "$wall $rss"
  else
    local t0 t1
    t0=$(date +%s.%N); "$@" >"$log.out" 2>"$log.err" || { echo "FAILED -"; return 0; }; t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc) ?"
  fi
}

LOGS="$DATA/logs"
mkdir -p "$LOGS"

# --- 1. network -------------------------------------------------------------------------------------
if step network; then
echo
echo "== bench_network (search / snapping best of $REPS in-process runs)"
read -r wall rss < <(timed "$LOGS/network" "$BUILD/bench_network" "$DATA" --reps "$REPS")
cat "$LOGS/network.out"
echo "process: wall ${wall} s, peak RSS ${rss} MiB (GNU time)"
[[ "$wall" == FAILED* ]] && tail -3 "$LOGS/network.err"
fi

# --- 2. analyze end to end -----------------------------------------------------------------------------
# Stage durations come from analyze's progress lines on stderr: "[  t s] stage: details (d s)".
stages() {
  sed -nE 's/^\[ *[0-9.]+s\] ([^:(]*[^:( ]).*\(([0-9.]+) s\)$/\1 \2/p' "$1" | awk '{d=$NF; $NF=""; printf "%s%s%.2f", (n++?" / ":""), $0, d}'
}
if step analyze; then
for mode in no yes; do
  echo
  echo "== lifecircle analyze $DATA/project.toml --service-areas $mode ($REPS runs)"
  echo "| run | wall s | peak MiB | stages (s, from its stderr) |"
  echo "|---|---|---|---|"
  for r in $(seq 1 "$REPS"); do
    rm -rf "$DATA/out-analyze"
    read -r wall rss < <(timed "$LOGS/analyze-$mode$r" "$BUILD/lifecircle" analyze "$DATA/project.toml" --service-areas "$mode" --out "$DATA/out-analyze")
    note=""
    [[ "$wall" == FAILED* ]] && note=" — $(grep -m1 -i error "$LOGS/analyze-$mode$r.err")"
    echo "| $r | $wall | $rss | $(stages "$LOGS/analyze-$mode$r.err")$note |"
    # A failing run fails the same way every time: do not repeat it.
    [[ "$wall" == FAILED* ]] && break
  done
done
head -3 "$LOGS/analyze-no1.out"
fi

# --- 3. siting: library, then the CLI -------------------------------------------------------------------
if step site; then
echo
echo "== bench_site_scale (library: 20,000 candidates x 300,000 demand, K=100; plus analyze's service areas)"
read -r wall rss < <(timed "$LOGS/site_lib" "$BUILD/bench_site_scale" "$DATA" --k 100 --analyze-areas)
cat "$LOGS/site_lib.out"
[[ "$wall" == FAILED* ]] && tail -3 "$LOGS/site_lib.err"
echo "process: wall ${wall} s, peak RSS ${rss} MiB (includes the analyze service-area step)"

echo
echo "== lifecircle site --candidates ... --add 100 ($REPS runs)"
echo "| run | wall s | peak MiB | result |"
echo "|---|---|---|---|"
for r in $(seq 1 "$REPS"); do
  rm -rf "$DATA/out-site"
  read -r wall rss < <(timed "$LOGS/site$r" "$BUILD/lifecircle" site "$DATA/project.toml" --candidates "$DATA/dongguan_bench.gpkg" \
    --candidates-layer candidates --candidates-id id --add 100 --out "$DATA/out-site")
  echo "| $r | $wall | $rss | $(grep -m1 'sites chosen' "$LOGS/site$r.out" || grep -m1 -i error "$LOGS/site$r.err") |"
  [[ "$wall" == FAILED* ]] && break
done
fi

# --- 4. siting quality (optional: CBC runs take minutes) ---------------------------------------------------
if step quality; then
  echo
  echo "== bench_siting_quality"
  "$BUILD/bench_siting_quality"
  echo
  echo "== bench_siting_quality --scale"
  "$BUILD/bench_siting_quality" --scale
fi
echo
echo "logs in $LOGS"
