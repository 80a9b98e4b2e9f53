#include "geo/output.hpp"
#include "base/error.hpp"

#include <cpl_string.h>
#include <sqlite3.h>
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
#include <map>
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
    bulk_.clear();  // their SQLite statements end before the connection does
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

namespace {
// The bulk layers writing rows straight to SQLite, by their GDAL layer: commit_transaction(layer)
// inserts the rows still buffered before the COMMIT.
std::mutex g_direct_mutex;
std::map<const OGRLayer*, BulkLayer*>& direct_layers() {
    static std::map<const OGRLayer*, BulkLayer*> m;
    return m;
}
}  // namespace

// The GeoPackage rows path: each write() turns the feature into the values GDAL's CreateFeature
// would bind (the same GeoPackage geometry blob: "GP" header, srs_id, envelope unless a point or
// empty, ISO WKB; integers, reals, text and blobs as they are; unset fields as NULL), buffered,
// and rows_per_insert rows go into one INSERT (one statement step per row costs more than its
// values). The fid is given, counting on from the table's last one as SQLite's AUTOINCREMENT
// does. GDAL's own bookkeeping is redone by finish(): the feature-count trigger (dropped while
// writing, as GDAL does), the row count in gpkg_ogr_contents and the extent in gpkg_contents.
struct BulkLayer::Direct {
    sqlite3* db = nullptr;
    std::string table;
    std::vector<std::string> count_triggers;  // SQL of GDAL's feature-count triggers, dropped while writing
    int srs_id = 0;
    std::vector<OGRFieldType> types;  // of the layer's fields, in order
    bool geometry = false;
    size_t columns = 0, rows_per_insert = 1;
    sqlite3_stmt* many = nullptr;  // rows_per_insert rows
    sqlite3_stmt* one = nullptr;   // one row, for the rest
    int64_t next_fid = 1;
    struct Value {
        enum Kind : uint8_t { null, integer, real, text, blob } kind = null;
        int64_t i = 0;  // integer, or offset into bytes
        double d = 0;   // real
        size_t len = 0; // text/blob bytes
    };
    std::vector<Value> pending;  // columns values per buffered row
    std::string bytes;           // the text and blobs of the buffered rows
    std::vector<GByte> wkb;
    bool have_extent = false;
    double minx = 0, maxx = 0, miny = 0, maxy = 0;

    ~Direct() {
        sqlite3_finalize(many);
        sqlite3_finalize(one);
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("cannot write to layer " + table + ": " + what + ": " + sqlite3_errmsg(db));
    }
    void exec(const std::string& sql) const {
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }
    std::string text_of(const std::string& sql) const {  // first column of the first row
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(sql);
        std::string v;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return v;
    }
    sqlite3_stmt* prepare(const std::string& head, const std::string& row, size_t rows) const {
        std::string sql = head;
        for (size_t r = 0; r < rows; ++r) (sql += r ? "," : " VALUES ") += row;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail("preparing the insert");
        return st;
    }

