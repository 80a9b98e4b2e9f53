#!/usr/bin/env bash
# The benchmark generator's road shapes on a small study: the segment-per-feature layer in a
# projected CRS gives the same graph and the same coverage as the long WGS84 polylines, the
# default output is the same bytes for the same seed, and (where Debian's python3-networkx is
# installed) bench/networkx_baseline.py classifies every home as analyze does.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
root=$(cd "$(dirname "$0")/../.." && pwd)
gen=$(dirname "$bin")/gen_dongguan_network
[ -x "$gen" ] || { echo "FAIL: $gen not built"; exit 1; }
small="--nodes 20000 --demand 5000 --facilities 150 --candidates 50"
# A fixed gpkg_contents time stamp, so two runs can be compared byte for byte.
export OGR_CURRENT_DATE=2026-01-01T00:00:00Z
# shellcheck disable=SC2086
"$gen" "$out/a" $small > "$out/a.txt" 2>&1 || bad "generator exited $?"
# shellcheck disable=SC2086
"$gen" "$out/b" $small > "$out/b.txt" 2>&1 || bad "second run exited $?"
for f in dongguan_bench.gpkg project.toml gen.json; do cmp -s "$out/a/$f" "$out/b/$f" && ok || bad "$f differs between two runs of one seed"; done
# shellcheck disable=SC2086
"$gen" "$out/seg" $small --segments --crs EPSG:32650 > "$out/seg.txt" 2>&1 || bad "--segments exited $?"
ogrinfo -so "$out/seg/dongguan_bench.gpkg" roads | grep -q 'UTM zone 50N' && ok || bad "segment layer not in EPSG:32650"
grep -q '"roads_shape": "segments"' "$out/seg/gen.json" && ok || bad "gen.json does not name the shape"
grep -q 'roads_shape' "$out/a/gen.json" && bad "default gen.json changed" || ok

# Same graph: as many links as segment features, with any_vertex and with endpoints.
graph() { "$bin" network "$1" "${@:2}" --out "$out/net-$(basename "$(dirname "$1")")$#" 2>&1 | grep -m1 -E '^ *nodes [0-9]+, links'; }
g_long=$(graph "$out/a/project.toml"); g_seg=$(graph "$out/seg/project.toml")
g_end=$(graph "$out/seg/project.toml" --set network.connectivity=endpoints)
[ -n "$g_long" ] && [ "$g_long" = "$g_seg" ] && [ "$g_seg" = "$g_end" ] && ok || bad "graphs differ: '$g_long' / '$g_seg' / '$g_end'"
features=$(sed -nE 's/.*"roads": ([0-9]+),.*/\1/p' "$out/seg/gen.json")
grep -q "links $features," <<<"$g_seg" && ok || bad "segment features ($features) are not the links: $g_seg"

# Same coverage on both shapes.
for s in a seg; do
  "$bin" analyze "$out/$s/project.toml" --minutes 15 --nearest-cutoff 15 --service-areas no --out "$out/$s/out" > "$out/$s/analyze.txt" 2>&1 \
    || bad "analyze on $s exited $?"
done
# The summary line ("N towns, H households, X% within 15 min"), not the progress lines and their timings.
summary() { grep -m1 -E 'households, [0-9.]+% within' "$1"; }
[ -n "$(summary "$out/a/analyze.txt")" ] && [ "$(summary "$out/a/analyze.txt")" = "$(summary "$out/seg/analyze.txt")" ] && ok \
  || bad "coverage differs: $(summary "$out/a/analyze.txt") / $(summary "$out/seg/analyze.txt")"

# The networkx baseline, only where its Debian packages are installed (bench/run.sh installs them).
if /usr/bin/python3 -c "import networkx, numpy; from osgeo import ogr" 2>/dev/null; then
  for s in a seg; do
    /usr/bin/python3 "$root/bench/networkx_baseline.py" "$out/$s/project.toml" --minutes 15 --compare "$out/$s/out/coverage.gpkg" > "$out/$s/nx.txt" 2>&1 \
      || bad "baseline on $s exited $?"
    grep -q '^COMPARE .* differing_homes=0 of 5000' "$out/$s/nx.txt" && ok || bad "baseline differs on $s: $(tail -2 "$out/$s/nx.txt")"
  done
else
  echo "python3-networkx not installed: baseline check skipped"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
