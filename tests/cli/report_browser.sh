#!/usr/bin/env bash
# What a planner sees, end to end: `analyze` writes report.html, Shapefiles (--format shp) and
# honours --lang / --output-crs; headless Chromium renders report.html (the screenshot is kept as
# OUTDIR/report.png) and the page after its scripts ran still holds the map.
# usage: report_browser.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; mkdir -p "$out"
out=$(cd "$out" && pwd)
fails=0; passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {  # check DESCRIPTION -- command...
    local what=$1; shift 2
    if "$@"; then pass; else fail "$what"; fi
}

# --- the Dongguan sample in Chinese with Shapefiles, and in English in WGS84 ---
zh="$out/dongguan_zh"; en="$out/dongguan_en"
rm -rf "$zh" "$en"
if ! "$bin" analyze data/dongguan/project.toml --out "$zh" --format shp -q >"$out/analyze_zh.log" 2>&1; then
    fail "analyze --format shp"; tail -5 "$out/analyze_zh.log"
fi
if ! "$bin" analyze data/dongguan/project.toml --out "$en" --lang en --output-crs WGS84 -q >"$out/analyze_en.log" 2>&1; then
    fail "analyze --lang en --output-crs WGS84"; tail -5 "$out/analyze_en.log"
fi
check "report.html written"               -- test -s "$zh/report.html"
check "report.html is Chinese by default" -- grep -q '<html lang="zh-CN">' "$zh/report.html"
check "--lang en gives an English page"   -- grep -q '<html lang="en">' "$en/report.html"
check "no external script"                -- bash -c "! grep -q '<script src' '$zh/report.html'"
# report.html is drawn in the metric CRS whatever --output-crs says: the same map frame.
check "map frame independent of --output-crs" -- bash -c "[ \"\$(grep -o '<svg id=\"map\" viewBox=\"[^\"]*\"' '$zh/report.html')\" = \"\$(grep -o '<svg id=\"map\" viewBox=\"[^\"]*\"' '$en/report.html')\" ]"
if command -v ogrinfo >/dev/null; then
    check "--output-crs WGS84 reaches coverage.gpkg" -- bash -c "ogrinfo -ro -so '$en/coverage.gpkg' towns | grep -q 'EPSG\",4326\\|GEOGCRS\\|GEOGCS'"
    check "Shapefile has .cpg and .prj" -- test -s "$zh/shp/towns.cpg" -a -s "$zh/shp/towns.prj"
    check "field_names.csv written"     -- test -s "$zh/shp/field_names.csv"
    check "Chinese town name round-trips through ogrinfo" -- bash -c "ogrinfo -ro -q '$zh/shp/towns.shp' -sql \"SELECT name_zh FROM towns WHERE code = 'machong'\" | grep -q '麻涌镇'"
    check "layer_styles in coverage.gpkg" -- bash -c "ogrinfo -ro -q '$zh/coverage.gpkg' -sql \"SELECT f_table_name FROM layer_styles\" | grep -q 'service_areas'"
fi

# --- the browser ---
chrome=""
for c in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [ -n "$c" ] && command -v "$c" >/dev/null && { chrome=$(command -v "$c"); break; }
done
if [ -z "$chrome" ]; then
    echo "SKIP: chromium not installed (apt-get install chromium); browser checks skipped"
else
    flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
           --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$(mktemp -d)" --window-size=1400,1000)
    url="file://$zh/report.html"
    rm -f "$out/report.png"
    timeout 180 "$chrome" "${flags[@]}" --screenshot="$out/report.png" "$url" >"$out/chromium.log" 2>&1
    timeout 180 "$chrome" "${flags[@]}" --virtual-time-budget=3000 --dump-dom "$url" >"$out/dom.html" 2>>"$out/chromium.log"
    check "screenshot written" -- test -s "$out/report.png"
    # Not blank: decode the PNG (stdlib only) and look at its colours.
    if [ -s "$out/report.png" ]; then
        python3 tests/cli/png_check.py "$out/report.png" >"$out/png_check.txt" 2>&1
        rc=$?
        cat "$out/png_check.txt"
        [ $rc -eq 0 ] && pass || fail "screenshot looks blank (see $out/png_check.txt)"
    fi
    # The DOM after scripts ran: the map with one path per town, and the sort handlers installed.
    towns=$(grep -o '<path class="town"' "$out/dom.html" | wc -l)
    check "map in the rendered DOM has 33 town paths (got $towns)" -- test "$towns" -eq 33
    check "legend and scale bar in the rendered DOM" -- bash -c "grep -q 'id=\"legend\"' '$out/dom.html' && grep -q 'id=\"scalebar\"' '$out/dom.html'"
    check "table sort script ran (headers got tabindex)" -- grep -q 'data-type="num" tabindex="0"' "$out/dom.html"
    echo "screenshot: $out/report.png"
    # At phone width (390 px; a tall window so the map is in the shot) and printed to A4.
    phone=("${flags[@]/--window-size=1400,1000/--window-size=390,2600}")
    rm -f "$out/report_390.png" "$out/report.pdf"
    timeout 180 "$chrome" "${phone[@]}" --screenshot="$out/report_390.png" "$url" >>"$out/chromium.log" 2>&1
    if python3 tests/cli/png_check.py "$out/report_390.png" >"$out/png_check_390.txt" 2>&1; then pass; else fail "390 px screenshot looks blank (see $out/png_check_390.txt)"; fi
    timeout 180 "$chrome" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "$url" >>"$out/chromium.log" 2>&1
    pages=$(grep -ac "/Type /Page\b\|/Type/Page\b" "$out/report.pdf" 2>/dev/null || echo 0)
    check "printed to PDF (A4 print stylesheet): $pages pages" -- bash -c "[ -s '$out/report.pdf' ] && [ \$(stat -c %s '$out/report.pdf') -gt 50000 ] && [ '$pages' -ge 2 ]"
    check "print stylesheet present" -- grep -q "@media print" "$zh/report.html"
    check "phone layout present" -- grep -q "@media (max-width:600px)" "$zh/report.html"
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