    void add_blob(const GByte* p, size_t n, Value::Kind kind) {
        Value v;
        v.kind = kind;
        v.i = static_cast<int64_t>(bytes.size());
        v.len = n;
        bytes.append(reinterpret_cast<const char*>(p), n);
        pending.push_back(v);
    }
    // GDAL's GeoPackage geometry blob for g (GPkgGeometryFromOGR).
    void add_geometry(const OGRGeometry* g) {
        if (!g) {
            pending.push_back({});
            return;
        }
        const bool empty = g->IsEmpty(), point = wkbFlatten(g->getGeometryType()) == wkbPoint;
        const int dims = g->getCoordinateDimension();  // 2 for XY/XYM, 3 for XYZ/XYZM: no M in envelopes
        GByte header[8 + 48];
        size_t header_len = 8;
        header[0] = 'G', header[1] = 'P', header[2] = 0;
        header[3] = 0x01;  // little-endian
        const int32_t srs = srs_id;
        std::memcpy(header + 4, &srs, 4);
        if (empty) header[3] |= 0x10;
        else if (!point) {
            OGREnvelope3D e;
            g->getEnvelope(&e);
            const double box[6] = {e.MinX, e.MaxX, e.MinY, e.MaxY, e.MinZ, e.MaxZ};
            header[3] |= (dims == 3 ? 2 : 1) << 1;
            std::memcpy(header + 8, box, 8 * 2 * dims);
            header_len += 8 * 2 * dims;
        }
        wkb.resize(header_len + g->WkbSize());
        std::memcpy(wkb.data(), header, header_len);
        if (g->exportToWkb(wkbNDR, wkb.data() + header_len, wkbVariantIso) != OGRERR_NONE)
            throw std::runtime_error("cannot write to layer " + table + ": a geometry cannot be encoded as WKB");
        add_blob(wkb.data(), wkb.size(), Value::blob);
        if (!empty) {
            OGREnvelope e;
            g->getEnvelope(&e);
            if (!have_extent) minx = e.MinX, maxx = e.MaxX, miny = e.MinY, maxy = e.MaxY;
            else minx = std::min(minx, e.MinX), maxx = std::max(maxx, e.MaxX), miny = std::min(miny, e.MinY), maxy = std::max(maxy, e.MaxY);
            have_extent = true;
        }
    }
    // Buffers f's row; returns its fid.
    int64_t add(const OGRFeature* f) {
        const int64_t fid = next_fid++;
        Value v;
        v.kind = Value::integer;
        v.i = fid;
        pending.push_back(v);
        if (geometry) add_geometry(f->GetGeomFieldRef(0));
        for (int i = 0; i < static_cast<int>(types.size()); ++i) {
            if (!f->IsFieldSetAndNotNull(i)) {
                pending.push_back({});
                continue;
            }
            Value x;
            switch (types[i]) {
                case OFTInteger:
                case OFTInteger64:
                    x.kind = Value::integer;
                    x.i = f->GetFieldAsInteger64(i);
                    pending.push_back(x);
                    break;
                case OFTReal:
                    x.kind = Value::real;
                    x.d = f->GetFieldAsDouble(i);
                    pending.push_back(x);
                    break;
                case OFTString: {
                    const char* t = f->GetFieldAsString(i);
                    add_blob(reinterpret_cast<const GByte*>(t), std::strlen(t), Value::text);
                    break;
                }
                default: {  // OFTBinary (begin() admits no other type)
                    int n = 0;
                    const GByte* b = f->GetFieldAsBinary(i, &n);
                    add_blob(b, static_cast<size_t>(n), Value::blob);
                    break;
                }
            }
        }
        if (pending.size() == rows_per_insert * columns) flush();
        return fid;
    }
    void flush() {
        const size_t rows = pending.size() / columns;
        size_t r = 0;
        auto bind_rows = [&](sqlite3_stmt* st, size_t n) {
            sqlite3_reset(st);
            for (size_t k = 0; k < n * columns; ++k) {
                const Value& v = pending[r * columns + k];
                const int at = static_cast<int>(k) + 1;
                int rc = SQLITE_OK;
                switch (v.kind) {
                    case Value::null: rc = sqlite3_bind_null(st, at); break;
                    case Value::integer: rc = sqlite3_bind_int64(st, at, v.i); break;
                    case Value::real: rc = sqlite3_bind_double(st, at, v.d); break;
                    case Value::text: rc = sqlite3_bind_text(st, at, bytes.data() + v.i, static_cast<int>(v.len), SQLITE_STATIC); break;
                    case Value::blob: rc = sqlite3_bind_blob(st, at, bytes.data() + v.i, static_cast<int>(v.len), SQLITE_STATIC); break;
                }
                if (rc != SQLITE_OK) fail("binding a value");
            }
            if (sqlite3_step(st) != SQLITE_DONE) fail("inserting rows");
            sqlite3_clear_bindings(st);  // the bound text and blobs live in `bytes`, cleared below
            r += n;
        };
        while (rows - r >= rows_per_insert && rows_per_insert > 1) bind_rows(many, rows_per_insert);
        while (r < rows) bind_rows(one, 1);
        pending.clear();
        bytes.clear();
    }
    // GDAL's bookkeeping of the rows (see above); every row is flushed.
    void finish() {
        flush();
        for (const std::string& sql : count_triggers) exec(sql);
        count_triggers.clear();
        const std::string t = sql_text(table);
        exec("UPDATE gpkg_ogr_contents SET feature_count = (SELECT COUNT(*) FROM " + sql_name(table) + ") WHERE lower(table_name) = lower(" + t + ")");
        if (!have_extent) return;
        sqlite3_stmt* st = nullptr;
        const std::string sql =
            "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), max_x = max(coalesce(max_x, ?2), ?2), "
            "min_y = min(coalesce(min_y, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4) WHERE lower(table_name) = lower(" + t + ")";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(sql);
        sqlite3_bind_double(st, 1, minx);
        sqlite3_bind_double(st, 2, maxx);
        sqlite3_bind_double(st, 3, miny);
        sqlite3_bind_double(st, 4, maxy);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) fail(sql);
    }
};

