#!/usr/bin/env bash
# Scale benchmarks (figures in bench/README.md).
#
#   bash bench/run.sh BUILD_DIR        (make bench does this with BUILD_DIR=build)
#
# Environment:
#   LC_BENCH_DIR      data and outputs (default /tmp/lc-bench; never inside the repository)
#   LC_BENCH_SEED     generator seed (default 20250601); data is regenerated when it changes
#   LC_BENCH_REPS     repetitions of each timed run (default 3; the best is reported)
#   LC_BENCH_STEPS    which steps to run (default "network analyze site shapes"; add "quality"
#                     for bench_siting_quality, CBC vs greedy, ~3 min, and its --scale run, and
#                     "province" for the province-scale study of issue 13, below)
#   LC_BENCH_QUALITY  1 = same as adding "quality" to LC_BENCH_STEPS
#   LC_BENCH_GEN_ARGS extra generator options for a smaller study, e.g. "--nodes 300000
#                     --demand 100000" (default none: the full size); data is regenerated when
#                     they change
# The "shapes" step also writes the study as one feature per street segment in EPSG:32650
# (into $LC_BENCH_DIR/segments-32650) and times analyze (15-minute circle) on both shapes
# against bench/networkx_baseline.py, checking that both give the same coverage share.
# The opt-in "province" step (LC_BENCH_STEPS="province", not in the default list: it takes
# minutes, ~2 GB of disk and ~14 GB of memory) generates LC_BENCH_CITIES (default 21) translated
# copies of the study (gen_dongguan_network --cities; LC_BENCH_GEN_ARGS sizes apply per city)
# into LC_BENCH_PROVINCE_DIR (default $LC_BENCH_DIR/province) and times analyze (15-minute
# circle, no service areas) LC_BENCH_PROVINCE_REPS times (default 1) against the issue's target
# (<= 5 min, <= 16 GiB peak); it is skipped when less memory or disk is free than it needs.
# A step that fails is reported (FAILED, with its last error line) and the others still run.
set -uo pipefail

BUILD=${1:-build}
STEPS=" ${LC_BENCH_STEPS:-network analyze site shapes} "
[ "${LC_BENCH_QUALITY:-0}" = 1 ] && STEPS="$STEPS quality "
step() { [[ "$STEPS" == *" $1 "* ]]; }
DATA=${LC_BENCH_DIR:-/tmp/lc-bench}
SEED=${LC_BENCH_SEED:-20250601}
REPS=${LC_BENCH_REPS:-3}
GEN_ARGS=${LC_BENCH_GEN_ARGS:-}
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
# gen DIR [options]: (re)generates DIR unless it holds data of this seed and these options.
# gen.args records the options, since gen.json does not name them all.
gen() {
  local dir=$1; shift
  local args
  # shellcheck disable=SC2086  # unquoted on purpose: GEN_ARGS is a list of options, and echo
  args=$(echo --seed "$SEED" $GEN_ARGS "$@")  # joins them with single spaces for the comparison
  # Data made before gen.args existed was made with the seed alone.
  if [ ! -f "$dir/project.toml" ] || [ ! -f "$dir/dongguan_bench.gpkg" ] || ! grep -q "\"seed\": $SEED," "$dir/gen.json" 2>/dev/null ||
     [ "$(cat "$dir/gen.args" 2>/dev/null || echo "--seed $SEED")" != "$args" ]; then
    echo "== generating data into $dir ($args)"
    rm -f "$dir/gen.args" "$dir/gen.time"
    mkdir -p "$dir"
    # shellcheck disable=SC2086
    ${TIME:+"$TIME" -v -o "$dir/gen.time"} "$BUILD/gen_dongguan_network" "$dir" $args && echo "$args" >"$dir/gen.args"
  else
    echo "== data present in $dir: $(cat "$dir/gen.json")"
  fi
}
gen "$DATA"
SEGDATA="$DATA/segments-32650"
step shapes && gen "$SEGDATA" --segments --crs EPSG:32650

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

