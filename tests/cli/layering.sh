#!/usr/bin/env bash
# The rooms' includes run downhill only (ARCHITECTURE.md): each folder may include the folders
# listed for it, and coverage/siting no GDAL, GEOS or PROJ header.
# usage: layering.sh LIFECIRCLE OUTDIR (both unused: this reads the sources)
set -u
cd "$(dirname "$0")/../.."
fails=0
allowed() {  # room -> folders it may include
    case $1 in
        base) echo "base" ;;
        geo) echo "base geo" ;;
        network) echo "base geo network" ;;
        coverage/study) echo "base geo network coverage/study" ;;
        coverage/siting) echo "base coverage/siting" ;;
        coverage/analysis) echo "base geo network coverage/study coverage/siting coverage/analysis" ;;
        coverage/report) echo "base geo network coverage/study coverage/siting coverage/analysis coverage/report" ;;
    esac
}
for room in base geo network coverage/study coverage/siting coverage/analysis coverage/report; do
    ok_dirs=$(allowed "$room")
    for f in "$room"/*.cpp "$room"/*.hpp; do
        [ -e "$f" ] || continue
        while read -r inc; do
            dir=$(dirname "$inc")
            fine=0
            for d in $ok_dirs; do [ "$dir" = "$d" ] && fine=1; done
            [ $fine = 1 ] || { echo "FAIL: $f includes \"$inc\" (uphill from $room)"; fails=$((fails + 1)); }
        done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$f")
    done
done
if grep -nE '#include <(gdal|ogr|cpl_|geos|proj)' coverage/siting/*.cpp coverage/siting/*.hpp; then
    echo "FAIL: coverage/siting includes a GDAL/GEOS/PROJ header"; fails=$((fails + 1))
fi
echo "layering: $fails uphill includes"
[ "$fails" -eq 0 ]
