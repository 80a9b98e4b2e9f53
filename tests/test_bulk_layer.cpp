// geo::BulkLayer writes GeoPackage rows straight into SQLite. The file must hold what GDAL's own
// CreateFeature writes: the same rows (fid, geometry blob byte for byte, every value and NULL),
// the same spatial-index entries, triggers, row count and extent. Checked by writing the same
// features both ways and comparing the two files table by table through SQLite itself.
#include <ogrsf_frmts.h>
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "geo/output.hpp"

namespace fs = std::filesystem;
using namespace lc;

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("lc_bulk_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

// Every row of `sql`, columns joined (blobs in hex, NULL as "NULL").
std::vector<std::string> rows_of(const std::string& file, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    INFO(sql);
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            row += c ? "|" : "";
            switch (sqlite3_column_type(st, c)) {
                case SQLITE_NULL: row += "NULL"; break;
                case SQLITE_BLOB: {
                    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
                    static const char* hex = "0123456789ABCDEF";
                    for (int i = 0; i < sqlite3_column_bytes(st, c); ++i) (row += hex[p[i] >> 4]) += hex[p[i] & 15];
                    break;
                }
                case SQLITE_INTEGER: row += "i" + std::to_string(sqlite3_column_int64(st, c)); break;
                case SQLITE_FLOAT: {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "r%.17g", sqlite3_column_double(st, c));
                    row += buf;
                    break;
                }
                default: row += "t" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
            }
        }
        out.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

struct LayerSpec {
    std::string name;
    OGRwkbGeometryType type;
    bool with_date = false;  // a field type the rows path leaves to GDAL
};

using MakeRow = std::function<void(OGRFeature*, size_t)>;

void add_fields(OGRLayer* l, bool with_date) {
    for (auto [name, type] : {std::pair{"n", OFTInteger}, std::pair{"big", OFTInteger64}, std::pair{"x", OFTReal},
                              std::pair{"label", OFTString}, std::pair{"raw", OFTBinary}}) {
        OGRFieldDefn fd(name, type);
        REQUIRE(l->CreateField(&fd) == OGRERR_NONE);
    }
    if (with_date) {
        OGRFieldDefn fd("day", OFTDate);
        REQUIRE(l->CreateField(&fd) == OGRERR_NONE);
    }
}

// Writes `rows` features of each layer into `path`, through BulkLayer or through CreateFeature.
void write_file(const std::string& path, bool bulk, const std::vector<LayerSpec>& layers, size_t rows, const MakeRow& make) {
    geo::VectorOutput out(path);
    for (const auto& spec : layers) {
        OGRLayer* l = nullptr;
        geo::BulkLayer* b = nullptr;
        if (bulk) {
            b = &out.create_bulk_layer(spec.name, spec.type, 4547);
            l = b->layer();
        } else {
            l = out.create_layer(spec.name, spec.type, 4547);
        }
        add_fields(l, spec.with_date);
        geo::start_transaction(l);
        OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
        for (size_t r = 0; r < rows; ++r) {
            f->SetFID(OGRNullFID);
            for (int i = 0; i < f->GetFieldCount(); ++i) f->UnsetField(i);
            f->SetGeometryDirectly(nullptr);
            make(f, r);
            if (spec.type == wkbNone) f->SetGeometryDirectly(nullptr);
            if (bulk) b->write(f);
            else REQUIRE(l->CreateFeature(f) == OGRERR_NONE);
        }
        OGRFeature::DestroyFeature(f);
        geo::commit_transaction(l);
        if (bulk) b->finish();
    }
    out.commit();
}

OGRGeometry* geometry_for(OGRwkbGeometryType type, size_t r) {
    const double x = 400000 + 37.25 * r, y = 2500000 + 11.5 * (r % 17);
    switch (wkbFlatten(type)) {
        case wkbPoint: {
            if (r % 11 == 3) return new OGRPoint();  // empty
            return new OGRPoint(x, y);
        }
        case wkbLineString: {
            auto* l = new OGRLineString();
            if (r % 13 == 5) return l;  // empty
            l->addPoint(x, y, 10.0 + r);
            l->addPoint(x + 5, y + 3, 12.5);
            l->addPoint(x + 9, y - 4, 7.0);
            if (!OGR_GT_HasZ(type)) l->flattenTo2D();
            return l;
        }
        default: {
            auto* mp = new OGRMultiPolygon();
            auto* p = new OGRPolygon();
            auto* ring = new OGRLinearRing();
            ring->addPoint(x, y);
            ring->addPoint(x + 20, y);
            ring->addPoint(x + 20, y + 15 + r % 5);
            ring->addPoint(x, y);
            p->addRingDirectly(ring);
            mp->addGeometryDirectly(p);
            return mp;
        }
    }
}

}  // namespace

