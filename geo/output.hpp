#pragma once
// Outputs are written next to their final name and renamed into place only when complete, so
// an interrupted run never leaves a half-written file behind.
#include <ogrsf_frmts.h>

#include <string>
#include <vector>

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
    GDALDataset* dataset() { return ds_; }
    void commit();
    const std::string& path() const { return path_; }

private:
    std::string path_, tmp_, driver_;
    GDALDataset* ds_ = nullptr;
    bool committed_ = false;
};

// Transactions make GeoPackage writes fast; failures throw with the layer named.
void start_transaction(OGRLayer* layer);
void commit_transaction(OGRLayer* layer);

// Adds a field or throws with the layer and field named.
void add_field(OGRLayer* layer, const std::string& name, OGRFieldType type, int width = 0, int precision = 0);

}  // namespace lc::geo
