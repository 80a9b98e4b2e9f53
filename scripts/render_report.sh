#!/usr/bin/env bash
# Renders an analyze report.html to a PNG with headless Chromium (no network access needed:
# the page is self-contained). Useful for attaching the map to a memo or checking a change.
# usage: scripts/render_report.sh OUTDIR/report.html OUT.png [WIDTH,HEIGHT]   (default 1400,1000)
set -eu
[ $# -ge 2 ] || { echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2; exit 2; }
report=$1; png=$2; size=${3:-1400,1000}
[ -f "$report" ] || { echo "error: $report not found" >&2; exit 2; }
chrome=""
for c in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [ -n "$c" ] && command -v "$c" >/dev/null && { chrome=$(command -v "$c"); break; }
done
[ -n "$chrome" ] || { echo "error: chromium not found (Debian: apt-get install chromium)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)  # Chromium refuses to run as root with its sandbox
timeout 180 "$chrome" --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" --window-size="$size" \
    --screenshot="$png" "file://$abs" >/dev/null 2>&1
[ -s "$png" ] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
echo "$png"
