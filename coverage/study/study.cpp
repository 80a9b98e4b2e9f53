#include "coverage/study/study.hpp"
#include "base/error.hpp"

#include "network/load.hpp"
#include "coverage/study/text.hpp"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace lc::cov {

std::string first_field(const geo::Layer& layer, const std::vector<std::string>& candidates) {
    for (const auto& c : candidates)
        if (layer.has_field(c)) return c;
    return {};
}

std::optional<double> TownStats::number(size_t town, const std::string& column) const {
    if (town >= rows.size()) return std::nullopt;
    auto it = rows[town].find(column);
    if (it == rows[town].end() || it->second.empty()) return std::nullopt;
    return parse_stat_number(it->second);
}

std::optional<double> parse_stat_number(const std::string& text) {
    const char* begin = text.c_str();
    while (*begin == ' ' || *begin == '\t') ++begin;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) return std::nullopt;
    while (*end == ' ' || *end == '\t') ++end;
    if (*end != '\0' || !std::isfinite(v)) return std::nullopt;  // "6k" is not 6
    return v;
}

namespace {


void resolve_field(const geo::Layer& layer, const std::string& configured, const std::vector<std::string>& defaults,
                   int& index, const std::string& role, const std::string& key, bool required, geo::Report& report) {
    if (!configured.empty()) {
        index = layer.field_index(configured);
        if (index < 0) {
            std::string names;
            for (int i = 0; i < layer.defn->GetFieldCount(); ++i) names += (i ? ", " : "") + std::string(layer.defn->GetFieldDefn(i)->GetNameRef());
            geo::Message m;
            m.level = geo::Level::error;
            m.file = layer.file;
            m.layer = layer.name;
            m.field = configured;
            m.code = "missing_field";
            m.text = "field named by [" + role + "] " + key + " does not exist; the layer has: " + names;
            if (required) throw geo::InputError(m);
            report.add(m);
        }
        return;
    }
    index = layer.field_index(first_field(layer, defaults));
    if (index < 0 && required) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = layer.file;
        m.layer = layer.name;
        m.code = "missing_field";
        m.field = key;
        std::string tried;
        for (const auto& d : defaults) tried += (tried.empty() ? "" : ", ") + d;
        m.text = "no field for the " + key + " found (tried " + tried + "); name it with [" + role + "] " + key + " = \"...\"";
        throw geo::InputError(m);
    }
}

// Rows of a CSV file whose number of values differs from the header's: GDAL pads short rows
// and drops extra values silently, which would shift or lose a town's figures. Quotes are
// honoured ("a, b" is one value); blank lines are skipped. Returns "" when every row fits.
std::string ragged_csv_rows(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::string problems;
    size_t header = 0, line_no = 0, bad = 0;
    std::string line, record;
    bool in_quotes = false;
    size_t fields = 1, record_line = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!in_quotes) {
            if (line.empty()) continue;
            fields = 1;
            record_line = line_no;
        }
        for (char c : line) {
            if (c == '"') in_quotes = !in_quotes;
            else if (c == ',' && !in_quotes) ++fields;
        }
        if (in_quotes) continue;  // a quoted value spans lines
        if (record_line == 1 || header == 0) {
            header = fields;
            continue;
        }
        if (fields != header && ++bad <= 5)
            problems += (problems.empty() ? "" : "; ") + std::string("line ") + std::to_string(record_line) + " has " +
                        std::to_string(fields) + " values";
    }
    if (!bad) return {};
    if (bad > 5) problems += "; and " + std::to_string(bad - 5) + " more rows";
    return problems + " (the header has " + std::to_string(header) + " columns)";
}

