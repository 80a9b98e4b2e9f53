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
        python3 - "$out/report.png" >"$out/png_check.txt" 2>&1 <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    n, typ = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    elif typ == b'IDAT': idat += body
    pos += 12 + n
w, h, depth, ctype = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
assert depth == 8 and ctype in (2, 6), 'unexpected PNG format %r' % (ihdr,)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite, red, pos = {}, 0, 0, 0
for y in range(h):
    f = raw[pos]; line = bytearray(raw[pos + 1:pos + 1 + stride]); pos += 1 + stride
    if f == 1:
        for i in range(bpp, stride): line[i] = (line[i] + line[i - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for i in range(stride): line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
    elif f == 4:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp * 2):  # every other pixel is plenty
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
        if px != b'\xff\xff\xff': nonwhite += 1
        if px[0] > 200 and px[1] < 60 and px[2] < 60: red += 1
total = sum(colours.values())
print('size %dx%d, %d distinct colours, %.1f%% not white, %d red pixels' % (w, h, len(colours), 100.0 * nonwhite / total, red))
share = {'#%02x%02x%02x' % tuple(k): v for k, v in colours.items()}
classes = [c for c in ('#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494') if share.get(c, 0) > 50]
print('coverage classes visible: %s' % ' '.join(classes))
ok = len(colours) >= 50 and nonwhite > total * 0.1 and len(classes) >= 2
sys.exit(0 if ok else 1)
EOF
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
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
