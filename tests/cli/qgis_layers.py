"""Each GeoPackage lifecircle writes opens in QGIS (PyQGIS, headless) with its default style:
usage: qgis_layers.py FILE.gpkg LAYER=RENDERER[+labels] ...  (e.g. sites=singleSymbol+labels)"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

path, specs = sys.argv[1], sys.argv[2:]
app = QgsApplication([], False)
app.initQgis()
fails = []
for spec in specs:
    name, want = spec.split("=")
    want_labels = want.endswith("+labels")
    want = want.replace("+labels", "")
    layer = QgsVectorLayer(path + "|layername=" + name, name, "ogr")
    if not layer.isValid():
        fails.append("%s: layer %s not valid" % (path, name))
        continue
    got = layer.renderer().type() if layer.renderer() else None
    if got != want:
        fails.append("%s: layer %s drawn %s, expected %s (its default style)" % (path, name, got, want))
    if want_labels and not layer.labelsEnabled():
        fails.append("%s: layer %s not labelled" % (path, name))
    print("%s: %s %s%s" % (os.path.basename(path), name, got, " labelled" if layer.labelsEnabled() else ""))
for f in fails:
    print("FAIL:", f)
sys.stdout.flush()
os._exit(1 if fails else 0)  # QGIS 3.22's teardown may crash after the verdict
