#include "geo/output.hpp"
#include "base/error.hpp"

#include <cpl_string.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
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

namespace {
// The PID in a temporary's name ("...tmp1234..."), 0 when there is none.
long pid_in_name(const std::string& name, const std::string& marker) {
    auto at = name.find(marker);
    if (at == std::string::npos) return 0;
    const char* digits = name.c_str() + at + marker.size();
    char* end = nullptr;
    long pid = std::strtol(digits, &end, 10);
    return end == digits ? 0 : pid;
}
// A temporary of a process that no longer runs (kill(pid, 0) fails with ESRCH): safe to remove.
bool owner_gone(long pid) { return pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

const char* kManifest = ".lifecircle-outputs";
}  // namespace

void remove_stale_temporaries(const std::string& path) {
    fs::path p(path);
    fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    const std::string prefix = "." + p.stem().string() + ".tmp";
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) == 0 && owner_gone(pid_in_name(name, ".tmp"))) {
            std::error_code rm;
            fs::remove_all(it->path(), rm);
        }
    }
}

OutputDir::OutputDir(const std::string& final_dir) {
    fs::path f = fs::absolute(final_dir).lexically_normal();
    if (f.filename().empty()) f = f.parent_path();  // "out/" -> "out"
    final_ = f.string();
    const fs::path parent = f.parent_path();
    const std::string marker = "." + f.filename().string() + ".lifecircle-tmp";
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw base::UserError("cannot create the folder " + parent.string() + ": " + ec.message());
    if (fs::exists(f) && !fs::is_directory(f)) throw base::UserError(final_ + " exists and is not a folder: choose another --out");
    {
        // The folder is replaced as a whole: it must not hold the working directory (--out .).
        const std::string cwd = fs::current_path().lexically_normal().string();
        if (cwd == final_ || cwd.rfind(final_ + "/", 0) == 0)
            throw base::UserError("--out " + final_dir + " is the current folder or holds it: give the outputs a folder of their own");
    }
    for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(marker, 0) == 0 && owner_gone(pid_in_name(name, ".lifecircle-tmp"))) {
            std::error_code rm;
            fs::remove_all(it->path(), rm);
        }
    }
    staging_ = (parent / (marker + std::to_string(::getpid()))).string();
    fs::remove_all(staging_, ec);
    TempRegistry::add(staging_);
    fs::create_directory(staging_, ec);
    if (ec) throw std::runtime_error("cannot create the staging folder " + staging_ + ": " + ec.message());
}

OutputDir::~OutputDir() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(staging_, ec);
    }
    TempRegistry::remove(staging_);
}

void OutputDir::commit() {
    std::error_code ec;
    // What this run wrote is its manifest; the old folder's manifest says which of its entries
    // were lifecircle's (replaced or dropped) and which are the user's (carried over).
    std::set<std::string> written;
    for (const auto& e : fs::directory_iterator(staging_)) written.insert(e.path().filename().string());
    std::string manifest;
    for (const auto& n : written) manifest += n + "\n";
    {
        std::ofstream out(fs::path(staging_) / kManifest, std::ios::binary);
        out << manifest;
        if (!out) throw std::runtime_error("cannot write " + staging_ + "/" + kManifest);
    }
    const bool had_old = fs::is_directory(final_);
    if (had_old) {
        std::set<std::string> old_ours{kManifest};
        std::ifstream in(fs::path(final_) / kManifest);
        for (std::string line; std::getline(in, line);) old_ours.insert(line);
        for (const auto& e : fs::directory_iterator(final_)) {
            const std::string name = e.path().filename().string();
            // Ours, replaced by this run, or a temporary of an older version (".x.tmpPID.ext").
            if (old_ours.count(name) || written.count(name) || (name[0] == '.' && name.find(".tmp") != std::string::npos)) continue;
            const fs::path to = fs::path(staging_) / name;
            if (e.is_directory()) {
                // A user's folder: rebuilt of hard links (cheap; the old one stays intact until the swap).
                fs::create_directory(to);
                for (auto r = fs::recursive_directory_iterator(e.path()); r != fs::recursive_directory_iterator(); ++r) {
                    const fs::path rel = fs::relative(r->path(), e.path());
                    if (r->is_directory()) fs::create_directories(to / rel);
                    else fs::create_hard_link(r->path(), to / rel);
                }
            } else {
                fs::create_hard_link(e.path(), to, ec);
                if (ec) fs::copy_file(e.path(), to);  // e.g. a file system without hard links
            }
        }
        if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0)
            throw std::runtime_error("cannot put the new outputs in place at " + final_ + ": " + std::strerror(errno));
        committed_ = true;
        fs::remove_all(staging_, ec);  // now the old set
    } else {
        fs::rename(staging_, final_, ec);
        if (ec) throw std::runtime_error("cannot put the new outputs in place at " + final_ + ": " + ec.message());
        committed_ = true;
    }
}

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
    remove_stale_temporaries(path);
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
    remove_stale_temporaries(path);
    std::error_code ec;
    fs::remove_all(tmp_, ec);
    TempRegistry::add(tmp_);
    TempRegistry::add(tmp_ + "-journal");  // SQLite's rollback journal while a transaction is open
    if (driver == "ESRI Shapefile") fs::create_directories(tmp_, ec);
    ds_ = drv->Create(tmp_.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!ds_) throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
}

