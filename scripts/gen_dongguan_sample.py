#!/usr/bin/env python3
"""Generate the SYNTHETIC part of the bundled Dongguan sample project.

    python3 scripts/gen_dongguan_sample.py            # writes the three files below
    python3 scripts/gen_dongguan_sample.py --check    # regenerate in memory, compare, exit 1 on drift

Inputs (real data, copied unchanged from shared/data/dongguan):
    data/dongguan/towns.geojson     33 town boundaries (WGS84, see data/dongguan/README.md)
    data/dongguan/census2020.csv    2020 census resident population + households_est

Outputs (SYNTHETIC, committed so CI never needs to run this script):
    data/dongguan/facilities.geojson   civil-affairs facility points, every feature synthetic=true
    data/dongguan/demand.geojson       residential demand points, every feature synthetic=true
    data/dongguan/town_stats.csv       census population + synthetic per-town statistics
    data/dongguan/town_stats.csvt      GDAL column-type sidecar for town_stats.csv

Stdlib only, fixed seed, byte-for-byte deterministic for a given Python 3 version
(random.Random's algorithms are stable across 3.x releases).

Facility totals follow the figures in 东莞市民政事业发展“十四五”规划 (seed/…plan.txt):
49 养老机构 with about 11,900 beds, 47 长者饭堂, 153 社区综合服务中心 (第一章), and the coverage
indicators of the main indicator table are deliberately missed in some towns so that the
tool has gaps to show.  Nothing here describes a real facility.
"""

import argparse
import csv
import io
import json
import math
import os
import random
import sys

SEED = 20210514
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "dongguan")

FAMILY_SHARE = 0.8189      # 8,571,041 family-household persons / 10,466,625 residents (census 2020)
ELDERLY_SHARE = 0.0547     # share aged 60+ (census 2020, city-wide)
M_PER_DEG_LAT = 110_700.0  # at ~23 deg N
M_PER_DEG_LON = 102_500.0  # 111,320 * cos(23 deg)

# Plan figures (第一章 “十三五”时期发展回顾)
N_INSTITUTIONS = 49
TOTAL_BEDS = 11_900
N_CANTEENS = 47
N_CSC = 153
VOLUNTEER_HOST_SHARE = 0.75   # plan target 80 % (2025), 70 % (2023)
HH_PER_STATION = 7_500        # synthetic density of 村(社区) service stations


def half_up(x):
    return int(math.floor(x + 0.5))


# ---------------------------------------------------------------- geometry

