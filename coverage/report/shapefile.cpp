#include "coverage/report/shapefile.hpp"
#include "coverage/report/styles.hpp"

#include "coverage/study/text.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "geo/layer.hpp"
#include "geo/output.hpp"

namespace fs = std::filesystem;

namespace lc::cov {
namespace {

constexpr size_t kMaxBytes = 10;

// Cuts `s` to at most `n` bytes without splitting a UTF-8 character.
std::string cut_utf8(const std::string& s, size_t n) {
    if (s.size() <= n) return s;
    size_t end = n;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
}

// First character (code point) of a UTF-8 string.
std::string first_char(const std::string& s) {
    if (s.empty()) return s;
    size_t len = 1;
    while (len < s.size() && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) ++len;
    return s.substr(0, len);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

const std::map<std::string, std::string>& abbreviations() {
    static const std::map<std::string, std::string> table{
        {"coverage", "cov"},    {"covered", "cvd"},     {"households", "hh"},   {"household", "hh"},  {"share", "sh"},
        {"status", "st"},       {"target", "tgt"},      {"value", "val"},       {"text", "tx"},       {"nearest", "near"},
        {"minutes", "min"},     {"network", "net"},     {"scenario", "scn"},    {"facility", "fac"},  {"facilities", "fac"},
        {"indicators", "ind"},  {"indicator", "ind"},   {"missed", "miss"},     {"population", "pop"}, {"service", "svc"},
        {"community", "com"},   {"elderly", "eld"},     {"per", "p"},           {"number", "n"},      {"capacity", "cap"},
        {"distance", "dist"},   {"method", "meth"},     {"weight", "wt"},       {"building", "bldg"}, {"levels", "lvl"},
        {"floor", "fl"},        {"nursing", "nurs"},    {"volunteer", "vol"},   {"volunteers", "vol"}, {"registered", "reg"},
        {"workers", "wkr"},     {"station", "stn"},     {"centre", "ctr"},      {"center", "ctr"},    {"complex", "cplx"},
        {"protection", "prot"}, {"minors", "mnr"},      {"social", "soc"},      {"organisation", "org"}, {"urban", "urb"}};
    return table;
}

std::string abbreviate(const std::string& name_in) {
    // "_gap_text" (the indicators' gap texts) is one part, so it survives as a suffix.
    std::string name = name_in;
    const std::string gt = "_gap_text";
    if (name.size() > gt.size() && lower(name.substr(name.size() - gt.size())) == gt) name = name.substr(0, name.size() - gt.size()) + "_gtx";
    std::vector<std::string> parts;
    std::string cur;
    for (char c : name) {
        if (c == '_') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    for (auto& p : parts) {
        auto it = abbreviations().find(lower(p));
        if (it != abbreviations().end()) p = it->second;
    }
    std::string joined;
    for (size_t i = 0; i < parts.size(); ++i) joined += (i ? "_" : "") + parts[i];
    if (joined.size() <= kMaxBytes) return joined;
    if (parts.size() > 1) {
        std::string head;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            const std::string& p = parts[i];
            if (p.empty()) continue;
            head += std::isdigit(static_cast<unsigned char>(p[0])) ? p : first_char(p);
        }
        const std::string& last = parts.back();
        if (head.size() + 1 + last.size() <= kMaxBytes) return head + "_" + last;
        if (head.size() + last.size() <= kMaxBytes) return head + last;
        if (last.size() < kMaxBytes) return cut_utf8(head, kMaxBytes - last.size()) + last;  // the last part is kept whole
        return cut_utf8(head + last, kMaxBytes);
    }
    return cut_utf8(joined, kMaxBytes);
}


// lifecircle's output fields whose names do not fit 10 bytes: fixed names, then families whose
// name ends with a circle's minutes ("15", "7_5"). Shorter output names are kept as they are.
const std::pair<const char*, const char*> kShortNames[] = {
    {"capacity_places", "cap_places"},  {"rank_adequacy", "rank_adeq"},   {"indicators_missed", "ind_missed"},
    {"nearest_min", "near_min"},        {"status_network", "status_net"}, {"in_scenario", "in_scen"},
    {"access_ratio", "acc_ratio"},      {"facility_id", "fac_id"},        {"new_households", "new_hh"},
    {"cumulative_households", "cum_hh"}, {"covered_share", "cov_share"},  {"site_label", "site_lbl"},
    {"snap_status", "snap_st"},         {"component_nodes", "comp_nodes"}, {"source_fid", "src_fid"},
    {"crosses_into", "crosses_to"},
};
const std::pair<const char*, const char*> kCircleShortNames[] = {
    {"covered_households_", "cov_hh_"}, {"coverage_share_", "cov_sh_"}, {"served_households_", "srv_hh_"},
    {"served_share_", "srv_sh_"},       {"access_2sfca_", "acc2sf_"},   {"access_e2sfca_", "acce2sf_"},
    {"access_gravity_", "accgrv_"},     {"covered_", "cov_"},           {"served_", "srv_"},
};
// Real-valued output fields that count things: Integer in the DBF when every value is whole.
const char* const kCountFields[] = {"households", "capacity_places", "capacity", "new_households", "cumulative_households", "facilities", "weight"};
const char* const kCountCircleFields[] = {"covered_households_", "served_households_"};

// "15" or "7_5": what circle_label() appends to a name.
bool is_circle_label(const std::string& s) {
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '_' || std::isdigit(static_cast<unsigned char>(c)); });
}

std::string table_short_name(const std::string& name) {
    for (const auto& [full, shortn] : kShortNames)
        if (name == full) return shortn;
    for (const auto& [prefix, shortn] : kCircleShortNames) {
        const std::string p = prefix;
        if (name.size() > p.size() && name.compare(0, p.size(), p) == 0 && is_circle_label(name.substr(p.size())))
            return shortn + name.substr(p.size());
    }
    return "";
}

bool is_count_field(std::string name) {
    if (name.rfind("lc_", 0) == 0) name = name.substr(3);
    for (const char* c : kCountFields)
        if (name == c) return true;
    for (const char* prefix : kCountCircleFields) {
        const std::string p = prefix;
        if (name.size() > p.size() && name.compare(0, p.size(), p) == 0 && is_circle_label(name.substr(p.size()))) return true;
    }
    return false;
}

// Indicator fields -> iNN names, numbered in the targets file's order.
std::map<std::string, std::string> indicator_short_names(const std::vector<std::string>& ids) {
    struct Suffix {
        const char *full, *word, *abbrev;
    };
    static const Suffix suffixes[] = {{"_value", "value", "val"}, {"_target", "target", "tgt"}, {"_status", "status", "st"},
                                      {"_gap", "gap", "gap"},     {"_gap_text", "gaptxt", "gtx"}};
    std::map<std::string, std::string> out;
    for (size_t k = 0; k < ids.size(); ++k) {
        char number[32];
        std::snprintf(number, sizeof number, "i%02zu", k + 1);
        for (const Suffix& s : suffixes) {
            std::string shortn = std::string(number) + "_" + s.word;
            if (shortn.size() > kMaxBytes) shortn = std::string(number) + "_" + s.abbrev;
            out.emplace(ids[k] + s.full, shortn);  // emplace: the first indicator keeps a name two could build
        }
        out.emplace("cov_" + ids[k], std::string("cov_") + number);
    }
    return out;
}

// The name a field would like in the DBF, before names taken by others are avoided.
std::string preferred_name(const std::string& name, const std::map<std::string, std::string>& indicators) {
    if (name.size() <= kMaxBytes) return name;
    auto known = [&](const std::string& n) {
        auto it = indicators.find(n);
        return it != indicators.end() ? it->second : table_short_name(n);
    };
    if (std::string t = known(name); !t.empty() && t.size() <= kMaxBytes) return t;
    if (name.rfind("lc_", 0) == 0)
        if (std::string t = known(name.substr(3)); !t.empty() && t.size() + 3 <= kMaxBytes) return "lc_" + t;
    return abbreviate(name);
}

struct DsCloser {
    void operator()(GDALDataset* ds) const {
        if (ds) GDALClose(ds);
    }
};
using DsPtr = std::unique_ptr<GDALDataset, DsCloser>;

// A text value as the DBF holds it: bytes in the DBF's encoding and whether every character
// survives the encoding (CP936 lacks some characters UTF-8 has).
struct Encoded {
    size_t bytes = 0;
    bool representable = true;
};

std::string recode(const std::string& s, const char* from, const char* to) {
    char* r = CPLRecode(s.c_str(), from, to);
    std::string out = r ? r : "";
    CPLFree(r);
    return out;
}

bool ascii(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

Encoded encode(const std::string& s, bool cp936) {
    if (!cp936 || ascii(s)) return {s.size(), true};
    CPLPushErrorHandler(CPLQuietErrorHandler);  // an unconvertible character is our warning, not GDAL's
    const std::string gbk = recode(s, CPL_ENC_UTF8, "CP936");
    const bool same = recode(gbk, "CP936", CPL_ENC_UTF8) == s;
    CPLPopErrorHandler();
    return {gbk.size(), same};
}

// UTF-8 characters of `s`, each as its bytes.
std::vector<std::string> utf8_chars(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

// `s` with the characters CP936 cannot hold replaced by "?" (what a GBK reader would show).
std::string cp936_safe(const std::string& s, std::string& replaced) {
    std::string out;
    for (const std::string& c : utf8_chars(s))
        if (encode(c, true).representable) out += c;
        else out += "?", replaced += c;
    return out;
}

// The longest prefix of `s` that takes at most `limit` bytes in the DBF's encoding.
std::string cut_encoded(const std::string& s, size_t limit, bool cp936) {
    if (!cp936) return cut_utf8(s, limit);
    std::string out;
    size_t bytes = 0;
    for (const std::string& c : utf8_chars(s)) {
        const size_t b = c.size() == 1 ? 1 : 2;  // GBK: one byte for ASCII, two for the rest
        if (bytes + b > limit) break;
        out += c;
        bytes += b;
    }
    return out;
}

// Fewest decimals (0..15) that print `v` so it reads back as the same double.
int decimals_of(double v) {
    char buf[64];
    for (int d = 0; d < 15; ++d) {
        std::snprintf(buf, sizeof buf, "%.*f", d, v);
        if (std::strtod(buf, nullptr) == v) return d;
    }
    return 15;
}

int digits_of(double abs_value) {
    int d = 1;
    for (double t = 10; t <= abs_value && d < 20; t *= 10) ++d;
    return d;
}

constexpr int kMaxText = 254;        // a DBF character field's limit (GDAL's)
constexpr int kMinTextWidth = 80;    // room for longer values when the layer is edited
constexpr int kIntegerWidth = 9;     // N(9,0): read as a 32-bit Integer by every DBF reader
constexpr int kRealWidth = 24;       // GDAL's width for Real fields
constexpr int kRealIntegerDigits = 10;

// What one field's values need, from a first pass over the layer.
struct FieldNeeds {
    size_t text_bytes = 0;    // longest value, in the DBF's encoding
    bool all_whole = true;    // every value an integer
    double max_abs = 0;
    bool negative = false;
    int decimals = 0;
};

bool is_integer_type(OGRFieldType t) { return t == OFTInteger || t == OFTInteger64; }
bool is_number_type(OGRFieldType t) { return is_integer_type(t) || t == OFTReal; }

// The DBF type, width and precision of a field from its GeoPackage type and its values.
void decide_type(ShapefileField& out, const OGRFieldDefn& src, const FieldNeeds& need, bool counts) {
    const OGRFieldType t = src.GetType();
    const bool integer = is_integer_type(t) || (t == OFTReal && need.all_whole && counts);
    if (integer) {
        const int width = digits_of(need.max_abs) + (need.negative ? 1 : 0);
        out.type = width <= kIntegerWidth && t != OFTInteger64 ? OFTInteger : OFTInteger64;
        out.width = out.type == OFTInteger ? kIntegerWidth : std::max(width, 18);
        out.precision = 0;
    } else if (t == OFTReal) {
        // The decimals the values have (at least one, so a reader never takes it for an integer).
        const int int_part = std::max(kRealIntegerDigits, digits_of(need.max_abs) + (need.negative ? 1 : 0));
        out.type = OFTReal;
        out.precision = std::clamp(need.decimals, 1, std::max(1, kRealWidth - 1 - int_part));
        out.width = int_part + 1 + out.precision;  // more than 24 only for numbers of over 21 digits
    } else if (t == OFTDate) {
        out.type = OFTDate;
        out.width = 8;
    } else {  // text, and what a DBF has no type for (date-times, lists), as its text
        out.type = OFTString;
        const int longest = static_cast<int>(std::min<size_t>(need.text_bytes, kMaxText));
        out.width = std::clamp(longest + (longest + 1) / 2, kMinTextWidth, kMaxText);
    }
}

std::string type_text(const ShapefileField& f) {
    switch (f.type) {
        case OFTInteger: return "Integer(" + std::to_string(f.width) + ")";
        case OFTInteger64: return "Integer64(" + std::to_string(f.width) + ")";
        case OFTReal: return "Real(" + std::to_string(f.width) + "." + std::to_string(f.precision) + ")";
        case OFTDate: return "Date";
        default: return "String(" + std::to_string(f.width) + ")";
    }
}

std::string fields_csv(const std::vector<ShapefileField>& fields, bool with_layer) {
    std::ostringstream o;
    o << kUtf8Bom << (with_layer ? "layer,full_name,short_name,alias_zh,alias_en,type\n" : "short_name,full_name,alias_zh,alias_en,type\n");
    for (const ShapefileField& f : fields) {
        if (with_layer) o << csv_escape(f.layer) << "," << csv_escape(f.full_name) << "," << csv_escape(f.short_name);
        else o << csv_escape(f.short_name) << "," << csv_escape(f.full_name);
        o << "," << csv_escape(f.alias_zh) << "," << csv_escape(f.alias_en) << "," << type_text(f) << "\n";
    }
    return o.str();
}

// One GeoPackage layer as <name>.shp (+ .shx .dbf .prj .cpg) in `dir`; returns its fields.
std::vector<ShapefileField> write_layer(OGRLayer* in, const std::string& name, const fs::path& dir, const ShapefileOptions& opts,
                                        std::vector<geo::Message>& warnings) {
    const bool cp936 = opts.encoding == "CP936";
    OGRFeatureDefn* defn = in->GetLayerDefn();
    const int nf = defn->GetFieldCount();
    std::vector<std::string> full;
    for (int i = 0; i < nf; ++i) full.push_back(defn->GetFieldDefn(i)->GetNameRef());
    const std::vector<std::string> shortn = short_field_names(full, opts.indicator_ids);
    const int label_field = opts.town_label_field.empty() ? -1 : defn->GetFieldIndex(opts.town_label_field.c_str());

    // Pass 1: what the values need (text bytes in the DBF's encoding, whole numbers, decimals).
    std::vector<FieldNeeds> need(nf);
    std::vector<std::unordered_map<std::string, Encoded>> seen(nf);  // text values repeat (town ids on every household)
    in->ResetReading();
    for (OGRFeature* f; (f = in->GetNextFeature()) != nullptr; OGRFeature::DestroyFeature(f))
        for (int i = 0; i < nf; ++i) {
            if (!f->IsFieldSetAndNotNull(i)) continue;
            const OGRFieldType t = defn->GetFieldDefn(i)->GetType();
            FieldNeeds& n = need[i];
            if (is_number_type(t)) {
                const double v = t == OFTReal ? f->GetFieldAsDouble(i) : static_cast<double>(f->GetFieldAsInteger64(i));
                if (!std::isfinite(v)) continue;  // written as null (pass 2)
                n.all_whole = n.all_whole && v == std::floor(v) && std::fabs(v) < 9e15;
                n.max_abs = std::max(n.max_abs, std::fabs(v));
                n.negative = n.negative || v < 0;
                if (t == OFTReal) n.decimals = std::max(n.decimals, decimals_of(v));
            } else if (t != OFTDate) {
                const std::string text = f->GetFieldAsString(i);
                auto it = seen[i].find(text);
                if (it == seen[i].end()) it = seen[i].emplace(text, encode(text, cp936)).first;
                n.text_bytes = std::max(n.text_bytes, it->second.bytes);
            }
        }

    std::vector<ShapefileField> fields(nf);
    for (int i = 0; i < nf; ++i) {
        ShapefileField& sf = fields[i];
        sf.layer = name;
        sf.full_name = full[i];
        sf.short_name = shortn[i];
        sf.alias_zh = field_alias(full[i], true, opts.indicator_names_zh);
        sf.alias_en = field_alias(full[i], false, opts.indicator_names_en);
        if (auto it = opts.field_words.find(full[i]); it != opts.field_words.end() && sf.alias_zh.empty() && sf.alias_en.empty())
            std::tie(sf.alias_zh, sf.alias_en) = it->second;
        decide_type(sf, *defn->GetFieldDefn(i), need[i], is_count_field(full[i]) || opts.count_fields.count(full[i]) > 0);
    }

    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    if (!drv) throw std::runtime_error("GDAL driver ESRI Shapefile is not available");
    const std::string shp = (dir / (name + ".shp")).string();
    DsPtr dst(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dst) throw std::runtime_error("cannot create " + shp + ": " + CPLGetLastErrorMsg());
    char** lco = nullptr;
    lco = CSLSetNameValue(lco, "ENCODING", cp936 ? "CP936" : "UTF-8");  // GDAL recodes the DBF's text
    lco = CSLSetNameValue(lco, "DBF_DATE_LAST_UPDATE", "2000-01-01");     // not today: reruns stay byte-identical
    OGRwkbGeometryType gtype = in->GetGeomType();
    if (wkbFlatten(gtype) == wkbUnknown) gtype = wkbPoint;
    OGRLayer* out = dst->CreateLayer(name.c_str(), in->GetSpatialRef(), gtype, lco);
    CSLDestroy(lco);
    if (!out) throw std::runtime_error("cannot create layer " + name + " in " + shp + ": " + CPLGetLastErrorMsg());
    for (int i = 0; i < nf; ++i) {
        OGRFieldDefn fd(fields[i].short_name.c_str(), fields[i].type);
        fd.SetWidth(fields[i].width);
        fd.SetPrecision(fields[i].precision);
        if (out->CreateField(&fd, FALSE) != OGRERR_NONE)
            throw std::runtime_error("cannot create field " + fields[i].short_name + " (" + full[i] + ") in " + shp + ": " + CPLGetLastErrorMsg());
        if (out->GetLayerDefn()->GetFieldDefn(i)->GetNameRef() != fields[i].short_name)
            throw std::runtime_error("the Shapefile driver renamed field " + fields[i].short_name + " of " + shp);
    }

    // Pass 2: the features, every value as its DBF field holds it.
    auto warn = [&](const OGRFeature* f, int i, const std::string& code, const std::string& text) {
        geo::Message m;
        m.level = geo::Level::warning;
        m.file = shp;
        m.layer = name;
        m.fid = f->GetFID();
        if (label_field >= 0) m.feature = f->GetFieldAsString(label_field);
        m.field = fields[i].short_name + " (" + full[i] + ")";
        m.code = code;
        m.text = text;
        warnings.push_back(std::move(m));
    };
    geo::FeaturePtr g(OGRFeature::CreateFeature(out->GetLayerDefn()));
    in->ResetReading();
    for (OGRFeature* f; (f = in->GetNextFeature()) != nullptr; OGRFeature::DestroyFeature(f)) {
        g->SetFID(OGRNullFID);
        g->SetGeometry(f->GetGeometryRef());
        for (int i = 0; i < nf; ++i) {
            if (!f->IsFieldSetAndNotNull(i)) {
                g->SetFieldNull(i);
                continue;
            }
            const OGRFieldType src = defn->GetFieldDefn(i)->GetType();
            switch (fields[i].type) {
                case OFTInteger:
                case OFTInteger64: {  // a Real source here holds whole numbers only (decide_type)
                    const double v = src == OFTReal ? f->GetFieldAsDouble(i) : 0;
                    const GIntBig n = src == OFTReal ? (std::isfinite(v) ? static_cast<GIntBig>(std::llround(v)) : 0) : f->GetFieldAsInteger64(i);
                    if (src == OFTReal && !std::isfinite(v)) g->SetFieldNull(i), warn(f, i, "shapefile_not_a_number", "not a finite number; written as empty");
                    else if (fields[i].type == OFTInteger) g->SetField(i, static_cast<int>(n));
                    else g->SetField(i, n);
                    break;
                }
                case OFTReal: {
                    const double v = f->GetFieldAsDouble(i);
                    if (std::isfinite(v)) g->SetField(i, v);
                    else g->SetFieldNull(i), warn(f, i, "shapefile_not_a_number", "not a finite number; written as empty");
                    break;
                }
                case OFTDate: g->SetField(i, f->GetRawFieldRef(i)); break;
                default: {
                    std::string text = f->GetFieldAsString(i);
                    const Encoded& e = seen[i].at(text);
                    if (!e.representable) {
                        std::string lost;
                        text = cp936_safe(text, lost);
                        warn(f, i, "shapefile_not_cp936", "characters " + lost + " do not exist in CP936 (GBK); written as '?' (coverage.gpkg has them)");
                    }
                    if (e.bytes > static_cast<size_t>(kMaxText)) {
                        text = cut_encoded(text, kMaxText, cp936);
                        warn(f, i, "shapefile_text_cut", std::to_string(e.bytes) + " bytes in " + opts.encoding + ", more than a DBF field holds (" +
                                                             std::to_string(kMaxText) + "): cut to " + std::to_string(kMaxText) +
                                                             " (coverage.gpkg has the whole text)");
                    }
                    g->SetField(i, text.c_str());
                }
            }
        }
        if (out->CreateFeature(g.get()) != OGRERR_NONE) throw std::runtime_error("cannot write a feature to " + shp + ": " + CPLGetLastErrorMsg());
    }
    CPLErrorReset();
    dst.reset();
    if (CPLGetLastErrorType() >= CE_Failure) throw std::runtime_error("writing " + shp + " failed: " + CPLGetLastErrorMsg());
    // The code page as a number ("936"), which ArcGIS and GDAL both read; GDAL itself writes "CP936".
    geo::write_text_atomic((dir / (name + ".cpg")).string(), cp936 ? "936" : "UTF-8");
    return fields;
}

}  // namespace

std::vector<std::string> short_field_names(const std::vector<std::string>& names, const std::vector<std::string>& indicator_ids) {
    const std::map<std::string, std::string> indicators = indicator_short_names(indicator_ids);
    std::vector<std::string> out(names.size());
    std::set<std::string> taken;
    // Pass 1: names that fit keep themselves (first occurrence wins if two differ only by case).
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i].size() <= kMaxBytes && !names[i].empty() && taken.insert(lower(names[i])).second) out[i] = names[i];
    // Pass 2: the others, in field order.
    for (size_t i = 0; i < names.size(); ++i) {
        if (!out[i].empty()) continue;
        std::string base = preferred_name(names[i].empty() ? std::string("field") : names[i], indicators);
        if (base.empty()) base = "field";
        std::string cand = base;
        for (int n = 2; taken.count(lower(cand)); ++n) {
            const std::string suffix = "_" + std::to_string(n);
            cand = cut_utf8(base, kMaxBytes - suffix.size()) + suffix;
        }
        taken.insert(lower(cand));
        out[i] = cand;
    }
    return out;
}

