#!/usr/bin/env bash
# Every file of the bad-input corpus gives its documented message and exit code, never a crash.
# usage: bad_inputs.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; mkdir -p "$out"
bad=tests/data/bad
fails=0; passes=0
expect() {  # expect EXIT PATTERN -- args...
    local want=$1 pattern=$2; shift 3
    local log="$out/run.log"
    "$bin" "$@" >"$log" 2>&1
    local got=$?
    if [ "$got" -ne "$want" ] || ! grep -qE -- "$pattern" "$log"; then
        echo "FAIL: lifecircle $* -> exit $got (want $want), pattern '$pattern'"; sed 's/^/    /' "$log" | tail -5
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
    if [ "$got" -ge 128 ]; then echo "CRASH (signal) on $*"; fails=$((fails + 1)); fi
}
expect 2 "empty_layer\.geojson.*no features"               -- validate --towns $bad/empty_layer.geojson
expect 2 "wrong_geometry.*expected polygons"               -- validate --towns $bad/wrong_geometry.geojson
expect 2 "missing_crs\.shp.*no coordinate reference system" -- validate --towns $bad/missing_crs.shp
expect 0 "ok: 0 errors"                                    -- validate --towns $bad/missing_crs.shp --set towns.crs=EPSG:4326
expect 2 "field 'nosuch'.*does not exist.*code, name"      -- validate --towns $bad/text_in_number.geojson --town-id nosuch
expect 2 "feature 1 field 'households': value 'abc' is not a number" -- validate --towns $bad/text_in_number.geojson --demand $bad/text_in_number.geojson --set demand.kind=polygons --weight households
expect 0 "nan_coords.*feature 2 \(p2\).*skipped"           -- validate --towns $bad/text_in_number.geojson --demand $bad/nan_coords.csv --set demand.crs=EPSG:4326
expect 2 "truncated\.gpkg: cannot be read"                 -- validate --towns $bad/truncated.gpkg
expect 2 "garbage\.gpkg: cannot be read"                   -- validate --towns $bad/garbage.gpkg
expect 2 "zero_bytes\.geojson: the file is empty"          -- validate --towns $bad/zero_bytes.geojson
expect 2 "town id 'a' is used twice"                       -- validate --towns $bad/duplicate_ids.geojson
expect 0 "read as GB18030"                                 -- validate --towns $bad/gbk_no_cpg.shp
expect 0 "town a 甲镇"                                        -- validate --towns $bad/gbk_no_cpg.shp --town-id code --set towns.name=name -v
expect 2 "file not found"                                  -- validate --towns $bad/does_not_exist.geojson
expect 2 "unknown CRS"                                     -- validate --towns $bad/text_in_number.geojson --set towns.crs=EPSG:999999
expect 2 "project file not found"                          -- validate $bad/nope.toml
# Bad road networks.
li=data/liechtenstein/municipalities.geojson
expect 2 "motorway_only\.osm \[lines\]: no line usable by the 'walk' profile" -- network --towns $li --network $bad/motorway_only.osm --out "$out/n.gpkg"
expect 2 "empty\.osm\.pbf: the file is empty"           -- network --towns $li --network $bad/empty.osm.pbf --out "$out/n.gpkg"
expect 2 "truncated\.osm\.pbf \[lines\]: reading stopped" -- network --towns $li --network $bad/truncated.osm.pbf --out "$out/n.gpkg"
expect 2 "lines_no_crs\.shp.*no coordinate reference system" -- network --towns $li --network $bad/lines_no_crs.shp --out "$out/n.gpkg"
# A line that cannot be reprojected (latitude 95) is left out, reported with its fid and not
# counted in its class; the other two lines (one a two-part multiline) make the network.
expect 0 "unprojectable_line\.geojson \[unprojectable_line\]: 1 feature\(s\) with coordinates that cannot be transformed to EPSG:32632 left out in whole or part \(fid 1\)" -- network --towns $li --network $bad/unprojectable_line.geojson --out "$out/ok.gpkg"
expect 0 "class footway: 1 lines" -- network --towns $li --network $bad/unprojectable_line.geojson --out "$out/ok.gpkg"
# Strict targets files: every key known, every value a finite number (or "CMP number"), years
# real, shares of towns within 0..1; a misspelt key or section gets a suggestion.
small=tests/data/fixtures/small/project.toml
expect 2 "targets_typo_key\.toml: indicator 1 \(c15\) key 'minuts': unknown key; did you mean minutes\?" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_typo_key.toml
expect 2 "targets_bad_year\.toml: indicator 1 \(c15\) key 'targets': '20x3' is not a year" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_bad_year.toml
expect 2 "targets_text_value\.toml: .*key 'targets': year 2025: expected a finite number" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_text_value.toml
expect 2 "targets_rollup_share\.toml: .*key 'city_rollup.target': a share of towns must lie between 0 and 1" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_rollup_share.toml
expect 2 "targets_rollup_typo\.toml: .*key 'city_rollup.targt': unknown key; did you mean city_rollup.target\?" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_rollup_typo.toml
expect 2 "targets_unknown_section\.toml: unknown section \[indicators\]; did you mean \[indicator\]\?" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_unknown_section.toml
expect 2 "targets_bad_comparator\.toml: .*key 'comparator': must be >=, >, <=, < or ==" -- analyze $small --out "$out/t" --set targets.path=$bad/targets_bad_comparator.toml
[ -e "$out/t" ] && { echo "FAIL: a refused targets file left $out/t behind"; fails=$((fails + 1)); } || passes=$((passes + 1))
# Strict project files: unknown keys and sections are errors with a suggestion.
expect 2 "project\.toml: \[travel\] speed_khm: unknown key; did you mean speed_kmh\?" -- validate $small --set travel.speed_khm=3
expect 2 "project\.toml: unknown section \[travl\]; did you mean \[travel\]\?" -- validate $small --set travl.speed_kmh=3
expect 2 "project\.toml: \[network\] snapm: unknown key; did you mean snap_m\?" -- validate $small --set network.snapm=50
expect 2 "project\.toml: \[towns\] colour: unknown key$" -- validate $small --set towns.colour=red
# Command-line and project numbers are range-checked: nothing wraps, NaN/inf are refused.
expect 2 "--add: '-3' is outside 1\.\.1e\+06"         -- site $small --out "$out/s" --facility-type day_care --add -3
expect 2 "--grid-m: '0' is outside"                      -- site $small --out "$out/s" --facility-type day_care --add 2 --grid-m 0
expect 2 "--target-share: '2' is outside"                -- site $small --out "$out/s" --facility-type day_care --target-share 2
expect 2 "--capacity: '-10' is outside"                  -- site $small --out "$out/s" --facility-type day_care --add 2 --capacity -10
expect 2 "--per-town-min 3 is more than --per-town-max 1" -- site $small --out "$out/s" --facility-type day_care --add 2 --per-town-min 3 --per-town-max 1
expect 2 "--buffer-m: '-50' is outside"                  -- isochrones $small --out "$out/i.gpkg" --buffer-m -50
expect 2 "--buffer-m: '1e9' is outside"                  -- isochrones $small --out "$out/i.gpkg" --buffer-m 1e9
expect 2 "--speed-kmh: 'nan' is outside"                 -- analyze $small --out "$out/a" --speed-kmh nan
expect 2 "--year: '99999' is outside"                    -- analyze $small --out "$out/a" --year 99999
expect 2 "--nearest-cutoff: '-1' is outside"             -- analyze $small --out "$out/a" --nearest-cutoff -1
expect 2 "\[network\] snap_far_m: must be at least snap_m" -- analyze $small --out "$out/a" --set network.snap_far_m=10
expect 2 "\[network\] snap_m: must be positive"        -- analyze $small --out "$out/a" --set network.snap_m=0
expect 2 "\[network\] min_component_nodes: must be a whole number" -- analyze $small --out "$out/a" --set network.min_component_nodes=-5
expect 2 "\[travel\] speed_kmh: must be a finite number" -- analyze $small --out "$out/a" --set travel.speed_kmh=inf
expect 2 "\[travel\] circles_min: must be finite numbers" -- analyze $small --out "$out/a" --set travel.circles_min=nan
expect 2 "\[travel\] detour_factor: must be at most 10" -- analyze $small --out "$out/a" --set travel.detour_factor=1e308
expect 2 "\[output\] buffer_m: must be more than 0"    -- analyze $small --out "$out/a" --set output.buffer_m=-50
expect 2 "\[targets\] year: must be a plan year"       -- analyze $small --out "$out/a" --set targets.year=1e12
# Statistics tables: a value that is not a number, a duplicate key: errors naming row and
# column; a negative count: a warning.
expect 2 "stats_not_a_number\.csv \[stats_not_a_number\]: row 1 column 'population': '6k' is not a number" -- analyze $small --out "$out/a" --set stats.path=$bad/stats_not_a_number.csv
expect 2 "stats_not_a_number\.csv \[stats_not_a_number\]: row 1 column 'population'" -- validate $small --set stats.path=$bad/stats_not_a_number.csv
expect 2 "stats_duplicate_key\.csv \[stats_duplicate_key\]: row 2: code = 'A' is used twice \(first in row 1\)" -- analyze $small --out "$out/a" --set stats.path=$bad/stats_duplicate_key.csv
expect 0 "stats_negative\.csv \[stats_negative\]: row 1 column 'workers': negative value -15" -- validate $small --set stats.path=$bad/stats_negative.csv
for d in s a; do [ -e "$out/$d" ] && { echo "FAIL: a refused run left $out/$d behind"; fails=$((fails + 1)); } || passes=$((passes + 1)); done
[ -e "$out/n.gpkg" ] && { echo "FAIL: a failed run left $out/n.gpkg behind"; fails=$((fails + 1)); } || passes=$((passes + 1))
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
