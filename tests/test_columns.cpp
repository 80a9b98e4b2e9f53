// geo::read_batches: the Arrow fast path and the feature loop give the same rows (ids, text,
// numbers, nulls, geometry), filters apply, and the WKB line reader handles byte orders, Z/M
// and multi-lines. Checked against OGR's own feature API, not against the reader itself.
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "geo/columns.hpp"
#include "geo/layer.hpp"
#include "network/load.hpp"

namespace fs = std::filesystem;
using namespace lc;

namespace {

struct Row {
    int64_t fid;
    std::vector<std::string> text;
    std::vector<double> number;
    std::vector<bool> null;
    std::vector<std::vector<std::pair<double, double>>> parts;  // line parts as read from WKB
    bool is_line = false, empty = true, geometry = false;
};

std::vector<Row> read_all(OGRLayer* layer, const std::vector<std::string>& fields, bool arrow, bool* columnar = nullptr) {
    CPLSetConfigOption("LC_ARROW", arrow ? "YES" : "NO");
    std::vector<Row> rows;
    const geo::BatchReadResult r = geo::read_batches(layer, fields, [&](const geo::RowBatch& b) {
        for (size_t i = 0; i < b.size(); ++i) {
            Row row;
            row.fid = b.fid(i);
            for (size_t c = 0; c < fields.size(); ++c) {
                row.text.push_back(b.text(i, c));
                row.number.push_back(b.number(i, c));
                row.null.push_back(b.is_null(i, c));
            }
            const auto wkb = b.wkb(i);
            row.geometry = !wkb.empty();
            if (row.geometry)
                row.is_line = geo::for_each_wkb_line(wkb, row.empty, [&](const geo::WkbLine& l) {
                    row.parts.emplace_back();
                    for (uint32_t k = 0; k < l.n; ++k) row.parts.back().emplace_back(l.x(k), l.y(k));
                });
            rows.push_back(row);
        }
    });
    CPLSetConfigOption("LC_ARROW", nullptr);
    if (columnar) *columnar = r.columnar;
    REQUIRE(r.rows == rows.size());
    return rows;
}

// The same rows through OGR's feature API, the reference.
std::vector<Row> read_reference(OGRLayer* layer, const std::vector<std::string>& fields) {
    std::vector<Row> rows;
    layer->ResetReading();
    while (OGRFeature* f = layer->GetNextFeature()) {
        Row row;
        row.fid = f->GetFID();
        for (const auto& name : fields) {
            const int idx = f->GetFieldIndex(name.c_str());
            const bool set = idx >= 0 && f->IsFieldSetAndNotNull(idx);
            row.null.push_back(!set);
            row.text.push_back(set ? f->GetFieldAsString(idx) : "");
            row.number.push_back(set ? f->GetFieldAsDouble(idx) : std::nan(""));
        }
        const OGRGeometry* g = f->GetGeometryRef();
        row.geometry = g != nullptr;
        if (g) {
            row.empty = g->IsEmpty();
            const auto t = wkbFlatten(g->getGeometryType());
            row.is_line = t == wkbLineString || t == wkbMultiLineString;
            auto add = [&](const OGRLineString* ls) {
                row.parts.emplace_back();
                for (int k = 0; k < ls->getNumPoints(); ++k) row.parts.back().emplace_back(ls->getX(k), ls->getY(k));
            };
            if (t == wkbLineString) add(g->toLineString());
            if (t == wkbMultiLineString)
                for (const OGRLineString* p : *g->toMultiLineString()) add(p);
        }
        rows.push_back(row);
        OGRFeature::DestroyFeature(f);
    }
    return rows;
}

void require_same(const std::vector<Row>& a, const std::vector<Row>& ref, bool exact_text) {
    REQUIRE(a.size() == ref.size());
    for (size_t i = 0; i < a.size(); ++i) {
        INFO("row " << i << " fid " << ref[i].fid);
        CHECK(a[i].fid == ref[i].fid);
        CHECK(a[i].null == ref[i].null);
        for (size_t c = 0; c < ref[i].text.size(); ++c) {
            if (exact_text) CHECK(a[i].text[c] == ref[i].text[c]);
            if (std::isnan(ref[i].number[c])) CHECK(std::isnan(a[i].number[c]));
            else CHECK(a[i].number[c] == ref[i].number[c]);  // bit for bit: no text round trip
        }
        CHECK(a[i].geometry == ref[i].geometry);
        if (ref[i].geometry) {
            CHECK(a[i].is_line == ref[i].is_line);
            if (ref[i].is_line) {
                CHECK(a[i].empty == ref[i].empty);
                CHECK(a[i].parts == ref[i].parts);
            }
        }
    }
}

struct Fixture {
    fs::path dir = fs::temp_directory_path() / ("lc_columns_" + std::to_string(::getpid()));
    GDALDataset* ds = nullptr;
    Fixture() {
        geo::init_gdal();
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Fixture() {
        if (ds) GDALClose(ds);
        fs::remove_all(dir);
    }
    // A layer of mixed rows: lines, a multi-line, a 3D line, no geometry, an empty line, a point,
    // null and set values of every common field type, odd characters in text.
    OGRLayer* make(const std::string& driver, const std::string& file) {
        GDALDriver* d = GetGDALDriverManager()->GetDriverByName(driver.c_str());
        ds = d->Create((dir / file).string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        REQUIRE(ds);
        OGRSpatialReference srs;
        srs.importFromEPSG(4547);
        OGRLayer* l = ds->CreateLayer("roads", &srs, driver == "GPKG" ? wkbUnknown : wkbLineString, nullptr);
        REQUIRE(l);
        OGRFieldDefn name("name", OFTString), cls("cls", OFTInteger), speed("speed", OFTReal), big("big", OFTInteger64),
            other("other", OFTString);
        for (OGRFieldDefn* f : {&name, &cls, &speed, &big, &other}) REQUIRE(l->CreateField(f) == OGRERR_NONE);
        const char* wkts[] = {"LINESTRING (500000 2500000,500010 2500000,500010.25 2500020.125)",
                              "MULTILINESTRING ((1 2,3 4),(5 6,7 8,9 10))",
                              "LINESTRING Z (1 1 5,2 2 6)",
                              nullptr,
                              "LINESTRING EMPTY",
                              "POINT (1 2)",
                              "LINESTRING (0.1 0.2,0.30000000000000004 1e-300)"};
        const int n = static_cast<int>(sizeof(wkts) / sizeof(*wkts));
        for (int i = 0; i < n * 30; ++i) {  // 210 rows: several batches of the feature loop are not needed, but many rows are
            const int k = i % n;
            if (driver != "GPKG" && (k == 5)) continue;  // a Shapefile takes lines only
            OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
            if (k != 1) f->SetField("name", k == 2 ? "东莞 \"路\"" : ("road " + std::to_string(i)).c_str());
            if (k != 2) f->SetField("cls", (i % 3) - 1);
            if (k != 3) f->SetField("speed", 4.0 + i * 0.1);
            f->SetField("big", static_cast<GIntBig>(i) * 10000000000LL);
            f->SetField("other", "x");
            if (wkts[k]) {
                OGRGeometry* g = nullptr;
                REQUIRE(OGRGeometryFactory::createFromWkt(wkts[k], nullptr, &g) == OGRERR_NONE);
                f->SetGeometryDirectly(g);
            }
            REQUIRE(l->CreateFeature(f) == OGRERR_NONE);
            OGRFeature::DestroyFeature(f);
        }
        return l;
    }
};

const std::vector<std::string> kFields = {"speed", "name", "missing_field", "cls", "big"};

}  // namespace

TEST_CASE("read_batches: the GeoPackage Arrow path gives what OGR's features give", "[geo][columns]") {
    Fixture fx;
    OGRLayer* l = fx.make("GPKG", "roads.gpkg");
    GDALClose(fx.ds);
    fx.ds = static_cast<GDALDataset*>(GDALOpenEx((fx.dir / "roads.gpkg").string().c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    l = fx.ds->GetLayerByName("roads");
    const auto ref = read_reference(l, kFields);
    REQUIRE(ref.size() == 210);
    bool columnar = false;
    const auto arrow = read_all(l, kFields, true, &columnar);
    CHECK(columnar);  // GDAL >= 3.6 has the GeoPackage fast path
    require_same(arrow, ref, false);
    // Text of text and integer fields is OGR's; reals are written shortest round-trip.
    for (size_t i = 0; i < ref.size(); ++i) {
        CHECK(arrow[i].text[1] == ref[i].text[1]);
        CHECK(arrow[i].text[3] == ref[i].text[3]);
        CHECK(arrow[i].text[4] == ref[i].text[4]);
    }
    const auto loop = read_all(l, kFields, false, &columnar);
    CHECK_FALSE(columnar);
    require_same(loop, ref, true);

    SECTION("an attribute filter applies on both paths") {
        REQUIRE(l->SetAttributeFilter("cls = 1 AND speed > 10") == OGRERR_NONE);
        const auto fref = read_reference(l, kFields);
        REQUIRE(fref.size() > 10);
        REQUIRE(fref.size() < 100);
        require_same(read_all(l, kFields, true), fref, false);
        require_same(read_all(l, kFields, false), fref, true);
        l->SetAttributeFilter(nullptr);
    }
    SECTION("fields not asked for are not ignored afterwards") {
        read_all(l, {"cls"}, true);
        l->ResetReading();
        OGRFeature* f = l->GetNextFeature();
        REQUIRE(f);
        CHECK(std::string(f->GetFieldAsString("other")) == "x");
        CHECK(f->GetGeometryRef() != nullptr);
        OGRFeature::DestroyFeature(f);
    }
}

TEST_CASE("read_batches: a Shapefile goes through the feature loop with the same rows", "[geo][columns]") {
    Fixture fx;
    OGRLayer* l = fx.make("ESRI Shapefile", "roads.shp");
    const auto ref = read_reference(l, kFields);
    REQUIRE(ref.size() == 180);
    bool columnar = true;
    require_same(read_all(l, kFields, true, &columnar), ref, true);
    CHECK_FALSE(columnar);
}

TEST_CASE("for_each_wkb_line reads both byte orders, Z, M and multi-lines, and refuses the rest", "[geo][columns]") {
    auto parts_of = [](const char* wkt, OGRwkbByteOrder order, bool& ok, bool& empty) {
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g) == OGRERR_NONE);
        std::vector<uint8_t> wkb(static_cast<size_t>(g->WkbSize()));
        g->exportToWkb(order, wkb.data(), wkbVariantIso);
        OGRGeometryFactory::destroyGeometry(g);
        std::vector<std::vector<std::pair<double, double>>> parts;
        ok = geo::for_each_wkb_line(wkb, empty, [&](const geo::WkbLine& l) {
            parts.emplace_back();
            for (uint32_t k = 0; k < l.n; ++k) parts.back().emplace_back(l.x(k), l.y(k));
        });
        // A truncated copy is refused, never read past its end.
        bool e2;
        wkb.pop_back();
        CHECK_FALSE(geo::for_each_wkb_line(wkb, e2, [](const geo::WkbLine&) {}));
        return parts;
    };
    using P = std::vector<std::vector<std::pair<double, double>>>;
    for (OGRwkbByteOrder order : {wkbNDR, wkbXDR}) {
        bool ok, empty;
        CHECK(parts_of("LINESTRING (1 2,3.5 -4)", order, ok, empty) == P{{{1, 2}, {3.5, -4}}});
        CHECK((ok && !empty));
        CHECK(parts_of("LINESTRING Z (1 2 9,3 4 9)", order, ok, empty) == P{{{1, 2}, {3, 4}}});
        CHECK(ok);
        CHECK(parts_of("LINESTRING M (1 2 9,3 4 9)", order, ok, empty) == P{{{1, 2}, {3, 4}}});
        CHECK(ok);
        CHECK(parts_of("LINESTRING ZM (1 2 9 8,3 4 9 8,5 6 7 7)", order, ok, empty) == P{{{1, 2}, {3, 4}, {5, 6}}});
        CHECK(ok);
        CHECK(parts_of("MULTILINESTRING Z ((1 2 0,3 4 0),(5 6 0,7 8 0))", order, ok, empty) == P{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
        CHECK(ok);
        parts_of("POLYGON ((0 0,1 0,1 1,0 0))", order, ok, empty);
        CHECK_FALSE(ok);
        parts_of("POINT (1 2)", order, ok, empty);
        CHECK_FALSE(ok);
    }
}

TEST_CASE("read_network_lines gives the same lines through the Arrow path and the feature loop", "[network][columns]") {
    Fixture fx;
    fx.make("GPKG", "roads.gpkg");
    GDALClose(fx.ds);
    fx.ds = nullptr;
    net::NetworkSource ns;
    ns.src.path = (fx.dir / "roads.gpkg").string();
    ns.format = "lines";
    ns.profile = net::walk_profile(4.0);
    ns.speed_field = "speed";
    ns.length_field = "big";
    auto load = [&](const char* arrow) {
        CPLSetConfigOption("LC_ARROW", arrow);
        geo::Report report;
        net::LoadedLines l = net::read_network_lines(ns, 4547, report);
        CPLSetConfigOption("LC_ARROW", nullptr);
        return l;
    };
    const net::LoadedLines a = load("YES"), b = load("NO");
    REQUIRE(a.lines.size() == b.lines.size());
    // Per 7 rows: three lines, a 3D line and a multi-line of two parts give 5 lines; the row
    // without geometry, the empty line and the point are excluded.
    CHECK(a.lines.size() == 30 * 5);
    CHECK(a.features_read == 210);
    CHECK(a.excluded == b.excluded);
    CHECK(a.excluded == 90);
    auto same_points = [](const std::vector<geo::XY>& p, const std::vector<geo::XY>& q) {
        if (p.size() != q.size()) return false;
        for (size_t i = 0; i < p.size(); ++i)
            if (p[i].x != q[i].x || p[i].y != q[i].y) return false;
        return true;
    };
    CHECK(same_points(a.lines.xy, b.lines.xy));
    CHECK(same_points(a.lines.lonlat, b.lines.lonlat));
    CHECK(a.lines.first == b.lines.first);
    CHECK(a.lines.speed_kmh == b.lines.speed_kmh);
    CHECK(a.lines.source_fid == b.lines.source_fid);
    CHECK(a.lines.feature == b.lines.feature);
    for (size_t i = 0; i < a.lines.size(); ++i) {
        CHECK((a.lines.length_m[i] == b.lines.length_m[i] || (std::isnan(a.lines.length_m[i]) && std::isnan(b.lines.length_m[i]))));
    }
}
