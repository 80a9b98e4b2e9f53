#!/usr/bin/env bash
# Messages on stderr follow --lang: Chinese with --lang zh, English with --lang en, and in both the
# line still names the file, layer, feature and field. stdout's summary follows too.
# usage: messages_lang.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; mkdir -p "$out"
bad=tests/data/bad; small=tests/data/fixtures/small/project.toml
fails=0; passes=0
check() {  # check LOG PATTERN WHAT
    if grep -qE -- "$2" "$1"; then passes=$((passes + 1)); else echo "FAIL: $3: no line matching '$2' in"; sed 's/^/    /' "$1" | tail -8; fails=$((fails + 1)); fi
}
refuse() {  # refuse LOG PATTERN WHAT: the pattern must not occur
    if grep -qE -- "$2" "$1"; then echo "FAIL: $3: '$2' found in"; sed 's/^/    /' "$1" | tail -8; fails=$((fails + 1)); else passes=$((passes + 1)); fi
}
run() {  # run NAME WANT_EXIT -- args: stderr to NAME.err, stdout to NAME.out
    local name=$1 want=$2; shift 3
    "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
    local got=$?
    [ "$got" -eq "$want" ] && passes=$((passes + 1)) || { echo "FAIL: $name exited $got, want $want"; fails=$((fails + 1)); }
}

for lang in zh en; do
    # A value that is not a number: feature 1, field households, in the bad demand layer.
    run "text_$lang" 2 -- validate $small --lang $lang --set demand.path=$bad/demand_text_weight.geojson
    # A field the layer lacks.
    run "field_$lang" 2 -- validate $small --lang $lang --set demand.weight=nosuch
    # A misspelt project key, a missing file.
    run "key_$lang" 2 -- validate $small --lang $lang --set travel.speed_khm=3
    run "file_$lang" 2 -- validate --towns $bad/does_not_exist.geojson --lang $lang
    # Off-network and far-snapped points on the Liechtenstein sample (with tight snapping limits).
    run "snap_$lang" 0 -- validate data/liechtenstein/project.toml --lang $lang --set network.snap_m=20 --set network.snap_far_m=60
done

f='demand_text_weight\.geojson \[demand_text_weight\]'
check "$out/text_zh.err" "^错误：.*$f 要素 1 字段 'households'：值 '12 households' 不是数字$" "zh: not a number"
check "$out/text_en.err" "^error: .*$f feature 1 field 'households': value '12 households' is not a number$" "en: not a number"
check "$out/text_zh.out" "^不能运行：1 个错误，[0-9]+ 个警告$" "zh: validate summary"
check "$out/text_en.out" "^cannot run: 1 errors, [0-9]+ warnings$" "en: validate summary"
check "$out/field_zh.err" "^错误：.*demand\.geojson \[demand\] 字段 'nosuch'：\[demand\] weight 指定的字段不存在；图层的字段有：id, households$" "zh: missing field"
check "$out/field_en.err" "^error: .*demand\.geojson \[demand\] field 'nosuch': field named by \[demand\] weight does not exist; the layer has: id, households$" "en: missing field"
check "$out/key_zh.err" "^错误：.*project\.toml：\[travel\] speed_khm：未知的键；是否想写 speed_kmh？$" "zh: project key"
check "$out/key_en.err" "^error: .*project\.toml: \[travel\] speed_khm: unknown key; did you mean speed_kmh\?$" "en: project key"
check "$out/file_zh.err" "^错误：.*does_not_exist\.geojson：文件不存在（towns 图层）$" "zh: missing file"
check "$out/file_en.err" "^error: .*does_not_exist\.geojson: file not found \(towns layer\)$" "en: missing file"
li='liechtenstein-2015\.osm\.pbf \[multipolygons\]'
# A feature with its label (the OSM id): "要素 0（w341404095）".
fa='facilities\.geojson \[liechtenstein_facilities\]'
check "$out/snap_zh.err" "^警告：.*$fa 要素 0（w341404095）：最近的可步行道路在 31 米外（超过 20 米）：已吸附到该道路并标记$" "zh: snapped far"
check "$out/snap_en.err" "^warning: .*$fa feature 0 \(w341404095\): nearest walkable street is 31 m away \(beyond 20 m\): snapped there and flagged$" "en: snapped far"
check "$out/snap_zh.err" "^警告：.*$li 要素 [0-9]+：60 米内没有道路：不在路网上，不会被覆盖$" "zh: off network"
check "$out/snap_en.err" "^warning: .*$li feature [0-9]+: no street within 60 m: off the network, never covered$" "en: off network"
check "$out/snap_zh.err" "^  ……另有 [0-9]+ 条 'snapped_far' 消息（--verbose 列出全部）$" "zh: more messages"
check "$out/snap_en.err" "^  \.\.\. and [0-9]+ more 'snapped_far' messages \(--verbose lists all\)$" "en: more messages"
check "$out/snap_zh.err" "^提示：" "zh: note tag"
# With --lang zh no tag is English, with --lang en none is Chinese.
for n in text field key file snap; do
    refuse "$out/${n}_zh.err" "^(error|warning|note): " "zh $n: English tag"
    refuse "$out/${n}_en.err" "^(错误|警告|提示)：" "en $n: Chinese tag"
