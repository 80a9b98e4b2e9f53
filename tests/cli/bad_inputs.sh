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
# Targets checked against the data before anything runs: a field, statistics column or facility
# type an indicator names but the data lacks is an error with the names there are (validate
# refuses exactly what analyze refuses).
tgt() { local want=$1 pattern=$2 file=$3; shift 3; expect "$want" "$pattern" -- analyze $small --out "$out/a" --set targets.path=$bad/$file "$@"; }
tgt 2 "targets_no_field\.toml: indicator area: facilities have no field floor_area \(area_field\); did you mean floor_area_m2\?; fields are id, type" targets_no_field.toml
expect 2 "indicator area: facilities have no field floor_area" -- validate $small --set targets.path=$bad/targets_no_field.toml
tgt 2 "indicator workers: the statistics table has no column worker \(stat\); did you mean workers\?; columns are code, population, workers" targets_no_stat.toml
expect 2 "the statistics table has no column worker" -- validate $small --set targets.path=$bad/targets_no_stat.toml
tgt 2 "indicator workers: the statistics table has no column pop \(population_stat\)" targets_no_pop_stat.toml
tgt 2 "indicator daycare: no facility has type daycare; did you mean day_care\?; the types in the data are community_service_centre, day_care" targets_no_type.toml
expect 2 "no facility has type daycare" -- validate $small --set targets.path=$bad/targets_no_type.toml
tgt 2 "indicator vol: no facility has type volunter_point; did you mean volunteer_point\?" targets_no_with_type.toml
tgt 2 "indicator nursing: facilities have no field nursing \(numerator\)" targets_no_numerator.toml
tgt 2 "indicator vol: facilities have no field hostid \(host_field\); did you mean host_id\?" targets_no_host_field.toml
tgt 2 "indicator w: the statistics table has no column pop \(weight_stat\)" targets_weight_stat_missing.toml
tgt 2 "indicator workers: stat names the statistics column workers but the project has no \[stats\] table" targets_stat_needs_stats.toml --set stats.path=
# Targets keys typed and range-checked: wrong types are errors, never read as "" or 0.
tgt 2 "targets_minutes_text\.toml: indicator 1 \(c15\) key 'minutes': expected a number" targets_minutes_text.toml
tgt 2 "key 'minutes': must be greater than 0" targets_minutes_negative.toml
tgt 2 "key 'minutes': must be a finite number" targets_minutes_nan.toml
tgt 2 "\(c500\) key 'metres': must be greater than 0" targets_metres_zero.toml
tgt 2 "\(vol\) key 'within_m': expected a number" targets_within_text.toml
tgt 2 "\(vol\) key 'within_m': must not be negative" targets_within_negative.toml
tgt 2 "key 'facility_types': expected a list of text values" targets_types_numbers.toml
tgt 2 "key 'facility_types': expected a list of text values" targets_types_table.toml
tgt 2 "key 'binding': expected true or false" targets_binding_text.toml
tgt 2 "key 'area_field': expected a text value in quotes" targets_area_field_number.toml
tgt 2 "key 'city_value': must be sum or weighted_mean" targets_city_value_bad.toml
tgt 2 "key 'weight_stat': only for kind town_value" targets_weight_stat_wrong_kind.toml
tgt 2 "key 'kind': unknown kind 'coverage'" targets_kind_unknown.toml
tgt 2 "key 'targets': missing" targets_missing_targets.toml
tgt 2 "key 'minutes': coverage_share needs minutes or metres" targets_no_minutes.toml
tgt 2 "key 'comparator': expected a text value in quotes" targets_comparator_number.toml
tgt 2 "key 'name_zh': expected a text value in quotes" targets_name_number.toml
tgt 2 "indicator 2 \(c15\) key 'id': used twice" targets_duplicate_id.toml
tgt 2 "\[meta\] default_year: expected a year such as 2025" targets_default_year_text.toml
tgt 2 "\[meta\] default_year: expected a year such as 2025" targets_default_year_float.toml
tgt 2 "\[meta\] plan: expected a text value in quotes" targets_plan_number.toml
tgt 2 "\[meta\] defualt_year: unknown key; did you mean default_year\?" targets_meta_typo.toml
tgt 2 "targets_no_indicators\.toml: no \[\[indicator\]\] entries" targets_no_indicators.toml
tgt 2 "targets_syntax\.toml:2: " targets_syntax.toml
expect 2 "nope\.toml: targets file not found" -- analyze $small --out "$out/a" --targets $bad/nope.toml
# Statistics tables: ragged rows (GDAL would pad or drop values silently), inf/NaN, a number
# with a thousands comma, a missing key column, an empty file.
expect 2 "stats_ragged\.csv: rows with a different number of values than the header: line 3 has 2 values \(the header has 3 columns\)" -- validate $small --set stats.path=$bad/stats_ragged.csv
expect 2 "stats_ragged\.csv: rows with a different number" -- analyze $small --out "$out/a" --set stats.path=$bad/stats_ragged.csv
expect 2 "stats_extra_values\.csv: .*line 2 has 4 values" -- validate $small --set stats.path=$bad/stats_extra_values.csv
expect 2 "stats_no_key\.csv: field 'code' \(\[stats\] key\) not found" -- validate $small --set stats.path=$bad/stats_no_key.csv
expect 2 "stats_inf\.csv \[stats_inf\]: row 1 column 'population': 'inf' is not a number" -- validate $small --set stats.path=$bad/stats_inf.csv
expect 2 "stats_nan\.csv \[stats_nan\]: row 1 column 'workers': 'NaN' is not a number" -- validate $small --set stats.path=$bad/stats_nan.csv
expect 2 "row 1 column 'population': '10,000' is not a number" -- validate $small --set stats.path=$bad/stats_quoted_comma.csv
expect 0 "stats_unmatched\.csv \[stats_unmatched\]: row with code = 'Z' matches no town" -- validate $small --set stats.path=$bad/stats_unmatched.csv
expect 2 "stats_empty\.csv: the town statistics table cannot be read" -- validate $small --set stats.path=$bad/stats_empty.csv
# Demand weights: non-finite or absurd values are errors per row (no nan/inf in any output).
expect 2 "demand_huge_weight\.geojson \[demand_huge_weight\] feature 1 field 'households': value 1e\+308 is not a plausible weight" -- validate $small --set demand.path=$bad/demand_huge_weight.geojson
expect 2 "feature 1 field 'households': value 1e\+308 is not a plausible weight" -- analyze $small --out "$out/a" --set demand.path=$bad/demand_huge_weight.geojson
expect 2 "demand_inf_text\.geojson \[demand_inf_text\] feature 1 field 'households': value is not a finite number" -- validate $small --set demand.path=$bad/demand_inf_text.geojson
expect 2 "demand_nan_text\.geojson \[demand_nan_text\] feature 1 field 'households': value is not a finite number" -- analyze $small --out "$out/a" --set demand.path=$bad/demand_nan_text.geojson
expect 2 "feature 1 field 'households': value '12 households' is not a number" -- validate $small --set demand.path=$bad/demand_text_weight.geojson
expect 0 "feature 1 field 'households': negative value -5: counted as 0" -- validate $small --set demand.path=$bad/demand_negative_weight.geojson
expect 2 "field 'nosuch': field named by \[demand\] weight does not exist; the layer has: id, households" -- validate $small --set demand.weight=nosuch
# Population groups ([demand] weights): a field or a statistics column spread over the households, not both.
expect 2 "project_weight_field_and_stat\.toml: \[demand\] weights: elderly: give field \(a demand field per row\) or stat .*not both" -- validate $bad/project_weight_field_and_stat.toml
expect 2 "project_weight_field_and_stat\.toml: \[demand\] weights: elderly: give field" -- analyze $bad/project_weight_field_and_stat.toml --out "$out/a"
expect 2 "project_weight_stat_unknown\.toml: \[demand\] weights: elderly: stat 'elderly_60plus' is not a column of .*stats\.csv; its columns are: code, population, workers" -- validate $bad/project_weight_stat_unknown.toml
expect 2 "project_weight_stat_unknown\.toml: \[demand\] weights: elderly: stat 'elderly_60plus' is not a column" -- analyze $bad/project_weight_stat_unknown.toml --out "$out/a"
expect 0 "ok: 0 errors" -- validate $small --set demand.weights.elderly.stat=population
# Layers that are not in the same place as the towns, or degrees under a projected CRS: exit 2,
# not "0 households, 0%".
expect 2 "demand_far\.geojson \[demand_far\]: the demand rows lie 7998 km from the towns .*Is the CRS right\?" -- validate $small --set demand.path=$bad/demand_far.geojson
expect 2 "the demand rows lie 7998 km from the towns" -- analyze $small --out "$out/a" --set demand.path=$bad/demand_far.geojson
expect 2 "facilities_far\.geojson \[facilities_far\]: the facilities lie 7998 km from the towns" -- validate $small --set facilities.path=$bad/facilities_far.geojson
expect 2 "network_far\.geojson \[network_far\]: the road network lies 13570 km from the towns" -- validate data/liechtenstein/project.toml --set network.path=$bad/network_far.geojson --set network.layer=network_far
expect 2 "network_far\.geojson \[network_far\]: the road network lies 13570 km" -- analyze data/liechtenstein/project.toml --out "$out/a" --set network.path=$bad/network_far.geojson --set network.layer=network_far
expect 2 "towns_3857_degrees\.geojson \[towns_3857_degrees\] field 'crs': coordinates \(x 113\.7000 \.\. 113\.8000, y 23\.0000 \.\. 23\.1000\) look like degrees.*EPSG:3857.*set \[towns\] crs = \"EPSG:4326\"" -- validate --towns $bad/towns_3857_degrees.geojson
expect 2 "municipalities\.geojson .*look like degrees of longitude/latitude" -- validate --towns $li --set towns.crs=EPSG:3857
expect 2 "facilities\.geojson .*look like degrees.*set \[facilities\] crs" -- validate data/liechtenstein/project.toml --set facilities.crs=EPSG:3857
# Project files: wrong types are errors ("5,10" in a file is text, not a list).
expect 2 "project_circles_text\.toml: \[travel\] circles_min: expected a list of numbers, e\.g\. \[5, 10, 15\]; got the text \"5,10\"" -- validate $bad/project_circles_text.toml
expect 2 "project_circles_text\.toml: \[travel\] circles_min: expected a list of numbers" -- analyze $bad/project_circles_text.toml --out "$out/a"
expect 2 "project_speed_text\.toml: \[travel\] speed_kmh: expected a number" -- validate $bad/project_speed_text.toml
expect 2 "project_circles_bool\.toml: \[travel\] circles_min: expected a list of numbers.*got true" -- validate $bad/project_circles_bool.toml
expect 2 "project_section_value\.toml: \[output\] expected a section" -- validate $bad/project_section_value.toml
expect 2 "project_syntax\.toml:3:15: " -- validate $bad/project_syntax.toml
expect 2 "\[travel\] circles_min: expected a list of numbers.*got the text \"abc\"" -- validate $small --set travel.circles_min=5,abc
expect 0 "ok: 0 errors" -- validate $small --set travel.circles_min=5,10,15
expect 2 "\[travel\] speed_kmh: must be positive" -- validate $small --set travel.speed_kmh=-4
expect 2 "\[travel\] detour_factor: must be at least 1" -- validate $small --set travel.detour_factor=0.5
expect 2 "\[towns\] assign_tolerance_m: must be 0 or more metres" -- validate $small --set towns.assign_tolerance_m=-1
expect 2 "\[output\] crs 'EPSG:999999': unknown EPSG code 999999" -- validate $small --set output.crs=EPSG:999999
expect 2 "\[output\] crs 'EPSG:999999'" -- analyze $small --out "$out/a" --set output.crs=EPSG:999999
expect 2 "metric CRS EPSG:4326 is not a projected CRS in metres" -- validate $small --set output.metric_crs=EPSG:4326
expect 2 "\[demand\] kind: must be points, polygons or buildings" -- validate $small --set demand.kind=blocks
expect 2 "\[network\] profile must be walk or drive, got 'fly'" -- validate data/liechtenstein/project.toml --set network.profile=fly
expect 2 "\[network\] connectivity must be endpoints, any_vertex or noding, got 'magic'" -- validate data/liechtenstein/project.toml --set network.connectivity=magic
# validate reads the road network, snapping and targets as analyze does, and says so.
expect 0 "nodes [0-9]+, links [0-9]+, components [0-9]+ \(largest [0-9]+ nodes\)" -- validate data/liechtenstein/project.toml
expect 0 "demand weight snapped beyond 300 m: [0-9.]+%; off the network \(beyond 1600 m\): [0-9.]+%" -- validate data/liechtenstein/project.toml
expect 0 "targets: .*targets\.toml \(8 indicators\)" -- validate $small
# Siting inputs: town targets files name line and problem; unknown problem/solver names refused.
expect 2 "town_targets_share\.csv:2: share must be 0\.\.1" -- site $small --out "$out/s" --facility-type day_care --target-share 0.5 --town-targets $bad/town_targets_share.csv
expect 2 "town_targets_unknown\.csv:3: no town with id 'ZZ'" -- site $small --out "$out/s" --facility-type day_care --target-share 0.5 --town-targets $bad/town_targets_unknown.csv
expect 2 "--town-targets applies to set cover" -- site $small --out "$out/s" --facility-type day_care --add 2 --problem mclp --town-targets $bad/town_targets_unknown.csv
expect 2 "--solver: exakt not in \{greedy,exact\}" -- site $small --out "$out/s" --facility-type day_care --add 2 --solver exakt
# A project without demand: validate refuses it as analyze does (validate ok => analyze runs).
expect 2 "project_no_demand\.toml: analyze needs a demand layer \(\[demand\] path or --demand\)" -- validate $bad/project_no_demand.toml
expect 2 "project_no_demand\.toml: analyze needs a demand layer" -- analyze $bad/project_no_demand.toml --out "$out/a"
# Output folders: a regular file in the way, or the current folder (replaced as a whole), refused.
touch "$out/a_file"
expect 2 "a_file exists and is not a folder: choose another --out" -- analyze $small --out "$out/a_file"
# Capacity, accessibility and per-population indicators.
expect 2 "field named by \[facilities\] capacity does not exist; the layer has: id, type" -- validate $small --capacity-field places
expect 2 "\[facilities\] m2_per_place: capacity_area needs m2_per_place" -- validate $small --set facilities.capacity_area=floor_area_m2
expect 2 "\[access\] method: must be 2sfca, e2sfca, gravity or none" -- validate $small --set access.method=3sfca
expect 2 "--access: 3sfca not in" -- analyze $small --out "$out/a" --access 3sfca
expect 2 "\[access\] beta: must be a decay exponent" -- validate $small --set access.beta=-1
expect 0 "ok: 0 errors" -- validate $small --capacity-field beds
expect 2 "\[network\] speeds: footway: expected km/h above 0" -- validate $small --set network.speeds.footway=0
expect 2 "per_population needs exactly one of population_stat" -- validate $small --set targets.path=$bad/targets_per_population_no_population.toml
expect 2 "the demand layer has no field elderly \(population_field\)" -- validate $small --set targets.path=$bad/targets_per_population_bad_field.toml
expect 2 "field named in \[network\] does not exist" -- validate data/liechtenstein/project.toml --set network.path=$bad/network_far.geojson --set network.layer=network_far --set network.format=lines --set network.length_field=len
# compare: only folders analyze wrote, at least two; nothing written when refused.
mkdir -p "$out/not_a_run"
expect 2 "not_a_run/compliance.json: cannot be read" -- compare "$out/not_a_run" "$out/not_a_run" --out "$out/c"
expect 2 "runs: At least 2 required but received 1" -- compare "$out/not_a_run" --out "$out/c"
[ -e "$out/c" ] && { echo "FAIL: a refused compare left $out/c behind"; fails=$((fails + 1)); } || passes=$((passes + 1))
for d in s a; do [ -e "$out/$d" ] && { echo "FAIL: a refused run left $out/$d behind"; fails=$((fails + 1)); } || passes=$((passes + 1)); done
[ -e "$out/n.gpkg" ] && { echo "FAIL: a failed run left $out/n.gpkg behind"; fails=$((fails + 1)); } || passes=$((passes + 1))
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