VectorOutput::~VectorOutput() {
    if (ds_) GDALClose(ds_);
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(tmp_, ec);
        fs::remove(tmp_ + "-journal", ec);
        TempRegistry::remove(tmp_);
    }
    TempRegistry::remove(tmp_ + "-journal");
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

BulkLayer& VectorOutput::create_bulk_layer(const std::string& name, OGRwkbGeometryType type, int epsg) {
    bulk_.push_back(std::make_unique<BulkLayer>(*this, name, type, epsg, tmp_ + "." + name + ".rtree"));
    return *bulk_.back();
}

void VectorOutput::commit() {
    for (auto& b : bulk_) b->finish();
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

// ---------------------------------------------------------------------------------------------
// BulkLayer

namespace {
std::string run_sql(GDALDataset* ds, const std::string& sql, const std::string& what);
std::string sql_text(const std::string& s);
}  // namespace

void VectorOutput::create_view_layer(const std::string& name, const std::string& source, const std::string& where_sql) {
    if (driver_ != "GPKG") throw std::logic_error("view layers need a GeoPackage");
    OGRLayer* src = ds_->GetLayerByName(source.c_str());
    if (!src) throw std::logic_error("view of unknown layer " + source);
    const std::string what = "creating the view " + name + " in " + path_;
    const std::string q = "\"" + name + "\"", qs = "\"" + source + "\"";
    run_sql(ds_, "CREATE VIEW " + q + " AS SELECT * FROM " + qs + " WHERE " + where_sql, what);
    run_sql(ds_, "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) "
                 "SELECT " + sql_text(name) + ", data_type, " + sql_text(name) + ", '', last_change, min_x, min_y, max_x, max_y, srs_id "
                 "FROM gpkg_contents WHERE table_name = " + sql_text(source), what);
    run_sql(ds_, "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
                 "SELECT " + sql_text(name) + ", column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns "
                 "WHERE table_name = " + sql_text(source), what);
}

namespace {

// Runs one SQL statement on a GeoPackage; returns the first column of the first row ("" if none).
std::string run_sql(GDALDataset* ds, const std::string& sql, const std::string& what) {
    CPLErrorReset();
    OGRLayer* result = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    std::string value;
    if (result) {
        if (OGRFeature* f = result->GetNextFeature()) {
            if (f->GetFieldCount() > 0 && f->IsFieldSetAndNotNull(0)) value = f->GetFieldAsString(0);
            OGRFeature::DestroyFeature(f);
        }
        ds->ReleaseResultSet(result);
    }
    if (CPLGetLastErrorType() >= CE_Failure) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
    return value;
}

std::string sql_text(const std::string& s) {  // 'quoted' SQL string literal
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}
std::string sql_name(const std::string& s) {  // "quoted" SQL identifier
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// SQLite stores R-tree coordinates as 32-bit floats rounded outwards; this is its own rounding
// (rtreeValueDown/rtreeValueUp in sqlite's rtree.c), so the entries equal those of row inserts.
float rtree_down(double d) {
    float f = static_cast<float>(d);
    if (f > d) f = static_cast<float>(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
    return f;
}
float rtree_up(double d) {
    float f = static_cast<float>(d);
    if (f < d) f = static_cast<float>(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
    return f;
}

void put_be(GByte* out, uint64_t v, int bytes) {  // big-endian, as SQLite's R-tree stores numbers
    for (int i = 0; i < bytes; ++i) out[i] = static_cast<GByte>(v >> (8 * (bytes - 1 - i)));
}
uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

// Sort-tile-recursive order: vertical slices by x centre, each sorted by y centre, so that every
// run of `fanout` consecutive entries is a compact tile (ties by id keep the order deterministic).
void str_order(std::vector<BulkLayer::Entry>& v, size_t fanout) {
    auto cx = [](const BulkLayer::Entry& e) { return static_cast<double>(e.minx) + e.maxx; };
    auto cy = [](const BulkLayer::Entry& e) { return static_cast<double>(e.miny) + e.maxy; };
    std::sort(v.begin(), v.end(), [&](const auto& a, const auto& b) { return cx(a) != cx(b) ? cx(a) < cx(b) : a.id < b.id; });
    const size_t nodes = (v.size() + fanout - 1) / fanout;
    const size_t slice = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(nodes)))) * fanout;
    for (size_t i = 0; i < v.size(); i += slice)
        std::sort(v.begin() + i, v.begin() + std::min(v.size(), i + slice),
                  [&](const auto& a, const auto& b) { return cy(a) != cy(b) ? cy(a) < cy(b) : a.id < b.id; });
}

// Packs the entries into an R-tree (sort-tile-recursive) in SQLite's own format and writes its
// three tables into a new SQLite file `scratch`, from where BulkLayer::finish() copies them into
// the output's R-tree tables <rtree>_node, _rowid and _parent. The format (sqlite's rtree.c):
// node 1 is the root; a node is a blob of node_size bytes: the tree depth (2 bytes, root only),
// the cell count (2 bytes), then cells of an 8-byte id (the row id in leaves, the child node
// above) and minx, maxx, miny, maxy as floats, all big-endian; _rowid maps every row id to its
// leaf, _parent every other node to its parent. Works on its own file, so it runs on another
// thread while the output is still being written (and the blobs go in as bound values, not SQL
// text: GDAL scans every SQL statement several times).
void pack_rtree(const std::string& scratch, std::vector<BulkLayer::Entry> level, size_t node_size) {
    const std::string what = "cannot pack a spatial index in " + scratch;
    const size_t fanout = (node_size - 4) / 24;
    if (fanout < 2) throw std::runtime_error(what + ": unexpected R-tree node size " + std::to_string(node_size));
    std::error_code ec;
    fs::remove(scratch, ec);  // a stale one from an earlier, killed run
    GDALDriver* sqlite = GetGDALDriverManager()->GetDriverByName("SQLite");
    CPLStringList options;
    options.AddString("METADATA=NO");
    GDALDataset* db = sqlite ? sqlite->Create(scratch.c_str(), 0, 0, 0, GDT_Unknown, options.List()) : nullptr;
    if (!db) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
    struct Close {
        GDALDataset* db;
        ~Close() { GDALClose(db); }
    } close{db};
    run_sql(db, "PRAGMA journal_mode = OFF", what);  // a scratch file: nothing to roll back
    CPLStringList layer_options;
    layer_options.AddString("FID=nodeno");
    OGRLayer* nodes = db->CreateLayer("node", nullptr, wkbNone, layer_options.List());
    OGRFieldDefn data("data", OFTBinary);
    if (!nodes || nodes->CreateField(&data) != OGRERR_NONE || nodes->StartTransaction() != OGRERR_NONE)
        throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
    geo::FeaturePtr f(OGRFeature::CreateFeature(nodes->GetLayerDefn()));
    std::vector<GByte> blob(node_size);

    int64_t min_id = level.front().id, max_id = level.front().id;
    for (const auto& e : level) min_id = std::min(min_id, e.id), max_id = std::max(max_id, e.id);
    std::vector<int64_t> leaf_of(static_cast<size_t>(max_id - min_id + 1), 0);  // by row id - min_id; 0 = no entry
    std::vector<int64_t> parent_of;                                            // by node number - 2
    int64_t next_node = 2;
    for (int depth = 0;; ++depth) {
        const bool root = level.size() <= fanout;
        str_order(level, fanout);
        std::vector<BulkLayer::Entry> parents;
        for (size_t i = 0; i < level.size(); i += fanout) {
            const size_t n = std::min(fanout, level.size() - i);
            const int64_t node = root ? 1 : next_node++;
            BulkLayer::Entry box = level[i];
            box.id = node;
            std::fill(blob.begin(), blob.end(), 0);
            put_be(&blob[0], root ? depth : 0, 2);
            put_be(&blob[2], n, 2);
            for (size_t k = 0; k < n; ++k) {
                const auto& e = level[i + k];
                GByte* cell = &blob[4 + 24 * k];
                put_be(cell, static_cast<uint64_t>(e.id), 8);
                put_be(cell + 8, float_bits(e.minx), 4);
                put_be(cell + 12, float_bits(e.maxx), 4);
                put_be(cell + 16, float_bits(e.miny), 4);
                put_be(cell + 20, float_bits(e.maxy), 4);
                box.minx = std::min(box.minx, e.minx), box.maxx = std::max(box.maxx, e.maxx);
                box.miny = std::min(box.miny, e.miny), box.maxy = std::max(box.maxy, e.maxy);
                if (depth == 0) leaf_of[e.id - min_id] = node;
                else parent_of[e.id - 2] = node;
            }
            f->SetFID(node);
            f->SetField(0, static_cast<int>(blob.size()), blob.data());
            if (nodes->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
            parents.push_back(box);
        }
        if (root) break;
        parent_of.resize(static_cast<size_t>(next_node - 2), 0);
        level = std::move(parents);
    }
    if (nodes->CommitTransaction() != OGRERR_NONE) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
    // The mappings go in as one JSON array each (SQLite's json_each): far less SQL than VALUES rows.
    auto json_array = [](const std::vector<int64_t>& v) {
        std::string s = "'[";
        for (size_t i = 0; i < v.size(); ++i) (s += i ? "," : "") += std::to_string(v[i]);
        return s + "]'";
    };
    run_sql(db, "CREATE TABLE rowid(rowid INTEGER PRIMARY KEY, nodeno)", what);
    run_sql(db, "INSERT INTO rowid SELECT key + " + std::to_string(min_id) + ", value FROM json_each(" + json_array(leaf_of) +
                    ") WHERE value > 0", what);
    run_sql(db, "CREATE TABLE parent(nodeno INTEGER PRIMARY KEY, parentnode)", what);
    run_sql(db, "INSERT INTO parent SELECT key + 2, value FROM json_each(" + json_array(parent_of) + ")", what);
}

}  // namespace

BulkLayer::BulkLayer(VectorOutput& out, const std::string& name, OGRwkbGeometryType type, int epsg, const std::string& scratch)
    : ds_(out.dataset()), rows_(out.rows_counter()), gpkg_(EQUAL(out.dataset()->GetDriver()->GetDescription(), "GPKG")), scratch_(scratch) {
    // No per-row index upkeep: begin() creates the index empty, finish() fills it.
    layer_ = out.create_layer(name, type, epsg, gpkg_ && type != wkbNone ? std::vector<std::string>{"SPATIAL_INDEX=NO"} : std::vector<std::string>{});
}

BulkLayer::~BulkLayer() {
    if (packed_.valid()) packed_.wait();  // an error left it packing: let it end, then clean up
    std::error_code ec;
    fs::remove(scratch_, ec);
    TempRegistry::remove(scratch_);
}

// Creates the (empty) spatial index with GDAL, so its tables, triggers and metadata are GDAL's own,
// and drops the trigger that would add every new row to it. Runs at the first write(), once the
// fields exist.
void BulkLayer::begin() {
    begun_ = true;
    if (!gpkg_ || layer_->GetGeomType() == wkbNone) return;
    const std::string table = layer_->GetName(), column = layer_->GetGeometryColumn();
    const std::string what = "cannot create the spatial index of layer " + table;
    run_sql(ds_, "SELECT CreateSpatialIndex(" + sql_text(table) + ", " + sql_text(column) + ")", what);
    rtree_ = "rtree_" + table + "_" + column;
    const std::string trigger = run_sql(ds_, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = " + sql_text(rtree_ + "_insert"), what);
    if (trigger.empty()) return;  // another GDAL version, which maintains the index itself: leave it be
    const std::string node_size = run_sql(ds_, "SELECT length(data) FROM " + sql_name(rtree_ + "_node") + " WHERE nodeno = 1", what);
    if (node_size.empty()) return;
    node_size_ = std::stoul(node_size);
    insert_trigger_ = trigger;
    run_sql(ds_, "DROP TRIGGER " + sql_name(rtree_ + "_insert"), what);
}

void BulkLayer::write(OGRFeature* f) {
    if (!begun_) begin();
    if (packed_.valid()) throw std::logic_error(std::string("layer ") + layer_->GetName() + " written after prepare_index()");
    f->SetFID(OGRNullFID);
    if (layer_->CreateFeature(f) != OGRERR_NONE)
        throw std::runtime_error(std::string("cannot write a feature to layer ") + layer_->GetName() + ": " + CPLGetLastErrorMsg());
    base::count(rows_);
    // The dropped trigger's rule: rows with a non-empty geometry are indexed.
    const OGRGeometry* g = f->GetGeometryRef();
    if (!insert_trigger_.empty() && g && !g->IsEmpty()) {
        OGREnvelope e;
        g->getEnvelope(&e);
        entries_.push_back({f->GetFID(), rtree_down(e.MinX), rtree_up(e.MaxX), rtree_down(e.MinY), rtree_up(e.MaxY)});
    }
}

void BulkLayer::prepare_index() {
    if (!begun_) begin();
    if (insert_trigger_.empty() || entries_.empty() || packed_.valid()) return;
    TempRegistry::add(scratch_);
    packed_ = std::async(std::launch::async, pack_rtree, scratch_, std::move(entries_), node_size_);
    entries_.clear();
}

void BulkLayer::finish() {
    if (finished_) return;
    finished_ = true;
    prepare_index();
    if (insert_trigger_.empty()) return;
    const std::string what = "cannot write the spatial index " + rtree_;
    if (packed_.valid()) {
        packed_.get();
        // Copies the packed tables in (ATTACH needs to be outside a transaction).
        run_sql(ds_, "ATTACH DATABASE " + sql_text(scratch_) + " AS lc_rtree", what);
        if (ds_->StartTransaction() != OGRERR_NONE) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
        run_sql(ds_, "DELETE FROM " + sql_name(rtree_ + "_node"), what);  // the empty root SQLite made
        run_sql(ds_, "INSERT INTO " + sql_name(rtree_ + "_node") + " SELECT nodeno, data FROM lc_rtree.node", what);
        run_sql(ds_, "INSERT INTO " + sql_name(rtree_ + "_rowid") + " SELECT rowid, nodeno FROM lc_rtree.rowid", what);
        run_sql(ds_, "INSERT INTO " + sql_name(rtree_ + "_parent") + " SELECT nodeno, parentnode FROM lc_rtree.parent", what);
        run_sql(ds_, insert_trigger_, what);
        if (ds_->CommitTransaction() != OGRERR_NONE) throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
        run_sql(ds_, "DETACH DATABASE lc_rtree", what);
        std::error_code ec;
        fs::remove(scratch_, ec);
        TempRegistry::remove(scratch_);
    } else {
        run_sql(ds_, insert_trigger_, what);
    }
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