BulkLayer::BulkLayer(VectorOutput& out, const std::string& name, OGRwkbGeometryType type, int epsg, const std::string& scratch)
    : ds_(out.dataset()), rows_(out.rows_counter()), gpkg_(EQUAL(out.dataset()->GetDriver()->GetDescription(), "GPKG")), scratch_(scratch) {
    // No per-row index upkeep: begin() creates the index empty, finish() fills it.
    layer_ = out.create_layer(name, type, epsg, gpkg_ && type != wkbNone ? std::vector<std::string>{"SPATIAL_INDEX=NO"} : std::vector<std::string>{});
}

BulkLayer::~BulkLayer() {
    if (direct_) {
        std::lock_guard lock(g_direct_mutex);
        direct_layers().erase(layer_);
    }
    if (packed_.valid()) packed_.wait();  // an error left it packing: let it end, then clean up
    std::error_code ec;
    fs::remove(scratch_, ec);
    TempRegistry::remove(scratch_);
}

// Creates the (empty) spatial index with GDAL, so its tables, triggers and metadata are GDAL's own,
// and drops the trigger that would add every new row to it; then sets up the rows path. Runs at
// the first write(), once the fields exist.
void BulkLayer::begin() {
    begun_ = true;
    if (!gpkg_) return;
    const std::string table = layer_->GetName();
    if (layer_->GetGeomType() == wkbNone) {
        run_sql(ds_, "SELECT 1", "cannot create layer " + table);  // GDAL creates deferred tables before any SQL
    } else {
        const std::string column = layer_->GetGeometryColumn();
        const std::string what = "cannot create the spatial index of layer " + table;
        run_sql(ds_, "SELECT CreateSpatialIndex(" + sql_text(table) + ", " + sql_text(column) + ")", what);
        rtree_ = "rtree_" + table + "_" + column;
        const std::string trigger = run_sql(ds_, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = " + sql_text(rtree_ + "_insert"), what);
        const std::string node_size =
            trigger.empty() ? "" : run_sql(ds_, "SELECT length(data) FROM " + sql_name(rtree_ + "_node") + " WHERE nodeno = 1", what);
        if (!node_size.empty()) {  // else another GDAL version, which maintains the index itself: leave it be
            node_size_ = std::stoul(node_size);
            insert_trigger_ = trigger;
            run_sql(ds_, "DROP TRIGGER " + sql_name(rtree_ + "_insert"), what);
        }
    }

    // The rows path, for the field types whose values GDAL binds as they are.
    OGRFeatureDefn* defn = layer_->GetLayerDefn();
    auto* db = static_cast<sqlite3*>(ds_->GetInternalHandle("SQLITE_HANDLE"));
    if (!db || defn->GetGeomFieldCount() > 1 || !*layer_->GetFIDColumn()) return;
    auto d = std::make_unique<Direct>();
    d->db = db;
    d->table = table;
    d->geometry = defn->GetGeomFieldCount() == 1;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* fd = defn->GetFieldDefn(i);
        const OGRFieldType t = fd->GetType();
        if (!(t == OFTInteger || t == OFTInteger64 || t == OFTReal || t == OFTString || t == OFTBinary) || fd->GetDefault()) return;
        d->types.push_back(t);
    }
    const std::string t = sql_text(table);
    if (d->geometry) {
        const std::string srs = d->text_of("SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(" + t + ")");
        if (srs.empty()) return;
        d->srs_id = std::stoi(srs);
    }
    const std::string last_fid = d->text_of("SELECT max(coalesce((SELECT max(" + sql_name(layer_->GetFIDColumn()) + ") FROM " + sql_name(table) +
                                            "), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = " + t + "), 0))");
    d->next_fid = (last_fid.empty() ? 0 : std::stoll(last_fid)) + 1;
    // GDAL drops both while it writes and makes them again in this order.
    std::vector<std::string> count_triggers;
    for (const char* kind : {"insert", "delete"}) {
        const std::string name = std::string("trigger_") + kind + "_feature_count_" + table;
        const std::string sql = d->text_of("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = " + sql_text(name));
        if (!sql.empty()) count_triggers.push_back(name), d->count_triggers.push_back(sql);
    }
    std::string head = "INSERT INTO " + sql_name(table) + " (" + sql_name(layer_->GetFIDColumn());
    if (d->geometry) head += ", " + sql_name(layer_->GetGeometryColumn());
    for (int i = 0; i < defn->GetFieldCount(); ++i) head += ", " + sql_name(defn->GetFieldDefn(i)->GetNameRef());
    head += ")";
    d->columns = 1 + (d->geometry ? 1 : 0) + d->types.size();
    std::string row = "(?";
    for (size_t c = 1; c < d->columns; ++c) row += ",?";
    row += ")";
    const size_t max_values = static_cast<size_t>(std::max(1, sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1)));
    d->rows_per_insert = std::clamp<size_t>(max_values / d->columns, 1, 64);
    d->one = d->prepare(head, row, 1);
    if (d->rows_per_insert > 1) d->many = d->prepare(head, row, d->rows_per_insert);
    for (const std::string& name : count_triggers) d->exec("DROP TRIGGER " + sql_name(name));
    direct_ = std::move(d);
    std::lock_guard lock(g_direct_mutex);
    direct_layers()[layer_] = this;
}

