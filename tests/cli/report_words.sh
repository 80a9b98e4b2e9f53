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
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
