"""A GeoPackage lifecircle writes carries its layer titles and field aliases itself, in both languages,
and stays a clean GeoPackage.
usage: gpkg_schema.py FILE.gpkg [table.column=NAME|TITLE ...] [table=IDENTIFIER|DESCRIPTION ...]
  table.column=NAME|TITLE   gpkg_data_columns has that row (name in the report's language, title and
                            description in the other)
  table=IDENTIFIER|DESCRIPTION  gpkg_contents gives the layer that title and description
Also checked, for every file: GDAL opens it and reads every layer and feature without one warning
or error; GDAL's own GeoPackage validator (osgeo_utils.samples.validate_gpkg) finds nothing, its
warnings counted as errors; the Schema extension is registered (gpkg_schema for gpkg_data_columns
and gpkg_data_column_constraints); every layer lifecircle writes has a title and every row a name."""
import sys

from osgeo import gdal, ogr
from osgeo_utils.samples import validate_gpkg

path, specs = sys.argv[1], sys.argv[2:]
fails = []
messages = []


def handler(level, number, text):
    messages.append("%s: %s" % ({gdal.CE_Warning: "warning", gdal.CE_Failure: "error"}.get(level, "debug"), text))


gdal.PushErrorHandler(handler)
ds = ogr.Open(path)
if ds is None:
    print("FAIL: GDAL cannot open %s" % path)
    sys.exit(1)
for i in range(ds.GetLayerCount()):
    layer = ds.GetLayer(i)
    n = 0
    for f in layer:
        n += 1
    layer.GetMetadata()
gdal.PopErrorHandler()
messages = [m for m in messages if not m.startswith("debug")]
if messages:
    fails.append("GDAL reports: " + "; ".join(messages[:5]))


def rows(sql):
    r = ds.ExecuteSQL(sql)
    out = []
    if r is not None:
        for f in r:
            out.append([f.GetField(k) for k in range(f.GetFieldCount())])
        ds.ReleaseResultSet(r)
    return out


ext = rows("SELECT table_name, column_name, scope FROM gpkg_extensions WHERE extension_name = 'gpkg_schema' ORDER BY table_name")
if ext != [["gpkg_data_column_constraints", None, "read-write"], ["gpkg_data_columns", None, "read-write"]]:
    fails.append("gpkg_extensions rows for gpkg_schema: %s" % ext)
columns = {(t, c): (n, ti, d) for t, c, n, ti, d in rows("SELECT table_name, column_name, name, title, description FROM gpkg_data_columns")}
contents = {t: (i, d) for t, i, d in rows("SELECT table_name, identifier, description FROM gpkg_contents")}
if not columns:
    fails.append("gpkg_data_columns is empty")
for (t, c), (n, ti, d) in columns.items():
    if not n:
        fails.append("%s.%s has no name in gpkg_data_columns" % (t, c))
    if ti != d:
        fails.append("%s.%s: title %r and description %r differ" % (t, c, ti, d))
known = {"towns", "units", "service_areas", "uncovered", "facilities", "demand", "sites", "links", "small_components", "connectors"}
for t, (i, d) in contents.items():
    if t in known and (not i or i == t or not d):
        fails.append("layer %s has no title in gpkg_contents (identifier %r, description %r)" % (t, i, d))
    if t in known and not any(k[0] == t for k in columns):
        fails.append("layer %s has no field aliases in gpkg_data_columns" % t)
for spec in specs:
    key, want = spec.split("=", 1)
    want = tuple(want.split("|"))
    if "." in key:
        t, c = key.split(".", 1)
        got = columns.get((t, c))
        if got is None or got[:2] != want:
            fails.append("gpkg_data_columns %s.%s: %s, expected %s" % (t, c, got, want))
    else:
        got = contents.get(key)
        if got != want:
            fails.append("gpkg_contents %s: %s, expected %s" % (key, got, want))
ds = None
try:  # every problem found (requirement, text); warnings count as errors
    for req, msg in validate_gpkg.check(path, abort_at_first_error=False, log_msg=False, warning_msg=True, warning_as_error=True):
        fails.append("validate_gpkg: %s%s" % ("requirement %s: " % req if req else "", msg))
except Exception as e:  # a check that could not run at all
    fails.append("validate_gpkg: %s" % e)
for f in fails:
    print("FAIL: %s: %s" % (path, f))
print("%s: %d field aliases, %d layers" % (path, len(columns), len(contents)))
sys.exit(1 if fails else 0)
