// The Shapefile deliverables (`--format shp`) read back with GDAL: readable unique 10-byte field
// names and their sidecar, integer counts, text widths, the CP936 (GBK) encoding, the QML and
// SLD styles pointing at the DBF's fields, values as in coverage.gpkg, and stable bytes.
#include <catch2/catch.hpp>

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "coverage/analysis/analysis.hpp"
#include "coverage/report/outputs.hpp"
#include "coverage/report/shapefile.hpp"
#include "coverage/report/styles.hpp"
#include "geo/layer.hpp"

using namespace lc;
namespace fs = std::filesystem;

namespace {

std::string src_path(const std::string& rel) { return std::string(LC_SOURCE_DIR) + "/" + rel; }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct DsCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DsPtr = std::unique_ptr<GDALDataset, DsCloser>;
DsPtr open_vector(const fs::path& p) {
    geo::init_gdal();
    return DsPtr(static_cast<GDALDataset*>(GDALOpenEx(p.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

const std::vector<std::string> kLayers{"towns", "demand", "uncovered", "facilities", "service_areas"};

// The Dongguan sample with capacities (so served, rank and accessibility fields exist too),
// analysed once per encoding and written with Shapefiles.
struct ShapefileRun {
    std::unique_ptr<cov::Study> study;
    fs::path out;
    geo::Report output_report;

    explicit ShapefileRun(const std::string& encoding) {
        study = cov::load_study(cov::load_project(src_path("data/dongguan/project.toml"),
                                                  {"output.format=shp", "facilities.capacity=capacity", "output.shapefile_encoding=" + encoding}));
        cov::TravelModel travel(*study, nullptr, study->report);
        const cov::AnalysisResult result = cov::analyze(*study, travel, cov::AnalysisOptions{});
        out = fs::temp_directory_path() / ("lc_test_shapefile_" + std::to_string(::getpid()) + "_" + encoding);
        fs::remove_all(out);
        cov::RunInfo run;
        run.command = "analyze";
        run.travel = travel.describe();
        output_report = cov::write_analysis_outputs(out.string(), *study, travel, result, run);
    }
    ~ShapefileRun() {
        std::error_code ec;
        fs::remove_all(out, ec);
    }
    fs::path shp() const { return out / "shp"; }
};

ShapefileRun& utf8_run() {
    static ShapefileRun r("UTF-8");
    return r;
}
ShapefileRun& gbk_run() {
    static ShapefileRun r("CP936");
    return r;
}

// <layer>.fields.csv: rows of short_name, full_name, alias_zh, alias_en, type (RFC 4180 quoting).
std::vector<std::vector<std::string>> read_fields_csv(const fs::path& path) {
    const std::string text = slurp(path);
    REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);
    std::vector<std::vector<std::string>> rows(1);
    std::string cell;
    bool quoted = false;
    for (size_t i = 3; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
            else if (c == '"') quoted = false;
            else cell += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(cell), cell.clear();
        } else if (c == '\n') {
            rows.back().push_back(cell), cell.clear();
            rows.emplace_back();
        } else {
            cell += c;
        }
    }
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

std::map<std::string, std::string> short_names_of(const fs::path& shp_dir, const std::string& layer) {
    std::map<std::string, std::string> out;
    const auto rows = read_fields_csv(shp_dir / (layer + ".fields.csv"));
    for (size_t i = 1; i < rows.size(); ++i) out[rows[i][1]] = rows[i][0];
    return out;
}

// Every value of a layer's features, as text ("" for null), by field name.
std::vector<std::map<std::string, std::string>> values(OGRLayer* l) {
    std::vector<std::map<std::string, std::string>> out;
    l->ResetReading();
    while (OGRFeature* f = l->GetNextFeature()) {
        std::map<std::string, std::string> row;
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            std::string v;
            const OGRFieldType t = f->GetFieldDefnRef(i)->GetType();
            if (!f->IsFieldSetAndNotNull(i)) v = "";
            else if (t == OFTReal || t == OFTInteger || t == OFTInteger64) v = CPLSPrintf("%.17g", f->GetFieldAsDouble(i));  // every bit
            else v = f->GetFieldAsString(i);
            row[f->GetFieldDefnRef(i)->GetNameRef()] = v;
        }
        out.push_back(row);
        OGRFeature::DestroyFeature(f);
    }
    return out;
}

std::vector<const CPLXMLNode*> find_all(const CPLXMLNode* node, const std::string& element) {
    std::vector<const CPLXMLNode*> out;
    for (const CPLXMLNode* n = node; n; n = n->psNext) {
        if (n->eType == CXT_Element && element == n->pszValue) out.push_back(n);
        const auto sub = find_all(n->psChild, element);
        out.insert(out.end(), sub.begin(), sub.end());
    }
    return out;
}

std::string text_of(const CPLXMLNode* n) {
    for (const CPLXMLNode* c = n->psChild; c; c = c->psNext)
        if (c->eType == CXT_Text) return c->pszValue;
    return "";
}

std::string attr_of(const CPLXMLNode* n, const char* name) { return CPLGetXMLValue(const_cast<CPLXMLNode*>(n), name, ""); }

std::set<std::string> dbf_fields(const fs::path& shp) {
    DsPtr ds = open_vector(shp);
    REQUIRE(ds);
    std::set<std::string> out;
    OGRFeatureDefn* d = ds->GetLayer(0)->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i) out.insert(d->GetFieldDefn(i)->GetNameRef());
    return out;
}

}  // namespace

TEST_CASE("Shapefile field names are readable, unique, at most 10 bytes, and listed with both languages' names", "[shapefile]") {
    ShapefileRun& r = utf8_run();
    DsPtr gpkg = open_vector(r.out / "coverage.gpkg");
    REQUIRE(gpkg);
    for (const std::string& layer : kLayers) {
        INFO(layer);
        DsPtr shp = open_vector(r.shp() / (layer + ".shp"));
        REQUIRE(shp);
        OGRFeatureDefn* dbf = shp->GetLayer(0)->GetLayerDefn();
        OGRFeatureDefn* src = gpkg->GetLayerByName(layer.c_str())->GetLayerDefn();
        REQUIRE(dbf->GetFieldCount() == src->GetFieldCount());
        const auto rows = read_fields_csv(r.shp() / (layer + ".fields.csv"));
        REQUIRE(rows.size() == static_cast<size_t>(dbf->GetFieldCount()) + 1);
        CHECK(rows[0] == std::vector<std::string>{"short_name", "full_name", "alias_zh", "alias_en", "type"});
        std::set<std::string> seen;
        for (int i = 0; i < dbf->GetFieldCount(); ++i) {
            const std::string name = dbf->GetFieldDefn(i)->GetNameRef();
            INFO(name);
            CHECK(!name.empty());
            CHECK(name.size() <= 10);
            CHECK(seen.insert(lower(name)).second);
            REQUIRE(rows[i + 1].size() == 5);
            CHECK(rows[i + 1][0] == name);
            CHECK(rows[i + 1][1] == src->GetFieldDefn(i)->GetNameRef());
        }
    }
    // The table's names, the indicators numbered in the targets file's order.
    const auto towns = short_names_of(r.shp(), "towns");
    CHECK(towns.at("households") == "households");  // fits: kept
    CHECK(towns.at("coverage_share_15") == "cov_sh_15");
    CHECK(towns.at("covered_households_15") == "cov_hh_15");
    CHECK(towns.at("served_households_15") == "srv_hh_15");
    CHECK(towns.at("served_share_5") == "srv_sh_5");
    CHECK(towns.at("capacity_places") == "cap_places");
    CHECK(towns.at("access_2sfca_15") == "acc2sf_15");
    CHECK(towns.at("rank_adequacy") == "rank_adeq");
    CHECK(towns.at("indicators_missed") == "ind_missed");
    CHECK(towns.at("home_care_circle_15min_value") == "i01_value");
    CHECK(towns.at("home_care_circle_15min_target") == "i01_target");
    CHECK(towns.at("home_care_circle_15min_status") == "i01_status");
    CHECK(towns.at("home_care_circle_15min_gap") == "i01_gap");
    CHECK(towns.at("home_care_circle_15min_gap_text") == "i01_gaptxt");
    CHECK(towns.at("registered_volunteers_per_10k_value") == "i15_value");
    CHECK(short_names_of(r.shp(), "demand").at("nearest_min") == "near_min");
    CHECK(short_names_of(r.shp(), "facilities").at("status_network") == "status_net");
    CHECK(short_names_of(r.shp(), "service_areas").at("facility_id") == "fac_id");
    // The reader's names in both languages, whatever the report's language.
    const auto rows = read_fields_csv(r.shp() / "towns.fields.csv");
    std::map<std::string, std::vector<std::string>> by_short;
    for (const auto& row : rows) by_short[row[0]] = row;
    CHECK(by_short.at("cov_sh_15")[2] == "15 分钟覆盖率");
    CHECK(by_short.at("cov_sh_15")[3] == "share within 15 min");
    CHECK(by_short.at("i01_value")[2].find("（数值）") != std::string::npos);
    CHECK(by_short.at("i01_value")[3].find(" (value)") != std::string::npos);
    // The index of all layers has the same rows with the layer in front.
    const std::string index = slurp(r.shp() / "field_names.csv");
    CHECK(index.rfind("\xEF\xBB\xBF" "layer,full_name,short_name,alias_zh,alias_en,type\n", 0) == 0);
    CHECK(index.find("\ntowns,coverage_share_15,cov_sh_15,15 分钟覆盖率,share within 15 min,Real(") != std::string::npos);
}

TEST_CASE("Shapefile counts are integers, reals keep their decimals, text fields have room, values read back as in coverage.gpkg",
          "[shapefile]") {
    ShapefileRun& r = utf8_run();
    CHECK(r.output_report.items().empty());  // nothing in the sample is cut or lost
    DsPtr gpkg = open_vector(r.out / "coverage.gpkg");
    REQUIRE(gpkg);
    for (const std::string& layer : kLayers) {
        INFO(layer);
        DsPtr shp = open_vector(r.shp() / (layer + ".shp"));
        REQUIRE(shp);
        OGRLayer* out = shp->GetLayer(0);
        OGRLayer* in = gpkg->GetLayerByName(layer.c_str());
        const auto got = values(out), want = values(in);
        REQUIRE(got.size() == want.size());
        OGRFeatureDefn* dbf = out->GetLayerDefn();
        OGRFeatureDefn* src = in->GetLayerDefn();
        for (int i = 0; i < src->GetFieldCount(); ++i) {
            const std::string full = src->GetFieldDefn(i)->GetNameRef(), shortn = dbf->GetFieldDefn(i)->GetNameRef();
            const OGRFieldType st = src->GetFieldDefn(i)->GetType(), dt = dbf->GetFieldDefn(i)->GetType();
            INFO(full << " -> " << shortn);
            size_t longest = 0;
            bool whole = true;
            for (size_t k = 0; k < want.size(); ++k) {
                const std::string& a = want[k].at(full);
                const std::string& b = got[k].at(shortn);
                if (st == OFTReal || st == OFTInteger || st == OFTInteger64) {
                    REQUIRE(a.empty() == b.empty());
                    if (!a.empty()) {
                        CHECK(std::strtod(a.c_str(), nullptr) == std::strtod(b.c_str(), nullptr));  // exactly: no decimal lost
                        whole = whole && std::strtod(a.c_str(), nullptr) == std::floor(std::strtod(a.c_str(), nullptr));
                    }
                } else {
                    CHECK(a == b);
                    longest = std::max(longest, a.size());
                }
            }
            if (st == OFTInteger || st == OFTInteger64) CHECK((dt == OFTInteger || dt == OFTInteger64));
            if (st == OFTReal) {
                auto ends_with = [&](const std::string& suffix) {
                    return full.size() > suffix.size() && full.compare(full.size() - suffix.size(), suffix.size(), suffix) == 0;
                };
                const bool count = full == "households" || full == "capacity_places" || full == "weight" ||
                                   full.rfind("covered_households_", 0) == 0 || full.rfind("served_households_", 0) == 0;
                const bool indicator_count = ends_with("_value") || ends_with("_target") || ends_with("_gap");
                if (count && whole) CHECK((dt == OFTInteger || dt == OFTInteger64));
                if (dt == OFTInteger || dt == OFTInteger64) {
                    CHECK(whole);  // an Integer field never rounds a value
                    CHECK((count || indicator_count));
                } else {
                    CHECK(dt == OFTReal);
                    CHECK(dbf->GetFieldDefn(i)->GetPrecision() >= 1);
                }
            }
            if (st == OFTString) {
                CHECK(dt == OFTString);
                CHECK(dbf->GetFieldDefn(i)->GetWidth() >= static_cast<int>(longest));
                CHECK(dbf->GetFieldDefn(i)->GetWidth() >= 80);
                CHECK(dbf->GetFieldDefn(i)->GetWidth() <= 254);
            }
        }
    }
    // The sample's households are whole numbers: the counts are Integer fields.
    DsPtr towns = open_vector(r.shp() / "towns.shp");
    OGRFeatureDefn* d = towns->GetLayer(0)->GetLayerDefn();
    for (const char* f : {"households", "cov_hh_15", "cov_hh_5", "ind_missed", "rank_reach"}) {
        INFO(f);
        REQUIRE(d->GetFieldIndex(f) >= 0);
        CHECK(d->GetFieldDefn(d->GetFieldIndex(f))->GetType() == OFTInteger);
    }
    for (const char* f : {"i05_value", "i05_target", "i05_gap", "i12_value"}) {  // facilities per town, a city total: counts
        INFO(f);
        CHECK(d->GetFieldDefn(d->GetFieldIndex(f))->GetType() == OFTInteger);
    }
    CHECK(d->GetFieldDefn(d->GetFieldIndex("i01_value"))->GetType() == OFTReal);  // a share
    CHECK(d->GetFieldDefn(d->GetFieldIndex("cov_sh_15"))->GetType() == OFTReal);
    CHECK(d->GetFieldDefn(d->GetFieldIndex("cov_sh_15"))->GetPrecision() == 6);
}

TEST_CASE("a CP936 Shapefile holds GBK bytes, says so in its .cpg and reads back the Chinese town names", "[shapefile]") {
    ShapefileRun& r = gbk_run();
    CHECK(slurp(r.shp() / "towns.cpg") == "936");
    CHECK(slurp(utf8_run().shp() / "towns.cpg") == "UTF-8");
    // The DBF holds 麻涌镇 as GBK bytes, not as UTF-8.
    const std::string dbf = slurp(r.shp() / "towns.dbf");
    char* gbk = CPLRecode("麻涌镇", CPL_ENC_UTF8, "CP936");
    const std::string gbk_name = gbk;
    CPLFree(gbk);
    CHECK(gbk_name.size() == 6);
    CHECK(dbf.find(gbk_name) != std::string::npos);
    CHECK(dbf.find("麻涌镇") == std::string::npos);
    CHECK(slurp(utf8_run().shp() / "towns.dbf").find("麻涌镇") != std::string::npos);
    // The DBF's date of last update is fixed (2000-01-01), so reruns give the same bytes.
    CHECK(static_cast<unsigned char>(dbf[1]) == 100);
    CHECK(static_cast<unsigned char>(dbf[2]) == 1);
    CHECK(static_cast<unsigned char>(dbf[3]) == 1);

    // Read through the .cpg, every town's name is the GeoPackage's; the field names are those of
    // the UTF-8 run.
    DsPtr gpkg = open_vector(r.out / "coverage.gpkg");
    DsPtr shp = open_vector(r.shp() / "towns.shp");
    REQUIRE(gpkg);
    REQUIRE(shp);
    const auto want = values(gpkg->GetLayerByName("towns")), got = values(shp->GetLayer(0));
    REQUIRE(got.size() == want.size());
    REQUIRE(got.size() == 33);
    for (size_t k = 0; k < got.size(); ++k) {
        CHECK(got[k].at("name_zh") == want[k].at("name_zh"));
        CHECK(got[k].at("i01_gaptxt") == want[k].at("home_care_circle_15min_gap_text"));
    }
    for (const std::string& layer : kLayers) {
        INFO(layer);
        CHECK(dbf_fields(r.shp() / (layer + ".shp")) == dbf_fields(utf8_run().shp() / (layer + ".shp")));
    }
}

TEST_CASE("Shapefile QML and SLD styles name the DBF's fields and share classes and colours", "[shapefile]") {
    ShapefileRun& r = utf8_run();
    const std::map<std::string, size_t> classes{{"towns", 5}, {"service_areas", 3}, {"uncovered", 1}, {"facilities", 2}, {"demand", 1}};
    for (const auto& [layer, n] : classes) {
        INFO(layer);
        const std::set<std::string> fields = dbf_fields(r.shp() / (layer + ".shp"));
        // QML: renderer attribute, order-by, labels and aliases all refer to DBF fields.
        CPLXMLNode* qml = CPLParseXMLString(slurp(r.shp() / (layer + ".qml")).c_str());
        REQUIRE(qml);
        std::vector<std::string> refs;  // every field the style names
        for (const CPLXMLNode* e : find_all(qml, "renderer-v2"))
            if (const std::string a = attr_of(e, "attr"); !a.empty()) refs.push_back(a);
        for (const CPLXMLNode* e : find_all(qml, "text-style")) refs.push_back(attr_of(e, "fieldName"));
        for (const CPLXMLNode* e : find_all(qml, "alias")) refs.push_back(attr_of(e, "field"));
        for (const CPLXMLNode* e : find_all(qml, "orderByClause")) {
            const std::string t = text_of(e);
            REQUIRE(t.size() > 2);
            refs.push_back(t.substr(1, t.size() - 2));  // "field"
        }
        for (const std::string& ref : refs) {
            INFO(ref);
            CHECK(fields.count(ref) == 1);
        }
        CHECK(refs.size() >= fields.size());  // at least every field's alias
        CHECK(find_all(qml, "range").size() + find_all(qml, "category").size() == (n == 1 ? 0 : n));
        CPLDestroyXMLNode(qml);

        // SLD 1.0: well-formed, one rule per class (plus the town labels), filters on DBF fields.
        const std::string sld_text = slurp(r.shp() / (layer + ".sld"));
        CPLXMLNode* sld = CPLParseXMLString(sld_text.c_str());
        REQUIRE(sld);
        const auto root = find_all(sld, "StyledLayerDescriptor");
        REQUIRE(root.size() == 1);
        CHECK(attr_of(root[0], "version") == "1.0.0");
        size_t symbol_rules = 0, text_rules = 0;
        for (const CPLXMLNode* rule : find_all(sld, "Rule")) {
            if (!find_all(rule->psChild, "TextSymbolizer").empty()) ++text_rules;
            else ++symbol_rules;
        }
        CHECK(symbol_rules == n);
        CHECK(text_rules == (layer == "towns" ? 1u : 0u));
        for (const CPLXMLNode* p : find_all(sld, "ogc:PropertyName")) CHECK(fields.count(text_of(p)));
        CPLDestroyXMLNode(sld);
        if (layer == "towns") {
            // The same colours as the QML's classes (kShareColours), in order, on cov_sh_15.
            size_t at = 0;
            for (const char* colour : cov::kShareColours) {
                at = sld_text.find(std::string("<CssParameter name=\"fill\">") + colour, at);
                CHECK(at != std::string::npos);
            }
            CHECK(sld_text.find("<ogc:PropertyName>cov_sh_15</ogc:PropertyName>") != std::string::npos);
            CHECK(sld_text.find("<Label><ogc:PropertyName>name_zh</ogc:PropertyName></Label>") != std::string::npos);
        }
        if (layer == "service_areas")
            for (const char* m : {"5", "10", "15"}) CHECK(sld_text.find(std::string("<ogc:Literal>") + m + "</ogc:Literal>") != std::string::npos);
    }
    // The towns QML is labelled with the names.
    const std::string towns_qml = slurp(r.shp() / "towns.qml");
    CHECK(towns_qml.find("labelsEnabled=\"1\"") != std::string::npos);
    CHECK(towns_qml.find("type=\"graduatedSymbol\" attr=\"cov_sh_15\"") != std::string::npos);
}

TEST_CASE("Shapefiles are written with the same bytes twice", "[shapefile]") {
    ShapefileRun& r = utf8_run();
    const fs::path again = r.out / "shp_again";
    cov::ShapefileOptions opts;
    opts.circles_min = {5, 10, 15};
    opts.lang = "zh";
    opts.town_label_field = "name_zh";
    opts.layers = {"towns", "facilities"};
    const fs::path first = r.out / "shp_first";
    cov::write_shapefiles((r.out / "coverage.gpkg").string(), first.string(), opts);
    cov::write_shapefiles((r.out / "coverage.gpkg").string(), again.string(), opts);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(first)) {
        INFO(e.path().filename());
        REQUIRE(fs::exists(again / e.path().filename()));
        CHECK(slurp(e.path()) == slurp(again / e.path().filename()));
        ++files;
    }
    CHECK(files == 2 * 8 + 1);  // .shp .shx .dbf .prj .cpg .qml .sld .fields.csv per layer, field_names.csv
    CHECK(!fs::exists(r.out / (".shp_first.tmp" + std::to_string(::getpid()))));
}

