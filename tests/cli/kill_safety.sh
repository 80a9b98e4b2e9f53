#!/usr/bin/env bash
# An output folder is replaced as a set: a run killed at any moment leaves it all old or all
# new, and the next run removes what the killed one left (staging folders, temporaries).
# usage: kill_safety.sh LIFECIRCLE OUTDIR
set -u
bin=$(realpath "$1"); out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
proj=data/liechtenstein/project.toml
dir="$out/run"
# Two distinguishable sets: the existing facilities (A) and the 2025 scenario (B, one more file).
"$bin" analyze $proj --out "$out/a" -q >/dev/null || fail "reference run A"
"$bin" analyze $proj --out "$out/b" --scenario 2025 -q >/dev/null || fail "reference run B"
sums() { (cd "$1" && for f in compliance.csv compliance.json report.md scenario_comparison.csv; do
             [ -e "$f" ] && echo "$f $(sha256sum < "$f" | cut -c1-16)"; done) }
sum_a=$(sums "$out/a"); sum_b=$(sums "$out/b")
[ "$sum_a" != "$sum_b" ] || fail "runs A and B should differ"
cp -r "$out/a" "$dir"
# Kill run B at growing delays (SIGKILL: no handler runs, as with a crash or an OOM kill).
for delay in 0.2 0.5 0.8 1.0 1.2 1.4 1.6 1.8 2.5; do
    "$bin" analyze $proj --out "$dir" --scenario 2025 -q >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    now=$(sums "$dir")
    if [ "$now" != "$sum_a" ] && [ "$now" != "$sum_b" ]; then fail "after a kill at ${delay}s the folder mixes old and new files:"; echo "$now"; fi
    # Back to set A for the next round (this run also clears what the killed one left).
    "$bin" analyze $proj --out "$dir" -q >/dev/null 2>&1 || fail "rerun after kill at ${delay}s"
    [ "$(sums "$dir")" = "$sum_a" ] || fail "rerun after kill at ${delay}s did not give set A"
    left=$(ls -A "$out" | grep -E "lifecircle-tmp|\.tmp[0-9]" || true)
    [ -z "$left" ] || fail "stale temporaries after the rerun: $left"
    left=$(ls -A "$dir" | grep -E "\.tmp[0-9]" || true)
    [ -z "$left" ] || fail "stale temporaries inside the folder after the rerun: $left"
done
# Staging folders and temporaries of a dead process (pid 4194303 > pid_max) are removed; a
# user's own file in the folder is kept.
mkdir -p "$out/.run.lifecircle-tmp4194303/junk"; touch "$dir/.coverage.tmp4194303.gpkg" "$dir/my_notes.txt"
"$bin" analyze $proj --out "$dir" -q >/dev/null 2>&1 || fail "run over stale temporaries"
[ -e "$out/.run.lifecircle-tmp4194303" ] && fail "stale staging folder left"
[ -e "$dir/.coverage.tmp4194303.gpkg" ] && fail "stale temporary left"
[ -e "$dir/my_notes.txt" ] || fail "a user's file in the output folder was lost"
# --out . is refused (the folder is replaced as a whole).
(cd "$out/a" && "$bin" analyze "$OLDPWD/$proj" --out . -q >/dev/null 2>&1); [ $? -eq 2 ] || fail "--out . should be refused with exit 2"
echo "kill safety: $fails failures"
[ $fails -eq 0 ]