TEST_CASE("a bulk GeoPackage layer holds exactly what GDAL's CreateFeature writes", "[geo][output]") {
    TempDir tmp;
    const std::vector<LayerSpec> layers = {{"pts", wkbPoint},          {"areas", wkbMultiPolygon},
                                           {"lines3d", wkbLineString25D}, {"lines", wkbLineString},
                                           {"table", wkbNone},         {"dated", wkbPoint, true}};
    // 203 rows: more than one full multi-row insert, and a remainder left at the commit.
    const size_t rows = 203;
    MakeRow make = [&](OGRFeature* f, size_t r) {
        const OGRwkbGeometryType type = f->GetDefnRef()->GetGeomType();
        if (r % 7 != 6 && type != wkbNone) f->SetGeometryDirectly(geometry_for(type, r));  // every 7th: no geometry
        if (r % 5 != 1) f->SetField(0, static_cast<int>(r) - 100);
        if (r % 5 == 2) f->SetFieldNull(1);
        else f->SetField(1, static_cast<GIntBig>(r) * 123456789012LL);
        if (r % 3) f->SetField(2, 1.0 / (r + 1) - 0.25);
        const std::string label = r % 4 == 0 ? "" : "街道 " + std::to_string(r) + " \"q\" 'a'";
        if (r % 9 != 8) f->SetField(3, label.c_str());
        if (r % 6 == 0) {
            GByte bytes[5] = {0, 1, static_cast<GByte>(r), 255, 7};
            f->SetField(4, 5, bytes);
        }
        if (f->GetFieldCount() > 5 && r % 2) f->SetField(5, 2025, 1 + static_cast<int>(r % 12), 1 + static_cast<int>(r % 28));
    };
    const std::string bulk = (tmp.path / "bulk.gpkg").string(), gdal = (tmp.path / "gdal.gpkg").string();
    write_file(bulk, true, layers, rows, make);
    write_file(gdal, false, layers, rows, make);

    for (const auto& spec : layers) {
        INFO(spec.name);
        const std::string q = "\"" + spec.name + "\"";
        std::string select = "SELECT fid, n, big, x, label, raw";
        if (spec.type != wkbNone) select += ", geom";
        if (spec.with_date) select += ", day";
        const auto a = rows_of(bulk, select + " FROM " + q + " ORDER BY fid");
        const auto b = rows_of(gdal, select + " FROM " + q + " ORDER BY fid");
        CHECK(a.size() == rows);
        CHECK(a == b);
        // Row count and extent as GDAL keeps them (last_change is a clock reading).
        const std::string meta = "SELECT c.data_type, c.min_x, c.min_y, c.max_x, c.max_y, c.srs_id, o.feature_count FROM gpkg_contents c "
                                 "LEFT JOIN gpkg_ogr_contents o ON o.table_name = c.table_name WHERE c.table_name = '" + spec.name + "'";
        CHECK(rows_of(bulk, meta) == rows_of(gdal, meta));
        CHECK(rows_of(bulk, meta).size() == 1);
        const std::string count = "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '" + spec.name + "'";
        CHECK(rows_of(bulk, count) == std::vector<std::string>{"i" + std::to_string(rows)});
        const std::string triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '" + spec.name + "' ORDER BY name";
        CHECK(rows_of(bulk, triggers) == rows_of(gdal, triggers));
        if (spec.type != wkbNone) {
            const std::string rtree = "SELECT id, minx, maxx, miny, maxy FROM \"rtree_" + spec.name + "_geom\" ORDER BY id";
            CHECK(rows_of(bulk, rtree) == rows_of(gdal, rtree));
            CHECK(!rows_of(bulk, rtree).empty());
        }
    }
    // GDAL reads the bulk file back as it reads its own.
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(bulk.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    REQUIRE(ds);
    OGRLayer* pts = ds->GetLayerByName("areas");
    REQUIRE(pts);
    CHECK(pts->GetFeatureCount(FALSE) == static_cast<GIntBig>(rows));
    OGREnvelope e;
    REQUIRE(pts->GetExtent(&e, FALSE) == OGRERR_NONE);
    CHECK(e.MinX == 400000);
    size_t last = rows - 1;
    while (last % 7 == 6) --last;  // the last row with a geometry
    CHECK(e.MaxX == 400000 + 37.25 * last + 20);
    GDALClose(ds);
}
