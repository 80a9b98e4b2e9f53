#!/usr/bin/env bash
# make demo: runs the bundled sample projects and says where the outputs are.
# usage: demo.sh LIFECIRCLE OUTDIR
set -euo pipefail
bin=$1; out=$2
mkdir -p "$out"
echo "== Dongguan (real town boundaries and census; SYNTHETIC facilities and households), straight-line mode"
"$bin" validate data/dongguan/project.toml -q
"$bin" analyze data/dongguan/project.toml --out "$out/dongguan" --scenario 2025
echo
echo "== Liechtenstein (OpenStreetMap 2015: walking network, buildings as households, kindergartens and schools)"
"$bin" analyze data/liechtenstein/project.toml --out "$out/liechtenstein" -q
echo
echo "Outputs:"
for d in "$out"/*/; do echo "  $d"; ls "$d" | sed 's/^/    /'; done