def ring_contains(ring, x, y):
    """Ray casting (even-odd) against one closed ring [(x, y), ...]."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y):
            xc = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xc:
                inside = not inside
        j = i
    return inside


def polygon_contains(poly, x, y):
    """poly = [outer, hole1, hole2, ...]; inside the outer ring and in no hole."""
    if not ring_contains(poly[0], x, y):
        return False
    for hole in poly[1:]:
        if ring_contains(hole, x, y):
            return False
    return True


class Town:
    def __init__(self, feature):
        p = feature["properties"]
        self.code = p["code"]
        self.name_zh = p["name_zh"]
        self.kind = p["kind"]
        g = feature["geometry"]
        if g["type"] == "Polygon":
            polys = [g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            polys = g["coordinates"]
        else:
            raise ValueError("unexpected geometry " + g["type"])
        self.polys = [[[(float(c[0]), float(c[1])) for c in ring] for ring in poly] for poly in polys]
        self.part_bbox = []
        for poly in self.polys:
            xs = [c[0] for c in poly[0]]
            ys = [c[1] for c in poly[0]]
            self.part_bbox.append((min(xs), min(ys), max(xs), max(ys)))
        self.bbox = (min(b[0] for b in self.part_bbox), min(b[1] for b in self.part_bbox),
                     max(b[2] for b in self.part_bbox), max(b[3] for b in self.part_bbox))

    def contains(self, x, y):
        b = self.bbox
        if not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            return False
        for poly, pb in zip(self.polys, self.part_bbox):
            if pb[0] <= x <= pb[2] and pb[1] <= y <= pb[3] and polygon_contains(poly, x, y):
                return True
        return False


class Placer:
    """Places points strictly inside one town: a point in no town (gaps, the 麻涌 hole, the
    Eco-Park holes) or in two towns (石碣/石龙 and 莞城/东城 overlaps) is rejected."""

    def __init__(self, towns, rng):
        self.towns = towns
        self.by_code = {t.code: t for t in towns}
        self.rng = rng

    def owner(self, x, y):
        hits = [t.code for t in self.towns if t.contains(x, y)]
        return hits[0] if len(hits) == 1 else None

    def uniform(self, code):
        t = self.by_code[code]
        b = t.bbox
        for _ in range(100_000):
            x = self.rng.uniform(b[0], b[2])
            y = self.rng.uniform(b[1], b[3])
            if t.contains(x, y) and self.owner(x, y) == code:
                return (x, y)
        raise RuntimeError("could not place a point in " + code)

    def near(self, code, x0, y0, sigma_m, tries=60):
        """Gaussian around (x0, y0); falls back to the centre itself (already valid)."""
        for _ in range(tries):
            dx = self.rng.gauss(0.0, sigma_m) / M_PER_DEG_LON
            dy = self.rng.gauss(0.0, sigma_m) / M_PER_DEG_LAT
            x, y = x0 + dx, y0 + dy
            if self.owner(x, y) == code:
                return (x, y)
        return (x0, y0)

    def ring_offset(self, code, x0, y0, rmin_m, rmax_m, tries=60):
        """A point between rmin and rmax metres from (x0, y0), inside the town."""
        for _ in range(tries):
            r = self.rng.uniform(rmin_m, rmax_m)
            a = self.rng.uniform(0.0, 2.0 * math.pi)
            x = x0 + r * math.cos(a) / M_PER_DEG_LON
            y = y0 + r * math.sin(a) / M_PER_DEG_LAT
            if self.owner(x, y) == code:
                return (x, y)
        return self.near(code, x0, y0, rmax_m)


# ---------------------------------------------------------------- helpers

def largest_remainder(total, weights):
    """Integers proportional to weights, summing exactly to total (ties by index)."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    base = [int(math.floor(r)) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def weighted_choice(rng, items, weights):
    r = rng.uniform(0.0, sum(weights))
    acc = 0.0
    for it, w in zip(items, weights):
        acc += w
        if r <= acc:
            return it
    return items[-1]


def pick_without(rng, codes, k):
    """k distinct codes, deterministic for the rng state."""
    pool = sorted(codes)
    rng.shuffle(pool)
    return set(pool[:k])


def coord(v):
    r = round(v, 7)
    return 0.0 if r == 0 else r


def feature(props, x, y):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [coord(x), coord(y)]}}