ShapefileResult write_shapefiles(const std::string& gpkg_path, const std::string& folder, const ShapefileOptions& opts) {
    if (opts.encoding != "UTF-8" && opts.encoding != "CP936")
        throw std::runtime_error("Shapefile encoding must be UTF-8 or CP936, got '" + opts.encoding + "'");
    geo::init_gdal();
    DsPtr src(static_cast<GDALDataset*>(GDALOpenEx(gpkg_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!src) throw std::runtime_error("cannot open " + gpkg_path + " to convert it to Shapefiles");

    const fs::path final_dir(folder);
    const fs::path tmp = final_dir.parent_path() / ("." + final_dir.filename().string() + ".tmp" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp);
    geo::TempRegistry::add(tmp.string());
    struct TmpGuard {
        fs::path p;
        bool keep = false;
        ~TmpGuard() {
            if (keep) return;
            std::error_code e;
            fs::remove_all(p, e);
            geo::TempRegistry::remove(p.string());
        }
    } guard{tmp};

    const std::map<std::string, std::string>& indicator_names = opts.lang == "zh" ? opts.indicator_names_zh : opts.indicator_names_en;
    ShapefileResult result;
    for (const std::string& name : opts.layers) {
        OGRLayer* in = src->GetLayerByName(name.c_str());
        if (!in) continue;
        const std::vector<ShapefileField> fields = write_layer(in, name, tmp, opts, result.warnings);
        FieldRenames renames;
        for (const ShapefileField& f : fields) renames[f.full_name] = f.short_name;
        // The styles of the GeoPackage layer, every field reference in the DBF's names.
        const std::string qml = layer_qml(in, opts.circles_min, opts.lang, "", indicator_names, opts.town_label_field, renames);
        if (!qml.empty()) geo::write_text_atomic((tmp / (name + ".qml")).string(), qml);
        const std::string sld = layer_sld(in, opts.circles_min, opts.lang, "", opts.town_label_field, renames);
        if (!sld.empty()) geo::write_text_atomic((tmp / (name + ".sld")).string(), sld);
        geo::write_text_atomic((tmp / (name + ".fields.csv")).string(), fields_csv(fields, false));
        result.fields.insert(result.fields.end(), fields.begin(), fields.end());
    }
    geo::write_text_atomic((tmp / "field_names.csv").string(), fields_csv(result.fields, true));
    src.reset();

    fs::remove_all(final_dir, ec);
    fs::rename(tmp, final_dir, ec);
    if (ec) throw std::runtime_error("cannot move the finished Shapefiles into place at " + folder + ": " + ec.message());
    geo::TempRegistry::remove(tmp.string());
    guard.keep = true;
    return result;
}

}  // namespace lc::cov
