#!/usr/bin/env bash
# QGIS itself (PyQGIS 3.22, headless) opens the coverage.qgz that analyze writes for both samples:
# every layer valid, towns labelled with their names, field aliases in the report's language,
# relative paths (the output folder is moved first), and a rendered map that is not blank (kept
# as OUTDIR/*.png). The same aliases and labels come with coverage.gpkg opened on its own.
# usage: qgis_project.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
fails=0; passes=0
run() {  # run NAME LABEL_FIELD ALIAS -- analyze args...
    local name=$1 label=$2 alias=$3; shift 4
    if ! "$bin" analyze "$@" --out "$out/$name.tmp" -q > "$out/$name.log" 2>&1; then
        echo "FAIL: $name: analyze exited $?"; tail -3 "$out/$name.log"; fails=$((fails + 1)); return
    fi
    mv "$out/$name.tmp" "$out/$name"  # relative paths: the project must still find its layers
    if QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/cli/qgis_project.py "$out/$name/coverage.qgz" "$out/$name.png" "$label" "$alias" \
        > "$out/$name.qgis.log" 2>&1; then
        passes=$((passes + 1))
    else
        echo "FAIL: $name: QGIS:"; grep -E "FAIL|Error|error" "$out/$name.qgis.log" | head -10; fails=$((fails + 1))
    fi
}
run dongguan_zh name_zh "15 分钟覆盖率" -- data/dongguan/project.toml --set travel.circles_min=5,10,15
run liechtenstein_en name "share within 15 min" -- data/liechtenstein/project.toml --lang en
# The Dongguan GeoPackage's own aliases (gpkg_schema.py, as tests/cli/gpkg_schema.sh): indicator
# fields named in both languages from the targets file, the units layer titled.
if /usr/bin/python3 tests/cli/gpkg_schema.py "$out/dongguan_zh/coverage.gpkg" \
    "towns.home_care_circle_15min_value=15分钟居家养老服务圈覆盖率（数值）|Households within the 15-minute home elderly-care circle (value)" \
    "units=村（社区）覆盖率|Coverage by village or community" > "$out/dongguan_zh.schema.log" 2>&1; then
    passes=$((passes + 1))
else
    echo "FAIL: dongguan_zh: GeoPackage aliases:"; head -8 "$out/dongguan_zh.schema.log"; fails=$((fails + 1))
fi
# The other GeoPackages: sites (labelled with their rank), the network's layers, isochrones.
layers() {  # layers NAME COMMAND... -- qgis_layers.py args
    local name=$1; shift
    local args=() specs=() seen=0
    for a in "$@"; do if [ "$a" = "--" ]; then seen=1; elif [ $seen = 0 ]; then args+=("$a"); else specs+=("$a"); fi; done
    if ! "$bin" "${args[@]}" -q > "$out/$name.log" 2>&1; then echo "FAIL: $name: lifecircle exited $?"; fails=$((fails + 1)); return; fi
    if QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/cli/qgis_layers.py "${specs[@]}" > "$out/$name.qgis.log" 2>&1; then
        passes=$((passes + 1))
    else
        echo "FAIL: $name: QGIS:"; grep FAIL "$out/$name.qgis.log" | head -5; fails=$((fails + 1))
    fi
}
li=data/liechtenstein/project.toml
layers site site $li --facility-type kindergarten --add 3 --out "$out/site" -- "$out/site/sites.gpkg" sites=singleSymbol+labels uncovered=singleSymbol
layers network network $li --out "$out/network.gpkg" -- "$out/network.gpkg" links=singleSymbol small_components=singleSymbol connectors=singleSymbol
layers isochrones isochrones $li --minutes 5,10,15 --out "$out/iso.gpkg" -- "$out/iso.gpkg" service_areas=categorizedSymbol
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
