#include "geo/layer.hpp"
#include "geo/layer_internal.hpp"
#include "base/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string_view>

namespace fs = std::filesystem;

// Opening a layer: GDAL set-up, drivers and encodings, the source CRS, and the metric CRS choice.
namespace lc::geo {
namespace {

thread_local std::string t_gdal_last;

void CPL_STDCALL collect_gdal_message(CPLErr, CPLErrorNum, const char* msg) {
    // GDAL's own warnings (e.g. "Non closed ring detected") are re-reported by us with the
    // feature they concern, so they are kept here instead of going to stderr.
    t_gdal_last = msg ? msg : "";
}

}  // namespace

std::string gdal_last() {
    std::string s = t_gdal_last;
    t_gdal_last.clear();
    return s;
}

[[noreturn]] void fail(const std::string& file, const std::string& layer, const std::string& code,
                       const std::string& text, const std::string& field) {
    Message m;
    m.level = Level::error;
    m.file = file;
    m.layer = layer;
    m.code = code;
    m.field = field;
    m.text = text;
    throw InputError(std::move(m));
}

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool valid_utf8(const char* s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
        if (n < 0) return false;
        ++p;
        for (int i = 0; i < n; ++i, ++p)
            if ((*p & 0xC0) != 0x80) return false;
    }
    return true;
}

// DBF language driver id (byte 29): non-zero means the file names its code page itself.
int dbf_ldid(const fs::path& shp) {
    fs::path dbf = shp;
    dbf.replace_extension(".dbf");
    if (!fs::exists(dbf)) {
        dbf.replace_extension(".DBF");
        if (!fs::exists(dbf)) return -1;
    }
    std::ifstream in(dbf, std::ios::binary);
    char header[32] = {};
    if (!in.read(header, 32)) return -1;
    return static_cast<unsigned char>(header[29]);
}

bool has_cpg(const fs::path& shp) {
    fs::path cpg = shp;
    cpg.replace_extension(".cpg");
    if (fs::exists(cpg)) return true;
    cpg.replace_extension(".CPG");
    return fs::exists(cpg);
}

GDALDataset* open_vector(const std::string& path, const std::vector<std::string>& options) {
    CPLStringList opts;
    for (const auto& o : options) opts.AddString(o.c_str());
    return GDALDataset::FromHandle(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.List(), nullptr));
}

// True when every string attribute in the first rows is valid UTF-8.
bool strings_are_utf8(OGRLayer* layer, int max_rows) {
    layer->ResetReading();
    OGRFeature* f;
    int rows = 0;
    bool ok = true;
    while (ok && rows < max_rows && (f = layer->GetNextFeature()) != nullptr) {
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            if (f->GetFieldDefnRef(i)->GetType() == OFTString && f->IsFieldSetAndNotNull(i) &&
                !valid_utf8(f->GetFieldAsString(i))) {
                ok = false;
                break;
            }
        }
        OGRFeature::DestroyFeature(f);
        ++rows;
    }
    layer->ResetReading();
    return ok;
}

}  // namespace

void init_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(collect_gdal_message);
        // Keep unclosed rings as read: we close them ourselves and say so per feature.
        CPLSetConfigOption("OGR_GEOMETRY_ACCEPT_UNCLOSED_RING", "YES");
        // GeoPackages stamp the time of writing (gpkg_contents.last_change); a fixed stamp keeps
        // reruns byte-identical. A user's own OGR_CURRENT_DATE is kept.
        if (!CPLGetConfigOption("OGR_CURRENT_DATE", nullptr)) CPLSetConfigOption("OGR_CURRENT_DATE", kFixedTimestamp);
    });
}