void load_stats(Study& s) {
    const auto& cfg = s.project.stats;
    if (cfg.path.empty()) return;
    geo::LayerSource src;
    src.path = cfg.path;
    geo::init_gdal();
    GDALDataset* ds = GDALDataset::FromHandle(GDALOpenEx(cfg.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) throw base::UserError(cfg.path + ": the town statistics table cannot be read");
    if (std::string(ds->GetDriverName()) == "CSV")
        if (auto ragged = ragged_csv_rows(cfg.path); !ragged.empty()) {
            GDALClose(ds);
            throw base::UserError(cfg.path + ": rows with a different number of values than the header: " + ragged);
        }
    OGRLayer* layer = ds->GetLayer(0);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    int key = defn->GetFieldIndex(cfg.key.c_str());
    if (key < 0) {
        GDALClose(ds);
        throw base::UserError(cfg.path + ": field '" + cfg.key + "' ([stats] key) not found");
    }
    s.stats.file = cfg.path;
    for (int i = 0; i < defn->GetFieldCount(); ++i) s.stats.columns.push_back(defn->GetFieldDefn(i)->GetNameRef());
    s.stats.rows.assign(s.town_set->size(), {});
    std::map<std::string, size_t> town_by_key;
    for (size_t t = 0; t < s.town_set->size(); ++t)
        town_by_key[cfg.join_on == "name" ? s.town_set->name(t) : s.town_set->id(t)] = t;
    std::set<size_t> matched;
    // Every cell, to check the numeric columns once all rows are known.
    struct Cell {
        long row;
        int column;
        std::string text;
    };
    std::vector<Cell> cells;
    std::map<std::string, long> row_of_key;
    long row = 0;
    const std::string layer_name = layer->GetName();
    while (OGRFeature* f = layer->GetNextFeature()) {
        ++row;
        std::string k = f->GetFieldAsString(key);
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (i != key && f->IsFieldSetAndNotNull(i)) cells.push_back({row, i, f->GetFieldAsString(i)});
        auto [first, fresh] = row_of_key.emplace(k, row);
        auto it = town_by_key.find(k);
        if (!fresh) {
            s.report.error(cfg.path, layer_name, "stats_duplicate_key",
                           "row " + std::to_string(row) + ": " + cfg.key + " = '" + k + "' is used twice (first in row " +
                               std::to_string(first->second) + ")");
        } else if (it == town_by_key.end()) {
            s.report.warn(cfg.path, layer_name, "stats_unmatched", "row with " + cfg.key + " = '" + k + "' matches no town");
        } else {
            for (int i = 0; i < defn->GetFieldCount(); ++i)
                s.stats.rows[it->second][defn->GetFieldDefn(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
            matched.insert(it->second);
        }
        OGRFeature::DestroyFeature(f);
    }
    const size_t column_count = static_cast<size_t>(defn->GetFieldCount());
    GDALClose(ds);  // defn belongs to the dataset: not used below
    // A column is numeric when some value in it is a whole number text; then every value must
    // be one ("6k", "n/a" in a population column are errors, never read as 6 or 0), and a
    // negative count is reported.
    std::vector<uint8_t> numeric(column_count, 0);
    for (const auto& c : cells)
        if (parse_stat_number(c.text)) numeric[static_cast<size_t>(c.column)] = 1;
    for (const auto& c : cells) {
        if (!numeric[static_cast<size_t>(c.column)]) continue;
        const std::string column = s.stats.columns[static_cast<size_t>(c.column)];
        auto v = parse_stat_number(c.text);
        if (!v && !c.text.empty())
            s.report.error(cfg.path, layer_name, "stats_not_a_number",
                           "row " + std::to_string(c.row) + " column '" + column + "': '" + c.text + "' is not a number");
        else if (v && *v < 0)
            s.report.warn(cfg.path, layer_name, "stats_negative",
                          "row " + std::to_string(c.row) + " column '" + column + "': negative value " + c.text);
    }
    for (size_t t = 0; t < s.town_set->size(); ++t)
        if (!matched.count(t))
            s.report.warn(cfg.path, "", "stats_missing", "no statistics row for town " + s.town_set->id(t) + " " + s.town_set->name(t));
}

std::string trim_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// No demand row (a building, an estate, a grid cell) holds 10 million households or people: a
// larger value is a unit or data error (1e308 would overflow every sum it enters).
constexpr double kMaxWeightPerRow = 1e7;

std::vector<double> weight_column(Study& s, int field, const std::string& unit);

// Household weight per demand row: a field, or building floor area / dwelling size.
void compute_demand_weight(Study& s) {
    const auto& cfg = s.project.demand;
    auto& d = *s.demand;
    s.dem_weight_value.assign(d.size(), 0.0);
    if (cfg.kind == "buildings") {
        int levels = d.field_index(cfg.levels_field), tags = d.field_index("other_tags"), bld = d.field_index(cfg.building_field);
        std::set<std::string> excluded(cfg.exclude_building_values.begin(), cfg.exclude_building_values.end());
        size_t excluded_n = 0;
        for (size_t i = 0; i < d.size(); ++i) {
            if (bld >= 0 && excluded.count(d.text(i, bld))) {
                ++excluded_n;
                continue;
            }
            double lv = cfg.default_levels;
            std::string t = levels >= 0 ? d.text(i, levels) : (tags >= 0 ? net::osm_tag(d.text(i, tags), cfg.levels_field) : "");
            if (!t.empty()) {
                char* end = nullptr;
                double v = std::strtod(t.c_str(), &end);
                if (end != t.c_str() && std::isfinite(v) && v > 0 && v < 200) lv = v;
            }
            s.dem_weight_value[i] = geo::area(d.geom[i].get()) * lv / cfg.dwelling_m2;
        }
        s.report.info(d.file, d.name, "buildings_as_households",
                      "households estimated from building footprints: area x levels (default " + trim_number(cfg.default_levels) +
                          ") / " + trim_number(cfg.dwelling_m2) + " m2 per dwelling; " + std::to_string(excluded_n) +
                          " non-residential buildings excluded");
        return;
    }
    s.dem_weight_value = weight_column(s, s.dem_weight, "households");
}

// A population group's field per demand row; missing, negative or absurd values count as 0 and
// are reported against the feature and field.
std::vector<double> weight_column(Study& s, int field, const std::string& unit) {
    auto& d = *s.demand;
    std::vector<double> out(d.size(), 0.0);
    for (size_t i = 0; i < d.size(); ++i) {
        auto v = d.number(i, field, &s.report);
        if (!v) {
            if (!d.attributes[i]->IsFieldSetAndNotNull(field))
                s.report.add(d.message(geo::Level::warning, i, field, "missing_value", "no value: counted as 0 " + unit));
            continue;
        }
        if (*v < 0) {
            s.report.add(d.message(geo::Level::warning, i, field, "negative_weight",
                                   "negative value " + trim_number(*v) + ": counted as 0"));
            continue;
        }
        if (*v > kMaxWeightPerRow) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%g", *v);
            s.report.add(d.message(geo::Level::error, i, field, "absurd_weight",
                                   std::string("value ") + buf + " is not a plausible weight for one demand row (more than 10 million)"));
            continue;
        }
        out[i] = *v;
    }
    return out;
}

// [demand] weights with `stat`: the column must be one of the statistics table's, with numbers.
void check_group_stat(const Study& s, const Project::WeightGroup& g) {
    const std::string where = (s.project.file.empty() ? std::string("settings") : s.project.file) + ": [demand] weights: " + g.name + ": stat '" + g.stat + "'";
    if (s.stats.file.empty()) throw base::UserError(where + " needs the town statistics table ([stats] path)");
    if (std::find(s.stats.columns.begin(), s.stats.columns.end(), g.stat) == s.stats.columns.end()) {
        std::string names;
        for (const auto& c : s.stats.columns) names += (names.empty() ? "" : ", ") + c;
        throw base::UserError(where + " is not a column of " + s.stats.file + "; its columns are: " + names);
    }
    for (size_t t = 0; t < s.town_set->size(); ++t)
        if (s.stats.number(t, g.stat)) return;
    throw base::UserError(where + ": column of " + s.stats.file + " holds no number for any town");
}

// [demand] weights with `stat`: each town's figure spread over its demand rows in proportion to
// their households, so that the town's rows sum to its figure. A town with a figure but no
// households cannot place its people (reported); a town with households but no figure (a missing
// row or a blank or negative cell) gives its rows 0 (reported); rows in no town get 0.
std::vector<double> spread_group_stat(Study& s, const Project::WeightGroup& g) {
    const size_t nd = s.demand->size(), nt = s.town_set->size();
    std::vector<double> households(nt, 0.0), per_household(nt, 0.0);
    for (size_t i = 0; i < nd; ++i)
        if (s.dem_town[i].town >= 0) households[static_cast<size_t>(s.dem_town[i].town)] += s.dem_weight_value[i];
    for (size_t t = 0; t < nt; ++t) {
        const std::string town = s.town_set->id(t) + " " + s.town_set->name(t);
        const auto v = s.stats.number(t, g.stat);
        if (!v || *v < 0) {
            if (households[t] > 0)
                s.report.warn(s.stats.file, "", "weight_stat_missing",
                              "town " + town + " has households but no figure in column '" + g.stat + "' ([demand] weights." + g.name +
                                  "): its demand rows count 0 " + g.en);
            continue;
        }
        if (!(households[t] > 0)) {
            if (*v > 0)
                s.report.warn(s.stats.file, "", "weight_stat_unplaced",
                              "town " + town + " has " + fixed(*v, *v == std::floor(*v) ? 0 : 2) + " in column '" + g.stat + "' ([demand] weights." + g.name +
                                  ") but no households to spread them over: these " + g.en + " are counted nowhere");
            continue;
        }
        per_household[t] = *v / households[t];
    }
    std::vector<double> out(nd, 0.0);
    for (size_t i = 0; i < nd; ++i)
        if (s.dem_town[i].town >= 0) out[i] = s.dem_weight_value[i] * per_household[static_cast<size_t>(s.dem_town[i].town)];
    return out;
}

void report_outside(Study& s, const geo::Layer& layer, const std::vector<geo::TownSet::Assignment>& a, int id_field) {
    size_t outside = 0, nearest = 0, overlap = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].how == geo::TownSet::How::outside) {
            ++outside;
            geo::Message m;
            m.level = geo::Level::warning;
            m.file = layer.file;
            m.layer = layer.name;
            m.fid = layer.fid[i];
            m.feature = layer.text(i, id_field);
            m.code = "outside_towns";
            m.text = "lies in no town (more than " + std::to_string(static_cast<int>(s.project.towns.assign_tolerance_m)) +
                     " m from every town): not counted in any town";
            s.report.add(m);
        } else if (a[i].how == geo::TownSet::How::nearest) {
            ++nearest;
        } else if (a[i].how == geo::TownSet::How::overlap) {
            ++overlap;
        }
    }
    if (nearest)
        s.report.info(layer.file, layer.name, "assigned_nearest_town",
                      std::to_string(nearest) + " features lie in no town but within " +
                          std::to_string(static_cast<int>(s.project.towns.assign_tolerance_m)) + " m of one: assigned to the nearest town");
    if (overlap)
        s.report.info(layer.file, layer.name, "in_overlap",
                      std::to_string(overlap) + " features lie where towns overlap: assigned to the first of them in input order");
    (void)outside;
}

