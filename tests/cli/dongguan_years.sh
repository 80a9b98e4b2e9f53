#!/usr/bin/env bash
# Year-correct targets on the Dongguan sample: a run for a plan year is judged against that
# year's town and city targets; a year before an indicator's first target has no target.
set -u
bin=$1; out=$2; rm -rf "$out"; mkdir -p "$out"
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
for y in 2022 2023 2025; do
  "$bin" analyze data/dongguan/project.toml --out "$out/$y" --set targets.year=$y -q >/dev/null 2>&1 || bad "analyze $y exited $?"
done
csv() { cat "$out/$1/compliance.csv"; }
# Share of towns meeting an indicator, counted from the town rows (not from the CITY row).
share_met() { csv "$1" | awk -F, -v id="$2" '$1 != "CITY" && $3 == id { n++; if ($12 == "met") m++ } END { printf "%.4f", m / n }'; }
city() { csv "$1" | grep "^CITY,全市,$2,"; }

# Comprehensive elderly-service institutions: city 40 % of towns in 2023, 60 % in 2025.
s=$(share_met 2023 elderly_service_complex_per_town)
want=$(awk -v s="$s" 'BEGIN { print (s >= 0.4 ? "met" : "missed") }')
city 2023 elderly_service_complex_per_town | grep -q ",$want,0,.*city target 40% of towns: $want$" && ok || bad "2023 complex city row (share $s): $(city 2023 elderly_service_complex_per_town)"
want=$(awk -v s="$s" 'BEGIN { print (s >= 0.6 ? "met" : "missed") }')
city 2025 elderly_service_complex_per_town | grep -q "city target 60% of towns: $want$" && ok || bad "2025 complex city row (share $s): $(city 2025 elderly_service_complex_per_town)"
# Minors' protection workstations: strictly more than 80 % of towns in 2023, all in 2025.
s=$(share_met 2023 minors_protection_station_per_town)
want=$(awk -v s="$s" 'BEGIN { print (s > 0.8 + 1e-9 ? "met" : "missed") }')
city 2023 minors_protection_station_per_town | grep -q "city target > 80% of towns: $want$" && ok || bad "2023 minors city row (share $s)"
want=$(awk -v s="$s" 'BEGIN { print (s >= 1 ? "met" : "missed") }')
city 2025 minors_protection_station_per_town | grep -q "city target 100% of towns: $want$" && ok || bad "2025 minors city row"
# Hub organisations have a 2025 target only: 2023 says so in every row, 2025 judges.
rows=$(csv 2023 | awk -F, '$3 == "hub_social_org_per_town"' | wc -l)
nt=$(csv 2023 | awk -F, '$3 == "hub_social_org_per_town" && $12 == "no-target" && $0 ~ /,2023 年无目标值$/' | wc -l)
[ "$rows" = 34 ] && [ "$nt" = 34 ] && ok || bad "2023 hub rows: $nt of $rows say no target"
csv 2025 | awk -F, '$3 == "hub_social_org_per_town" && $12 == "no-target"' | grep -q . && bad "2025 hub rows without target" || ok
# Community facility area: first target 2023 (31 m2), so 2022 is not held to it.
csv 2022 | awk -F, '$1 != "CITY" && $3 == "community_facility_area_per_100hh" && $12 != "no-target"' | grep -q . && bad "2022 area rows judged" || ok
csv 2023 | awk -F, '$1 != "CITY" && $3 == "community_facility_area_per_100hh" && $10 != "31.00"' | grep -q . && bad "2023 area target is not 31" || ok
csv 2025 | awk -F, '$1 != "CITY" && $3 == "community_facility_area_per_100hh" && $10 != "32.00"' | grep -q . && bad "2025 area target is not 32" || ok
grep -q '"rollup_comparator": ">"' "$out/2023/compliance.json" && ok || bad "compliance.json lacks the 2023 rollup comparator"
grep -Eq ',-?(nan|inf),' "$out"/*/compliance.csv && bad "nan/inf in a table" || ok
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
