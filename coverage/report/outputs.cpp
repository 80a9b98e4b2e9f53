#include "coverage/report/outputs.hpp"
#include "base/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <sstream>

#include "coverage/report/report_html.hpp"
#include "coverage/report/service_tables.hpp"
#include "coverage/report/tables.hpp"
#include "coverage/report/workbook.hpp"
#include "coverage/report/shapefile.hpp"
#include "coverage/report/unit_tables.hpp"
#include "coverage/report/housing_table.hpp"
#include "coverage/report/styles.hpp"
#include "coverage/report/qgis_project.hpp"
#include "coverage/study/text.hpp"
#include "geo/crs.hpp"
#include "base/sha256.hpp"
#include "base/parallel.hpp"

namespace fs = std::filesystem;

namespace lc::cov {

// ---------------------------------------------------------------------------------------------
OutputCrs::OutputCrs(const std::string& setting, int metric_epsg) : metric_epsg_(metric_epsg), epsg_(metric_epsg) {
    std::string s;
    for (char c : setting) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (s.empty() || s == "METRIC") return;
    if (s == "WGS84" || s == "EPSG:4326" || s == "4326") {
        epsg_ = 4326;
    } else if (s == "GCJ02" || s == "GCJ-02") {
        epsg_ = geo::kGcj02Srs;
        shift_ = Shift::gcj02;
    } else if (s == "BD09" || s == "BD-09") {
        epsg_ = geo::kBd09Srs;
        shift_ = Shift::bd09;
    } else {
        std::string code = s.rfind("EPSG:", 0) == 0 ? s.substr(5) : s;
        epsg_ = std::atoi(code.c_str());
        if (epsg_ <= 0) throw base::UserError("[output] crs must be metric, WGS84, GCJ02, BD09 or EPSG:nnnn, got '" + setting + "'");
    }
    if (epsg_ != metric_epsg_) {
        // metric -> target (WGS 84 first for the shifted ones): a Reprojector whose "source" is the metric CRS.
        try {
            back_ = std::make_unique<geo::Reprojector>(geo::CrsSpec::parse("EPSG:" + std::to_string(metric_epsg_)),
                                                       shift_ == Shift::none ? epsg_ : 4326);
        } catch (const std::exception& e) {
            throw base::UserError("[output] crs '" + setting + "': " + e.what());
        }
    }
}

std::string OutputCrs::describe() const {
    if (shift_ == Shift::gcj02) return "GCJ-02 (WGS 84 shifted for Chinese web maps; the layers carry a CRS named GCJ-02, not EPSG:4326)";
    if (shift_ == Shift::bd09) return "BD-09 (Baidu map coordinates; the layers carry a CRS named BD-09, not EPSG:4326)";
    return "EPSG:" + std::to_string(epsg_);
}

std::string OutputCrs::warning() const {
    if (shift_ == Shift::none) return "";
    return std::string("the GIS layers are in ") + (shift_ == Shift::gcj02 ? "GCJ-02" : "BD-09") +
           ", for Chinese web basemaps: overlaid with WGS 84 data (GPS, OpenStreetMap, most GIS layers) they are about "
           "300-700 m off; their CRS is named so, QGIS will not shift them for you";
}

namespace {
struct TransformCtx {
    const geo::Reprojector* rp;
    int shift;  // 0 none, 1 GCJ-02, 2 BD-09
};
void shift_point(int shift, double& x, double& y) {
    if (shift == 1) geo::wgs84_to_gcj02(x, y, x, y);
    else if (shift == 2) geo::wgs84_to_bd09(x, y, x, y);
}
int transform_xy(double* x, double* y, void* user) {
    auto* c = static_cast<TransformCtx*>(user);
    if (!c->rp->to_metric(x, y, 1)) return 0;  // to_metric of a metric-sourced reprojector = to target
    shift_point(c->shift, *x, *y);
    return 1;
}
}  // namespace

geo::GeomPtr OutputCrs::convert(const GEOSGeometry* g) const {
    if (!back_) return geo::clone(g);
    TransformCtx ctx{back_.get(), static_cast<int>(shift_)};
    return geo::GeomPtr(GEOSGeom_transformXY_r(geo::geos(), g, transform_xy, &ctx));
}

void OutputCrs::convert(std::vector<geo::XY>& pts) const {
    if (!back_ || pts.empty()) return;
    std::vector<double> x(pts.size()), y(pts.size());
    for (size_t i = 0; i < pts.size(); ++i) x[i] = pts[i].x, y[i] = pts[i].y;
    if (!back_->to_metric(x.data(), y.data(), pts.size()))  // to_metric of a metric-sourced reprojector = to target
        throw std::runtime_error("some points cannot be transformed to the output CRS " + describe());
    for (size_t i = 0; i < pts.size(); ++i) {
        shift_point(static_cast<int>(shift_), x[i], y[i]);
        pts[i] = {x[i], y[i]};
    }
}

OGRGeometry* to_output_geometry(const GEOSGeometry* geom, OGRwkbGeometryType layer_type, const OutputCrs& crs) {
    if (!geom) return nullptr;
    geo::GeomPtr out = crs.convert(geom);
    if (!out) throw std::runtime_error("a geometry cannot be transformed to the output CRS " + crs.describe());
    size_t size = 0;
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(geo::geos());
    unsigned char* wkb = GEOSWKBWriter_write_r(geo::geos(), w, out.get(), &size);
    GEOSWKBWriter_destroy_r(geo::geos(), w);
    OGRGeometry* og = nullptr;
    OGRGeometryFactory::createFromWkb(wkb, nullptr, &og, size);
    GEOSFree_r(geo::geos(), wkb);
    // GeoPackage layers are declared multi/single as created: promote when needed.
    if (og && wkbFlatten(layer_type) == wkbMultiPolygon && wkbFlatten(og->getGeometryType()) == wkbPolygon)
        og = OGRGeometryFactory::forceToMultiPolygon(og);
    return og;
}

void write_feature(OGRLayer* layer, OGRFeature* f, const GEOSGeometry* geom, const OutputCrs& crs) {
    if (OGRGeometry* og = to_output_geometry(geom, layer->GetGeomType(), crs)) f->SetGeometryDirectly(og);
    if (layer->CreateFeature(f) != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot write a feature to layer ") + layer->GetName() + ": " + CPLGetLastErrorMsg());
}

std::vector<std::string> copy_schema(OGRLayer* layer, const OGRFeatureDefn* defn, const std::vector<std::string>& extra) {
    std::set<std::string> taken;
    if (defn)
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            OGRFieldDefn fd(defn->GetFieldDefn(i));
            if (layer->CreateField(&fd) != OGRERR_NONE)
                throw std::runtime_error(std::string("cannot copy field ") + fd.GetNameRef() + " to layer " + layer->GetName());
            std::string n = fd.GetNameRef();
            std::transform(n.begin(), n.end(), n.begin(), ::tolower);
            taken.insert(n);
        }
    std::vector<std::string> names;
    for (const auto& e : extra) {
        std::string n = e, low = e;
        std::transform(low.begin(), low.end(), low.begin(), ::tolower);
        if (taken.count(low)) n = "lc_" + e;
        names.push_back(n);
    }
    return names;
}

void resolve_service_areas(Study& s, const AnalysisResult& r) {
    auto& setting = s.project.output.service_areas;
    if (setting != "auto") return;
    constexpr size_t kAutoLimit = 500;  // beyond this, drawing polygons costs far more than the analysis
    setting = r.main_rows.size() <= kAutoLimit ? "yes" : "no";
    if (setting == "no")
        s.report.info("", "", "service_areas_skipped",
                      std::to_string(r.main_rows.size()) + " main facilities: service-area polygons are not drawn in coverage.gpkg "
                      "(more than 500; use --service-areas yes or 'lifecircle isochrones'). Coverage does not depend on them.");
}

std::string sha256_file(const std::string& path) { return base::sha256_file_hex(path); }

std::map<std::string, std::string> hash_inputs(const std::vector<std::string>& paths) {
    std::map<std::string, std::string> out;
    for (const auto& path : paths)
        if (!path.empty() && !out.count(path)) out[path] = sha256_file(path);
    return out;
}

std::shared_future<std::map<std::string, std::string>> start_hashing_inputs(const std::vector<std::string>& paths) {
    return std::async(std::launch::async, hash_inputs, paths).share();
}

void set_input_fields(OGRFeature* f, const OGRFeature* src, int n_input) {
    for (int i = 0; i < n_input; ++i)
        if (src && src->IsFieldSetAndNotNull(i)) f->SetField(i, src->GetRawFieldRef(i));
        else f->UnsetField(i);
}

void write_row(geo::BulkLayer& layer, OGRFeature* f, const GEOSGeometry* geom, const OutputCrs& crs) {
    f->SetGeometryDirectly(to_output_geometry(geom, layer.layer()->GetGeomType(), crs));
    layer.write(f);
}

namespace {

// Copies the input attributes into a new feature of `layer` (same field order as copy_schema).
OGRFeature* feature_from(OGRLayer* layer, const OGRFeature* src) {
    OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
    if (src)
        for (int i = 0; i < src->GetFieldCount(); ++i)
            if (src->IsFieldSetAndNotNull(i)) f->SetField(i, src->GetRawFieldRef(i));
    return f;
}

void set_text(OGRFeature* f, int idx, const char* text) {  // null: unset
    if (text) f->SetField(idx, text);
    else f->UnsetField(idx);
}

// Appends one feature per element of `rows` to `layer`, `fill(feature, row)` setting every field
// and the geometry. The filling runs on another thread one chunk ahead: GDAL and SQLite keep this
// thread busy, and the features of a chunk are independent of each other.
template <class Fill>
void write_rows(geo::BulkLayer& layer, const std::vector<size_t>& rows, const Fill& fill) {
    constexpr size_t kChunk = 4096;
    std::vector<geo::FeaturePtr> chunk[2];
    for (auto& c : chunk)
        for (size_t i = 0; i < std::min(kChunk, rows.size()); ++i) c.emplace_back(OGRFeature::CreateFeature(layer.layer()->GetLayerDefn()));
    auto fill_chunk = [&](int c, size_t begin) {
        for (size_t i = begin; i < std::min(rows.size(), begin + kChunk); ++i) fill(chunk[c][i - begin].get(), rows[i]);
    };
    std::future<void> next = std::async(std::launch::async, fill_chunk, 0, 0);
    for (size_t begin = 0, c = 0; begin < rows.size(); begin += kChunk, c ^= 1) {
        next.get();
        if (begin + kChunk < rows.size()) next = std::async(std::launch::async, fill_chunk, c ^ 1, begin + kChunk);
        for (size_t i = begin; i < std::min(rows.size(), begin + kChunk); ++i) layer.write(chunk[c][i - begin].get());
    }
}


void set_double_at(OGRFeature* f, int idx, std::optional<double> v, int decimals) {
    if (v && std::isfinite(*v)) f->SetField(idx, round_to(*v, decimals));
    else f->SetFieldNull(idx);
}

// A column of an output layer, defined once: its name, its type and how a row fills it. The
// layer's schema and every row's values come from the same list, so they cannot drift apart.
template <class Row>
struct Column {
    std::string name;
    OGRFieldType type;
    std::function<void(OGRFeature*, int field, Row)> fill;
};

// Adds the input's fields, then the columns (renamed "lc_..." where they clash with an input
// field); returns the field index of each column.
template <class Row>
std::vector<int> add_columns(OGRLayer* layer, const OGRFeatureDefn* input, const std::vector<Column<Row>>& cols) {
    std::vector<std::string> wanted;
    for (const auto& c : cols) wanted.push_back(c.name);
    const std::vector<std::string> names = copy_schema(layer, input, wanted);
    std::vector<int> idx;
    for (size_t k = 0; k < cols.size(); ++k) {
        geo::add_field(layer, names[k], cols[k].type);
        idx.push_back(layer->GetLayerDefn()->GetFieldIndex(names[k].c_str()));
    }
    return idx;
}

template <class Row>
void fill_columns(OGRFeature* f, const std::vector<Column<Row>>& cols, const std::vector<int>& idx, Row row) {
    for (size_t k = 0; k < cols.size(); ++k) cols[k].fill(f, idx[k], row);
}

}  // namespace

std::string json_run_info(const Study& s, const RunInfo& run, const std::string& extra_json,
                          const std::map<std::string, std::string>* hashes) {
    nlohmann::ordered_json j;
    j["tool"] = "lifecircle";
    j["version"] = LC_VERSION;
    j["command"] = run.command;
    j["argv"] = run.argv;
    j["project_file"] = s.project.file;
    if (!hashes && run.input_hashes.valid()) hashes = &run.input_hashes.get();
    nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
    std::set<std::string> seen;
    for (const auto& path : run.inputs) {
        if (path.empty() || !seen.insert(path).second) continue;
        nlohmann::ordered_json in;
        in["path"] = path;
        in["sha256"] = hashes && hashes->count(path) ? hashes->at(path) : sha256_file(path);
        std::error_code ec;
        in["bytes"] = fs::is_regular_file(path, ec) ? static_cast<int64_t>(fs::file_size(path, ec)) : -1;
        inputs.push_back(in);
    }
    j["inputs"] = inputs;
    const Project& p = s.project;
    nlohmann::ordered_json params;
    params["metric_crs"] = "EPSG:" + std::to_string(s.metric_epsg);
    params["towns"] = {{"path", p.towns.src.path}, {"layer", p.towns.src.layer}, {"crs", p.towns.src.crs}, {"id", p.towns.id},
                       {"name", p.towns.name}, {"assign_tolerance_m", p.towns.assign_tolerance_m}};
    params["facilities"] = {{"path", p.facilities.src.path}, {"layer", p.facilities.src.layer}, {"crs", p.facilities.src.crs},
                            {"id", p.facilities.id}, {"type", p.facilities.type}, {"status", p.facilities.status},
                            {"capacity", p.facilities.capacity}, {"capacity_area", p.facilities.capacity_area},
                            {"m2_per_place", p.facilities.m2_per_place}};
    params["access"] = {{"method", p.access.method}, {"catchment_min", p.access.catchment_min}, {"beta", p.access.beta}};
    params["demand"] = {{"path", p.demand.src.path}, {"layer", p.demand.src.layer}, {"crs", p.demand.src.crs}, {"kind", p.demand.kind},
                        {"weight", p.demand.weight}, {"where", p.demand.src.where}, {"default_levels", p.demand.default_levels},
                        {"dwelling_m2", p.demand.dwelling_m2}};
    {
        nlohmann::ordered_json groups = nlohmann::ordered_json::object();
        for (const auto& g : p.demand.weights)
            groups[g.name] = g.stat.empty() ? nlohmann::ordered_json{{"field", g.field}, {"zh", g.zh}, {"en", g.en}}
                                            : nlohmann::ordered_json{{"stat", g.stat}, {"zh", g.zh}, {"en", g.en}};
        params["demand"]["weights"] = groups;
    }
    params["network"] = {{"path", p.network.src.path}, {"format", p.network.format}, {"profile", p.network.profile},
                         {"connectivity", p.network.connectivity}, {"snap_m", p.network.snap_m}, {"snap_far_m", p.network.snap_far_m},
                         {"min_component_nodes", p.network.min_component_nodes},
                         {"length_field", p.network.length_field}, {"time_field", p.network.time_field}, {"speeds", p.network.speeds}};
    params["travel"] = {{"mode", p.straight_line() ? "straight" : "network"}, {"speed_kmh", p.travel.speed_kmh},
                        {"detour_factor", p.travel.detour_factor}, {"circles_min", p.travel.circles_min},
                        {"main_types", p.travel.main_types}, {"description", run.travel}};
    params["levels"] = p.levels;
    params["targets"] = {{"path", p.targets.path}, {"year", p.targets.year}};
    params["output"] = {{"crs", p.output.crs}, {"format", p.output.format}, {"buffer_m", p.output.buffer_m}};
    if (p.output.format == "shp") params["output"]["shapefile_encoding"] = p.output.shapefile_encoding;
    j["parameters"] = params;
    j["result"] = nlohmann::ordered_json::parse(extra_json);
    return j.dump(2) + "\n";
}

geo::Report write_analysis_outputs(const std::string& final_dir, const Study& s, const TravelModel& travel, const AnalysisResult& r,
                                   const RunInfo& run, const AnalysisResult* baseline) {
    geo::OutputDir staged(final_dir);  // the whole set replaces the old one at once
    const std::string& outdir = staged.path();
    const Project& p = s.project;
    OutputCrs crs(p.output.crs, s.metric_epsg);
    const size_t nt = s.town_set->size();
    const size_t nd = s.demand ? s.demand->size() : 0;
    const std::vector<Indicator>& inds = indicators_of(r);
    const bool walk_like = travel.straight_line() || travel.network()->profile.name == "walk";
    const std::vector<std::string> labels = circle_labels(r);

    // Checksumming the inputs for run.json is plain file reading (~90 MB for a city): done on the
    // second core while this thread writes coverage.gpkg.
    std::shared_future<std::map<std::string, std::string>> input_hashes =
        run.input_hashes.valid() ? run.input_hashes : start_hashing_inputs(run.inputs);
    geo::VectorOutput gpkg(outdir + "/coverage.gpkg");
    gpkg.count_rows(run.rows_written);
    // The rows the layers below write: towns, demand and facilities (skipped rows too), service areas.
    base::expect(run.rows_written, nt + (s.demand ? nd + s.demand->skipped.size() : 0) +
                                       (s.facilities ? s.facilities->size() + s.facilities->skipped.size() : 0) +
                                       (s.facilities && p.output.service_areas != "no" ? r.circles_min.size() * r.main_rows.size() : 0));
    const ServiceView service = service_view(s, r);
    const ServiceView* sv = &service;
    // --- towns ---
    {
        using TownColumn = Column<size_t>;
        std::vector<TownColumn> cols;
        cols.push_back({"town_id", OFTString, [&](OGRFeature* f, int i, size_t t) { f->SetField(i, s.town_set->id(t).c_str()); }});
        cols.push_back({"households", OFTReal, [&](OGRFeature* f, int i, size_t t) { f->SetField(i, round_to(r.town_households[t], 3)); }});
        for (size_t c = 0; c < labels.size(); ++c)
            cols.push_back({"covered_households_" + labels[c], OFTReal,
                            [&, c](OGRFeature* f, int i, size_t t) { f->SetField(i, round_to(r.town_covered[c][t], 3)); }});
        for (size_t c = 0; c < labels.size(); ++c)
            cols.push_back({"coverage_share_" + labels[c], OFTReal, [&, c](OGRFeature* f, int i, size_t t) {
                                std::optional<double> share;
                                if (r.town_households[t] > 0) share = r.town_covered[c][t] / r.town_households[t];
                                set_double_at(f, i, share, 6);
                            }});
        if (r.has_capacity) {
            cols.push_back({"capacity_places", OFTReal, [&, sv](OGRFeature* f, int i, size_t t) { f->SetField(i, round_to(sv->towns[t].capacity, 3)); }});
            for (size_t c = 0; c < labels.size(); ++c) {
                cols.push_back({"served_households_" + labels[c], OFTReal,
                                [&, c](OGRFeature* f, int i, size_t t) { f->SetField(i, round_to(r.town_served[c][t], 3)); }});
                cols.push_back({"served_share_" + labels[c], OFTReal, [&, c](OGRFeature* f, int i, size_t t) {
                                    std::optional<double> share;
                                    if (r.town_households[t] > 0) share = r.town_served[c][t] / r.town_households[t];
                                    set_double_at(f, i, share, 6);
                                }});
            }
        }
        if (!r.access_score.empty())
            cols.push_back({access_field_name(r), OFTReal, [&](OGRFeature* f, int i, size_t t) { set_double_at(f, i, r.town_access[t], 9); }});
        if (r.has_capacity || !r.access_score.empty()) {
            cols.push_back({"rank_reach", OFTInteger, [&, sv](OGRFeature* f, int i, size_t t) {
                                if (sv->towns[t].reach_rank) f->SetField(i, sv->towns[t].reach_rank);
                                else f->SetFieldNull(i);
                            }});
            cols.push_back({"rank_adequacy", OFTInteger, [&, sv](OGRFeature* f, int i, size_t t) {
                                if (sv->towns[t].adequacy_rank) f->SetField(i, sv->towns[t].adequacy_rank);
                                else f->SetFieldNull(i);
                            }});
        }
        for (size_t k = 0; k < inds.size(); ++k) {
            const std::string& id = inds[k].id;
            cols.push_back({id + "_value", OFTReal, [&, k](OGRFeature* f, int i, size_t t) { set_double_at(f, i, r.evals[k][t].value, 6); }});
            cols.push_back({id + "_target", OFTReal, [&, k](OGRFeature* f, int i, size_t t) { set_double_at(f, i, r.evals[k][t].target, 6); }});
            cols.push_back({id + "_status", OFTString, [&, k](OGRFeature* f, int i, size_t t) { f->SetField(i, to_string(r.evals[k][t].status)); }});
            cols.push_back({id + "_gap", OFTReal, [&, k](OGRFeature* f, int i, size_t t) {
                                const Evaluation& e = r.evals[k][t];
                                set_double_at(f, i, e.status == Status::missed ? std::optional<double>(e.gap) : std::optional<double>(0.0), 3);
                            }});
            cols.push_back({id + "_gap_text", OFTString, [&, k](OGRFeature* f, int i, size_t t) {
                                f->SetField(i, (p.lang == "zh" ? r.evals[k][t].gap_text_zh : r.evals[k][t].gap_text).c_str());
                            }});
        }
        cols.push_back({"indicators_missed", OFTInteger, [&](OGRFeature* f, int i, size_t t) {
                            int missed = 0;
                            for (size_t k = 0; k < inds.size(); ++k) missed += r.evals[k][t].status == Status::missed;
                            f->SetField(i, missed);
                        }});
        geo::BulkLayer& towns = gpkg.create_bulk_layer("towns", wkbMultiPolygon, crs.epsg());
        OGRLayer* layer = towns.layer();
        const std::vector<int> idx = add_columns(layer, s.towns->defn.get(), cols);
        geo::start_transaction(layer);
        for (size_t t = 0; t < nt; ++t) {
            OGRFeature* f = feature_from(layer, s.towns->attributes[t].get());
            fill_columns(f, cols, idx, t);
            write_row(towns, f, s.towns->geom[t].get(), crs);
            OGRFeature::DestroyFeature(f);
        }
        geo::commit_transaction(layer);
        towns.finish();
    }
    // --- units (villages / communities) ---
    if (s.has_units()) {
        using UnitColumn = Column<size_t>;
        std::vector<UnitColumn> cols;
        auto town_of = [&](size_t u) { return s.unit_town[u]; };
        cols.push_back({"unit_id", OFTString, [&](OGRFeature* f, int i, size_t u) { f->SetField(i, s.unit_set->id(u).c_str()); }});
        cols.push_back({"unit_name", OFTString, [&](OGRFeature* f, int i, size_t u) { f->SetField(i, s.unit_set->name(u).c_str()); }});
        cols.push_back({"town_id", OFTString, [&](OGRFeature* f, int i, size_t u) {
                            set_text(f, i, town_of(u) >= 0 ? s.town_set->id(town_of(u)).c_str() : nullptr);
                        }});
        cols.push_back({"households", OFTReal, [&](OGRFeature* f, int i, size_t u) { f->SetField(i, round_to(r.unit_facts[u].households, 3)); }});
        for (size_t c = 0; c < labels.size(); ++c)
            cols.push_back({"covered_households_" + labels[c], OFTReal,
                            [&, c](OGRFeature* f, int i, size_t u) { f->SetField(i, round_to(r.unit_covered[c][u], 3)); }});
        for (size_t c = 0; c < labels.size(); ++c)
            cols.push_back({"coverage_share_" + labels[c], OFTReal, [&, c](OGRFeature* f, int i, size_t u) {
                                std::optional<double> share;
                                if (r.unit_facts[u].households > 0) share = r.unit_covered[c][u] / r.unit_facts[u].households;
                                set_double_at(f, i, share, 6);
                            }});
        for (size_t k = 0; k < r.unit_evals.size(); ++k) {
            const std::string& id = inds[k].id;
            cols.push_back({id + "_value", OFTReal, [&, k](OGRFeature* f, int i, size_t u) { set_double_at(f, i, r.unit_evals[k][u].value, 6); }});
            cols.push_back({id + "_status", OFTString, [&, k](OGRFeature* f, int i, size_t u) { f->SetField(i, to_string(r.unit_evals[k][u].status)); }});
        }
        cols.push_back({"indicators_missed", OFTInteger, [&](OGRFeature* f, int i, size_t u) {
                            int missed = 0;
                            for (const auto& e : r.unit_evals) missed += e[u].status == Status::missed;
                            f->SetField(i, missed);
                        }});
        cols.push_back({"crosses_into", OFTString, [&](OGRFeature* f, int i, size_t u) {
                            std::string other;
                            for (const auto& c : s.unit_crossings)
                                if (c.unit == u) other += (other.empty() ? "" : ",") + s.town_set->id(c.other_town);
                            set_text(f, i, other.empty() ? nullptr : other.c_str());
                        }});
        geo::BulkLayer& units = gpkg.create_bulk_layer("units", wkbMultiPolygon, crs.epsg());
        OGRLayer* layer = units.layer();
        const std::vector<int> idx = add_columns(layer, s.units->defn.get(), cols);
        geo::start_transaction(layer);
        for (size_t u = 0; u < s.units->size(); ++u) {
            OGRFeature* f = feature_from(layer, s.units->attributes[u].get());
            fill_columns(f, cols, idx, u);
            write_row(units, f, s.units->geom[u].get(), crs);
            OGRFeature::DestroyFeature(f);
        }
        geo::commit_transaction(layer);
        units.finish();
    }
    // Facility ids as written in nearest_id (one string per facility, not one per household),
    // read before report.html starts reading the same features on another thread.
    std::vector<std::string> fac_ids;
    if (s.facilities)
        for (size_t i = 0; i < s.facilities->size(); ++i)
            fac_ids.push_back(s.facility_id(i));
    // report.html only reads the study and the results; the page is built on the second core too
    // (after the towns layer, so the two threads never use the same GEOS geometry at once) and
    // written below in its usual turn.
    std::future<std::string> html = std::async(std::launch::async, [&] { return report_html(s, travel, r, p.lang); });
    // --- demand and uncovered ---
    // 300k+ rows: features reused, fields set by index, points built directly (see write_rows).
    if (s.demand) {
        const OGRwkbGeometryType gtype = p.demand.kind == "points" ? wkbPoint : wkbMultiPolygon;
        const auto& status = travel.demand_status();
        using DemandColumn = Column<size_t>;
        std::vector<DemandColumn> cols;
        cols.push_back({"town", OFTString, [&](OGRFeature* f, int i, size_t d) {
                            const int town = s.dem_town[d].town;
                            set_text(f, i, town >= 0 ? s.town_set->id(town).c_str() : nullptr);
                        }});
        if (s.has_units())
            cols.push_back({"unit", OFTString, [&](OGRFeature* f, int i, size_t d) {
                                set_text(f, i, s.dem_unit[d] >= 0 ? s.unit_set->id(s.dem_unit[d]).c_str() : nullptr);
                            }});
        const size_t status_col = cols.size();  // skipped rows carry only their status
        cols.push_back({"status", OFTString, [&](OGRFeature* f, int i, size_t d) { f->SetField(i, status[d].c_str()); }});
        cols.push_back({"nearest_id", OFTString, [&](OGRFeature* f, int i, size_t d) {
                            set_text(f, i, r.nearest[d] >= 0 ? fac_ids[r.nearest[d]].c_str() : nullptr);
                        }});
        cols.push_back({"nearest_m", OFTReal, [&](OGRFeature* f, int i, size_t d) {
                            if (r.nearest[d] >= 0 && walk_like) f->SetField(i, round_to(r.nearest_s[d] * travel.speed_mps(), 1));
                            else f->UnsetField(i);
                        }});
        cols.push_back({"nearest_min", OFTReal, [&](OGRFeature* f, int i, size_t d) {
                            if (r.nearest[d] >= 0) f->SetField(i, round_to(r.nearest_s[d] / 60, 2));
                            else f->UnsetField(i);
                        }});
        for (size_t c = 0; c < labels.size(); ++c)
            cols.push_back({"covered_" + labels[c], OFTInteger,
                            [&, c](OGRFeature* f, int i, size_t d) { f->SetField(i, static_cast<int>(r.covered[c][d])); }});
        for (size_t k = 0; k < inds.size(); ++k)
            if (!r.indicator_covered[k].empty())
                cols.push_back({"cov_" + inds[k].id, OFTInteger,
                                [&, k](OGRFeature* f, int i, size_t d) { f->SetField(i, static_cast<int>(r.indicator_covered[k][d])); }});
        // Share of the row's weight served within each circle (capacity), and its accessibility.
        for (size_t c = 0; c < r.served.size(); ++c)
            cols.push_back({"served_" + labels[c], OFTReal, [&, c](OGRFeature* f, int i, size_t d) {
                                std::optional<double> share;
                                if (s.dem_weight_value[d] > 0) share = r.served[c][d] / s.dem_weight_value[d];
                                set_double_at(f, i, share, 6);
                            }});
        if (!r.access_score.empty())
            cols.push_back({access_field_name(r), OFTReal, [&](OGRFeature* f, int i, size_t d) { f->SetField(i, round_to(r.access_score[d], 9)); }});
        cols.push_back({"weight", OFTReal, [&](OGRFeature* f, int i, size_t d) { f->SetField(i, round_to(s.dem_weight_value[d], 4)); }});

        // 300k+ rows: features reused, fields set by index, points built directly (see write_rows).
        geo::BulkLayer& demand = gpkg.create_bulk_layer("demand", gtype, crs.epsg());
        const std::vector<int> col = add_columns(demand.layer(), s.demand->defn.get(), cols);
        const int n_input = s.demand->defn ? s.demand->defn->GetFieldCount() : 0;
        // Point rows become OGRPoints reprojected in one batch; other geometries go through WKB.
        std::vector<geo::XY> out_pt;      // output CRS, of the point rows
        std::vector<int> pt_of(nd, -1);   // row -> index in out_pt
        for (size_t d = 0; d < nd; ++d)
            if (GEOSGeomTypeId_r(geo::geos(), s.demand->geom[d].get()) == GEOS_POINT) {
                pt_of[d] = static_cast<int>(out_pt.size());
                out_pt.push_back(s.demand->point[d]);
            }
        crs.convert(out_pt);
        const size_t main_circle = labels.empty() ? 0 : labels.size() - 1;
        // Every field of the reused feature is set (or unset) for each row, as in a fresh feature.
        auto fill = [&](OGRFeature* f, size_t d) {
            set_input_fields(f, s.demand->attributes[d].get(), n_input);
            fill_columns(f, cols, col, d);
            f->SetGeometryDirectly(pt_of[d] >= 0 ? new OGRPoint(out_pt[pt_of[d]].x, out_pt[pt_of[d]].y)
                                                 : to_output_geometry(s.demand->geom[d].get(), gtype, crs));
        };
        std::vector<size_t> all(nd);
        for (size_t d = 0; d < nd; ++d) all[d] = d;
        geo::start_transaction(demand.layer());
        write_rows(demand, all, fill);
        // Rows that could not be used still appear, with their status and no geometry.
        geo::FeaturePtr f(OGRFeature::CreateFeature(demand.layer()->GetLayerDefn()));
        for (const auto& sk : s.demand->skipped) {
            set_input_fields(f.get(), sk.attributes.get(), n_input);
            for (int c : col) f->UnsetField(c);
            f->SetField(col[status_col], sk.reason.c_str());
            demand.write(f.get());
        }
        geo::commit_transaction(demand.layer());
        demand.finish();
        // The households outside the main circle: a view of the demand rows (the same rows,
        // stored once), opened by GDAL and QGIS as the layer "uncovered".
        if (!labels.empty()) {
            size_t k = 0;
            while (cols[k].name != "covered_" + labels[main_circle]) ++k;
            const std::string field = demand.layer()->GetLayerDefn()->GetFieldDefn(col[k])->GetNameRef();
            gpkg.create_view_layer("uncovered", "demand", "\"" + field + "\" = 0");
        }
    }
    // --- facilities ---
    if (s.facilities) {
        geo::BulkLayer& facilities = gpkg.create_bulk_layer("facilities", wkbPoint, crs.epsg());
        OGRLayer* layer = facilities.layer();
        // Capacity, what each facility serves per circle (nearest first) and its supply ratio R_j.
        std::vector<std::string> extra{"town", "status_network", "in_scenario", "main_type"};
        if (r.has_capacity) {
            extra.push_back("capacity_places");
            for (const auto& l : labels) extra.push_back("served_" + l);
        }
        if (!r.access_score.empty()) extra.push_back("access_ratio");
        auto names = copy_schema(layer, s.facilities->defn.get(), extra);
        geo::add_field(layer, names[0], OFTString);
        geo::add_field(layer, names[1], OFTString);
        geo::add_field(layer, names[2], OFTInteger);
        geo::add_field(layer, names[3], OFTInteger);
        for (size_t k = 4; k < names.size(); ++k) geo::add_field(layer, names[k], OFTReal);
        const int n_input = s.facilities->defn ? s.facilities->defn->GetFieldCount() : 0;
        std::vector<int> col;
        for (const auto& n : names) col.push_back(layer->GetLayerDefn()->GetFieldIndex(n.c_str()));
        std::vector<geo::XY> out_pt = s.facilities->point;
        crs.convert(out_pt);
        std::set<uint32_t> main(r.main_rows.begin(), r.main_rows.end());
        geo::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        geo::start_transaction(layer);
        for (size_t i = 0; i < s.facilities->size(); ++i) {
            set_input_fields(f.get(), s.facilities->attributes[i].get(), n_input);
            set_text(f.get(), col[0], s.fac_town[i].town >= 0 ? s.town_set->id(s.fac_town[i].town).c_str() : nullptr);
            f->SetField(col[1], travel.facility_status()[i].c_str());
            f->SetField(col[2], static_cast<int>(r.active[i]));
            f->SetField(col[3], static_cast<int>(main.count(static_cast<uint32_t>(i))));
            size_t k = 4;
            const bool in_main = main.count(static_cast<uint32_t>(i)) > 0;
            if (r.has_capacity) {
                f->SetField(col[k++], round_to(s.fac_capacity[i], 3));
                for (size_t c = 0; c < labels.size(); ++c, ++k)
                    if (in_main) f->SetField(col[k], round_to(r.facility_load[c][i], 3));
                    else f->SetFieldNull(col[k]);
            }
            if (!r.access_score.empty()) {
                if (in_main) f->SetField(col[k], round_to(r.facility_ratio[i], 9));
                else f->SetFieldNull(col[k]);
            }
            f->SetGeometryDirectly(new OGRPoint(out_pt[i].x, out_pt[i].y));
            facilities.write(f.get());
        }
        for (const auto& sk : s.facilities->skipped) {
            set_input_fields(f.get(), sk.attributes.get(), n_input);
            for (int c : col) f->UnsetField(c);
            f->SetField(col[1], sk.reason.c_str());
            f->SetGeometryDirectly(nullptr);
            facilities.write(f.get());
        }
        geo::commit_transaction(layer);
        facilities.finish();
    }
    // --- service areas of the main facilities (cartography; coverage is counted from costs) ---
    // "auto" is resolved by the caller (resolve_service_areas); here only "no" skips the layer.
    const bool want_areas = p.output.service_areas != "no";
    if (s.facilities && !r.main_rows.empty() && want_areas) {
        geo::BulkLayer& areas = gpkg.create_bulk_layer("service_areas", wkbMultiPolygon, crs.epsg());
        OGRLayer* layer = areas.layer();
        for (const char* n : {"facility_id", "type", "town", "method"}) geo::add_field(layer, n, OFTString);
        geo::add_field(layer, "minutes", OFTReal);
        geo::add_field(layer, "area_m2", OFTReal);
        geo::start_transaction(layer);
        for (size_t c = 0; c < r.circles_min.size(); ++c) {
            std::vector<geo::XY> pts;
            for (uint32_t f : r.main_rows) pts.push_back(s.facilities->point[f]);
            std::vector<geo::GeomPtr> polys = travel.service_areas(pts, r.circles_min[c], p.output.buffer_m);
            for (size_t i = 0; i < r.main_rows.size(); ++i) {
                uint32_t fr = r.main_rows[i];
                OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
                f->SetField("facility_id", fac_ids[fr].c_str());
                f->SetField("type", s.fac_type_value[fr].c_str());
                if (s.fac_town[fr].town >= 0) f->SetField("town", s.town_set->id(s.fac_town[fr].town).c_str());
                f->SetField("method", travel.straight_line() ? "straight_line_disc" : "network");
                f->SetField("minutes", r.circles_min[c]);
                f->SetField("area_m2", round_to(polys[i] ? geo::area(polys[i].get()) : 0.0, 1));
                write_row(areas, f, polys[i] && GEOSisEmpty_r(geo::geos(), polys[i].get()) != 1 ? polys[i].get() : nullptr, crs);
                OGRFeature::DestroyFeature(f);
            }
        }
        geo::commit_transaction(layer);
        areas.finish();
    }
    // QGIS default styles (layer_styles table), shared classes/colours with report.html, field
    // aliases and town labels, the aliases and layer titles also in the GeoPackage's own tables
    // (gpkg_data_columns, gpkg_contents); the same styles again in coverage.qgz, the project over the layers.
    std::map<std::string, std::string> indicator_names, other_indicator_names;  // the other: for the GeoPackage's bilingual aliases
    for (const Indicator& ind : inds) {
        indicator_names[ind.id] = ind.name(p.lang);
        other_indicator_names[ind.id] = ind.name(p.lang == "zh" ? "en" : "zh");
    }
    std::string town_label;
    for (int field : {s.town_name, s.town_id})
        if (town_label.empty() && field >= 0) town_label = s.towns->defn->GetFieldDefn(field)->GetNameRef();
    write_gpkg_styles(gpkg.dataset(), r.circles_min, p.lang, indicator_names, town_label, other_indicator_names);
    gpkg.commit();
    write_qgis_project({outdir + "/coverage.gpkg", outdir + "/coverage.qgz", p.lang, p.name_in(p.lang), r.circles_min, indicator_names, town_label});
    write_compliance_tables(outdir, s, travel, r);
    write_unit_tables(outdir, s, r);
    write_housing_table(outdir, s, r);
    write_workbook(outdir, s, r);
    write_service_tables(outdir, s, r);
    if (baseline) write_scenario_comparison(outdir, s, r, *baseline);
    write_summary_md(outdir, s, travel, r);
    // --- optional Shapefiles, converted from the finished coverage.gpkg ---
    geo::Report output_report;
    if (p.output.format == "shp") {
        ShapefileOptions shp;
        shp.circles_min = r.circles_min;
        if (s.has_units()) shp.layers.insert(shp.layers.begin() + 1, "units");
        shp.lang = p.lang;
        shp.encoding = p.output.shapefile_encoding;
        for (const Indicator& ind : inds) {
            shp.indicator_ids.push_back(ind.id);
            shp.indicator_names_zh[ind.id] = ind.name("zh");
            shp.indicator_names_en[ind.id] = ind.name("en");
            if (ind.kind == "count_at_least" || ind.kind == "city_total")  // facilities (or a summed attribute) per town
                for (const char* part : {"_value", "_target", "_gap"}) shp.count_fields.insert(ind.id + part);
        }
        for (const auto& [code, words] : p.labels) shp.field_words[code] = {words.zh, words.en};
        shp.town_label_field = town_label;
        for (const geo::Message& m : write_shapefiles(outdir + "/coverage.gpkg", outdir + "/shp", shp).warnings) output_report.add(m);
    }
    double total_hh = 0;
    for (double h : r.town_households) total_hh += h;
    // --- run.json ---
    nlohmann::ordered_json res;
    res["metric_crs"] = "EPSG:" + std::to_string(s.metric_epsg);
    res["output_crs"] = crs.describe();
    if (!crs.warning().empty()) res["output_crs_warning"] = crs.warning();
    res["scenario"] = r.scenario.name;
    res["year"] = r.year;
    res["towns"] = nt;
    res["facilities"] = s.facilities ? s.facilities->size() : 0;
    res["demand"] = nd;
    res["households"] = total_hh;
    if (s.has_units()) {
        nlohmann::ordered_json crossing = nlohmann::ordered_json::array();
        for (const auto& c : s.unit_crossings)
            crossing.push_back({{"unit_id", s.unit_set->id(c.unit)}, {"town_id", s.town_set->id(s.unit_town[c.unit])},
                                {"other_town_id", s.town_set->id(c.other_town)}, {"area_share", round_to(c.area_share, 4)},
                                {"households_in_other_town", round_to(c.weight_elsewhere, 3)}});
        double rest = 0;
        for (const auto& f : r.remainder_facts) rest += f.households;
        res["units"] = {{"count", s.unit_set->size()}, {"households_in_no_unit", round_to(rest, 3)}, {"crossing_town_borders", crossing}};
    }
    if (r.has_capacity) {
        nlohmann::ordered_json served = nlohmann::ordered_json::object();
        for (size_t c = 0; c < labels.size(); ++c) {
            double sum = 0, reached = 0;
            for (size_t t = 0; t < nt; ++t) sum += r.town_served[c][t], reached += r.town_covered[c][t];
            served[labels[c]] = {{"households_reached", round_to(reached, 3)}, {"households_served", round_to(sum, 3)}};
        }
        res["capacity"] = {{"field", p.facilities.capacity.empty() ? p.facilities.capacity_area : p.facilities.capacity},
                           {"places_main_facilities", round_to(r.capacity_total, 3)}, {"by_circle", served}};
    }
    if (!r.access_score.empty())
        res["accessibility"] = {{"method", to_string(r.access.method)}, {"field", access_field_name(r)},
                                {"catchment_min", r.access_catchment_min}, {"beta", r.access.beta},
                                {"supply", r.access_supply_is_count ? "one per facility (no capacity)" : "capacity"},
                                {"supply_reaching_demand", round_to(r.access_supply_reaching, 6)},
                                {"city_mean", r.city_access ? nlohmann::ordered_json(round_to(*r.city_access, 12)) : nlohmann::ordered_json()}};
    res["messages"] = {{"errors", s.report.count(geo::Level::error)},
                       {"warnings", s.report.count(geo::Level::warning) + output_report.count(geo::Level::warning)}};
    geo::write_text_atomic(outdir + "/run.json", json_run_info(s, run, res.dump(), &input_hashes.get()));
    // --- report.html (always drawn in the metric CRS) ---
    geo::write_text_atomic(outdir + "/report.html", html.get());
    staged.commit();
    return output_report;
}

}  // namespace lc::cov