// The field a role will use, known before reading so messages can label features.
std::string pick(const geo::OpenedLayer& src, const std::string& configured, const std::vector<std::string>& defaults) {
    OGRFeatureDefn* defn = src.layer()->GetLayerDefn();
    if (!configured.empty()) return defn->GetFieldIndex(configured.c_str()) >= 0 ? configured : std::string();
    for (const auto& d : defaults)
        if (defn->GetFieldIndex(d.c_str()) >= 0) return d;
    return {};
}

const std::vector<std::string> kTownIds{"code", "id", "town_id", "adcode", "ID", "CODE"};
const std::vector<std::string> kTownNames{"name", "name_zh", "NAME", "town", "名称"};
const std::vector<std::string> kFacIds{"id", "fid", "osm_id", "ID", "code"};
const std::vector<std::string> kFacNames{"name", "name_zh", "名称"};
const std::vector<std::string> kDemIds{"id", "fid", "osm_id", "osm_way_id", "ID"};
// Town borders are reprojected so that none moves by more than this from where the data draws it
// (a point 5 cm inside a town stays in it).
constexpr double kBorderToleranceM = 0.01;

// Places per facility: the capacity field, else floor area at the project's m2 per place. Only
// facilities of the main types are judged (the others serve no one in the coverage figures), and
// one whose capacity cannot be read is reported by name and counted as 0 places: served figures
// never rest on a guessed capacity.
void load_capacity(Study& s) {
    const Project& p = s.project;
    const geo::Layer& f = *s.facilities;
    int cap = -1, area = -1;
    if (!p.facilities.capacity.empty()) resolve_field(f, p.facilities.capacity, {}, cap, "facilities", "capacity", false, s.report);
    if (!p.facilities.capacity_area.empty()) resolve_field(f, p.facilities.capacity_area, {}, area, "facilities", "capacity_area", false, s.report);
    const std::set<std::string> main(p.travel.main_types.begin(), p.travel.main_types.end());
    s.fac_capacity.assign(f.size(), 0);
    const std::string field = !p.facilities.capacity.empty() ? p.facilities.capacity : p.facilities.capacity_area;
    for (size_t i = 0; i < f.size(); ++i) {
        std::optional<double> v = cap >= 0 ? f.number(i, cap, &s.report) : std::nullopt;
        const char* from = "capacity";
        if (!v && area >= 0)
            if (auto a = f.number(i, area, &s.report)) v = *a / p.facilities.m2_per_place, from = "floor area";
        const bool judged = !s.fac_type_value[i].empty() && (main.empty() || main.count(s.fac_type_value[i]));
        if (!v) {
            if (judged && (cap >= 0 || area >= 0))
                s.report.add(f.message(geo::Level::warning, i, cap >= 0 ? cap : area, "capacity_missing",
                                       "no capacity (" + field + " is empty): counted as 0 places, it serves no one"));
            continue;
        }
        if (*v < 0) {
            if (judged)
                s.report.add(f.message(geo::Level::warning, i, cap >= 0 ? cap : area, "capacity_negative",
                                       std::string(from) + " " + fixed(*v, 1) + " is negative: counted as 0 places"));
            continue;
        }
        if (*v > 1e7) {
            s.report.add(f.message(geo::Level::error, i, cap >= 0 ? cap : area, "capacity_too_large",
                                   std::string(from) + " " + fixed(*v, 0) + " places is more than 10,000,000: is the field right?"));
            continue;
        }
        s.fac_capacity[i] = *v;
    }
}

