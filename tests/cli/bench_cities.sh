#!/usr/bin/env bash
# The benchmark generator's --cities (the province study of issue 13) on a small study: --cities 1
# is the default output byte for byte; --cities 3 writes three translated copies of Dongguan with
# unique ids, its own towns layer and town stats, city 01 being the one-city study moved, and
# analyze reads it as 99 towns.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
gen=$(dirname "$bin")/gen_dongguan_network
[ -x "$gen" ] || { echo "FAIL: $gen not built"; exit 1; }
small="--nodes 20000 --demand 5000 --facilities 150 --candidates 50"
export OGR_CURRENT_DATE=2026-01-01T00:00:00Z
# shellcheck disable=SC2086
"$gen" "$out/one" $small > "$out/one.txt" 2>&1 || bad "generator exited $?"
# shellcheck disable=SC2086
"$gen" "$out/c1" $small --cities 1 > "$out/c1.txt" 2>&1 || bad "--cities 1 exited $?"
for f in dongguan_bench.gpkg project.toml gen.json towns.geojson town_stats.csv; do
  cmp -s "$out/one/$f" "$out/c1/$f" && ok || bad "--cities 1 changes $f"
done
# shellcheck disable=SC2086
"$gen" "$out/c3" $small --cities 3 > "$out/c3.txt" 2>&1 || bad "--cities 3 exited $?"
grep -q '"cities": 3, "towns": 99}' "$out/c3/gen.json" && ok || bad "gen.json: $(cat "$out/c3/gen.json")"
grep -q '"demand": 15000, "facilities": 450, ' "$out/c3/gen.json" && ok || bad "counts are not per city: $(cat "$out/c3/gen.json")"
grep -q '"cities"' "$out/one/gen.json" && bad "default gen.json names cities" || ok
"$gen" "$out/bad" --cities 0 > /dev/null 2>&1 && bad "--cities 0 accepted" || ok

sql() { ogrinfo -q "$out/c3/dongguan_bench.gpkg" -sql "$1" | sed -nE 's/^ +[^=]+= //p' | paste -sd' '; }
[ "$(sql "select count(*), count(distinct id), min(id), max(id) from demand")" = "15000 15000 D00000001 D00015000" ] && ok \
  || bad "demand ids: $(sql "select count(*), count(distinct id), min(id), max(id) from demand")"
[ "$(sql "select count(distinct id), min(id), max(id), count(distinct town_code) from facilities")" = "450 F000001 F000450 99" ] && ok \
  || bad "facility ids: $(sql "select count(distinct id), min(id), max(id), count(distinct town_code) from facilities")"
[ "$(sql "select count(distinct id), min(id), max(id) from candidates")" = "150 C000001 C000150" ] && ok || bad "candidate ids"
roads=$(sed -nE 's/.*"roads": ([0-9]+),.*/\1/p' "$out/c3/gen.json")
[ "$(sql "select count(distinct id), max(id) from roads")" = "$roads $roads" ] && ok || bad "road ids are not 1..$roads"
# City 01 is the one-city study of the seed, moved: the same homes and households.
[ "$(sql "select count(*), sum(households) from demand where town_code like 'c01_%'")" = \
  "$(ogrinfo -q "$out/one/dongguan_bench.gpkg" -sql "select count(*), sum(households) from demand" | sed -nE 's/^ +[^=]+= //p' | paste -sd' ')" ] && ok \
  || bad "city 01 is not the one-city study"
[ "$(sql "select count(*) from demand where town_code like 'c03_%'")" = 5000 ] && ok || bad "city 03 has not 5000 homes"

ogrinfo -q -sql "select count(*), count(distinct code) from towns" "$out/c3/towns.geojson" | grep -q '= 99' && ok || bad "towns.geojson"
ogrinfo -q -sql "select name_zh from towns where code = 'c02_humen'" "$out/c3/towns.geojson" | grep -q '城市02 虎门镇' && ok || bad "town names"
[ "$(($(wc -l < "$out/c3/town_stats.csv") - 1))" = $((3 * ($(wc -l < "$out/one/town_stats.csv") - 1))) ] && ok || bad "town_stats.csv rows"
grep -q '^c03_humen,虎门镇,838144,' "$out/c3/town_stats.csv" && ok || bad "town_stats.csv codes"
# The cities do not overlap: each city's towns end (east) before the next city's begin.
ext() { ogrinfo -so -al -where "code like '$1_%'" "$out/c3/towns.geojson" | sed -nE 's/^Extent: \(([-0-9.]+), [-0-9.]+\) - \(([-0-9.]+), .*/\1 \2/p'; }
read -r _ e1 < <(ext c01); read -r w2 e2 < <(ext c02); read -r w3 _ < <(ext c03)
awk -v a="$e1" -v b="$w2" -v c="$e2" -v d="$w3" 'BEGIN{exit !(a < b && c < d)}' && ok || bad "cities overlap: c01 ends $e1, c02 $w2..$e2, c03 begins $w3"
"$bin" analyze "$out/c3/project.toml" --minutes 15 --nearest-cutoff 15 --service-areas no --out "$out/c3/out" > "$out/c3/analyze.txt" 2>&1 \
  || bad "analyze exited $?"
grep -q '99 towns, 450 facilities, 15000 demand rows' "$out/c3/analyze.txt" && ok || bad "analyze counts: $(grep -m1 'demand rows' "$out/c3/analyze.txt")"
grep -qE '99 towns, [0-9]+ households, [0-9.]+% within 15 min' "$out/c3/analyze.txt" && ok || bad "analyze summary: $(tail -3 "$out/c3/analyze.txt")"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
