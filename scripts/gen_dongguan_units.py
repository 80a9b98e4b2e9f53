#!/usr/bin/python3
"""Generate the SYNTHETIC village / community units (村/社区) of the bundled Dongguan sample.

    /usr/bin/python3 scripts/gen_dongguan_units.py    # writes data/dongguan/units.geojson

Dongguan's real 村（社区） boundaries are not open data, so the sample's units are made up:
each real town boundary (data/dongguan/towns.geojson) is cut by a 4 km grid (EPSG:4547,
CGCS2000 / 3-degree Gauss-Kruger CM 114E), and every piece of at least 0.3 km² becomes one unit
named "<town>第N片区（示意）". Pieces smaller than that are dropped, so a few homes lie in no
unit (their town's remainder), and where the real town boundaries overlap a unit reaches into
the neighbouring town: both are things the tool must report. Each unit gets a synthetic count
of social-work professionals (the plan: at least 2 per 村（社区） by 2025).

Needs Debian's python3-gdal (osgeo); the output is committed, so builds and CI never run this.
Fixed seed, deterministic.
"""

import json
import os
import random

from osgeo import ogr, osr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "dongguan")
CELL_M = 4000.0
MIN_AREA_M2 = 300000.0
SEED = 20250601


def main():
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    metric = osr.SpatialReference()
    metric.ImportFromEPSG(4547)
    metric.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_metric = osr.CoordinateTransformation(wgs84, metric)
    to_wgs84 = osr.CoordinateTransformation(metric, wgs84)

    towns = json.load(open(os.path.join(DATA, "towns.geojson"), encoding="utf-8"))
    rng = random.Random(SEED)
    features = []
    for town in towns["features"]:
        props = town["properties"]
        g = ogr.CreateGeometryFromJson(json.dumps(town["geometry"]))
        g.Transform(to_metric)
        g = g.MakeValid()
        minx, maxx, miny, maxy = g.GetEnvelope()
        x0 = CELL_M * (minx // CELL_M)
        y0 = CELL_M * (miny // CELL_M)
        n = 0
        y = y0
        while y < maxy:
            x = x0
            while x < maxx:
                ring = ogr.Geometry(ogr.wkbLinearRing)
                for px, py in ((x, y), (x + CELL_M, y), (x + CELL_M, y + CELL_M), (x, y + CELL_M), (x, y)):
                    ring.AddPoint_2D(px, py)
                cell = ogr.Geometry(ogr.wkbPolygon)
                cell.AddGeometry(ring)
                piece = g.Intersection(cell)
                if piece is not None and not piece.IsEmpty():
                    # Polygon parts only (an intersection may also give lines and points).
                    parts = ogr.Geometry(ogr.wkbMultiPolygon)
                    for k in range(piece.GetGeometryCount() if piece.GetGeometryType() != ogr.wkbPolygon else 0):
                        sub = piece.GetGeometryRef(k)
                        if ogr.GT_Flatten(sub.GetGeometryType()) == ogr.wkbPolygon:
                            parts.AddGeometry(sub)
                    if piece.GetGeometryType() == ogr.wkbPolygon:
                        parts.AddGeometry(piece)
                    if parts.GetArea() >= MIN_AREA_M2:
                        n += 1
                        parts.Transform(to_wgs84)
                        geom = json.loads(parts.ExportToJson(options=["COORDINATE_PRECISION=6"]))
                        features.append({
                            "type": "Feature",
                            "properties": {
                                "code": "%s-%02d" % (props["code"], n),
                                "name": "%s第%d片区（示意）" % (props["name_zh"], n),
                                "town": props["code"],
                                "social_workers": rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]),
                                "synthetic": True,
                            },
                            "geometry": geom,
                        })
                x += CELL_M
            y += CELL_M
    out = {"type": "FeatureCollection", "name": "units", "features": features}
    with open(os.path.join(DATA, "units.geojson"), "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","name":"units","features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in features))
        f.write("\n]}\n")
    print("units: %d in %d towns" % (len(features), len(towns["features"])))


if __name__ == "__main__":
    main()