done
# validate's per-layer listing on stdout follows the language too; names and numbers stay.
for l in '镇街：.*towns\.geojson \[towns\]$' '^  读取要素 [0-9]+ 个，可用 [0-9]+ 个，跳过 [0-9]+ 个；几何类型 ' '^  源坐标系：.*\(EPSG:32632\)$' \
         '^  米制坐标系：EPSG:[0-9]+$' '^  范围（米制）：x [0-9.-]+ \.\. [0-9.-]+，y ' '^  镇街：2 个，总面积 [0-9.]+ 平方公里（合并后 [0-9.]+ 平方公里）$' \
         '^  镇街之间的重叠：无$' '^  外轮廓内的空隙（不属于任何镇街）：[0-9]+ 处，共 ' '^设施：.*facilities\.geojson' '^  类型 day_care：[0-9]+ 个$' \
         '^需求：.*demand_text_weight\.geojson' '^  总权重（户数）：[0-9]+$' '^出行：直线距离 × 1\.30（无路网）$' '^目标文件：.*targets\.toml（[0-9]+ 个指标）$'; do
    check "$out/text_zh.out" "$l" "zh: validate listing"
done
for l in '^towns: .*towns\.geojson \[towns\]$' '^  features read [0-9]+, usable [0-9]+, skipped [0-9]+; geometry ' '^  source CRS: .*\(EPSG:32632\)$' \
         '^  extent \(metric\): x ' '^  towns: 2, total area [0-9.]+ km2 \(union ' '^  overlaps between towns: none$' '^  type day_care: [0-9]+$' \
         '^  total weight \(households\): [0-9]+$' '^travel: straight line x 1\.30 \(no road network\)$' '^targets: .*\([0-9]+ indicators\)$'; do
    check "$out/text_en.out" "$l" "en: validate listing"
done
check "$out/snap_zh.out" '^路网：.*liechtenstein.* \[[a-z_]+\]$' "zh: validate network"
check "$out/snap_zh.out" '^  节点 [0-9]+ 个，路段 [0-9]+ 条，连通分量 [0-9]+ 个（最大的 [0-9]+ 个节点）$' "zh: validate graph"
check "$out/snap_zh.out" '^  吸附距离超过 20 米的需求权重：[0-9.]+%；不在路网上（超过 60 米）：[0-9.]+%$' "zh: validate snapping"
check "$out/snap_en.out" '^  nodes [0-9]+, links [0-9]+, components [0-9]+ \(largest [0-9]+ nodes\)$' "en: validate graph"
check "$out/snap_en.out" '^  demand weight snapped beyond 20 m: [0-9.]+%; off the network \(beyond 60 m\): [0-9.]+%$' "en: validate snapping"
for n in text snap; do
    refuse "$out/${n}_zh.out" '(features read|source CRS|metric CRS|extent|total area|overlaps|total weight|straight line|nodes [0-9]|snapped beyond|indicators\))' "zh $n: English listing"
    refuse "$out/${n}_en.out" '(读取要素|源坐标系|米制坐标系|范围（米制）|总面积|总权重|路网：|节点 [0-9]|直线距离|目标文件)' "en $n: Chinese listing"
done
# analyze's warning on GCJ-02 output.
run "gcj_zh" 0 -- analyze $small --lang zh --set output.crs=GCJ02 --out "$out/gcj_zh"
run "gcj_en" 0 -- analyze $small --lang en --set output.crs=GCJ02 --out "$out/gcj_en"
check "$out/gcj_zh.err" "^警告：GIS 图层采用 GCJ-02 坐标，用于国内网络底图：与 WGS 84 数据.*叠加时约偏移 300–700 米；图层的坐标系已如此命名，QGIS 不会替您纠偏$" "zh: output CRS warning"
check "$out/gcj_en.err" "^warning: the GIS layers are in GCJ-02, for Chinese web basemaps: .* about 300-700 m off; their CRS is named so, QGIS will not shift them for you$" "en: output CRS warning"
refuse "$out/gcj_zh.err" "the GIS layers are in" "zh: output CRS warning in English"
# Without --lang the project's lang decides (the fixture says en).
run "default" 2 -- validate $small --set demand.weight=nosuch
check "$out/default.err" "^error: .*field 'nosuch': field named by" "default: the project's lang"
# analyze: stage labels and the summary in Chinese.
run "analyze_zh" 0 -- analyze $small --lang zh --out "$out/a_zh"
check "$out/analyze_zh.err" "^\[ *[0-9.]+s\] 读取图层 \.\.\.$" "zh: stage label"
check "$out/analyze_zh.err" "^\[ *[0-9.]+s\] 写出结果 \(" "zh: stage end"
check "$out/analyze_zh.out" "^fixture：2 个镇街，[0-9]+ 户，[0-9.]+% 在 15 分钟内" "zh: analyze summary"
check "$out/analyze_zh.out" "^指标：[0-9]+ 个镇街-指标达标" "zh: indicators summary"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
