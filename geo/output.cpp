#include "geo/output.hpp"

#include <cpl_string.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>

#include "geo/crs.hpp"
#include "geo/layer.hpp"

namespace fs = std::filesystem;

namespace lc::geo {
namespace {
std::mutex g_tmp_mutex;
std::set<std::string>& temps() {
    static std::set<std::string> s;
    return s;
}
std::string temp_name(const std::string& path) {
    fs::path p(path);
    // Keep the extension so GDAL picks the right driver behaviour for the temp file.
    return (p.parent_path() / ("." + p.stem().string() + ".tmp" + std::to_string(::getpid()) + p.extension().string())).string();
}
}  // namespace

void TempRegistry::add(const std::string& path) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    temps().insert(path);
}
void TempRegistry::remove(const std::string& path) {
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    temps().erase(path);
}
void TempRegistry::delete_all() noexcept {
    for (const auto& p : temps()) {
        std::error_code ec;
        fs::remove_all(p, ec);
    }
}

void write_text_atomic(const std::string& path, const std::string& content) {
    std::string tmp = temp_name(path);
    TempRegistry::add(tmp);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path + " (cannot create " + tmp + ")");
        out << content;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + path + " (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    TempRegistry::remove(tmp);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot move the finished file into place at " + path);
    }
}

VectorOutput::VectorOutput(const std::string& path, const std::string& driver) : path_(path), driver_(driver) {
    init_gdal();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    if (!drv) throw std::runtime_error("GDAL driver " + driver + " is not available");
    tmp_ = temp_name(path);
    std::error_code ec;
    fs::remove_all(tmp_, ec);
    TempRegistry::add(tmp_);
    if (driver == "ESRI Shapefile") fs::create_directories(tmp_, ec);
    ds_ = drv->Create(tmp_.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds_) throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
}

VectorOutput::~VectorOutput() {
    if (ds_) GDALClose(ds_);
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(tmp_, ec);
        TempRegistry::remove(tmp_);
    }
}

OGRLayer* VectorOutput::create_layer(const std::string& name, OGRwkbGeometryType type, int epsg,
                                     const std::vector<std::string>& options) {
    OGRSpatialReference* srs = make_srs(epsg);
    CPLStringList opts;
    for (const auto& o : options) opts.AddString(o.c_str());
    OGRLayer* layer = ds_->CreateLayer(name.c_str(), srs, type, opts.List());
    srs->Release();
    if (!layer) throw std::runtime_error("cannot create layer " + name + " in " + path_ + ": " + CPLGetLastErrorMsg());
    return layer;
}

void VectorOutput::commit() {
    CPLErrorReset();
    GDALClose(ds_);
    ds_ = nullptr;
    if (CPLGetLastErrorType() >= CE_Failure) throw std::runtime_error("writing " + path_ + " failed: " + CPLGetLastErrorMsg());
    std::error_code ec;
    if (fs::is_directory(tmp_)) {
        fs::remove_all(path_, ec);
    }
    fs::rename(tmp_, path_, ec);
    if (ec) throw std::runtime_error("cannot move the finished file into place at " + path_ + ": " + ec.message());
    TempRegistry::remove(tmp_);
    committed_ = true;
}

void start_transaction(OGRLayer* layer) {
    if (layer->StartTransaction() != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot start writing layer ") + layer->GetName() + ": " + CPLGetLastErrorMsg());
}

void commit_transaction(OGRLayer* layer) {
    if (layer->CommitTransaction() != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot finish writing layer ") + layer->GetName() + ": " + CPLGetLastErrorMsg());
}

void add_field(OGRLayer* layer, const std::string& name, OGRFieldType type, int width, int precision) {
    OGRFieldDefn fd(name.c_str(), type);
    if (width) fd.SetWidth(width);
    if (precision) fd.SetPrecision(precision);
    if (layer->CreateField(&fd) != OGRERR_NONE)
        throw std::runtime_error("cannot create field '" + name + "' in layer " + layer->GetName() + ": " + CPLGetLastErrorMsg());
}

}  // namespace lc::geo