// [units]: read the village / community polygons, give each its town (the `town` field, else the
// town holding most of its area), and report units reaching into another town.
void load_units(Study& s) {
    const Project& p = s.project;
    geo::OpenedLayer src(p.units.src, "units");
    s.units = std::make_unique<geo::Layer>(geo::read_layer(src, geo::GeomKind::polygon, s.metric_epsg, s.report, pick(src, p.units.id, kTownIds),
                                                           pick(src, p.units.name, kTownNames), kBorderToleranceM));
    geo::Layer& u = *s.units;
    u.role = "units";
    resolve_field(u, p.units.id, kTownIds, s.unit_id, "units", "id", true, s.report);
    resolve_field(u, p.units.name, kTownNames, s.unit_name, "units", "name", false, s.report);
    auto message = [&](geo::Level level, size_t row, int field, const char* code, const std::string& text) {
        geo::Message m = u.message(level, row, field, code, text);
        m.feature = u.label(row, s.unit_id, s.unit_name);
        return m;
    };
    int town_field = -1;
    if (!p.units.town.empty()) resolve_field(u, p.units.town, {}, town_field, "units", "town", true, s.report);
    if (u.size()) check_near_towns(s, u.file, u.name, "units lie", {u.min_x, u.min_y, u.max_x, u.max_y});
    {
        std::map<std::string, size_t> seen;  // unit ids are the join key of the unit tables
        for (size_t i = 0; i < u.size(); ++i) {
            auto [it, fresh] = seen.emplace(u.text(i, s.unit_id), i);
            if (!fresh)
                s.report.add(message(geo::Level::error, i, s.unit_id, "duplicate_id",
                                       "unit id '" + it->first + "' is used twice (also feature " + std::to_string(u.fid[it->second]) + ")"));
        }
    }
    s.unit_set = std::make_unique<geo::TownSet>(u, s.unit_id, s.unit_name);
    const geo::TownSet& towns = *s.town_set;
    std::map<std::string, int> town_by_id;
    for (size_t t = 0; t < towns.size(); ++t) town_by_id.emplace(towns.id(t), static_cast<int>(t));
    s.unit_town.assign(u.size(), -1);
    for (size_t i = 0; i < u.size(); ++i) {
        const GEOSGeometry* g = s.unit_set->geom(i);
        const double area = s.unit_set->area_m2(i);
        // Area of the unit in each town it meets (towns whose polygons come within the unit's reach).
        double xmin = 0, xmax = 0, ymin = 0, ymax = 0;
        GEOSGeom_getXMin_r(geo::geos(), g, &xmin), GEOSGeom_getXMax_r(geo::geos(), g, &xmax);
        GEOSGeom_getYMin_r(geo::geos(), g, &ymin), GEOSGeom_getYMax_r(geo::geos(), g, &ymax);
        std::vector<std::pair<int, double>> in_town;
        for (int t : towns.candidates(u.point[i], std::hypot(xmax - xmin, ymax - ymin))) {
            geo::GeomPtr inter(GEOSIntersection_r(geo::geos(), g, towns.geom(t)));
            const double a = inter ? geo::area(inter.get()) : 0;
            if (a > 0) in_town.push_back({t, a});
        }
        if (town_field >= 0) {
            const std::string id = u.text(i, town_field);
            auto it = town_by_id.find(id);
            if (it == town_by_id.end()) {
                s.report.add(message(geo::Level::error, i, town_field, "unknown_town", "names town '" + id + "', which the towns layer does not have"));
                continue;
            }
            s.unit_town[i] = it->second;
        } else {
            int best = -1;
            double best_area = 0;
            for (const auto& [t, a] : in_town)
                if (a > best_area) best = t, best_area = a;
            if (best < 0) {
                s.report.add(message(geo::Level::warning, i, -1, "unit_outside_towns", "lies in no town: the unit is left out of the unit tables"));
                continue;
            }
            s.unit_town[i] = best;
        }
        for (const auto& [t, a] : in_town) {
            if (t == s.unit_town[i] || !(area > 0) || a / area <= p.units.crossing_share) continue;
            s.unit_crossings.push_back({i, t, a / area, 0});
        }
    }
}