TEST_CASE("Shapefile text longer than 254 bytes or outside CP936 is cut or replaced, and reported by layer, feature and field",
          "[shapefile]") {
    geo::init_gdal();
    const fs::path dir = fs::temp_directory_path() / ("lc_test_shapefile_cut_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path gpkg = dir / "in.gpkg";
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        DsPtr ds(drv->Create(gpkg.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        REQUIRE(ds);
        OGRLayer* l = ds->CreateLayer("towns", nullptr, wkbPoint, nullptr);
        OGRFieldDefn name("name_zh", OFTString), note("a_long_remark_field", OFTString), n("households", OFTReal);
        REQUIRE(l->CreateField(&name) == OGRERR_NONE);
        REQUIRE(l->CreateField(&note) == OGRERR_NONE);
        REQUIRE(l->CreateField(&n) == OGRERR_NONE);
        std::string long_text;
        for (int i = 0; i < 100; ++i) long_text += "镇";  // 300 bytes in UTF-8, 200 in GBK
        const std::vector<std::pair<std::string, std::string>> rows{{"麻涌镇", "short"}, {"笑😀镇", long_text + long_text}, {"虎门镇", long_text}};
        for (const auto& [town, remark] : rows) {
            geo::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
            f->SetField(0, town.c_str());
            f->SetField(1, remark.c_str());
            f->SetField(2, 12.5);
            OGRPoint p(113.7, 23.0);
            f->SetGeometry(&p);
            REQUIRE(l->CreateFeature(f.get()) == OGRERR_NONE);
        }
    }
    for (const char* encoding : {"UTF-8", "CP936"}) {
        INFO(encoding);
        cov::ShapefileOptions opts;
        opts.layers = {"towns"};
        opts.encoding = encoding;
        opts.town_label_field = "name_zh";
        const fs::path out = dir / (std::string("shp_") + encoding);
        const cov::ShapefileResult res = cov::write_shapefiles(gpkg.string(), out.string(), opts);
        std::map<std::string, std::vector<const geo::Message*>> by_code;
        for (const auto& m : res.warnings) by_code[m.code].push_back(&m);
        const bool gbk = std::string(encoding) == "CP936";
        // UTF-8: both long remarks (600 and 300 bytes); GBK: only the 400-byte one (the other is 200).
        REQUIRE(by_code["shapefile_text_cut"].size() == (gbk ? 1u : 2u));
        const geo::Message& cut = *by_code["shapefile_text_cut"][0];
        CHECK(cut.layer == "towns");
        CHECK(cut.fid == 2);
        CHECK(cut.feature == "笑😀镇");
        CHECK(cut.field.find("a_long_remark_field") != std::string::npos);
        CHECK(cut.file.find("towns.shp") != std::string::npos);
        REQUIRE(by_code["shapefile_not_cp936"].size() == (gbk ? 1u : 0u));
        if (gbk) CHECK(by_code["shapefile_not_cp936"][0]->text.find("😀") != std::string::npos);

        DsPtr shp = open_vector(out / "towns.shp");
        REQUIRE(shp);
        const auto got = values(shp->GetLayer(0));
        REQUIRE(got.size() == 3);
        CHECK(got[1].at("name_zh") == (gbk ? "笑?镇" : "笑😀镇"));
        OGRFeatureDefn* d = shp->GetLayer(0)->GetLayerDefn();
        CHECK(std::string(d->GetFieldDefn(1)->GetNameRef()) == "alr_field");  // the generic rule: a_long_remark_field
        const std::string remark = got[1].at(d->GetFieldDefn(1)->GetNameRef());
        CHECK(remark.size() % 3 == 0);  // whole characters only
        CHECK(remark.size() == (gbk ? 127u * 3 : 84u * 3));  // 254 bytes: 127 GBK characters, 84 UTF-8 ones
        CHECK(got[2].at("name_zh") == "虎门镇");
        // Not a count: 12.5 stays a Real with its decimal.
        CHECK(got[0].at("households") == "12.5");
        CHECK(d->GetFieldDefn(d->GetFieldIndex("households"))->GetType() == OFTReal);
        CHECK(d->GetFieldDefn(1)->GetWidth() == 254);
    }
    fs::remove_all(dir);
}

TEST_CASE("short Shapefile field names: the table, indicator numbers, kept names first, collisions numbered", "[shapefile]") {
    const std::vector<std::string> ids{"home_care_circle_15min", "x"};
    const std::vector<std::string> in{"coverage_share_5", "coverage_share_15", "covered_households_15", "home_care_circle_15min_value",
                                      "home_care_circle_15min_target", "home_care_circle_15min_status", "home_care_circle_15min_gap",
                                      "home_care_circle_15min_gap_text", "a_very_long_name_x", "a_very_long_name_y", "cov_sh_15",
                                      "名称名称名称名称", "名称名称名称名称二", "indicators_missed", "id", "ID2", "x_value", "cov_x",
                                      "lc_capacity_places", "lc_coverage_share_7_5", "covered_7_5", "households"};
    const auto out = cov::short_field_names(in, ids);
    REQUIRE(out.size() == in.size());
    std::set<std::string> low;
    for (size_t i = 0; i < out.size(); ++i) {
        INFO(in[i] << " -> " << out[i]);
        CHECK(!out[i].empty());
        CHECK(out[i].size() <= 10);
        CHECK(low.insert(lower(out[i])).second);
        CHECK((static_cast<unsigned char>(out[i].back()) & 0xC0) != 0xC0);  // never cut inside a UTF-8 character
    }
    CHECK(out[0] == "cov_sh_5");
    CHECK(out[10] == "cov_sh_15");  // fits, so it keeps its name; coverage_share_15 gets a number
    CHECK(out[1] == "cov_sh_1_2");
    CHECK(out[2] == "cov_hh_15");
    CHECK(out[3] == "i01_value");
    CHECK(out[4] == "i01_target");
    CHECK(out[5] == "i01_status");
    CHECK(out[6] == "i01_gap");
    CHECK(out[7] == "i01_gaptxt");
    CHECK(out[13] == "ind_missed");
    CHECK(out[14] == "id");
    CHECK(out[11] == "名称名");
    CHECK(out[12] == "名称_2");
    CHECK(out[16] == "x_value");  // fits: kept, even for an indicator
    CHECK(out[17] == "cov_x");
    CHECK(out[18] == "lc_places");  // "lc_" + cap_places does not fit: the generic rule
    CHECK(out[19] == "lcs7_5");
    CHECK(out[20] == "cov_7_5");
    CHECK(out[21] == "households");
    CHECK(cov::short_field_names(in, ids) == out);  // stable
    // From the 100th indicator on, the short suffixes.
    std::vector<std::string> many;
    for (int k = 0; k < 100; ++k) many.push_back("indicator_number_" + std::to_string(k));
    const auto hundred = cov::short_field_names({"indicator_number_99_target", "indicator_number_99_gap_text", "indicator_number_9_target"}, many);
    CHECK(hundred[0] == "i100_tgt");
    CHECK(hundred[1] == "i100_gtx");
    CHECK(hundred[2] == "i10_target");
}
