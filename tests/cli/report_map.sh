#!/usr/bin/env bash
# report.html's interactive map, driven in headless Chromium: a copy of the page with
# tests/cli/map_drive.js appended zooms, drags, hovers and focuses every town, taps one, toggles
# every layer and "prints"; map_check.py compares what the panel showed with the run's towns
# layer and compliance.csv, in Chinese and in English. Also: without JavaScript the static map
# and no controls; the same inputs give the same bytes; what the interactive map adds in bytes.
# usage: report_map.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
fails=0; passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for lang in zh en; do
    if ! "$bin" analyze data/dongguan/project.toml --lang "$lang" --out "$out/$lang" -q >"$out/analyze_$lang.log" 2>&1; then
        fail "analyze --lang $lang"; tail -5 "$out/analyze_$lang.log"
    fi
done
# With planned facilities (the 2025 scenario): check boxes for existing and planned ones too.
if ! "$bin" analyze data/dongguan/project.toml --scenario 2025 --out "$out/zh2025" -q >"$out/analyze_zh2025.log" 2>&1; then
    fail "analyze --scenario 2025"; tail -5 "$out/analyze_zh2025.log"
fi
# Same inputs, same bytes.
"$bin" analyze data/dongguan/project.toml --out "$out/zh_again" -q >/dev/null 2>&1
cmp -s "$out/zh/report.html" "$out/zh_again/report.html" && pass || fail "report.html differs between two runs"
# The panel's texts (JSON in the page) pass the visible-codes check too.
for lang in zh en; do
    python3 tests/cli/visible_codes.py "$lang" "$out/$lang/report.html" && pass || fail "visible codes in the $lang report"
done
# What the interactive map costs: the script, the controls and the panel's JSON.
python3 - "$out/zh/report.html" <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read().encode()
js = page[page.index(b"(function(){\n  // The map"):]
js = js[:js.index(b"})();") + 5]
parts = {"map script": len(js),
         "controls": len(re.search(rb'<div class="map-tools".*?</fieldset>\n</div>\n', page, re.S).group(0)),
         "panel data (JSON)": len(re.search(rb'<script type="application/json" id="map-data">.*?</script>', page, re.S).group(0))}
print("report.html %d bytes; interactive map: %s" % (len(page), ", ".join("%s %d" % kv for kv in parts.items())))
EOF

chrome=""
for c in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [ -n "$c" ] && command -v "$c" >/dev/null && { chrome=$(command -v "$c"); break; }
done
if [ -z "$chrome" ]; then
    echo "SKIP: chromium not installed (apt-get install chromium); browser checks skipped"
else
    flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
           --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$(mktemp -d)" --window-size=1400,1000)
    if command -v ogr2ogr >/dev/null; then have_ogr=1; else have_ogr=0; echo "SKIP: ogr2ogr missing, figures not checked"; fi
    for run in zh en zh2025; do
        d="$out/$run"; lang=${run:0:2}
        # The page with the driving script appended (the page's own script runs first).
        sed '/<\/body>/,$d' "$d/report.html" > "$d/report_drive.html"
        { echo "<script>"; cat tests/cli/map_drive.js; echo "</script>"; echo "</body></html>"; } >> "$d/report_drive.html"
        timeout 180 "$chrome" "${flags[@]}" --virtual-time-budget=5000 --dump-dom "file://$d/report_drive.html" >"$d/drive_dom.html" 2>"$d/chromium.log"
        if [ "$have_ogr" = 1 ]; then
            ogr2ogr -f CSV "$d/towns.csv" "$d/coverage.gpkg" towns 2>>"$d/chromium.log"
            python3 tests/cli/map_check.py "$lang" "$d/drive_dom.html" "$d/towns.csv" "$d/compliance.csv" $([ "$run" = zh2025 ] && echo --planned) \
                && pass || fail "map in the $run report (see above)"
        fi
        # The rendered page, after the script, has nothing a reader should not see either.
        python3 tests/cli/visible_codes.py "$lang" "$d/drive_dom.html" && pass || fail "visible codes in the $run page after the script ran"
    done
    # Without JavaScript: the static map is all there is, the controls stay hidden. (Chromium's
    # --blink-settings=scriptEnabled=false also stops --dump-dom and --screenshot, so the copy
    # of the page has its scripts taken out instead.)
    python3 -c 'import re, sys; sys.stdout.write(re.sub(r"<script>.*?</script>", "", open(sys.argv[1], encoding="utf-8").read(), flags=re.S))' \
        "$out/zh/report.html" > "$out/zh/report_nojs.html"
    grep -q "<script>" "$out/zh/report_nojs.html" && fail "scripts left in the no-JS copy" || pass
    timeout 180 "$chrome" "${flags[@]}" --dump-dom "file://$out/zh/report_nojs.html" >"$out/nojs_dom.html" 2>>"$out/chromium.log"
    towns=$(grep -o '<path class="town"' "$out/nojs_dom.html" | wc -l)
    [ "$towns" -eq 33 ] && pass || fail "no-JS page has 33 town paths (got $towns)"
    grep -q '<div class="map-tools" id="map-tools" hidden' "$out/nojs_dom.html" && pass || fail "no-JS page keeps the map tools hidden"
    grep -q '<div class="map-tip" id="map-tip" role="status" hidden' "$out/nojs_dom.html" && pass || fail "no-JS page keeps the panel hidden"
    rm -f "$out/nojs.png"
    timeout 180 "$chrome" "${flags[@]}" --screenshot="$out/nojs.png" "file://$out/zh/report_nojs.html" >>"$out/chromium.log" 2>&1
    python3 tests/cli/png_check.py "$out/nojs.png" && pass || fail "no-JS screenshot looks blank"
    # Print hides the controls and the panel.
    python3 -c 'import sys; c = open(sys.argv[1], encoding="utf-8").read(); i = c.find("@media print{"); sys.exit(0 if i >= 0 and c.find(".map-tools,.map-tip{display:none!important}", i) > i else 1)' "$out/zh/report.html" \
        && pass || fail "print stylesheet hides the map tools"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