// [housing]: the developments, their towns (and units), households and build years. A
// development without a usable household count or year is reported; it is not judged.
void load_housing(Study& s) {
    const Project& p = s.project;
    geo::OpenedLayer src(p.housing.src, "housing");
    s.housing = std::make_unique<geo::Layer>(geo::read_layer(src, geo::GeomKind::point, s.metric_epsg, s.report, pick(src, p.housing.id, kFacIds),
                                                             pick(src, p.housing.name, kFacNames)));
    geo::Layer& h = *s.housing;
    h.role = "housing";
    resolve_field(h, p.housing.id, kFacIds, s.housing_id, "housing", "id", false, s.report);
    resolve_field(h, p.housing.name, kFacNames, s.housing_name, "housing", "name", false, s.report);
    int households = -1, year = -1;
    resolve_field(h, p.housing.households, {}, households, "housing", "households", true, s.report);
    resolve_field(h, p.housing.year, {}, year, "housing", "year", true, s.report);
    if (h.size()) check_near_towns(s, h.file, h.name, "developments lie", {h.min_x, h.min_y, h.max_x, h.max_y});
    s.housing_households.assign(h.size(), -1);
    s.housing_year.assign(h.size(), std::nullopt);
    for (size_t i = 0; i < h.size(); ++i) {
        auto message = [&](int field, const char* code, const std::string& text) {
            geo::Message m = h.message(geo::Level::warning, i, field, code, text);
            m.feature = s.housing_label(i);
            return m;
        };
        const std::optional<double> hh = h.number(i, households, &s.report);
        if (!hh || *hh <= 0) s.report.add(message(households, "housing_no_households", "has no positive household count: not judged"));
        else s.housing_households[i] = *hh;
        const std::optional<double> y = h.number(i, year, &s.report);
        if (!y || *y != std::floor(*y) || *y < 1900 || *y > 2200) s.report.add(message(year, "housing_no_year", "has no build year (1900-2200): not judged"));
        else s.housing_year[i] = static_cast<int>(*y);
    }
    s.housing_town = s.town_set->assign_all(h.point, p.towns.assign_tolerance_m);
    report_outside(s, h, s.housing_town, s.housing_id);
}