# --- 4. both road shapes against a networkx baseline ---------------------------------------------------------
# analyze with the 15-minute circle only (--minutes 15 --nearest-cutoff 15, the issue's target
# set-up) on the long WGS84 polylines and on the segment-per-feature EPSG:32650 layer, each run
# $REPS times, then bench/networkx_baseline.py on the same files $REPS times. The baseline reads
# lifecircle's coverage.gpkg afterwards and the shares must agree within SHARE_TOL.
SHARE_TOL=0.0001  # absolute, on a share in [0, 1]: 0.01 percentage points
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
cpu_s() { awk -F: '/User time|System time/{s+=$2} END{printf "%.2f", s}' "$1.time" 2>/dev/null; }
# The baseline's stage lines "  name (details): t s" joined as "name t / name t".
nx_stages() { sed -nE '/^  total:/d; s/^  ([a-z][^(:]*[^(: ]).*: ([0-9.]+) s$/\1 \2/p' "$1" | paste -sd/ | sed 's#/# / #g'; }
CHECK_FAILED=0
if step shapes; then
  PY=/usr/bin/python3  # Debian's Python: its python3-networkx / python3-gdal, not another on PATH
  if ! "$PY" -c "import networkx, numpy; from osgeo import ogr" 2>/dev/null; then
    # Bench-only packages, not part of the build's DEB_PACKAGES.
    echo "== installing the baseline's Debian packages (python3-networkx python3-gdal python3-numpy)"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      python3-networkx python3-gdal python3-numpy >/dev/null
  fi
  declare -A SUMMARY
  for shape in polylines segments; do
    dir=$DATA; label="long polylines, EPSG:4326"
    [ "$shape" = segments ] && dir=$SEGDATA && label="one feature per segment, EPSG:32650"
    features=$(sed -nE 's/.*"roads": ([0-9]+),.*/\1/p' "$dir/gen.json")
    echo
    echo "== $shape ($label, $features road features): lifecircle analyze --minutes 15 vs networkx ($REPS runs each)"
    echo "| run | program | wall s | CPU s | peak MiB | notes |"
    echo "|---|---|---|---|---|---|"
    lc_walls=""; lc_rss=""; lc_cpu=""; nx_walls=""; nx_rss=""; nx_own=""; cmp=""; res=""
    for r in $(seq 1 "$REPS"); do
      rm -rf "$dir/out-shape"
      read -r wall rss < <(timed "$LOGS/shape-$shape-lc$r" "$BUILD/lifecircle" analyze "$dir/project.toml" --minutes 15 \
        --nearest-cutoff 15 --service-areas no --out "$dir/out-shape")
      echo "| $r | lifecircle | $wall | $(cpu_s "$LOGS/shape-$shape-lc$r") | $rss | $(stages "$LOGS/shape-$shape-lc$r.err") |"
      [[ "$wall" == FAILED* ]] && { tail -3 "$LOGS/shape-$shape-lc$r.err"; break; }
      lc_walls+="$wall"$'\n'; lc_rss+="$rss"$'\n'; lc_cpu+="$(cpu_s "$LOGS/shape-$shape-lc$r")"$'\n'
    done
    for r in $(seq 1 "$REPS"); do
      [ -f "$dir/out-shape/coverage.gpkg" ] || break
      read -r wall rss < <(timed "$LOGS/shape-$shape-nx$r" "$PY" "$ROOT/bench/networkx_baseline.py" "$dir/project.toml" \
        --minutes 15 --compare "$dir/out-shape/coverage.gpkg")
      own=$(sed -nE 's/^  total: ([0-9.]+) s/\1/p' "$LOGS/shape-$shape-nx$r.out")
      echo "| $r | networkx | $wall (own total $own) | $(cpu_s "$LOGS/shape-$shape-nx$r") | $rss | $(nx_stages "$LOGS/shape-$shape-nx$r.out") |"
      [[ "$wall" == FAILED* ]] && { tail -3 "$LOGS/shape-$shape-nx$r.err"; break; }
      nx_walls+="$wall"$'\n'; nx_rss+="$rss"$'\n'; nx_own+="$own"$'\n'
      res=$(grep -m1 '^RESULT' "$LOGS/shape-$shape-nx$r.out"); cmp=$(grep -m1 '^COMPARE' "$LOGS/shape-$shape-nx$r.out")
    done
    lc_med=$(printf %s "$lc_walls" | median); nx_med=$(printf %s "$nx_walls" | median)
    nx_share=$(sed -nE 's/.*share=([0-9.]+).*/\1/p' <<<"$res")
    lc_share=$(sed -nE 's/.*lifecircle_share=([0-9.]+).*/\1/p' <<<"$cmp")
    differing=$(sed -nE 's/.*differing_homes=([0-9]+ of [0-9]+).*/\1/p' <<<"$cmp")
    check="not checked"
    if [ -n "$nx_share" ] && [ -n "$lc_share" ]; then
      if awk -v a="$nx_share" -v b="$lc_share" -v t="$SHARE_TOL" 'BEGIN{d=a-b; if (d<0) d=-d; exit !(d<=t)}'; then check="OK"
      else check="MISMATCH"; CHECK_FAILED=1; fi
    else CHECK_FAILED=1; fi
    # The ratio takes the baseline's own total (imports to answer), not the process: its last
    # seconds go to reading lifecircle's output for the check, which is no part of the work.
    nx_own_med=$(printf %s "$nx_own" | median)
    ratio=$(awk -v a="$nx_own_med" -v b="$lc_med" 'BEGIN{if (b>0 && a>0) printf "%.1f", a/b; else print "-"}')
    echo "$(grep -m1 'households' "$LOGS/shape-$shape-lc1.out")"
    echo "share within 15 min (all homes): lifecircle $lc_share, networkx $nx_share, |difference| <= $SHARE_TOL: $check ($differing homes classified differently)"
    SUMMARY[$shape]="| $shape ($features features) | $lc_med | $(printf %s "$lc_cpu" | median) | $(printf %s "$lc_rss" | sort -n | tail -1) | $nx_med | $nx_own_med | $(printf %s "$nx_rss" | sort -n | tail -1) | **$ratio×** | $lc_share / $nx_share $check |"
  done
  echo
  echo "== both shapes (medians of $REPS runs; peak = largest of the runs; ratio = networkx own total / lifecircle wall)"
  echo "| shape | lifecircle wall s | lifecircle CPU s | lifecircle peak MiB | networkx process wall s (with the check) | networkx own total s | networkx peak MiB | ratio | share lifecircle / networkx |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "${SUMMARY[polylines]}"
  echo "${SUMMARY[segments]}"
  [ "$CHECK_FAILED" = 1 ] && echo "CHECK FAILED: the coverage shares differ by more than $SHARE_TOL (or a run failed)"
