#!/usr/bin/env bash
# Golden outputs (osmium-tool's check_output): the tables and texts a few fixed runs write are
# compared byte for byte with the copies committed in tests/golden/. A change that moves any
# number shows up as a diff here; when the change is intended, `make golden` rewrites the copies
# (review the diff before committing it).
# usage: golden.sh LIFECIRCLE OUTDIR [--update]
set -u
bin=$1; out=$2; update=${3:-}
rm -rf "$out"; mkdir -p "$out"
golden=tests/golden
fails=0
# name | files to compare | command (the output folder is appended)
runs=(
  "small_analyze|compliance.csv compliance.json report.md demand.csv|analyze tests/data/fixtures/small/project.toml -q --out"
  "small_site|sites.csv marginal_curve.csv towns_before_after.csv|site tests/data/fixtures/small/project.toml --facility-type day_care --add 2 -q --out"
  "small_2025|compliance.csv scenario_comparison.csv report.md|analyze tests/data/fixtures/small/project.toml -q --scenario 2025 --lang zh --out"
  "small_service|service.csv equity.csv report.md demand.csv|analyze tests/data/fixtures/small/project.toml -q --set facilities.capacity_area=floor_area_m2 --set facilities.m2_per_place=10 --out"
  "liechtenstein_analyze|compliance.csv compliance.json report.md service.csv equity.csv|analyze data/liechtenstein/project.toml -q --out"
  "liechtenstein_site|sites.csv marginal_curve.csv towns_before_after.csv|site data/liechtenstein/project.toml --facility-type kindergarten --add 3 -q --out"
  "dongguan_2023|compliance.csv report.md service.csv equity.csv units.csv housing.csv|analyze data/dongguan/project.toml -q --year 2023 --out"
  # Annual monitoring: one run per plan year (facilities planned up to that year), then compare.
  "dongguan_y2021||analyze data/dongguan/project.toml -q --year 2021 --scenario 2021 --out"
  "dongguan_y2022||analyze data/dongguan/project.toml -q --year 2022 --scenario 2022 --out"
  "dongguan_y2023||analyze data/dongguan/project.toml -q --year 2023 --scenario 2023 --out"
  "dongguan_y2024||analyze data/dongguan/project.toml -q --year 2024 --scenario 2024 --out"
  "dongguan_y2025||analyze data/dongguan/project.toml -q --year 2025 --scenario 2025 --out"
  "dongguan_compare|compare.csv compare.md|compare $out/dongguan_y2021 $out/dongguan_y2022 $out/dongguan_y2023 $out/dongguan_y2024 $out/dongguan_y2025 --out"
  "dongguan_compare_en|compare.md|compare $out/dongguan_y2021 $out/dongguan_y2023 $out/dongguan_y2025 --lang en --out"
)
for entry in "${runs[@]}"; do
    IFS='|' read -r name files cmd <<< "$entry"
    # shellcheck disable=SC2086
    if ! "$bin" $cmd "$out/$name" > "$out/$name.log" 2>&1; then
        echo "FAIL: $name: lifecircle $cmd exited $?"; tail -5 "$out/$name.log"; fails=$((fails + 1)); continue
    fi
    # The demand table of coverage.gpkg as CSV (every household's nearest facility and circles).
    if [ -e "$out/$name/coverage.gpkg" ]; then
        ogr2ogr -f CSV "$out/$name/demand.csv" "$out/$name/coverage.gpkg" demand 2>> "$out/$name.log" || echo "FAIL: $name: ogr2ogr"
    fi
    for f in $files; do
        if [ "$update" = "--update" ]; then
            mkdir -p "$golden/$name"; cp "$out/$name/$f" "$golden/$name/$f"
        elif ! diff -u "$golden/$name/$f" "$out/$name/$f" > "$out/$name.$f.diff"; then
            echo "FAIL: $name/$f differs from $golden/$name/$f:"; head -20 "$out/$name.$f.diff"; fails=$((fails + 1))
        fi
    done
done
[ "$update" = "--update" ] && echo "golden outputs rewritten in $golden/ (review with git diff)"
echo "golden: $fails differences"
[ "$fails" -eq 0 ]