// Rows of a layer in units, by the nesting rule (Study::dem_unit); `in_unit` gets the unit
// polygon each row lies in, whatever its town.
std::vector<int> units_of(const Study& s, const geo::Layer& layer, const std::vector<geo::TownSet::Assignment>& town_of,
                          std::vector<geo::TownSet::Assignment>* in_unit = nullptr) {
    std::vector<geo::TownSet::Assignment> inside = s.unit_set->assign_all(layer.point, s.project.units.assign_tolerance_m);
    std::vector<int> unit(layer.size(), -1);
    for (size_t i = 0; i < layer.size(); ++i) {
        const int u = inside[i].town;
        if (u >= 0 && town_of[i].town >= 0 && s.unit_town[u] == town_of[i].town) unit[i] = u;
    }
    if (in_unit) *in_unit = std::move(inside);
    return unit;
}

// Each crossing unit's demand that lies in the other town (counted there; `dem_in_unit` from
// units_of), then one message each.
void report_unit_crossings(Study& s, const std::vector<geo::TownSet::Assignment>& dem_in_unit) {
    const geo::Layer& u = *s.units;
    std::multimap<int, size_t> crossings_of;  // unit -> its crossings
    for (size_t k = 0; k < s.unit_crossings.size(); ++k) crossings_of.emplace(static_cast<int>(s.unit_crossings[k].unit), k);
    for (size_t d = 0; d < dem_in_unit.size(); ++d) {
        auto [lo, hi] = crossings_of.equal_range(dem_in_unit[d].town);
        for (auto it = lo; it != hi; ++it)
            if (s.dem_town[d].town == s.unit_crossings[it->second].other_town) s.unit_crossings[it->second].weight_elsewhere += s.dem_weight_value[d];
    }
    for (const auto& c : s.unit_crossings) {
        const geo::TownSet& towns = *s.town_set;
        geo::Message m = u.message(geo::Level::warning, c.unit, -1, "unit_crosses_town_border", "");
        m.feature = u.label(c.unit, s.unit_id, s.unit_name);
        const int own = s.unit_town[c.unit];
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.1f%%", 100 * c.area_share);
        m.text = "belongs to town " + towns.id(own) + " " + towns.name(own) + " but " + buf + " of its area lies in town " +
                 towns.id(c.other_town) + " " + towns.name(c.other_town) + "; " + fixed(c.weight_elsewhere, 0) +
                 " households there count for that town, not for the unit";
        s.report.add(m);
    }
}

}  // namespace

