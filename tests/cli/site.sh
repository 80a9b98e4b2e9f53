#!/usr/bin/env bash
# site on the samples: K = 5 new kindergartens in Liechtenstein with the marginal curve, the exact
# solver agreeing with the heuristic's bound, and degenerate requests that still write outputs.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
li=data/liechtenstein/project.toml
"$bin" site $li --facility-type kindergarten --add 5 --out "$out/li" -q > "$out/li.txt" 2>&1 || bad "site exited $?"
for f in sites.gpkg sites.csv marginal_curve.csv towns_before_after.csv report.html run.json; do [ -s "$out/li/$f" ] && ok || bad "missing $f"; done
[ "$(wc -l < "$out/li/marginal_curve.csv")" = 7 ] && ok || bad "marginal curve should have header + k=0..5"
# The curve never decreases and its gains never grow (greedy ranking).
python3 - "$out/li/marginal_curve.csv" <<'PY' && ok || bad "marginal curve not monotone"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
share = [float(r["covered_share"]) for r in rows]
gain = [float(r["marginal_households"]) for r in rows[1:]]
assert all(a <= b + 1e-9 for a, b in zip(share, share[1:])), share
assert all(a >= b - 1e-6 for a, b in zip(gain, gain[1:])), gain
PY
for f in rank site_label town new_households cumulative_households covered_share; do
  ogrinfo -so "$out/li/sites.gpkg" sites | grep -q "^$f:" && ok || bad "sites field $f"; done
for l in sites service_areas uncovered; do ogrinfo -q "$out/li/sites.gpkg" | grep -q ": $l " && ok || bad "layer $l"; done
grep -q "marginal" "$out/li/report.html" && ok || bad "report.html without the curve"
# Exact CBC: proven optimum at least the heuristic's objective.
"$bin" site $li --facility-type kindergarten --add 5 --solver exact --time-limit 60 --out "$out/exact" -q > "$out/exact.txt" 2>&1 || bad "exact exited $?"
python3 - "$out/li/run.json" "$out/exact/run.json" <<'PY' && ok || bad "exact objective below greedy+swap"
import json, sys
g = json.load(open(sys.argv[1]))["result"]; e = json.load(open(sys.argv[2]))["result"]
assert e["objective"] >= g["objective"] - 1e-6, (e["objective"], g["objective"])
assert e["bound"] is not None and e["bound"] >= e["objective"] - 1e-6
PY
# Degenerate: more sites than candidates -> a clear message and the outputs of what can be done.
"$bin" site data/dongguan/project.toml --facility-type day_care --add 100000 --out "$out/big" -q > "$out/big.txt" 2>&1 || bad "K > candidates exited $?"
grep -qi "candidates" "$out/big.txt" && ok || bad "no message for K > candidates: $(cat $out/big.txt)"
[ -s "$out/big/sites.csv" ] && ok || bad "K > candidates wrote no sites.csv"
# Set cover to 90% of each town's coverable households.
"$bin" site data/dongguan/project.toml --facility-type day_care --target-share 0.9 --out "$out/lscp" -q > "$out/lscp.txt" 2>&1 || bad "lscp exited $?"
python3 - "$out/lscp/towns_before_after.csv" <<'PY' && ok || bad "a town below its set-cover target"
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")):
    assert float(r["covered_after"]) >= float(r["target_households"]) - 1e-6, r
PY
# A town's own target: Humen must reach 80 % while the others reach 30 %.
printf "town_id,share\nhumen,0.8\n" > "$out/targets.csv"
"$bin" site data/dongguan/project.toml --facility-type day_care --target-share 0.3 --town-targets "$out/targets.csv" --out "$out/own" -q > "$out/own.txt" 2>&1 || bad "town targets exited $?"
python3 - "$out/own/towns_before_after.csv" <<'PY' && ok || bad "town targets not met"
import csv, sys
rows = {r["town_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
h = rows["humen"]
assert abs(float(h["target_households"]) - 0.8 * float(h["households"])) < 1e-6, h
for r in rows.values():
    assert float(r["covered_after"]) >= float(r["target_households"]) - 1e-6, r
PY
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
