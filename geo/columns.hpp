#pragma once
// Reading a layer's rows a batch at a time, a column at a time: through OGR's Arrow stream
// (RFC 86) where the driver has a fast path (GeoPackage), through the feature loop elsewhere.
// Either way the consumer sees the same batch: feature ids, the fields it asked for, and each
// geometry as WKB, with no OGRFeature or OGRGeometry made per row on the fast path.
#include <ogrsf_frmts.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lc::geo {

// One batch of rows. Columns are numbered as the fields were asked for.
class RowBatch {
public:
    size_t size() const { return rows_; }
    int64_t fid(size_t row) const;
    bool is_null(size_t row, size_t column) const;
    // The field as text, as OGRFeature::GetFieldAsString gives it ("" for null; numbers in
    // shortest round-trip form, e.g. "1", "2.5").
    std::string text(size_t row, size_t column) const;
    // The field as a number, as OGRFeature::GetFieldAsDouble gives it (text through CPLAtof);
    // NaN for null.
    double number(size_t row, size_t column) const;
    // The geometry as ISO WKB; empty for a null geometry.
    std::span<const uint8_t> wkb(size_t row) const;

    // A column: an Arrow array (format code, validity bitmap, value/offset buffers) or, for the
    // feature loop, the same layout in vectors the batch owns.
    struct Column {
        char format = 0;  // Arrow format: 'l','i','s','c','C','S','I','L','g','f','b','u','U','z','Z'; 0 = absent
        const uint8_t* validity = nullptr;  // bit per row, null = all valid
        int64_t offset = 0;
        const void* values = nullptr;       // numbers, or the offsets of text/binary
        const uint8_t* data = nullptr;      // bytes of text/binary
        const double* numbers = nullptr;    // feature loop: GetFieldAsDouble of each row
    };

private:
    friend class BatchReader;
    size_t rows_ = 0;
    Column fid_, geometry_;
    std::vector<Column> fields_;
    // Owned storage of the feature loop: text per field (offsets + bytes), WKB, fids, nulls.
    struct Owned {
        std::vector<int64_t> fid;
        std::vector<std::vector<int32_t>> text_offsets, wkb_offsets;
        std::vector<std::vector<uint8_t>> text_bytes, valid;
        std::vector<std::vector<double>> numbers;
        std::vector<uint8_t> wkb_bytes, wkb_valid;
        std::vector<int32_t> wkb_offsets_one;
    } owned_;
};

struct BatchReadResult {
    size_t rows = 0;
    bool columnar = false;  // true when the Arrow fast path was used
};

// Calls `consume` for every batch of the layer (its attribute filter applies) with the named
// fields (a name the layer lacks gives an absent column: every value null). Throws
// std::runtime_error with GDAL's message when reading fails part way.
BatchReadResult read_batches(OGRLayer* layer, const std::vector<std::string>& fields,
                             const std::function<void(const RowBatch&)>& consume);

// A parsed WKB (Multi)LineString: calls `part(n_points, point(i))` for each line part; false
// for any other geometry type or malformed bytes. Z and M are read past and ignored.
struct WkbLine {
    const uint8_t* p = nullptr;
    bool swap = false;
    int dims = 2;
    uint32_t n = 0;
    double x(uint32_t i) const;
    double y(uint32_t i) const;
};
// Returns false when the WKB is not a LineString/MultiLineString (or is truncated); `empty` is
// set when it is one with no points at all.
bool for_each_wkb_line(std::span<const uint8_t> wkb, bool& empty, const std::function<void(const WkbLine&)>& part);

}  // namespace lc::geo