void BulkLayer::write(OGRFeature* f) {
    if (!begun_) begin();
    if (packed_.valid()) throw std::logic_error(std::string("layer ") + layer_->GetName() + " written after prepare_index()");
    f->SetFID(OGRNullFID);
    if (direct_) {
        f->SetFID(direct_->add(f));
    } else if (layer_->CreateFeature(f) != OGRERR_NONE) {
        throw std::runtime_error(std::string("cannot write a feature to layer ") + layer_->GetName() + ": " + CPLGetLastErrorMsg());
    }
    base::count(rows_);
    // The dropped trigger's rule: rows with a non-empty geometry are indexed.
    const OGRGeometry* g = f->GetGeometryRef();
    if (!insert_trigger_.empty() && g && !g->IsEmpty()) {
        OGREnvelope e;
        g->getEnvelope(&e);
        entries_.push_back({f->GetFID(), rtree_down(e.MinX), rtree_up(e.MaxX), rtree_down(e.MinY), rtree_up(e.MaxY)});
    }
}

void BulkLayer::flush() {
    if (direct_) direct_->flush();
}

void BulkLayer::flush_layer(const OGRLayer* layer) {
    BulkLayer* b = nullptr;
    {
        std::lock_guard lock(g_direct_mutex);
        auto it = direct_layers().find(layer);
        if (it != direct_layers().end()) b = it->second;
    }
    if (b) b->flush();
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
    if (!begun_) begin();
    if (direct_) {
        // In a transaction of its own when none is open (a statement each would commit each).
        const bool own = sqlite3_get_autocommit(direct_->db) != 0;
        if (own) direct_->exec("BEGIN");
        direct_->finish();
        if (own) direct_->exec("COMMIT");
        {
            std::lock_guard lock(g_direct_mutex);
            direct_layers().erase(layer_);
        }
        direct_.reset();
    }
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
    BulkLayer::flush_layer(layer);
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
