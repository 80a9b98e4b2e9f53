"""Opens a lifecircle coverage.qgz in QGIS itself (PyQGIS, headless) and checks what a GIS analyst
gets: every layer valid, the towns labelled with their names, field aliases in the report's
language, relative paths; renders the map to a PNG and checks it is not blank.
usage: qgis_project.py PROJECT.qgz OUT.png LABEL_FIELD EXPECTED_ALIAS_OF_coverage_share_15"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,  # noqa: E402
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402

path, png, label_field, alias = sys.argv[1:5]
app = QgsApplication([], False)
app.initQgis()
fails = []
project = QgsProject.instance()
if not project.read(path):
    print("FAIL: QGIS cannot read", path, project.error())
    sys.exit(1)
layers = {l.name(): l for l in project.mapLayers().values()}
print("layers:", ", ".join(sorted(layers)))
if len(layers) < 4:
    fails.append("expected at least towns, demand, uncovered and facilities, got %d layers" % len(layers))
by_table = {}
for name, layer in layers.items():
    if not layer.isValid():
        fails.append("layer %s is not valid (source %s)" % (name, layer.source()))
        continue
    table = layer.source().split("layername=")[-1].split("|")[0]
    by_table[table] = layer
    if layer.featureCount() <= 0 and table != "service_areas":
        fails.append("layer %s has no features" % name)
if project.readBoolEntry("Paths", "/Absolute")[0]:
    fails.append("the project stores absolute paths")
towns = by_table.get("towns")
if towns is None:
    fails.append("no towns layer")
else:
    if not towns.labelsEnabled() or towns.labeling() is None:
        fails.append("towns are not labelled")
    else:
        field = towns.labeling().settings().fieldName
        if field != label_field:
            fails.append("towns labelled with %r, expected %r" % (field, label_field))
    idx = towns.fields().indexOf("coverage_share_15")
    got = towns.attributeAlias(idx) if idx >= 0 else None
    if got != alias:
        fails.append("alias of coverage_share_15 is %r, expected %r" % (got, alias))
    if towns.renderer() is None or towns.renderer().type() != "graduatedSymbol":
        fails.append("towns are not drawn graduated by coverage")
# The GeoPackage alone, as QGIS opens it without the project: its default style (layer_styles)
# brings the same aliases and labels.
gpkg = os.path.join(os.path.dirname(os.path.abspath(path)), "coverage.gpkg")
direct = QgsVectorLayer(gpkg + "|layername=towns", "towns", "ogr")
if not direct.isValid():
    fails.append("coverage.gpkg towns layer not valid in QGIS")
else:
    idx = direct.fields().indexOf("coverage_share_15")
    if direct.attributeAlias(idx) != alias:
        fails.append("coverage.gpkg opened alone: alias of coverage_share_15 is %r" % direct.attributeAlias(idx))
    if not direct.labelsEnabled():
        fails.append("coverage.gpkg opened alone: towns not labelled")
# Render what the project shows (checked layers, in its order) over the towns.
root = project.layerTreeRoot()
visible = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer() is not None]
settings = QgsMapSettings()
settings.setLayers(visible)
settings.setDestinationCrs(project.crs())
settings.setOutputSize(QSize(1000, 800))
if towns is not None:
    settings.setExtent(towns.extent())
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(png)
colours, painted, total = set(), 0, 0
for y in range(0, image.height(), 7):
    for x in range(0, image.width(), 7):
        c = image.pixel(x, y) & 0xFFFFFF
        colours.add(c)
        total += 1
        painted += c != 0xFFFFFF
print("rendered %s: %d colours, %.0f%% painted" % (png, len(colours), 100.0 * painted / total))
if len(colours) < 5 or painted < 0.2 * total:
    fails.append("the rendered map is (nearly) blank")
for f in fails:
    print("FAIL:", f)
sys.stdout.flush()
# QGIS 3.22's teardown can crash after all the work is done (layers freed after the registry):
# leave without it, the verdict already printed.
os._exit(1 if fails else 0)
