"""Fails when a code of the data or the tool reaches what a reader sees: the visible text of
report.html (tags, scripts and styles removed) and report.md. The codes are the sample's
facility types and fields, the statuses and scenarios, and in a Chinese report also the
English status words.
Also checked: the texts report.html's map panel shows (the JSON in <script id="map-data">),
and that no "nan", "inf", "NaN", "Infinity" or "undefined" is shown anywhere.
usage: visible_codes.py LANG FILE... """
import json
import re
import sys


def strings(v):
    """Every string in a parsed JSON value."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)


lang, files = sys.argv[1], sys.argv[2:]
codes = ["elderly_institution", "elderly_service_complex", "day_care", "elderly_canteen", "community_service_centre",
         "community_service_station", "social_work_station", "minors_protection_station", "nursing_beds", "floor_area_m2",
         "planned_2025", "no-target", "no-data", "per_population", "coverage_share", "share_of_units_met", "social_workers",
         "town_value", "count_at_least", "new_housing_compliance", "elderly_m2", "not-judged"]
if lang == "zh":
    codes += ["existing", "met", "missed", "households", "straight line", "detour factor"]
bad = 0
for path in files:
    text = open(path, encoding="utf-8").read()
    if path.endswith(".html"):
        panel = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', text, re.S)
        text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        if panel:
            text += "\n" + "\n".join(strings(json.loads(panel.group(1))))
    for word in re.findall(r"(?<![A-Za-z_])(?:nan|NaN|inf|Infinity|undefined)(?![A-Za-z_])", text):
        i = text.find(word)
        print("FAIL: %s shows %r, e.g. ...%s..." % (path, word, text[max(0, i - 40):i + 40].replace("\n", " ")))
        bad += 1
        break
    for code in codes:
        found = re.findall(r"(?<![A-Za-z_])" + re.escape(code) + r"(?![A-Za-z_])", text)
        if found:
            i = text.find(code)
            print("FAIL: %s shows %r %d times, e.g. ...%s..." % (path, code, len(found), text[max(0, i - 40):i + 40].replace("\n", " ")))
            bad += 1
print("%d files, %d codes found" % (len(files), bad))
sys.exit(1 if bad else 0)
