#!/usr/bin/env bash
# Whatever a reader sees is in their language: report.html and report.md of both samples, in
# Chinese and in English, show no code of the data or the tool (facility types, fields,
# statuses, scenarios; in Chinese also English status words and travel texts).
# usage: report_words.sh LIFECIRCLE OUTDIR
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
for sample in dongguan liechtenstein; do
    for lang in zh en; do
        d="$out/${sample}_$lang"
        if ! "$bin" analyze "data/$sample/project.toml" --lang "$lang" --out "$d" -q > "$d.log" 2>&1; then
            echo "FAIL: $sample $lang: analyze exited $?"; fails=$((fails + 1)); continue
        fi
        if python3 tests/cli/visible_codes.py "$lang" "$d/report.html" "$d/report.md"; then passes=$((passes + 1)); else fails=$((fails + 1)); fi
    done
done
# The monitoring comparison too, in both languages.
"$bin" analyze data/dongguan/project.toml --year 2021 --out "$out/y2021" -q > /dev/null 2>&1 || { echo "FAIL: analyze 2021"; fails=$((fails + 1)); }
for lang in zh en; do
    if "$bin" compare "$out/y2021" "$out/dongguan_$lang" --lang "$lang" --out "$out/compare_$lang" > "$out/compare_$lang.log" 2>&1 &&
        python3 tests/cli/visible_codes.py "$lang" "$out/compare_$lang/compare.md" "$out/compare_$lang/compare.html"; then
        passes=$((passes + 1))
    else
        echo "FAIL: compare $lang"; fails=$((fails + 1))
    fi
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
