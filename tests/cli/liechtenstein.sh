#!/usr/bin/env bash
# The real OSM sample: the walk graph builds, counts are printed, service areas for all
# kindergartens and schools are written and readable, and analyze produces every output.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
p=data/liechtenstein/project.toml
"$bin" network $p --out "$out/network.gpkg" -q > "$out/network.txt" 2>&1 || bad "network exited $?"
grep -qE "nodes [0-9]+, links [0-9]+, components [0-9]+" "$out/network.txt" && ok || bad "no graph counts: $(cat $out/network.txt)"
for l in links small_components connectors; do ogrinfo -q "$out/network.gpkg" | grep -q ": $l " && ok || bad "network layer $l"; done
"$bin" isochrones $p --minutes 5,10,15 --out "$out/sa.gpkg" -q > "$out/iso.txt" 2>&1 || bad "isochrones exited $?"
info=$(ogrinfo -so "$out/sa.gpkg" service_areas 2>/dev/null)
echo "$info" | grep -q "Geometry: Multi Polygon" && ok || bad "service_areas geometry"
for f in facility_id type minutes area_m2 town; do echo "$info" | grep -q "^$f:" && ok || bad "service_areas field $f"; done
# Every kindergarten and school (main types) at 3 thresholds.
n=$(ogrinfo -q "$out/sa.gpkg" -sql "SELECT COUNT(*) AS n FROM service_areas WHERE type IN ('kindergarten','school')" | grep -oE "n \(Integer\) = [0-9]+" | grep -oE "[0-9]+$")
k=$(python3 -c "import json;d=json.load(open('data/liechtenstein/facilities.geojson'));print(sum(1 for f in d['features'] if f['properties'].get('amenity') in ('kindergarten','school')))")
[ "$n" = "$((k * 3))" ] && ok || bad "service areas $n, expected $((k * 3))"
# isochrones follows analyze's scenario rule: a closed facility is never drawn, a planned one
# only in a scenario that includes its year.
read -r closed_id planned_id < <(python3 - "$out/fac_status.geojson" <<'PY'
import json, sys
d = json.load(open('data/liechtenstein/facilities.geojson'))
main = [f for f in d['features'] if f['properties'].get('amenity') in ('kindergarten', 'school')]
for f in d['features']: f['properties']['status'] = 'existing'
main[0]['properties']['status'] = 'closed'
main[1]['properties']['status'] = 'planned_2025'
json.dump(d, open(sys.argv[1], 'w'))
print(main[0]['properties']['osm_id'], main[1]['properties']['osm_id'])
PY
) || bad "could not write the status fixture"
count15() { ogrinfo -q "$1" -sql "SELECT COUNT(*) AS n FROM service_areas" | grep -oE "n \(Integer\) = [0-9]+" | grep -oE "[0-9]+$"; }
"$bin" isochrones $p --minutes 15 --set facilities.path="$out/fac_status.geojson" --set facilities.status=status --out "$out/sa_existing.gpkg" -q >/dev/null 2>&1 || bad "isochrones (status) exited $?"
"$bin" isochrones $p --minutes 15 --set facilities.path="$out/fac_status.geojson" --set facilities.status=status --scenario 2025 --out "$out/sa_2025.gpkg" -q >/dev/null 2>&1 || bad "isochrones --scenario 2025 exited $?"
[ "$(count15 "$out/sa_existing.gpkg")" = "$((k - 2))" ] && ok || bad "existing scenario: $(count15 "$out/sa_existing.gpkg") service areas, expected $((k - 2))"
[ "$(count15 "$out/sa_2025.gpkg")" = "$((k - 1))" ] && ok || bad "2025 scenario: $(count15 "$out/sa_2025.gpkg") service areas, expected $((k - 1))"
ids() { ogrinfo -q "$1" -sql "SELECT facility_id FROM service_areas" | grep -oE "facility_id \(String\) = .*" | sed 's/.* = //'; }
ids "$out/sa_2025.gpkg" | grep -qx "$closed_id" && bad "closed facility $closed_id was drawn" || ok
ids "$out/sa_2025.gpkg" | grep -qx "$planned_id" && ok || bad "planned facility $planned_id missing in 2025"
ids "$out/sa_existing.gpkg" | grep -qx "$planned_id" && bad "planned facility $planned_id drawn in the existing scenario" || ok
# Areas grow with the threshold for every facility.
bad_growth=$(ogrinfo -q "$out/sa.gpkg" -sql "SELECT a.facility_id FROM service_areas a JOIN service_areas b ON a.facility_id=b.facility_id AND a.minutes=5 AND b.minutes=15 WHERE a.area_m2 > b.area_m2" | grep -c facility_id)
[ "$bad_growth" = 0 ] && ok || bad "$bad_growth facilities with a 5-min area larger than the 15-min one"
# Valid geometries only.
inv=$(ogrinfo -q "$out/sa.gpkg" -dialect sqlite -sql "SELECT COUNT(*) AS n FROM service_areas WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)" | grep -oE "= [0-9]+" | grep -oE "[0-9]+")
[ "$inv" = 0 ] && ok || bad "$inv invalid service areas"
"$bin" analyze $p --out "$out/analyze" -q > /dev/null 2>&1 || bad "analyze exited $?"
for f in coverage.gpkg compliance.csv compliance.json report.md run.json; do [ -s "$out/analyze/$f" ] && ok || bad "analyze output $f"; done
# Allocator settings change speed only: huge pages and malloc tuning (both opt-in) give
# byte-identical tables and the same demand layer as glibc's defaults.
LC_HUGE_PAGES=1 LC_MALLOC_TUNING=1 "$bin" analyze $p --out "$out/analyze_plain" -q > /dev/null 2>&1 || bad "tuned-malloc analyze exited $?"
for f in compliance.csv compliance.json report.md; do cmp -s "$out/analyze/$f" "$out/analyze_plain/$f" && ok || bad "$f differs with huge pages and malloc tuning"; done
dump() { ogr2ogr -f CSV /vsistdout/ "$1" demand 2>/dev/null | md5sum; }
[ "$(dump "$out/analyze/coverage.gpkg")" = "$(dump "$out/analyze_plain/coverage.gpkg")" ] && ok || bad "demand layer differs with huge pages and malloc tuning"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
