"""The Shapefiles of `analyze --format shp` in QGIS (PyQGIS 3.22, headless): each opens with its
.qml sidecar (renderer, classes, labels and aliases on the DBF's short names), and its .sld loads
into a fresh layer with one rule per class.
usage: qgis_shapefiles.py SHP_DIR LAYER=RENDERER:CLASSES[:ATTR][+labels] ..."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

folder, specs = sys.argv[1], sys.argv[2:]
app = QgsApplication([], False)
app.initQgis()
fails = []


def classes_of(renderer):
    kind = renderer.type()
    if kind == "graduatedSymbol":
        return len(renderer.ranges())
    if kind == "categorizedSymbol":
        return len(renderer.categories())
    if kind == "RuleRenderer":
        return len([r for r in renderer.rootRule().children() if r.symbol() is not None])
    return 1


for spec in specs:
    name, want = spec.split("=")
    want_labels = want.endswith("+labels")
    parts = want.replace("+labels", "").split(":")
    renderer, classes, attr = parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""
    path = os.path.join(folder, name + ".shp")
    fields = [f.name() for f in QgsVectorLayer(path, name, "ogr").fields()]
    # The .qml next to the .shp is QGIS's default style for it.
    layer = QgsVectorLayer(path, name, "ogr")
    if not layer.isValid():
        fails.append("%s: not valid" % path)
        continue
    r = layer.renderer()
    if r.type() != renderer:
        fails.append("%s: drawn %s, expected %s from %s.qml" % (name, r.type(), renderer, name))
    elif classes_of(r) != classes:
        fails.append("%s: %d classes in the .qml, expected %d" % (name, classes_of(r), classes))
    if attr and getattr(r, "classAttribute", lambda: "")() != attr:
        fails.append("%s: classified by %r, expected %r" % (name, r.classAttribute(), attr))
    if attr and attr not in fields:
        fails.append("%s: %s is not a field of the DBF (%s)" % (name, attr, fields))
    if want_labels:
        if not layer.labelsEnabled():
            fails.append("%s: not labelled" % name)
        elif layer.labeling().settings().fieldName not in fields:
            fails.append("%s: labelled by %r, not a DBF field" % (name, layer.labeling().settings().fieldName))
    aliases = sum(1 for i in range(len(fields)) if layer.attributeAlias(i))
    if aliases == 0:
        fails.append("%s: no field aliases from the .qml" % name)
    # The .sld into a layer without a style.
    fresh = QgsVectorLayer(path, name + "_sld", "ogr", QgsVectorLayer.LayerOptions(loadDefaultStyle=False))
    msg, ok = fresh.loadSldStyle(os.path.join(folder, name + ".sld"))
    if not ok:
        fails.append("%s.sld does not load: %s" % (name, msg))
        continue
    got = classes_of(fresh.renderer())
    if got != classes:
        fails.append("%s.sld: %s with %d classes, expected %d" % (name, fresh.renderer().type(), got, classes))
    if want_labels and not fresh.labelsEnabled():
        fails.append("%s.sld: no labels" % name)
    print("%s: qml %s, %d classes, %d aliases%s; sld %s, %d classes%s" % (
        name, r.type(), classes_of(r), aliases, ", labelled" if layer.labelsEnabled() else "",
        fresh.renderer().type(), got, ", labelled" if fresh.labelsEnabled() else ""))
for f in fails:
    print("FAIL:", f)
sys.stdout.flush()
os._exit(1 if fails else 0)  # QGIS 3.22's teardown may crash after the verdict
