#!/usr/bin/env bash
# analyze on the hand-computed fixture: the outputs exist, carry the documented fields, and a
# second run gives byte-identical tables.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
"$bin" analyze tests/data/fixtures/small/project.toml --out "$out/a" -q >/dev/null 2>&1 || bad "analyze exited $?"
"$bin" analyze tests/data/fixtures/small/project.toml --out "$out/b" -q >/dev/null 2>&1 || bad "second analyze exited $?"
for f in coverage.gpkg compliance.csv compliance.json report.md run.json; do [ -s "$out/a/$f" ] && ok || bad "missing $f"; done
for f in compliance.csv compliance.json compliance.xlsx report.md report.html coverage.gpkg; do cmp -s "$out/a/$f" "$out/b/$f" && ok || bad "$f differs between two runs"; done
# The fixed time stamp is what makes coverage.gpkg repeatable (gpkg_contents, layer_styles).
stamps=$(ogrinfo -q "$out/a/coverage.gpkg" -sql "SELECT DISTINCT last_change FROM gpkg_contents" 2>/dev/null | grep -c "2000/01/01 00:00:00")
[ "$stamps" -ge 1 ] && ok || bad "gpkg_contents.last_change is not the fixed stamp"
layers=$(ogrinfo -q "$out/a/coverage.gpkg" 2>/dev/null)
for l in towns demand uncovered facilities service_areas; do echo "$layers" | grep -q ": $l " && ok || bad "layer $l missing"; done
towns=$(ogrinfo -so "$out/a/coverage.gpkg" towns 2>/dev/null)
for f in code name households covered_households_15 coverage_share_5 coverage_share_10 coverage_share_15 circle10_status circle10_gap; do
  echo "$towns" | grep -q "^$f:" && ok || bad "towns field $f missing"; done
demand=$(ogrinfo -so "$out/a/coverage.gpkg" demand 2>/dev/null)
for f in id households town status nearest_id nearest_m nearest_min covered_5 covered_10 covered_15; do
  echo "$demand" | grep -q "^$f:" && ok || bad "demand field $f missing"; done
# D3: nearest F2 at 600 m x 1.3 = 780 m, 11.7 min; only the 15-minute circle.
row=$(ogrinfo -q "$out/a/coverage.gpkg" -sql "SELECT nearest_id, nearest_m, nearest_min, covered_5, covered_15, status FROM demand WHERE id='D3'" 2>/dev/null)
echo "$row" | grep -q "nearest_id (String) = F2" && echo "$row" | grep -q "nearest_m (Real) = 780" && echo "$row" | grep -q "nearest_min (Real) = 11.7" \
  && echo "$row" | grep -q "covered_5 (Integer) = 0" && echo "$row" | grep -q "covered_15 (Integer) = 1" && ok || bad "D3 row: $row"
row=$(ogrinfo -q "$out/a/coverage.gpkg" -sql "SELECT status FROM demand WHERE id='D6'" 2>/dev/null)
echo "$row" | grep -q "status (String) = outside_towns" && ok || bad "D6 status: $row"
# compliance.xlsx: a sheet per table, numbers stored as numbers, the header row frozen.
ogrinfo -q "$out/a/compliance.xlsx" 2>/dev/null | grep -q "compliance" && ok || bad "compliance.xlsx has no compliance sheet"
ogrinfo -so "$out/a/compliance.xlsx" compliance 2>/dev/null | grep -q "^value: Real" && ok || bad "compliance.xlsx values are not numbers"
[ "$(ogrinfo -q "$out/a/compliance.xlsx" compliance -where "\"town code\" = 'B' AND indicator = 'daycare'" 2>/dev/null | grep -c "status (String) = missed")" = 1 ] && ok || bad "compliance.xlsx row for B daycare"
python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert all(b'state=\"frozen\"' in z.read(n) for n in z.namelist() if n.startswith('xl/worksheets/sheet'))" "$out/a/compliance.xlsx" && ok || bad "compliance.xlsx header row not frozen"
# Excel on Chinese Windows needs the UTF-8 byte-order mark to read the town names.
[ "$(head -c 3 "$out/a/compliance.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok || bad "compliance.csv has no UTF-8 BOM"
grep -q '^B,乙镇,daycare,.*,missed,1.00,0 of 1 required$' "$out/a/compliance.csv" && ok || bad "compliance.csv daycare row for B"
grep -q '"sha256"' "$out/a/run.json" && ok || bad "run.json has no checksums"
# No temporary files left behind.
ls -a "$out/a" | grep -q tmp && bad "temporary file left in output" || ok
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