def geojson_text(name, features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return ('{"type":"FeatureCollection","name":"%s","features":[\n' % name
            + ",\n".join(lines) + "\n]}\n")


# ---------------------------------------------------------------- generation

def generate():
    rng = random.Random(SEED)
    with open(os.path.join(DATA, "towns.geojson"), encoding="utf-8") as f:
        towns = [Town(ft) for ft in json.load(f)["features"]]
    census = {}
    with open(os.path.join(DATA, "census2020.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            census[row["code"]] = row
    codes = [t.code for t in towns]                     # towns.geojson order
    assert set(codes) == set(census), "towns and census codes differ"
    name = {t.code: t.name_zh for t in towns}
    kind = {t.code: t.kind for t in towns}
    pop = {c: int(census[c]["population_2020"]) for c in codes}
    hh = {c: half_up(int(census[c]["households_est"]) * FAMILY_SHARE) for c in codes}
    fam_pop = {c: half_up(pop[c] * FAMILY_SHARE) for c in codes}
    placer = Placer(towns, rng)

    # -- settlement clusters: one per synthetic 村(社区); demand and facilities gather here
    clusters = {}
    for c in codes:
        k = max(3, half_up(hh[c] / HH_PER_STATION))
        cl = []
        for _ in range(k):
            x, y = placer.uniform(c)
            cl.append((x, y, rng.lognormvariate(0.0, 0.6)))
        cl.sort(key=lambda t: -t[2])                     # biggest first
        clusters[c] = cl

    # -- demand points
    pmin, pmax = min(pop.values()), max(pop.values())
    demand = []
    demand_sums = {}
    for c in codes:
        n = half_up(80 + 220 * (pop[c] - pmin) / (pmax - pmin))
        cl = clusters[c]
        pts, wts = [], []
        for _ in range(n):
            x0, y0, w = weighted_choice(rng, cl, [t[2] for t in cl])
            x, y = placer.near(c, x0, y0, rng.uniform(250.0, 600.0))
            pts.append((x, y))
            wts.append(rng.uniform(0.4, 1.6))
        hh_i = largest_remainder(hh[c] - n, wts)         # at least one household per point
        hh_i = [h + 1 for h in hh_i]
        pop_i = largest_remainder(fam_pop[c], hh_i)
        demand_sums[c] = (sum(hh_i), sum(pop_i), n)
        for (x, y), h, p in zip(pts, hh_i, pop_i):
            demand.append((c, x, y, h, p))
    demand.sort(key=lambda d: (codes.index(d[0]), d[2], d[1]))  # town, then south->north
    demand_features = []
    for i, (c, x, y, h, p) in enumerate(demand, 1):
        demand_features.append(feature({
            "id": "D%05d" % i,
            "town_code": c,
            "households": h,
            "population": p,
            "elderly_60plus": half_up(p * ELDERLY_SHARE),
            "synthetic": True,
        }, x, y))

    # -- facilities -------------------------------------------------------------
    fac = []   # dicts without id; ids assigned at the end

    def add(ftype, c, nm, xy, status="existing", area=0, beds=0, nursing=0, capacity=None,
            host=None):
        fac.append({"type": ftype, "town": c, "name": nm, "xy": xy, "status": status,
                    "area": int(area), "beds": int(beds), "nursing": int(nursing),
                    "capacity": capacity, "host": host})
        return fac[-1]

    def centre(c, rank=0):
        cl = clusters[c]
        x, y, _ = cl[min(rank, len(cl) - 1)]
        return x, y

    # 社区综合服务中心: 153 (plan, 第一章四); >= 2 per town, rest by households
    extra = largest_remainder(N_CSC - 2 * len(codes), [hh[c] for c in codes])
    csc_n = {c: 2 + e for c, e in zip(codes, extra)}
    csc_by_town = {}
    for c in codes:
        lst = []
        for k in range(csc_n[c]):
            x0, y0 = centre(c, k)
            xy = placer.ring_offset(c, x0, y0, 80.0, 300.0)
            lst.append(add("community_service_centre", c, "%s社区综合服务中心%02d（合成）" % (name[c], k + 1),
                           xy, area=rng.randrange(700, 1501, 10), capacity=rng.randrange(150, 501, 10)))
        csc_by_town[c] = lst

    # 村(社区)党群服务中心 / 社区服务站: one per cluster; floor area sized per town so that
    # about half of the towns reach 32 m2 per 100 households together with the centres.
    station_ratio = {}
    for c in codes:
        target = rng.uniform(22.0, 42.0)                  # m2 per 100 households, synthetic
        csc_area = sum(f["area"] for f in csc_by_town[c])
        need = max(0.0, target * hh[c] / 100.0 - csc_area)
        cl = clusters[c]
        ws = [rng.uniform(0.6, 1.4) for _ in cl]
        areas = largest_remainder(int(round(need / 10.0)), ws)   # in units of 10 m2
        tot = 0
        for k, ((x, y, _), a) in enumerate(zip(cl, areas)):
            a = max(300, a * 10)
            tot += a
            add("community_service_station", c, "%s第%d村（社区）党群服务中心（合成）" % (name[c], k + 1),
                (x, y), area=a, capacity=rng.randrange(80, 301, 10))
        station_ratio[c] = (tot + csc_area) * 100.0 / hh[c]

    # 志愿服务站点: hosted in ~75 % of the centres (same coordinates + host_id)
    share = {c: rng.uniform(0.45, 1.0) for c in codes}
    vol_n = {c: min(csc_n[c], half_up(share[c] * csc_n[c])) for c in codes}
    want = half_up(VOLUNTEER_HOST_SHARE * N_CSC)
    order = sorted(codes)
    rng.shuffle(order)
    i = 0
    while sum(vol_n.values()) != want:
        c = order[i % len(order)]
        if sum(vol_n.values()) > want and vol_n[c] > 0:
            vol_n[c] -= 1
        elif sum(vol_n.values()) < want and vol_n[c] < csc_n[c]:
            vol_n[c] += 1
        i += 1
    for c in codes:
        hosts = list(csc_by_town[c])
        rng.shuffle(hosts)
        for h in sorted(hosts[:vol_n[c]], key=lambda f: f["name"]):
            add("volunteer_point", c, h["name"].replace("（合成）", "志愿服务站（合成）"), h["xy"],
                host=h)

    # 养老机构: 49 with 11,900 beds (plan, 第一章二); towns drawn by population
    inst_town = [weighted_choice(rng, codes, [pop[c] for c in codes]) for _ in range(N_INSTITUTIONS)]
    inst_town.sort(key=codes.index)
    raw_beds = [rng.lognormvariate(0.0, 0.55) for _ in inst_town]
    beds = largest_remainder(TOTAL_BEDS - 40 * len(inst_town), raw_beds)
    beds = [b + 40 for b in beds]
    nursing_share = {c: rng.uniform(0.32, 0.64) for c in codes}
    inst_names = ["颐康养老院", "福寿养老院", "康乐护养院", "松柏敬老院", "怡心颐养院", "长青养老中心"]
    seen = {}
    for c, b in zip(inst_town, beds):
        k = seen.get(c, 0)
        seen[c] = k + 1
        s = min(0.95, max(0.1, nursing_share[c] + rng.uniform(-0.08, 0.08)))
        xy = placer.near(c, *centre(c, rng.randrange(len(clusters[c]))), 1200.0)
        add("elderly_institution", c, "%s%s（合成）" % (name[c], inst_names[k % len(inst_names)]), xy,
            area=b * rng.uniform(35.0, 55.0), beds=b, nursing=half_up(b * s), capacity=b)
    no_inst = [c for c in codes if c not in seen]
    for c in sorted(no_inst, key=lambda c: -pop[c])[:2]:
        b = 200
        add("elderly_institution", c, "%s%s（合成）" % (name[c], inst_names[0]),
            placer.near(c, *centre(c, 1), 800.0), status="planned_2025",
            area=b * 45, beds=b, nursing=150, capacity=b)

    # 长者饭堂: 47 (plan, 第一章二); near settlement clusters
    can_town = sorted((weighted_choice(rng, codes, [pop[c] for c in codes]) for _ in range(N_CANTEENS)),
                      key=codes.index)
    seen = {}
    for c in can_town:
        k = seen.get(c, 0)
        seen[c] = k + 1
        x0, y0 = centre(c, k)
        add("elderly_canteen", c, "%s长者饭堂%02d（合成）" % (name[c], k + 1),
            placer.ring_offset(c, x0, y0, 100.0, 350.0),
            area=rng.randrange(120, 401, 10), capacity=rng.randrange(60, 251, 10))

    # Town-level facilities. Which towns lack which is drawn independently.
    def town_level(ftype, label, n_missing, planned, area_rng, cap_rng, extra_big=()):
        missing = pick_without(rng, codes, n_missing)
        for c in codes:
            if c in missing:
                continue
            for k in range(2 if c in extra_big else 1):
                suffix = "" if k == 0 else "（分中心）"
                xy = placer.ring_offset(c, *centre(c, k), 150.0, 700.0)
                cap = rng.randrange(*cap_rng) if cap_rng else None
                add(ftype, c, "%s%s%s（合成）" % (name[c], label, suffix), xy,
                    area=rng.randrange(*area_rng), capacity=cap)
        miss_sorted = sorted(missing, key=lambda c: -pop[c])
        for c, st in zip(miss_sorted, planned):
            xy = placer.ring_offset(c, *centre(c, 0), 150.0, 700.0)
            cap = rng.randrange(*cap_rng) if cap_rng else None
            add(ftype, c, "%s%s（合成）" % (name[c], label), xy, status=st,
                area=rng.randrange(*area_rng), capacity=cap)
        return missing

    gaps = {}
    # 日间照料中心: plan: every town by end of 2022; sample leaves 4 towns without
    gaps["day_care"] = town_level("day_care", "日间照料中心", 4, ["planned_2023", "planned_2025"],
                                  (350, 751, 10), (20, 61, 5), extra_big=("humen", "changan"))
    # 镇街综合养老服务机构: plan: 60 % of towns by 2025 (40 % by 2023); sample 19/33 existing
    gaps["elderly_service_complex"] = town_level("elderly_service_complex", "综合养老服务中心", 14,
                                                 ["planned_2025", "planned_2025"], (1200, 4001, 50), (50, 201, 10))
    # 社会工作服务站 (“双百”): plan 100 % by 2023; sample 30/33
    gaps["social_work_station"] = town_level("social_work_station", "社会工作服务站", 3, ["planned_2023"],
                                             (150, 401, 10), None)
    # 未成年人保护工作站: plan >80 % by 2023, 100 % by 2025; sample 28/33
    gaps["minors_protection_station"] = town_level("minors_protection_station", "未成年人保护工作站", 5,
                                                   ["planned_2023", "planned_2025"], (60, 201, 10), None)
    # 枢纽型社区社会组织: plan 35 (2020) -> 70 (2023) -> 100 (2025); >= 1 per town by 2025
    missing = pick_without(rng, codes, 3)
    have = [c for c in codes if c not in missing]
    hub_n = {c: 1 for c in have}
    for c in (weighted_choice(rng, have, [pop[c] for c in have]) for _ in range(40)):
        hub_n[c] += 1
    for c in codes:
        for k in range(hub_n.get(c, 0)):
            label = "社区社会组织联合会" if k == 0 else "社区社会组织服务中心%02d" % k
            add("hub_social_org", c, "%s%s（合成）" % (name[c], label),
                placer.ring_offset(c, *centre(c, k), 100.0, 500.0), area=rng.randrange(80, 301, 10))
    for c in sorted(missing, key=lambda c: -pop[c])[:2]:
        add("hub_social_org", c, "%s社区社会组织联合会（合成）" % name[c],
            placer.ring_offset(c, *centre(c, 0), 100.0, 500.0), status="planned_2025",
            area=rng.randrange(80, 301, 10))
    gaps["hub_social_org"] = missing

    # -- ids and features
    type_order = ["elderly_institution", "elderly_service_complex", "day_care", "elderly_canteen",
                  "community_service_centre", "community_service_station", "volunteer_point",
                  "social_work_station", "minors_protection_station", "hub_social_org"]
    fac.sort(key=lambda f: (type_order.index(f["type"]), codes.index(f["town"]),
                            f["status"] != "existing", f["name"]))
    for i, f in enumerate(fac, 1):
        f["id"] = "F%04d" % i
    fac_features = []
    for f in fac:
        fac_features.append(feature({
            "id": f["id"],
            "name": f["name"],
            "type": f["type"],
            "status": f["status"],
            "floor_area_m2": f["area"],
            "beds": f["beds"],
            "nursing_beds": f["nursing"],
            "capacity": f["capacity"],
            "host_id": f["host"]["id"] if f["host"] else "",
            "town_code": f["town"],
            "synthetic": True,
        }, *f["xy"]))

    # -- town statistics (population real, the rest synthetic)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "name_zh", "population_2020", "urban_population", "community_workers",
                "registered_volunteers", "charity_spaces", "lottery_outlets"])
    stats = {}
    rows = []
    for row in csv.DictReader(io.StringIO(open(os.path.join(DATA, "census2020.csv"), encoding="utf-8").read())):
        c = row["code"]
        p = pop[c]
        if kind[c] in ("subdistrict", "park"):
            us = 1.0
        else:
            us = rng.uniform(0.78, 0.99)
        up = half_up(p * us)
        workers = half_up(up / 10_000.0 * rng.gauss(18.5, 2.6))
        vols = half_up(p * rng.uniform(0.115, 0.175))
        stats[c] = (up, workers, vols)
        rows.append([c, row["name_zh"], p, up, workers, vols])
    # City totals of the main indicator table (#15 慈善空间, #19 福利彩票销售网点数), per town. A
    # generator of their own, so the columns above keep the values they had before these existed.
    rng_totals = random.Random(SEED + 15)
    for r in rows:
        charity = 1 if rng_totals.random() < 0.3 else 0
        lottery = half_up(r[2] / 10_000.0 * rng_totals.uniform(0.85, 1.15))
        w.writerow(r + [charity, lottery])

    return {
        "demand.geojson": geojson_text("dongguan_demand_synthetic", demand_features),
        "facilities.geojson": geojson_text("dongguan_facilities_synthetic", fac_features),
        "town_stats.csv": out.getvalue(),
        # GDAL sidecar: column types for the CSV driver (otherwise every column is a String)
        "town_stats.csvt": '"String","String","Integer","Integer","Integer","Integer","Integer","Integer"\n',
    }, {
        "codes": codes, "name": name, "hh": hh, "fam_pop": fam_pop, "pop": pop,
        "demand_sums": demand_sums, "fac": fac, "station_ratio": station_ratio, "gaps": gaps,
        "stats": stats, "placer": placer, "demand": demand_features, "fac_features": fac_features,
    }


def report(info):
    codes, name, hh = info["codes"], info["name"], info["hh"]
    fac = info["fac"]
    print("Per-town demand (households sum vs round(households_est x %.4f)):" % FAMILY_SHARE)
    print("%-11s %-8s %6s %9s %9s %10s" % ("code", "name", "points", "hh_sum", "hh_target", "pop_sum"))
    bad = 0
    for c in codes:
        s_hh, s_pop, n = info["demand_sums"][c]
        ok = "" if s_hh == hh[c] else "  MISMATCH"
        bad += bool(ok)
        print("%-11s %-8s %6d %9d %9d %10d%s" % (c, name[c], n, s_hh, hh[c], s_pop, ok))
    tot_hh = sum(v[0] for v in info["demand_sums"].values())
    tot_pop = sum(v[1] for v in info["demand_sums"].values())
    print("TOTAL points=%d households=%d population=%d elderly_60plus=%d" % (
        len(info["demand"]), tot_hh, tot_pop,
        sum(f["properties"]["elderly_60plus"] for f in info["demand"])))

    # placement check, independent of the generator's own bookkeeping
    placer = info["placer"]
    wrong = 0
    for f in info["demand"] + info["fac_features"]:
        x, y = f["geometry"]["coordinates"]
        if placer.owner(x, y) != f["properties"]["town_code"]:
            wrong += 1
    print("points not strictly inside their own town (after rounding): %d" % wrong)

    print("\nFacilities by type (existing / planned_2023 / planned_2025):")
    types = []
    for f in fac:
        if f["type"] not in types:
            types.append(f["type"])
    for t in types:
        fs = [f for f in fac if f["type"] == t]
        ex = [f for f in fs if f["status"] == "existing"]
        towns_with = len({f["town"] for f in ex})
        line = "  %-26s %4d / %d / %d   towns with existing: %2d/33" % (
            t, len(ex), sum(f["status"] == "planned_2023" for f in fs),
            sum(f["status"] == "planned_2025" for f in fs), towns_with)
        if t == "elderly_institution":
            b = sum(f["beds"] for f in ex)
            nb = sum(f["nursing"] for f in ex)
            line += "   beds=%d nursing=%d (%.1f%%)" % (b, nb, 100.0 * nb / b)
        print(line)
    print("  total features: %d" % len(fac))

    print("\nIndicator preview per town (existing facilities only):")
    print("%-11s %7s %7s %6s %5s %5s %5s %5s %5s %7s %7s" % (
        "code", "m2/100", "eld/100", "nurse", "dcare", "cmplx", "sws", "mps", "hub", "vol%", "wk/10k"))
    met32 = 0
    for c in codes:
        ex = [f for f in fac if f["town"] == c and f["status"] == "existing"]
        a32 = sum(f["area"] for f in ex if f["type"] in ("community_service_centre", "community_service_station"))
        a20 = sum(f["area"] for f in ex if f["type"] in ("day_care", "elderly_service_complex", "elderly_canteen"))
        inst = [f for f in ex if f["type"] == "elderly_institution"]
        nr = (sum(f["nursing"] for f in inst) / sum(f["beds"] for f in inst)) if inst else float("nan")
        cnt = lambda t: sum(f["type"] == t for f in ex)
        vol = cnt("volunteer_point") / max(1, cnt("community_service_centre"))
        up, workers, vols = info["stats"][c]
        r32 = a32 * 100.0 / hh[c]
        met32 += r32 >= 32
        print("%-11s %7.1f %7.2f %6.2f %5d %5d %5d %5d %5d %6.0f%% %7.1f" % (
            c, r32, a20 * 100.0 / hh[c], nr, cnt("day_care"), cnt("elderly_service_complex"),
            cnt("social_work_station"), cnt("minors_protection_station"), cnt("hub_social_org"),
            100 * vol, workers * 10_000.0 / up))
    print("towns meeting 32 m2/100 households: %d/33" % met32)
    return bad + wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    files, info = generate()
    problems = 0 if args.quiet else report(info)
    if args.check:
        drift = []
        for fn, text in files.items():
            p = os.path.join(DATA, fn)
            if not os.path.exists(p) or open(p, encoding="utf-8").read() != text:
                drift.append(fn)
        if drift:
            print("DRIFT: " + ", ".join(drift), file=sys.stderr)
            return 1
        print("generated files are up to date")
        return 1 if problems else 0
    for fn, text in files.items():
        with open(os.path.join(DATA, fn), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote data/dongguan/%s (%d bytes)" % (fn, len(text.encode("utf-8"))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