OpenedLayer::OpenedLayer(const LayerSource& src, const std::string& role) {
    init_gdal();
    file_ = src.path;
    std::error_code ec;
    if (src.path.empty()) fail(role, "", "missing_path", "no path given for the " + role + " layer");
    if (!fs::exists(src.path, ec)) fail(file_, "", "file_not_found", "file not found (" + role + " layer)");
    if (fs::is_regular_file(src.path, ec) && fs::file_size(src.path, ec) == 0)
        fail(file_, "", "empty_file", "the file is empty (0 bytes)");

    std::vector<std::string> options;
    std::string ext = lower(fs::path(src.path).extension().string());
    bool shapefile = ext == ".shp" || ext == ".dbf";
    bool raw_text_probe = false;
    if (ext == ".csv") {
        options.push_back("X_POSSIBLE_NAMES=" + (src.x_field.empty() ? std::string("lon,lng,longitude,x,经度") : src.x_field));
        options.push_back("Y_POSSIBLE_NAMES=" + (src.y_field.empty() ? std::string("lat,latitude,y,纬度") : src.y_field));
        options.push_back("KEEP_GEOM_COLUMNS=NO");
        options.push_back("AUTODETECT_TYPE=YES");
    }
    if (shapefile) {
        if (!src.encoding.empty()) options.push_back("ENCODING=" + src.encoding);
        else if (!has_cpg(src.path) && dbf_ldid(src.path) <= 0) {
            // No .cpg and no code page in the DBF header: read bytes as they are and decide below.
            options.push_back("ENCODING=");
            raw_text_probe = true;
        }
    }
    ds_ = open_vector(src.path, options);
    if (!ds_) {
        std::string why = gdal_last();
        fail(file_, "", "unreadable", "cannot be read as a GIS vector dataset" + (why.empty() ? std::string() : " (GDAL: " + why + ")"));
    }
    if (ds_->GetLayerCount() == 0) fail(file_, "", "no_layers", "the dataset has no vector layers");
    if (!src.layer.empty()) {
        layer_ = ds_->GetLayerByName(src.layer.c_str());
        if (!layer_) {
            std::string names;
            for (int i = 0; i < ds_->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds_->GetLayer(i)->GetName());
            fail(file_, src.layer, "layer_not_found", "no layer of that name; layers are: " + names);
        }
    } else {
        layer_ = ds_->GetLayer(0);
    }
    name_ = layer_->GetName();
    if (!src.where.empty() && layer_->SetAttributeFilter(src.where.c_str()) != OGRERR_NONE)
        fail(file_, name_, "bad_filter", "attribute filter '" + src.where + "' is not valid: " + gdal_last());

    if (raw_text_probe && !strings_are_utf8(layer_, 2000)) {
        GDALClose(ds_);
        ds_ = open_vector(src.path, {"ENCODING=GB18030"});
        if (!ds_) fail(file_, "", "unreadable", "cannot be re-read as GB18030: " + gdal_last());
        layer_ = src.layer.empty() ? ds_->GetLayer(0) : ds_->GetLayerByName(src.layer.c_str());
        if (!src.where.empty()) layer_->SetAttributeFilter(src.where.c_str());
        encoding_note_ = "no .cpg file and the text is not UTF-8: read as GB18030 (GBK); set encoding to override";
    }

    if (!src.crs.empty()) {
        try {
            crs_ = CrsSpec::parse(src.crs);
        } catch (const std::exception& e) {
            fail(file_, name_, "bad_crs", e.what(), "crs");
        }
    } else if (const OGRSpatialReference* srs = layer_->GetSpatialRef()) {
        char* wkt = nullptr;
        srs->exportToWkt(&wkt);
        crs_.datum = CrsSpec::Datum::ogc;
        crs_.definition = wkt ? wkt : "";
        CPLFree(wkt);
    } else {
        fail(file_, name_, "no_crs",
             "the layer has no coordinate reference system; name it in the project file ([" + role +
                 "] crs = \"EPSG:4326\", or GCJ02 / BD09) or with --set " + role + ".crs=...");
    }
    // Degree values under a projected CRS (EPSG:3857 declared on lon/lat data) would put the
    // whole study within 180 m of (0, 0) and give "0 households covered" without a word.
    if (crs_.datum == CrsSpec::Datum::ogc) {
        OGRSpatialReference srs;
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGREnvelope env;
        if (srs.SetFromUserInput(crs_.definition.c_str()) == OGRERR_NONE && srs.IsProjected() &&
            layer_->GetExtent(&env, TRUE) == OGRERR_NONE && std::isfinite(env.MinX) && std::isfinite(env.MaxY) &&
            env.MinX >= -180 && env.MaxX <= 180 && env.MinY >= -90 && env.MaxY <= 90 && (env.MaxX > env.MinX || env.MaxY > env.MinY)) {
            layer_->ResetReading();
            char buf[160];
            std::snprintf(buf, sizeof buf, "coordinates (x %.4f .. %.4f, y %.4f .. %.4f) look like degrees of longitude/latitude, ",
                          env.MinX, env.MaxX, env.MinY, env.MaxY);
            fail(file_, name_, "degrees_in_projected_crs",
                 buf + std::string("but the layer's CRS (") + crs_.describe() + ") is projected, in metres; if they are lon/lat, set [" +
                     role + "] crs = \"EPSG:4326\"", "crs");
        }
        layer_->ResetReading();
    }
}

