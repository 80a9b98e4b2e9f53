"""Fails when a code of the data or the tool reaches what a reader sees: the visible text of
report.html (tags, scripts and styles removed) and report.md. The codes are the sample's
facility types and fields, the statuses and scenarios, and in a Chinese report also the
English status words.
usage: visible_codes.py LANG FILE... """
import re
import sys

lang, files = sys.argv[1], sys.argv[2:]
codes = ["elderly_institution", "elderly_service_complex", "day_care", "elderly_canteen", "community_service_centre",
         "community_service_station", "social_work_station", "minors_protection_station", "nursing_beds", "floor_area_m2",
         "planned_2025", "no-target", "no-data", "per_population", "coverage_share"]
if lang == "zh":
    codes += ["existing", "met", "missed", "households", "straight line", "detour factor"]
bad = 0
for path in files:
    text = open(path, encoding="utf-8").read()
    if path.endswith(".html"):
        text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    for code in codes:
        found = re.findall(r"(?<![A-Za-z_])" + re.escape(code) + r"(?![A-Za-z_])", text)
        if found:
            i = text.find(code)
            print("FAIL: %s shows %r %d times, e.g. ...%s..." % (path, code, len(found), text[max(0, i - 40):i + 40].replace("\n", " ")))
            bad += 1
print("%d files, %d codes found" % (len(files), bad))
sys.exit(1 if bad else 0)