void check_near_towns(Study& s, const std::string& file, const std::string& layer, const std::string& role, const Extent& e) {
    const geo::Layer& t = *s.towns;
    // Points may lie a little outside every town and still be assigned; a layer that misses the
    // towns' extent by more than a few kilometres is not the same place.
    const double margin = std::max(5000.0, s.project.towns.assign_tolerance_m);
    if (e.max_x >= t.min_x - margin && e.min_x <= t.max_x + margin && e.max_y >= t.min_y - margin && e.min_y <= t.max_y + margin) return;
    const double dx = std::max({0.0, t.min_x - e.max_x, e.min_x - t.max_x}), dy = std::max({0.0, t.min_y - e.max_y, e.min_y - t.max_y});
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "the %s %.0f km from the towns (extent x %.0f .. %.0f, y %.0f .. %.0f in EPSG:%d; towns x %.0f .. %.0f, "
                  "y %.0f .. %.0f): not the same place. Is the CRS right?",
                  role.c_str(), std::hypot(dx, dy) / 1000, e.min_x, e.max_x, e.min_y, e.max_y, s.metric_epsg, t.min_x, t.max_x, t.min_y, t.max_y);
    s.report.error(file, layer, "extent_apart", buf);
}

std::unique_ptr<Study> load_study(const Project& project, const LoadOptions& opts) {
    auto s = std::make_unique<Study>();
    s->project = project;
    const Project& p = s->project;
    if (p.towns.src.path.empty()) throw base::UserError("no towns layer: give [towns] path in the project file or --towns");

    geo::OpenedLayer towns_src(p.towns.src, "towns");
    auto extent = towns_src.wgs84_extent();
    if (!extent) {
        geo::Message m;
        m.level = geo::Level::error;
        m.file = towns_src.file();
        m.layer = towns_src.name();
        m.code = towns_src.layer()->GetFeatureCount() == 0 ? "empty_layer" : "no_usable_features";
        m.text = m.code == "empty_layer" ? "the layer has no features" : "no feature has usable coordinates";
        throw geo::InputError(m);
    }
    if (extent->MinX < -180 || extent->MaxX > 180 || extent->MinY < -90 || extent->MaxY > 90)
        throw base::UserError(p.towns.src.path + ": coordinates fall outside lon/lat range after reading the CRS as " +
                                 towns_src.crs().describe() + "; is the CRS right? set [towns] crs");
    s->metric_epsg = geo::choose_metric_epsg(p.output.metric_crs, *extent);
    if (opts.on_metric_crs) opts.on_metric_crs(s->metric_epsg);

    s->towns = std::make_unique<geo::Layer>(geo::read_layer(towns_src, geo::GeomKind::polygon, s->metric_epsg, s->report,
                                                                     pick(towns_src, p.towns.id, kTownIds), pick(towns_src, p.towns.name, kTownNames),
                                                                     kBorderToleranceM, opts.progress.features));
    s->towns->role = "towns";
    resolve_field(*s->towns, p.towns.id, kTownIds, s->town_id, "towns", "id", false, s->report);
    resolve_field(*s->towns, p.towns.name, kTownNames, s->town_name, "towns", "name", false, s->report);
    {
        // Town ids must be unique: they are the join key of every table.
        std::map<std::string, size_t> seen;
        for (size_t i = 0; i < s->towns->size(); ++i) {
            std::string id = s->towns->text(i, s->town_id);
            if (id.empty()) continue;
            auto [it, fresh] = seen.emplace(id, i);
            if (!fresh) {
                geo::Message m;
                m.level = geo::Level::error;
                m.file = s->towns->file;
                m.layer = s->towns->name;
                m.fid = s->towns->fid[i];
                m.field = s->town_id >= 0 ? s->towns->defn->GetFieldDefn(s->town_id)->GetNameRef() : "";
                m.code = "duplicate_id";
                m.text = "town id '" + id + "' is used twice (also feature " + std::to_string(s->towns->fid[it->second]) + ")";
                s->report.add(m);
            }
        }
    }
    s->town_set = std::make_unique<geo::TownSet>(*s->towns, s->town_id, s->town_name);
    load_stats(*s);
    if (p.has_units()) load_units(*s);

    if (opts.need_facilities && !p.facilities.src.path.empty()) {
        geo::OpenedLayer src(p.facilities.src, "facilities");
        s->facilities = std::make_unique<geo::Layer>(geo::read_layer(src, geo::GeomKind::point, s->metric_epsg, s->report,
                                                                         pick(src, p.facilities.id, kFacIds), pick(src, p.facilities.name, kFacNames),
                                                                         0, opts.progress.features));
        s->facilities->role = "facilities";
        auto& f = *s->facilities;
        resolve_field(f, p.facilities.id, kFacIds, s->fac_id, "facilities", "id", false, s->report);
        resolve_field(f, p.facilities.type, {"type", "amenity", "kind", "category", "类型"}, s->fac_type, "facilities", "type", true, s->report);
        resolve_field(f, p.facilities.name, kFacNames, s->fac_name, "facilities", "name", false, s->report);
        resolve_field(f, p.facilities.status, {"status"}, s->fac_status, "facilities", "status", false, s->report);
        for (const auto& a : p.facilities.attributes) {
            int idx = -1;
            resolve_field(f, a, {}, idx, "facilities", "attributes", false, s->report);
            if (idx >= 0)
                for (size_t i = 0; i < f.size(); ++i) f.number(i, idx, &s->report);  // reports non-numeric values
        }
        s->fac_type_value.resize(f.size());
        size_t untyped = 0;
        for (size_t i = 0; i < f.size(); ++i) {
            s->fac_type_value[i] = f.text(i, s->fac_type);
            if (s->fac_type_value[i].empty()) ++untyped;
        }
        if (p.facilities.has_capacity()) load_capacity(*s);
        if (untyped)
            s->report.warn(f.file, f.name, "no_type",
                           std::to_string(untyped) + " facilities have no type: they count for no indicator");
        if (f.size()) check_near_towns(*s, f.file, f.name, "facilities lie", {f.min_x, f.min_y, f.max_x, f.max_y});
        s->fac_town = s->town_set->assign_all(f.point, p.towns.assign_tolerance_m);
        report_outside(*s, f, s->fac_town, s->fac_id);
        if (s->has_units()) s->fac_unit = units_of(*s, f, s->fac_town);
    }
    std::vector<geo::TownSet::Assignment> dem_in_unit;  // [units]: the unit polygon of each demand row
    if (opts.need_demand && !p.demand.src.path.empty()) {
        for (const auto& g : p.demand.weights)
            if (!g.stat.empty()) check_group_stat(*s, g);  // before the demand layer is read
        geo::OpenedLayer src(p.demand.src, "demand");
        geo::GeomKind kind = p.demand.kind == "points" ? geo::GeomKind::point : geo::GeomKind::polygon;
        s->demand = std::make_unique<geo::Layer>(geo::read_layer(src, kind, s->metric_epsg, s->report, pick(src, p.demand.id, kDemIds), "", 0,
                                                                     opts.progress.features));
        s->demand->role = "demand";
        auto& d = *s->demand;
        resolve_field(d, p.demand.id, kDemIds, s->dem_id, "demand", "id", false, s->report);
        if (p.demand.kind != "buildings")
            resolve_field(d, p.demand.weight, {"households", "hh", "weight", "population", "pop", "户数"}, s->dem_weight, "demand", "weight", true, s->report);
        compute_demand_weight(*s);
        for (const auto& g : p.demand.weights) {
            if (!g.stat.empty()) continue;  // spread from the statistics once the rows have their towns
            int field = -1;
            resolve_field(d, g.field, {}, field, "demand", "weights." + g.name, true, s->report);
            s->dem_group_weight[g.name] = weight_column(*s, field, g.en);
        }
        if (d.size()) check_near_towns(*s, d.file, d.name, "demand rows lie", {d.min_x, d.min_y, d.max_x, d.max_y});
        s->dem_town = s->town_set->assign_all(d.point, p.towns.assign_tolerance_m);
        report_outside(*s, d, s->dem_town, s->dem_id);
        for (const auto& g : p.demand.weights)
            if (!g.stat.empty()) s->dem_group_weight[g.name] = spread_group_stat(*s, g);
        if (s->has_units()) s->dem_unit = units_of(*s, d, s->dem_town, &dem_in_unit);
    }
    if (s->has_units()) report_unit_crossings(*s, dem_in_unit);
    if (!p.housing.src.path.empty()) {
        load_housing(*s);
        if (s->has_units()) s->housing_unit = units_of(*s, *s->housing, s->housing_town);
    }
    return s;
}

}  // namespace lc::cov
