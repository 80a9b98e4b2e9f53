#!/usr/bin/env bash
# Every GeoPackage lifecircle writes holds its layer titles (gpkg_contents) and field aliases
# (gpkg_data_columns, the GeoPackage Schema extension) itself, in the report's language with the
# other language beside it; GDAL reads every one without a warning, GDAL's GeoPackage validator
# finds nothing, and the bytes are the same on a rerun. QGIS opening these files: qgis_project.sh.
# usage: gpkg_schema.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
small=tests/data/fixtures/small/project.toml li=data/liechtenstein/project.toml
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() {  # run NAME ARGS...: lifecircle ARGS, its output in NAME.log
    local name=$1; shift
    "$bin" "$@" -q > "$out/$name.log" 2>&1 && ok || { bad "$name: lifecircle exited $?"; tail -3 "$out/$name.log"; }
}
check() {  # check FILE.gpkg SPECS...: gpkg_schema.py, and ogrinfo reads it all with nothing on stderr
    /usr/bin/python3 tests/cli/gpkg_schema.py "$@" > "$out/check.log" 2>&1 && ok || { bad "$1:"; sed 's/^/    /' "$out/check.log" | head -12; }
    ogrinfo -ro -al -so "$1" > /dev/null 2> "$out/ogrinfo.err"
    [ ! -s "$out/ogrinfo.err" ] && ok || { bad "ogrinfo $1 says:"; head -5 "$out/ogrinfo.err"; }
}

run zh analyze $small --lang zh --out "$out/zh"
run zh_again analyze $small --lang zh --out "$out/zh_again"
run en analyze $small --lang en --out "$out/en"
cmp -s "$out/zh/coverage.gpkg" "$out/zh_again/coverage.gpkg" && ok || bad "coverage.gpkg (zh) differs between two runs"
check "$out/zh/coverage.gpkg" \
    "towns.coverage_share_15=15 分钟覆盖率|share within 15 min" "towns.households=户数|households" \
    "towns.circle10_value=circle10（数值）|circle10 (value)" "demand.covered_15=15 分钟圈内（1 = 是）|within 15 min (1 = yes)" \
    "uncovered.nearest_min=到最近设施（分钟）|to the nearest facility (min)" "facilities.main_type=主要设施类型（1 = 是）|main facility type (1 = yes)" \
    "service_areas.minutes=分钟|minutes" \
    "towns=镇街覆盖率|Coverage by town" "uncovered=服务圈外的住户|Households outside the circle" "demand=全部住户点|All households"
check "$out/en/coverage.gpkg" \
    "towns.coverage_share_15=share within 15 min|15 分钟覆盖率" "towns.circle10_gap_text=circle10 (gap, in words)|circle10（缺口说明）" \
    "towns=Coverage by town|镇街覆盖率" "facilities=Facilities|设施"
# An input field keeps the name the data gives it: no row.
n=$(ogrinfo -ro -q "$out/zh/coverage.gpkg" -sql "SELECT COUNT(*) AS n FROM gpkg_data_columns WHERE table_name = 'towns' AND column_name = 'name'" 2>/dev/null | grep -c "n (Integer) = 0")
[ "$n" = 1 ] && ok || bad "the input field towns.name has a row in gpkg_data_columns"
# GDAL 3.6 reads the titles as the layers' IDENTIFIER and DESCRIPTION.
ogrinfo -ro -so "$out/zh/coverage.gpkg" towns 2>/dev/null | grep -q "^  IDENTIFIER=镇街覆盖率$" && ok || bad "ogrinfo: towns has no IDENTIFIER 镇街覆盖率"

# The other GeoPackages: sites, the network's layers, isochrones.
run site site $li --lang zh --facility-type kindergarten --add 2 --out "$out/site"
check "$out/site/sites.gpkg" "sites.rank=选址顺序|rank" "sites=建议选址|Proposed sites" "service_areas.area_m2=面积（平方米）|area (m²)"
run network network $li --lang zh --out "$out/network.gpkg"
check "$out/network.gpkg" "links.length_m=长度（米）|length (m)" "connectors.link=路段|link" "small_components=孤立路网片段|Small network components"
run isochrones isochrones $li --lang en --minutes 5,10 --out "$out/iso.gpkg"
check "$out/iso.gpkg" "service_areas.from_min=from (min)|起始分钟" "service_areas=Service areas|服务圈范围"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
