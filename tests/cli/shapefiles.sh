#!/usr/bin/env bash
# The Shapefiles of `analyze --format shp` as a GIS office gets them: GBK (CP936) and UTF-8 runs
# of the Dongguan sample read back with ogrinfo (readable short field names, Integer counts,
# Chinese town names through the .cpg), the encoding option's errors, and QGIS itself (PyQGIS,
# headless) opening each layer with its .qml and loading its .sld (qgis_shapefiles.py).
# usage: shapefiles.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
fails=0; passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {  # check DESCRIPTION -- command...
    local what=$1; shift 2
    if "$@"; then pass; else fail "$what"; fi
}
dg=data/dongguan/project.toml
gbk="$out/gbk"; utf8="$out/utf8"
"$bin" analyze $dg --out "$gbk" --format shp --shapefile-encoding CP936 --set facilities.capacity=capacity -q > "$out/gbk.log" 2>&1 \
    || { fail "analyze --shapefile-encoding CP936"; tail -5 "$out/gbk.log"; }
"$bin" analyze $dg --out "$utf8" --set output.format=shp --lang en -q > "$out/utf8.log" 2>&1 \
    || { fail "analyze --set output.format=shp"; tail -5 "$out/utf8.log"; }

check "CP936 .cpg says 936"   -- bash -c "[ \"\$(cat '$gbk/shp/towns.cpg')\" = 936 ]"
check "UTF-8 .cpg says UTF-8" -- bash -c "[ \"\$(cat '$utf8/shp/towns.cpg')\" = UTF-8 ]"
check "run.json records the encoding" -- grep -q '"shapefile_encoding": "CP936"' "$gbk/run.json"
ogrinfo -ro -so "$gbk/shp/towns.shp" towns > "$out/towns_gbk.txt" 2>&1
check "cov_sh_15 is a Real with 6 decimals" -- grep -q '^cov_sh_15: Real (17.6)' "$out/towns_gbk.txt"
check "households is an Integer"            -- grep -q '^households: Integer (9.0)' "$out/towns_gbk.txt"
check "cov_hh_15 is an Integer"             -- grep -q '^cov_hh_15: Integer (9.0)' "$out/towns_gbk.txt"
check "indicator fields numbered"           -- grep -q '^i01_gaptxt: String' "$out/towns_gbk.txt"
check "no field name over 10 characters"    -- bash -c "! grep -E '^[^ :]{11,}: ' '$out/towns_gbk.txt'"
check "a GBK town name reads back through the .cpg" -- \
    bash -c "ogrinfo -ro -q '$gbk/shp/towns.shp' -sql \"SELECT name_zh FROM towns WHERE code = 'machong'\" | grep -q '麻涌镇'"
check "the names are GBK bytes in the DBF"  -- bash -c "grep -qa \"\$(printf '麻涌镇' | iconv -f UTF-8 -t CP936)\" '$gbk/shp/towns.dbf'"
check "--help documents --shapefile-encoding" -- bash -c "'$bin' analyze --help | grep -q -- '--shapefile-encoding'"
# A wrong encoding is the user's error (exit 2), named.
"$bin" analyze $dg --out "$out/bad" --format shp --shapefile-encoding latin1 -q > "$out/bad1.log" 2>&1; rc=$?
check "--shapefile-encoding latin1 exits 2" -- [ $rc -eq 2 ]
check "and says what it accepts" -- grep -q "UTF-8 or CP936" "$out/bad1.log"
"$bin" validate $dg --set output.shapefile_encoding=latin1 > "$out/bad2.log" 2>&1; rc=$?
check "[output] shapefile_encoding = latin1 exits 2" -- [ $rc -eq 2 ]
check "and names the key" -- grep -q "shapefile_encoding" "$out/bad2.log"

if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
    for dir in "$gbk" "$utf8"; do
        if QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/cli/qgis_shapefiles.py "$dir/shp" \
            towns=graduatedSymbol:5:cov_sh_15+labels service_areas=categorizedSymbol:3:minutes facilities=categorizedSymbol:2:main_type \
            uncovered=singleSymbol:1 demand=singleSymbol:1 > "$dir.qgis.log" 2>&1; then
            pass; cat "$dir.qgis.log"
        else
            fail "QGIS on $dir/shp:"; grep -E "FAIL|Error" "$dir.qgis.log" | head -10
        fi
    done
else
    echo "SKIP: PyQGIS not installed (apt-get install python3-qgis); QGIS checks skipped"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
