#include "coverage/report/shapefile.hpp"
#include "coverage/report/styles.hpp"

#include <cpl_string.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

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

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::vector<std::string> short_field_names(const std::vector<std::string>& names) {
    std::vector<std::string> out(names.size());
    std::set<std::string> taken;
    // Pass 1: names that fit keep themselves (first occurrence wins if two differ only by case).
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i].size() <= kMaxBytes && !names[i].empty() && taken.insert(lower(names[i])).second) out[i] = names[i];
    // Pass 2: the others, in field order.
    for (size_t i = 0; i < names.size(); ++i) {
        if (!out[i].empty()) continue;
        std::string base = abbreviate(names[i].empty() ? std::string("field") : names[i]);
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

std::vector<ShortFieldName> write_shapefiles(const std::string& gpkg_path, const std::string& folder, const std::vector<std::string>& layers,
                                             const std::vector<double>& circles_min, const std::string& lang) {
    geo::init_gdal();
    GDALDataset* src = static_cast<GDALDataset*>(GDALOpenEx(gpkg_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!src) throw std::runtime_error("cannot open " + gpkg_path + " to convert it to Shapefiles");
    struct Closer {
        GDALDataset* ds;
        ~Closer() { GDALClose(ds); }
    } close_src{src};

    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    if (!drv) throw std::runtime_error("GDAL driver ESRI Shapefile is not available");
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

    std::vector<ShortFieldName> mapping;
    for (const std::string& name : layers) {
        OGRLayer* in = src->GetLayerByName(name.c_str());
        if (!in) continue;
        const std::string shp = (tmp / (name + ".shp")).string();
        GDALDataset* dst = drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        if (!dst) throw std::runtime_error("cannot create " + shp + ": " + CPLGetLastErrorMsg());
        struct DstCloser {
            GDALDataset* ds;
            ~DstCloser() {
                if (ds) GDALClose(ds);
            }
        } close_dst{dst};
        char** opts = nullptr;
        opts = CSLSetNameValue(opts, "ENCODING", "UTF-8");  // writes the .cpg and the DBF language driver byte
        opts = CSLSetNameValue(opts, "RESIZE", "YES");      // shrink text fields to their longest value
        OGRwkbGeometryType gtype = in->GetGeomType();
        if (wkbFlatten(gtype) == wkbUnknown) gtype = wkbPoint;
        OGRLayer* out = dst->CreateLayer(name.c_str(), in->GetSpatialRef(), gtype, opts);
        CSLDestroy(opts);
        if (!out) throw std::runtime_error("cannot create layer " + name + " in " + shp + ": " + CPLGetLastErrorMsg());

        OGRFeatureDefn* defn = in->GetLayerDefn();
        std::vector<std::string> full;
        for (int i = 0; i < defn->GetFieldCount(); ++i) full.push_back(defn->GetFieldDefn(i)->GetNameRef());
        const std::vector<std::string> shortn = short_field_names(full);
        std::vector<int> map(full.size(), -1);
        for (size_t i = 0; i < full.size(); ++i) {
            OGRFieldDefn fd(defn->GetFieldDefn(static_cast<int>(i)));
            fd.SetName(shortn[i].c_str());
            if (fd.GetType() == OFTString && fd.GetWidth() > 254) fd.SetWidth(254);
            if (out->CreateField(&fd, FALSE) != OGRERR_NONE)
                throw std::runtime_error("cannot create field " + shortn[i] + " (" + full[i] + ") in " + shp + ": " + CPLGetLastErrorMsg());
            const int idx = out->GetLayerDefn()->GetFieldCount() - 1;
            map[i] = idx;
            // Record the name the driver actually used (it should be ours: <= 10 bytes, unique).
            mapping.push_back({name, full[i], out->GetLayerDefn()->GetFieldDefn(idx)->GetNameRef()});
        }
        in->ResetReading();
        OGRFeature* f;
        while ((f = in->GetNextFeature()) != nullptr) {
            OGRFeature* g = OGRFeature::CreateFeature(out->GetLayerDefn());
            g->SetFrom(f, map.data(), TRUE);
            g->SetFID(OGRNullFID);
            const OGRErr err = out->CreateFeature(g);
            OGRFeature::DestroyFeature(g);
            OGRFeature::DestroyFeature(f);
            if (err != OGRERR_NONE) throw std::runtime_error("cannot write a feature to " + shp + ": " + CPLGetLastErrorMsg());
        }
        CPLErrorReset();
        GDALClose(dst);
        close_dst.ds = nullptr;
        if (CPLGetLastErrorType() >= CE_Failure) throw std::runtime_error("writing " + shp + " failed: " + CPLGetLastErrorMsg());
        // GDAL writes the .cpg with ENCODING=UTF-8; make sure it is there whatever the version.
        const fs::path cpg = tmp / (name + ".cpg");
        if (!fs::exists(cpg)) geo::write_text_atomic(cpg.string(), "UTF-8\n");
        // The QGIS style sidecar: the GeoPackage layer's style, its field names made short.
        std::string qml = layer_qml(in, circles_min, lang);
        if (!qml.empty()) {
            std::vector<size_t> longest_first(full.size());
            for (size_t i = 0; i < full.size(); ++i) longest_first[i] = i;
            std::stable_sort(longest_first.begin(), longest_first.end(), [&](size_t a, size_t b) { return full[a].size() > full[b].size(); });
            for (size_t i : longest_first) {
                if (full[i] == shortn[i]) continue;
                for (const char* quote : {"\"", "'"}) {
                    const std::string from = quote + full[i] + quote, to = quote + shortn[i] + quote;
                    for (size_t pos = qml.find(from); pos != std::string::npos; pos = qml.find(from, pos + to.size())) qml.replace(pos, from.size(), to);
                }
            }
            geo::write_text_atomic((tmp / (name + ".qml")).string(), qml);
        }
    }

    std::ostringstream csv;
    csv << "layer,full_name,short_name\n";
    for (const auto& m : mapping) csv << csv_field(m.layer) << "," << csv_field(m.full_name) << "," << csv_field(m.short_name) << "\n";
    geo::write_text_atomic((tmp / "field_names.csv").string(), csv.str());

    fs::remove_all(final_dir, ec);
    fs::rename(tmp, final_dir, ec);
    if (ec) throw std::runtime_error("cannot move the finished Shapefiles into place at " + folder + ": " + ec.message());
    geo::TempRegistry::remove(tmp.string());
    guard.keep = true;
    return mapping;
}

}  // namespace lc::cov