OpenedLayer::~OpenedLayer() {
    if (ds_) GDALClose(ds_);
}

std::optional<OGREnvelope> OpenedLayer::wgs84_extent() const {
    OGREnvelope env;
    bool ok = layer_->GetExtent(&env, TRUE) == OGRERR_NONE && std::isfinite(env.MinX) && std::isfinite(env.MaxX) &&
              std::isfinite(env.MinY) && std::isfinite(env.MaxY);
    if (!ok) {
        // Some features have NaN/inf coordinates: build the extent from the finite ones.
        env = OGREnvelope();
        bool any = false;
        layer_->ResetReading();
        while (OGRFeature* f = layer_->GetNextFeature()) {
            if (const OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
                OGREnvelope e;
                g->getEnvelope(&e);
                if (std::isfinite(e.MinX) && std::isfinite(e.MaxX) && std::isfinite(e.MinY) && std::isfinite(e.MaxY)) {
                    env.Merge(e);
                    any = true;
                }
            }
            OGRFeature::DestroyFeature(f);
        }
        layer_->ResetReading();
        if (!any) return std::nullopt;
    }
    Reprojector rp(crs_, 4326);  // its "metric" CRS is WGS84: to_metric, no second pipeline
    double xs[5] = {env.MinX, env.MaxX, env.MinX, env.MaxX, (env.MinX + env.MaxX) / 2};
    double ys[5] = {env.MinY, env.MinY, env.MaxY, env.MaxY, (env.MinY + env.MaxY) / 2};
    rp.to_metric(xs, ys, 5);
    OGREnvelope out;
    for (int i = 0; i < 5; ++i)
        if (std::isfinite(xs[i]) && std::isfinite(ys[i])) out.Merge(xs[i], ys[i]);
    if (!out.IsInit()) return std::nullopt;
    return out;
}

int choose_metric_epsg(const std::string& setting, const OGREnvelope& e) {
    std::string s = lower(setting);
    if (s.empty() || s == "auto") return auto_metric_epsg((e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2);
    if (s.rfind("epsg:", 0) == 0) s = s.substr(5);
    char* end = nullptr;
    long code = std::strtol(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0' || code <= 0)
        throw base::UserError("metric CRS must be 'auto' or an EPSG code such as EPSG:4547, got '" + setting + "'");
    OGRSpatialReference* srs = make_srs(static_cast<int>(code));  // throws for unknown codes
    bool projected = srs->IsProjected();
    srs->Release();
    if (!projected) throw base::UserError("metric CRS EPSG:" + std::to_string(code) + " is not a projected CRS in metres");
    return static_cast<int>(code);
}

}  // namespace lc::geo