fi

# --- 5. province scale (optional: minutes, ~14 GB of memory) ------------------------------------------------
# gen_dongguan_network --cities N (default 21 cities of ~1.0 M graph nodes and 300,000 homes
# each), then analyze with the 15-minute circle, timed under GNU time, against issue 13's target.
PROVINCE_WALL_S=300; PROVINCE_PEAK_MIB=16384  # <= 5 min, <= 16 GiB
if step province; then
  PROVDATA=${LC_BENCH_PROVINCE_DIR:-$DATA/province}
  CITIES=${LC_BENCH_CITIES:-21}
  PREPS=${LC_BENCH_PROVINCE_REPS:-1}
  echo
  echo "== province: $CITIES cities ($PROVDATA)"
  avail_mib=$(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)
  mkdir -p "$PROVDATA"
  disk_mib=$(df -Pm "$PROVDATA" | awk 'NR==2{print $4}')
  # Needs (21 cities, full size): ~2 GB for the study and ~1 GB for coverage.gpkg; peak ~13.3 GiB.
  need_mem=$((CITIES * 700)); need_disk=$((CITIES * 150))
  [ -n "$GEN_ARGS" ] && need_mem=2000 && need_disk=500  # a smaller study: no estimate, a floor
  if [ "$avail_mib" -lt "$need_mem" ] || [ "$disk_mib" -lt "$need_disk" ]; then
    echo "SKIPPED: $avail_mib MiB of memory and $disk_mib MiB of disk free; the step wants about $need_mem MiB and $need_disk MiB"
  else
    gen "$PROVDATA" --cities "$CITIES"
    if [ -f "$PROVDATA/gen.time" ]; then
      echo "generator (when the data was made): wall $(awk '/Elapsed \(wall clock\)/{print $NF}' "$PROVDATA/gen.time"), peak RSS $(awk -F: '/Maximum resident set size/{print int($2/1024)}' "$PROVDATA/gen.time") MiB"
    fi
    echo "| run | wall s | CPU s | peak MiB | stages (s, from its stderr) | target (<= $PROVINCE_WALL_S s, <= $PROVINCE_PEAK_MIB MiB) |"
    echo "|---|---|---|---|---|---|"
    for r in $(seq 1 "$PREPS"); do
      rm -rf "$PROVDATA/out"
      read -r wall rss < <(timed "$LOGS/province$r" "$BUILD/lifecircle" analyze "$PROVDATA/project.toml" --minutes 15 \
        --nearest-cutoff 15 --service-areas no --out "$PROVDATA/out")
      if [[ "$wall" == FAILED* ]]; then
        echo "| $r | $wall | $(cpu_s "$LOGS/province$r") | $rss | $(stages "$LOGS/province$r.err") — $(grep -m1 -i error "$LOGS/province$r.err") | MISS |"
        break
      fi
      verdict=$(awk -v w="$wall" -v m="$rss" -v tw="$PROVINCE_WALL_S" -v tm="$PROVINCE_PEAK_MIB" 'BEGIN{print (w<=tw && m<=tm) ? "PASS" : "MISS"}')
      echo "| $r | $wall | $(cpu_s "$LOGS/province$r") | $rss | $(stages "$LOGS/province$r.err") | $verdict |"
    done
    [ -f "$LOGS/province1.out" ] && grep -m1 'households' "$LOGS/province1.out"
    if [ -d "$PROVDATA/out" ]; then
      bad=$(grep -l -E '\bnan\b|\binf\b' "$PROVDATA"/out/*.csv "$PROVDATA"/out/*.json 2>/dev/null)
      [ -n "$bad" ] && echo "nan/inf in: $bad" || echo "no nan/inf in the CSV/JSON outputs"
    fi
  fi
fi

# --- 6. siting quality (optional: CBC runs take minutes) ---------------------------------------------------
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
exit "$CHECK_FAILED"
