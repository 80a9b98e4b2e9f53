"""Checks what map_drive.js saw in the browser against the run's own outputs: the panel of every
town shows that town's figures (households and coverage from coverage.gpkg's towns layer,
exported as CSV; indicator statuses and missed indicators from compliance.csv) in the report's
language, equal to the compliance table's cells; zoom, drag, buttons, print and the layer check
boxes did what they should.
With --planned the run has planned facilities: check boxes for existing and planned ones.
usage: map_check.py LANG DOM.html TOWNS.csv COMPLIANCE.csv [--planned]"""
import csv
import json
import math
import re
import sys

lang, dom_path, towns_path, compliance_path = sys.argv[1:5]
planned = "--planned" in sys.argv[5:]
zh = lang == "zh"
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)
    return ok


dom = open(dom_path, encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="drive-result">(.*?)</script>', dom, re.S)
if not m:
    print("FAIL: no drive result in the dumped DOM (did the page's script or map_drive.js fail?)")
    sys.exit(1)
R = json.loads(m.group(1))
check(not R["errors"], "script errors: %s" % R["errors"])

towns = {row["town_id"]: row for row in csv.DictReader(open(towns_path, encoding="utf-8-sig"))}
ind_rows = {}
names = {}
for row in csv.DictReader(open(compliance_path, encoding="utf-8-sig")):
    ind_rows.setdefault(row["town_id"], []).append(row)
    names[row["town_id"]] = row["town_name"]

W, H = R["pane_size"]
vb0 = R["viewbox0"]
check(vb0 == [0, 0, W, H], "initial view is the whole map: %s vs %s" % (vb0, [W, H]))
check(R["tools_visible"], "the tool bar is shown once the script runs")
check(R["tabindex"] == len(R["towns"]) == 33, "every town focusable: %d of %d" % (R["tabindex"], len(R["towns"])))
check(R["titles_left"] == 0, "the towns' own <title> tooltips replaced by the panel")

# ---- zoom, drag, buttons, print


def zoom(vb):
    return W / vb[2]


z = zoom(R["wheel"]["viewbox"])
check(abs(z - math.exp(0.6)) < 0.01, "wheel -300 zooms by exp(0.6): %.3f" % z)
check(abs(R["wheel"]["viewbox"][2] / R["wheel"]["viewbox"][3] - W / H) < 1e-3, "zoom keeps the pane's aspect")
b, a = R["wheel"]["before"], R["wheel"]["after"]
check(math.hypot(a["x"] - b["x"], a["y"] - b["y"]) < 2, "the point under the wheel stays put: %s -> %s" % (b, a))
check(abs(R["wheel"]["label_px"] - R["label_px0"] / math.sqrt(z)) < 0.3,
      "town names shrink in map units as 1/sqrt(zoom) (%.2f -> %.2f px)" % (R["label_px0"], R["wheel"]["label_px"]))
# The scale bar's length says what its label says, before and after the zoom.
for bar, zz in ((R["bar0"], 1.0), (R["wheel"]["bar"], z)):
    mm = re.match(r"^([\d.]+) (km|m)$", bar["text"])
    if check(mm, "scale bar label %r" % bar["text"]):
        metres = float(mm.group(1)) * (1000 if mm.group(2) == "km" else 1)
        shown = bar["len"] * R["m_per_unit"] / zz
        check(abs(shown - metres) / metres < 0.01, "scale bar at zoom %.2f: %d units = %.0f m, label %s" % (zz, bar["len"], shown, bar["text"]))
check(R["wheel"]["bar"]["len"] <= R["bar0"]["len"] * z * 1.001 and R["wheel"]["bar"]["text"] != "", "scale bar redrawn for the zoom")
bt = R["buttons"]
check(abs(zoom(bt["in1"]) - 1.5 * z) < 0.01 and abs(zoom(bt["in2"]) - 2.25 * z) < 0.02, "+ zooms by 1.5: %s" % bt)
check(abs(zoom(bt["out"]) - 1.5 * z) < 0.01, "- zooms out by 1.5")
check(bt["reset"] == vb0, "reset gives the whole map back: %s" % bt["reset"])
check(R["wheel_out_at_full"] == vb0, "zooming out stops at the whole map: %s" % R["wheel_out_at_full"])
d = R["drag"]
check(abs(d["after"]["x"] - d["before"]["x"] - 60) < 2 and abs(d["after"]["y"] - d["before"]["y"] - 40) < 2,
      "a drag by (60, 40) px moves the map with the pointer: %s -> %s" % (d["before"], d["after"]))
check(d["hash"] == "", "the click ending a drag opens no town card (hash %r)" % d["hash"])
check(R["click_hash"] == "#town-" + R["click_town"], "a plain click opens the town's card (%r)" % R["click_hash"])
check(zoom(R["print"]["zoomed"]) > 2, "zoomed before printing")
check(R["print"]["during"] == vb0, "printing shows the whole map: %s" % R["print"]["during"])
check(R["print"]["after"] == R["print"]["zoomed"], "the view comes back after printing")

# ---- the panel of every town
words = {"达标": "met", "未达标": "missed", "当年无目标": "no-target", "无数据": "no-data"} if zh else \
        {"met": "met", "missed": "missed", "no target this year": "no-target", "no data": "no-data"}
no_data = "无数据" if zh else "no data"


def share_ok(text, value, what):
    if value in ("", None):
        return check(text == no_data, "%s: no value gives %r, not %r" % (what, no_data, text))
    mm = re.match(r"^(-?\d+\.\d)%$", text)
    return check(mm and abs(float(mm.group(1)) - 100 * float(value)) <= 0.05 + 1e-9, "%s: %r vs %s" % (what, text, value))


bad_words = re.compile(r"\b(nan|NaN|inf|Infinity|undefined|null)\b")
cjk = re.compile(r"[\u4e00-\u9fff]")
checked = 0
for st in R["towns"]:
    tid = st["id"]
    what = "town %s (%s)" % (st["t"], tid)
    if not check(tid in towns and tid in names, "%s: in the towns layer and compliance.csv" % what):
        continue
    check(not st["hidden"] and st["hidden_after_leave"], "%s: panel shown on mouse over, hidden on leaving" % what)
    check(not bad_words.search(st["text"]), "%s: no nan/inf/undefined in %r" % (what, st["text"]))
    if zh:
        check(st["name"] == names[tid], "%s: name %r is the report's %r" % (what, st["name"], names[tid]))
    else:
        check(names[tid] in st["name"] and re.search(r"[A-Za-z]", st["name"]), "%s: English name %r" % (what, st["name"]))
    rows = dict(st["rows"])
    tw = towns[tid]
    for label, value in st["rows"]:
        if not zh:
            # English panels: nothing Chinese but the town's own name.
            check(not cjk.search(label + value), "%s: English panel shows Chinese %r: %r" % (what, label, value))
        if label in ("住户", "Households"):
            check(abs(float(value.replace(",", "")) - float(tw["households"])) <= 0.5, "%s: households %r vs %s" % (what, value, tw["households"]))
            continue
        mm = re.match(r"^(\d+(?:\.\d+)?)(?: 分钟覆盖率|-min coverage)$", label)
        if mm:
            share_ok(value, tw["coverage_share_" + mm.group(1).replace(".", "_")], "%s %s" % (what, label))
            continue
        mm = re.match(r"^(\d+(?:\.\d+)?)(?: 分钟获服务|-min served)$", label)
        if mm:
            share_ok(value, tw["served_share_" + mm.group(1).replace(".", "_")], "%s %s" % (what, label))
            continue
        if label in ("指标", "Indicators"):
            expect = {}
            for row in ind_rows[tid]:
                expect[row["status"]] = expect.get(row["status"], 0) + 1
            got = {}
            for piece in re.split("，|, ", value):
                pm = re.match(r"^(.+) (\d+) 项$", piece) if zh else re.match(r"^(\d+) (.+)$", piece)
                if check(pm, "%s: status piece %r" % (what, piece)):
                    word, n = (pm.group(1), pm.group(2)) if zh else (pm.group(2), pm.group(1))
                    check(word in words, "%s: status word %r in the report's language" % (what, word))
                    got[words.get(word, word)] = int(n)
            check(got == expect, "%s: statuses %s vs compliance.csv %s" % (what, got, expect))
            continue
        if label in ("未达标指标", "Indicators missed"):
            missed = [row["indicator"] for row in ind_rows[tid] if row["status"] == "missed"]
            if not missed:
                check(value == ("无" if zh else "none"), "%s: nothing missed, shown %r" % (what, value))
                continue
            listed = re.sub(r"等 \d+ 项$| and \d+ more$", "", value)
            listed = [x for x in re.split("、|; ", listed) if x]
            check(all(x in missed for x in listed) and len(listed) == min(3, len(missed)),
                  "%s: missed %r vs compliance.csv %s" % (what, value, missed))
            if len(missed) > 3:
                tail = "等 %d 项" % len(missed) if zh else " and %d more" % (len(missed) - 3)
                check(value.endswith(tail), "%s: %r ends with %r" % (what, value, tail))
            continue
        check(False, "%s: unexpected panel row %r" % (what, label))
    # The panel and the compliance table say the same for this town.
    head = R["table_head"]
    if st["table"]:
        check(st["table"][0] == st["name"], "%s: table name %r vs panel %r" % (what, st["table"][0], st["name"]))
        check(rows.get(head[1]) == st["table"][1], "%s: households in the table %r vs panel %r" % (what, st["table"][1], rows.get(head[1])))
        if st["table"][2] != "—":
            check(rows.get(head[2]) == st["table"][2], "%s: %s in the table %r vs panel %r" % (what, head[2], st["table"][2], rows.get(head[2])))
    checked += 1
check(checked == 33, "all 33 towns checked (%d)" % checked)
check(any(r[0] in ("指标", "Indicators") for r in R["towns"][0]["rows"]), "the panel lists indicator statuses")
check(any("获服务" in r[0] or "served" in r[0] for r in R["towns"][0]["rows"]), "the panel shows the served share (Dongguan has capacities)")

# ---- keyboard, tap
f = R["focus"]
check(f["active"] and not f["hidden"] and f["pinned"], "focusing a town shows its panel, pinned: %s" % f)
check(f["name"] == R["towns"][int(f["t"])]["name"], "the focused town's panel is that town's")
kk = R["keys"]
check(abs(zoom(kk["plus"]) - 1.5) < 0.01, "+ on a focused town zooms in: %s" % kk["plus"])
check(abs(kk["right"][0] - kk["plus"][0] - W / 10 / 1.5) < 0.02 and kk["right"][1] == kk["plus"][1], "ArrowRight pans right: %s" % kk)
check(abs(kk["down"][1] - kk["right"][1] - H / 10 / 1.5) < 0.02, "ArrowDown pans down: %s" % kk)
check(kk["minus"] == vb0, "- zooms back out to the whole map: %s" % kk["minus"])
check(R["blur_hidden"], "blur hides the panel")
t = R["tap"]
check(not t["hidden"] and t["pinned"] and t["name"] == R["towns"][int(t["t"])]["name"], "a tap pins the town's panel: %s" % t["name"])
check(t["hash"] == "", "a tap opens no card (hash %r)" % t["hash"])

# ---- layers
keys = {x["key"]: x for x in R["layers"]}
for k in ("towns", "labels", "uncovered", "type0") + (("existing", "planned") if planned else ()):
    check(k in keys, "a check box for %s" % k)
check(planned or "planned" not in keys, "no check box for planned facilities without any")
for x in R["layers"]:
    check(x["elements"] > 0 and x["shown_before"] == x["elements"] and x["shown_off"] == 0 and x["shown_on"] == x["elements"],
          "layer %s (%s): %d elements, shown %d / off %d / on %d" % (x["key"], x["label"], x["elements"], x["shown_before"], x["shown_off"], x["shown_on"]))
check("towns" in keys and "towns" in keys["towns"]["ids"], "the towns check box hides the towns group")
check("uncovered" in keys and "uncovered" in keys["uncovered"]["ids"], "the uncovered check box hides the dots")
check(R["towns_off_tip_hidden"], "hiding the towns hides their panel")

# ---- words of the controls
for text in R["controls"] + [x["label"] for x in R["layers"]]:
    if zh:
        check(cjk.search(text) or text in ("+", "−"), "control in Chinese: %r" % text)
        check(not re.search(r"[A-Za-z]{3,}", text), "no English in a Chinese control: %r" % text)
    else:
        check(not cjk.search(text), "no Chinese in an English control: %r" % text)

for msg in fails:
    print("FAIL: " + msg)
print("map_check %s: %d towns, %d failures" % (lang, checked, len(fails)))
sys.exit(1 if fails else 0)
