#pragma once
// Outputs are written next to their final name and renamed into place only when complete, so
// an interrupted run never leaves a half-written file behind.
#include <ogrsf_frmts.h>

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "base/counter.hpp"

namespace lc::geo {

// Removes stale temporaries and remembers live ones so a Ctrl-C handler can delete them.
class TempRegistry {
public:
    static void add(const std::string& path);
    static void remove(const std::string& path);
    static void delete_all() noexcept;  // async-signal tolerant best effort
};

// Writes `content` to `path` atomically (temp file + rename).
void write_text_atomic(const std::string& path, const std::string& content);

class BulkLayer;

// An output folder replaced as a set. Everything is written into a staging folder next to it
// (".NAME.lifecircle-tmpPID"); commit() swaps the two folders in one atomic rename
// (renameat2 RENAME_EXCHANGE) and deletes the old set. A run killed at any moment leaves the
// folder either all old or all new, never a mix; the staging folders a killed run leaves are
// recognisable by their names and removed by the next run into the same folder (when their
// process is gone). Files in the old folder that lifecircle did not write (its manifest
// ".lifecircle-outputs" lists what it did) are carried into the new set as hard links.
class OutputDir {
public:
    explicit OutputDir(const std::string& final_dir);
    ~OutputDir();  // without commit(): the staging folder is deleted, the old set stays
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;
    const std::string& path() const { return staging_; }  // write here
    void commit();

private:
    std::string final_, staging_;
    bool committed_ = false;
};

// Removes temporaries of `path` (".STEM.tmpPID.EXT" and their journals) left by runs whose
// process is gone. Called before an output is written.
void remove_stale_temporaries(const std::string& path);

// A GDAL vector dataset (GeoPackage by default) written to a temporary path; commit() closes
// it and renames it over `path`. Destroying it without commit() deletes the temporary.
class VectorOutput {
public:
    VectorOutput(const std::string& path, const std::string& driver = "GPKG");
    ~VectorOutput();
    VectorOutput(const VectorOutput&) = delete;
    VectorOutput& operator=(const VectorOutput&) = delete;

    // Creates a layer in the given EPSG CRS (traditional axis order).
    OGRLayer* create_layer(const std::string& name, OGRwkbGeometryType type, int epsg,
                           const std::vector<std::string>& options = {});
    // A layer written through BulkLayer (below), owned by this output.
    BulkLayer& create_bulk_layer(const std::string& name, OGRwkbGeometryType type, int epsg);
    GDALDataset* dataset() { return ds_; }
    // GeoPackage only: a layer that is a view of another's rows (SELECT * FROM source WHERE
    // where_sql), registered in gpkg_contents and gpkg_geometry_columns so GDAL and QGIS open it
    // as a layer, without storing the rows twice. The source layer must be finished.
    void create_view_layer(const std::string& name, const std::string& source, const std::string& where_sql);
    void commit();  // also finishes any bulk layer left unfinished
    const std::string& path() const { return path_; }
    // Progress (may be null): +1 per row written to a bulk layer of this output.
    void count_rows(base::Counter* rows) { rows_ = rows; }
    base::Counter* rows_counter() const { return rows_; }

private:
    std::string path_, tmp_, driver_;
    GDALDataset* ds_ = nullptr;
    base::Counter* rows_ = nullptr;
    bool committed_ = false;
    std::vector<std::unique_ptr<BulkLayer>> bulk_;
};

// Appends many features to one layer of a VectorOutput fast. For a GeoPackage, GDAL would keep the
// layer's R-tree spatial index up to date row by row (~10 us a feature: more than writing the row);
// here the layer is created without that upkeep and finish() loads the whole index at once, with
// exactly the entries, triggers and metadata GDAL would have written. The rows themselves go
// straight into SQLite, many per INSERT statement (GDAL's CreateFeature costs ~3 us a row
// before SQLite's own work), as the same values and geometry blobs GDAL writes; a layer with a
// field type or default this does not reproduce exactly uses CreateFeature. Other drivers:
// CreateFeature. Made by VectorOutput::create_bulk_layer; add the fields before the first write().
class BulkLayer {
public:
    // `scratch`: a temporary file for packing the index (see prepare_index()).
    BulkLayer(VectorOutput& out, const std::string& name, OGRwkbGeometryType type, int epsg, const std::string& scratch);
    ~BulkLayer();
    BulkLayer(const BulkLayer&) = delete;
    BulkLayer& operator=(const BulkLayer&) = delete;
    OGRLayer* layer() const { return layer_; }
    // Appends `f` as a new feature; the layer assigns its FID (f's own FID is cleared first, so one
    // feature can be reused for every row). Throws on failure.
    void write(OGRFeature* f);
    // Inserts the rows write() buffered; commit_transaction(layer()) calls it first.
    void flush();
    static void flush_layer(const OGRLayer* layer);  // flush() of the bulk layer writing `layer`, if any
    // After the last write(): starts packing the spatial index on another thread, so that other
    // work (e.g. writing another layer) overlaps it. finish() calls it if nobody did.
    void prepare_index();
    // Loads the spatial index in a transaction of its own: call after the last write(), outside
    // any transaction (VectorOutput::commit() finishes layers left unfinished).
    void finish();

    struct Entry {  // one R-tree entry: feature id and envelope as SQLite stores it
        int64_t id;
        float minx, maxx, miny, maxy;
    };

private:
    struct Direct;  // the GeoPackage rows path (output.cpp)
    void begin();
    GDALDataset* ds_;
    OGRLayer* layer_;
    base::Counter* rows_;
    bool gpkg_, begun_ = false, finished_ = false;
    std::string scratch_;
    std::string rtree_;           // "rtree_<table>_<geometry column>"
    std::string insert_trigger_;  // SQL of the R-tree's insert trigger, dropped while writing
    size_t node_size_ = 0;        // bytes per R-tree node, as SQLite chose it
    std::vector<Entry> entries_;
    std::future<void> packed_;    // pack_rtree() into scratch_
    std::unique_ptr<Direct> direct_;
};

// Transactions make GeoPackage writes fast; failures throw with the layer named.
void start_transaction(OGRLayer* layer);
void commit_transaction(OGRLayer* layer);

// Adds a field or throws with the layer and field named.
void add_field(OGRLayer* layer, const std::string& name, OGRFieldType type, int width = 0, int precision = 0);

}  // namespace lc::geo
