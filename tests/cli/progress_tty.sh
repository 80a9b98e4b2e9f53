#!/usr/bin/env bash
# Progress: on a terminal (a pseudo-terminal from util-linux `script`) the long steps show counts
# "n/N" (road graph, searches, rows written, siting steps); on a pipe or file stderr holds only
# plain log lines (no \r, no escape codes), and the outputs are the same bytes either way.
# usage: progress_tty.sh LIFECIRCLE OUTDIR
set -u
bin=$(realpath "$1"); out=$2; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
li=data/liechtenstein/project.toml
command -v script >/dev/null || { echo "FAIL: script (util-linux) is missing"; exit 1; }

# On a terminal: stdout and stderr both go to the pseudo-terminal, captured in tty.log.
script -qec "'$bin' analyze $li --out '$out/tty' --set targets.year=2025" /dev/null >"$out/tty.log" 2>&1 || bad "analyze on a tty exited $?"
tr '\r' '\n' <"$out/tty.log" >"$out/tty.lines"
grep -q $'\r' "$out/tty.log" && ok || bad "no line redrawn in place on the terminal"
for count in "graph links [0-9]+/[0-9]+" "searches [0-9]+/[0-9]+" "rows [0-9]+/[0-9]+" "features [0-9]+"; do
    grep -qE "$count" "$out/tty.lines" && ok || bad "no count '$count' on the terminal"
done
# A finished count is whole: the graph's links all measured, every row written.
grep -E "graph links [0-9]+/[0-9]+" "$out/tty.lines" | tail -1 | grep -qE "graph links ([0-9]+)/\1( |,|$)" && ok || bad "graph links not complete at the end"
grep -E "\] writing outputs: rows [0-9]+/[0-9]+" "$out/tty.lines" | grep -qE "rows ([0-9]+)/\1 " && ok || bad "rows written not complete at the end"

script -qec "'$bin' site $li --facility-type kindergarten --add 3 --out '$out/site_tty'" /dev/null >"$out/site_tty.log" 2>&1 || bad "site on a tty exited $?"
tr '\r' '\n' <"$out/site_tty.log" | grep -qE "greedy picks and search iterations [0-9]+/[0-9]+" && ok || bad "no siting count on the terminal"
tr '\r' '\n' <"$out/site_tty.log" | grep -qE "searches [0-9]+/[0-9]+" && ok || bad "no candidate search count on the terminal"

# Not a terminal: one plain line when a step starts and one when it ends, messages, nothing else.
"$bin" analyze $li --out "$out/pipe" --set targets.year=2025 >"$out/pipe.out" 2>"$out/pipe.err" || bad "analyze to a file exited $?"
grep -q $'\r' "$out/pipe.err" && bad "\\r in stderr written to a file" || ok
grep -q $'\033' "$out/pipe.err" && bad "escape code in stderr written to a file" || ok
grep -qE "[0-9]+/[0-9]+" "$out/pipe.err" && bad "counts in stderr written to a file" || ok
others=$(grep -vE '^\[ *[0-9]+\.[0-9]+s\] .*( \.\.\.|\([0-9]+\.[0-9]+ s\))$|^(error|warning|note): |^  \.\.\. and [0-9]+ more ' "$out/pipe.err")
[ -z "$others" ] && ok || bad "stderr lines that are neither log lines nor messages: $others"
[ "$(grep -c ' \.\.\.$' "$out/pipe.err")" -ge 4 ] && ok || bad "fewer than 4 step lines in stderr"
# The outputs do not depend on where stderr goes.
for f in compliance.csv equity.csv report.md coverage.gpkg; do
    cmp -s "$out/tty/$f" "$out/pipe/$f" && ok || bad "$f differs between the terminal and the file run"
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
