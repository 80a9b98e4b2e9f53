#!/usr/bin/env python3
"""Generate the SYNTHETIC new residential developments of the bundled Dongguan sample.

    python3 scripts/gen_dongguan_housing.py     # writes data/dongguan/housing.geojson

The plan (第四章) requires new housing to provide elderly-service facilities of at least
20 m2 per 100 households (配建设施达标率 100%). The sample needs developments to judge: 40
points placed 150 m from randomly chosen synthetic demand points (data/dongguan/demand.geojson),
each with a build year 2019-2025, a household count and the elderly-facility floor area it
provides, some short of the rule. Nothing here describes a real development.
Stdlib only, fixed seed, deterministic.
"""

import json
import math
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "dongguan")
SEED = 20250602
COUNT = 40


def main():
    rng = random.Random(SEED)
    demand = json.load(open(os.path.join(DATA, "demand.geojson"), encoding="utf-8"))["features"]
    towns = {t["properties"]["code"]: t["properties"]["name_zh"]
             for t in json.load(open(os.path.join(DATA, "towns.geojson"), encoding="utf-8"))["features"]}
    features = []
    per_town = {}
    for k, d in enumerate(rng.sample(demand, COUNT)):
        lon, lat = d["geometry"]["coordinates"]
        angle = rng.uniform(0, 2 * math.pi)
        lon += 150 * math.cos(angle) / (111320 * math.cos(math.radians(lat)))
        lat += 150 * math.sin(angle) / 110540
        town = d["properties"]["town_code"]
        per_town[town] = per_town.get(town, 0) + 1
        households = rng.randrange(300, 2600, 10)
        # m2 per 100 households provided: most meet 20, some fall short, a few provide none.
        rate = rng.choice([0, 12, 16, 19, 20, 20, 22, 24, 25, 28, 30, 35])
        features.append({
            "type": "Feature",
            "properties": {
                "id": "H%03d" % (k + 1),
                "name": "%s新建住宅小区%d（合成）" % (towns.get(town, town), per_town[town]),
                "built_year": rng.choice([2019, 2020, 2021, 2021, 2022, 2022, 2023, 2023, 2024, 2025]),
                "households": households,
                "elderly_m2": round(households * rate / 100.0, 1),
                "synthetic": True,
            },
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        })
    with open(os.path.join(DATA, "housing.geojson"), "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","name":"housing","features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in features))
        f.write("\n]}\n")
    print("developments: %d" % len(features))


if __name__ == "__main__":
    main()
