#include "geo/columns.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <ogr_recordbatch.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace lc::geo {
namespace {

bool bit(const uint8_t* bitmap, int64_t i) { return (bitmap[i >> 3] >> (i & 7)) & 1; }

// Releases what an Arrow producer handed out, whatever happens to the reader.
struct StreamGuard {
    ArrowArrayStream s{};
    ~StreamGuard() {
        if (s.release) s.release(&s);
    }
};
struct SchemaGuard {
    ArrowSchema s{};
    ~SchemaGuard() {
        if (s.release) s.release(&s);
    }
};
struct ArrayGuard {
    ArrowArray a{};
    ~ArrayGuard() {
        if (a.release) a.release(&a);
    }
};

// Formats we read; anything else (dates, lists, dictionaries...) sends the layer to the
// feature loop, which knows every OGR type.
bool supported(const char* f) {
    return f && f[0] && !f[1] && std::strchr("lisScCILgfbuUzZ", f[0]);
}

std::string format_number(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace

int64_t RowBatch::fid(size_t row) const {
    if (!fid_.values) return static_cast<int64_t>(row);
    const int64_t i = fid_.offset + static_cast<int64_t>(row);
    return fid_.format == 'i' ? static_cast<const int32_t*>(fid_.values)[i] : static_cast<const int64_t*>(fid_.values)[i];
}

bool RowBatch::is_null(size_t row, size_t column) const {
    const Column& c = fields_[column];
    if (!c.format) return true;
    return c.validity && !bit(c.validity, c.offset + static_cast<int64_t>(row));
}

std::string RowBatch::text(size_t row, size_t column) const {
    if (is_null(row, column)) return {};
    const Column& c = fields_[column];
    const int64_t i = c.offset + static_cast<int64_t>(row);
    switch (c.format) {
        case 'u': case 'z': {
            const auto* o = static_cast<const int32_t*>(c.values);
            return std::string(reinterpret_cast<const char*>(c.data) + o[i], static_cast<size_t>(o[i + 1] - o[i]));
        }
        case 'U': case 'Z': {
            const auto* o = static_cast<const int64_t*>(c.values);
            return std::string(reinterpret_cast<const char*>(c.data) + o[i], static_cast<size_t>(o[i + 1] - o[i]));
        }
        case 'l': return std::to_string(static_cast<const int64_t*>(c.values)[i]);
        case 'L': return std::to_string(static_cast<const uint64_t*>(c.values)[i]);
        case 'i': return std::to_string(static_cast<const int32_t*>(c.values)[i]);
        case 'I': return std::to_string(static_cast<const uint32_t*>(c.values)[i]);
        case 's': return std::to_string(static_cast<const int16_t*>(c.values)[i]);
        case 'S': return std::to_string(static_cast<const uint16_t*>(c.values)[i]);
        case 'c': return std::to_string(static_cast<const int8_t*>(c.values)[i]);
        case 'C': return std::to_string(static_cast<const uint8_t*>(c.values)[i]);
        case 'b': return bit(static_cast<const uint8_t*>(c.values), i) ? "1" : "0";
        case 'g': return format_number(static_cast<const double*>(c.values)[i]);
        case 'f': return format_number(static_cast<const float*>(c.values)[i]);
        default: return {};
    }
}

double RowBatch::number(size_t row, size_t column) const {
    if (is_null(row, column)) return std::nan("");
    const Column& c = fields_[column];
    const int64_t i = c.offset + static_cast<int64_t>(row);
    if (c.numbers) return c.numbers[i];
    switch (c.format) {
        case 'l': return static_cast<double>(static_cast<const int64_t*>(c.values)[i]);
        case 'L': return static_cast<double>(static_cast<const uint64_t*>(c.values)[i]);
        case 'i': return static_cast<const int32_t*>(c.values)[i];
        case 'I': return static_cast<const uint32_t*>(c.values)[i];
        case 's': return static_cast<const int16_t*>(c.values)[i];
        case 'S': return static_cast<const uint16_t*>(c.values)[i];
        case 'c': return static_cast<const int8_t*>(c.values)[i];
        case 'C': return static_cast<const uint8_t*>(c.values)[i];
        case 'b': return bit(static_cast<const uint8_t*>(c.values), i) ? 1 : 0;
        case 'g': return static_cast<const double*>(c.values)[i];
        case 'f': return static_cast<const float*>(c.values)[i];
        default: return CPLAtof(text(row, column).c_str());
    }
}

std::span<const uint8_t> RowBatch::wkb(size_t row) const {
    const Column& c = geometry_;
    if (!c.format) return {};
    const int64_t i = c.offset + static_cast<int64_t>(row);
    if (c.validity && !bit(c.validity, i)) return {};
    if (c.format == 'Z') {
        const auto* o = static_cast<const int64_t*>(c.values);
        return {c.data + o[i], static_cast<size_t>(o[i + 1] - o[i])};
    }
    const auto* o = static_cast<const int32_t*>(c.values);
    return {c.data + o[i], static_cast<size_t>(o[i + 1] - o[i])};
}

class BatchReader {
public:
    // Arrow: points the batch's columns at the children of one record batch.
    static bool bind_arrow(RowBatch& b, const ArrowSchema& schema, const ArrowArray& array, const std::vector<int>& child_of_field,
                           int fid_child, int geom_child) {
        b.rows_ = static_cast<size_t>(array.length);
        auto bind = [&](int child) {
            RowBatch::Column c;
            if (child < 0) return c;
            const ArrowArray& a = *array.children[child];
            c.format = schema.children[child]->format[0];
            c.offset = a.offset + array.offset;
            c.validity = a.null_count ? static_cast<const uint8_t*>(a.buffers[0]) : nullptr;
            c.values = a.buffers[1];
            if (std::strchr("uUzZ", c.format)) c.data = static_cast<const uint8_t*>(a.buffers[2]);
            return c;
        };
        b.fid_ = bind(fid_child);
        b.geometry_ = bind(geom_child);
        b.fields_.clear();
        for (int child : child_of_field) b.fields_.push_back(bind(child));
        return true;
    }

    // Feature loop: copies up to `max_rows` features into the batch's own buffers.
    static size_t fill_from_features(RowBatch& b, OGRLayer* layer, const std::vector<int>& field_index, size_t max_rows) {
        RowBatch::Owned& o = b.owned_;
        const size_t nf = field_index.size();
        o.fid.clear();
        o.text_offsets.assign(nf, {0});
        o.text_bytes.assign(nf, {});
        o.valid.assign(nf, {});
        o.numbers.assign(nf, {});
        o.wkb_offsets_one.assign(1, 0);
        o.wkb_bytes.clear();
        o.wkb_valid.clear();
        size_t rows = 0;
        while (rows < max_rows) {
            OGRFeature* f = layer->GetNextFeature();
            if (!f) break;
            o.fid.push_back(f->GetFID());
            for (size_t k = 0; k < nf; ++k) {
                const int idx = field_index[k];
                const bool set = idx >= 0 && f->IsFieldSetAndNotNull(idx);
                if (o.valid[k].size() * 8 <= rows) o.valid[k].push_back(0);
                if (set) {
                    o.valid[k][rows >> 3] |= static_cast<uint8_t>(1u << (rows & 7));
                    const char* s = f->GetFieldAsString(idx);
                    o.text_bytes[k].insert(o.text_bytes[k].end(), s, s + std::strlen(s));
                }
                o.numbers[k].push_back(set ? f->GetFieldAsDouble(idx) : std::nan(""));
                o.text_offsets[k].push_back(static_cast<int32_t>(o.text_bytes[k].size()));
            }
            if (o.wkb_valid.size() * 8 <= rows) o.wkb_valid.push_back(0);
            if (const OGRGeometry* g = f->GetGeometryRef()) {
                const size_t at = o.wkb_bytes.size();
                o.wkb_bytes.resize(at + static_cast<size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, o.wkb_bytes.data() + at, wkbVariantIso);
                o.wkb_valid[rows >> 3] |= static_cast<uint8_t>(1u << (rows & 7));
            }
            o.wkb_offsets_one.push_back(static_cast<int32_t>(o.wkb_bytes.size()));
            OGRFeature::DestroyFeature(f);
            ++rows;
        }
        b.rows_ = rows;
        b.fid_ = {'l', nullptr, 0, o.fid.data(), nullptr};
        b.geometry_ = {'z', o.wkb_valid.data(), 0, o.wkb_offsets_one.data(), o.wkb_bytes.data()};
        b.fields_.assign(nf, {});
        for (size_t k = 0; k < nf; ++k)
            if (field_index[k] >= 0) b.fields_[k] = {'u', o.valid[k].data(), 0, o.text_offsets[k].data(), o.text_bytes[k].data(), o.numbers[k].data()};
        return rows;
    }
};

namespace {

// Index of each asked field in the layer (-1 = absent).
std::vector<int> field_indices(OGRLayer* layer, const std::vector<std::string>& fields) {
    std::vector<int> idx;
    for (const auto& name : fields) idx.push_back(name.empty() ? -1 : layer->GetLayerDefn()->GetFieldIndex(name.c_str()));
    return idx;
}

// Ignores every field not asked for (so the driver does not decode them); restored afterwards.
struct IgnoreOthers {
    OGRLayer* layer;
    IgnoreOthers(OGRLayer* l, const std::vector<std::string>& keep) : layer(l) {
        OGRFeatureDefn* defn = l->GetLayerDefn();
        CPLStringList ignored;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const char* name = defn->GetFieldDefn(i)->GetNameRef();
            bool wanted = false;
            for (const auto& k : keep) wanted = wanted || k == name;
            if (!wanted) ignored.AddString(name);
        }
        for (int i = 1; i < defn->GetGeomFieldCount(); ++i) ignored.AddString(defn->GetGeomFieldDefn(i)->GetNameRef());
        ignored.AddString("OGR_STYLE");
        l->SetIgnoredFields(const_cast<const char**>(ignored.List()));
    }
    ~IgnoreOthers() { layer->SetIgnoredFields(nullptr); }
};

}  // namespace

BatchReadResult read_batches(OGRLayer* layer, const std::vector<std::string>& fields,
                             const std::function<void(const RowBatch&)>& consume) {
    BatchReadResult result;
    IgnoreOthers ignore(layer, fields);
    layer->ResetReading();
    RowBatch batch;
    if (layer->TestCapability(OLCFastGetArrowStream) && CPLTestBool(CPLGetConfigOption("LC_ARROW", "YES"))) {
        StreamGuard stream;
        const char* options[] = {"INCLUDE_FID=YES", "MAX_FEATURES_IN_BATCH=65536", nullptr};
        SchemaGuard schema;
        if (layer->GetArrowStream(&stream.s, options) && stream.s.get_schema(&stream.s, &schema.s) == 0) {
            // Map the schema's children: the FID column, the first geometry (WKB), the fields.
            const std::string fid_name = *layer->GetFIDColumn() ? layer->GetFIDColumn() : "OGC_FID";
            const std::string geom_name =
                layer->GetLayerDefn()->GetGeomFieldCount() == 0
                    ? std::string()
                    : (*layer->GetGeometryColumn() ? layer->GetGeometryColumn() : "wkb_geometry");
            int fid_child = -1, geom_child = -1;
            std::vector<int> child_of_field(fields.size(), -1);
            bool usable = true;
            for (int64_t c = 0; c < schema.s.n_children; ++c) {
                const ArrowSchema& ch = *schema.s.children[c];
                const std::string name = ch.name ? ch.name : "";
                if (name == fid_name && fid_child < 0 && (ch.format[0] == 'l' || ch.format[0] == 'i') && !ch.format[1]) {
                    fid_child = static_cast<int>(c);
                    continue;
                }
                if (!geom_name.empty() && name == geom_name && geom_child < 0) {
                    if (!(ch.format[0] == 'z' || ch.format[0] == 'Z') || ch.format[1]) usable = false;
                    geom_child = static_cast<int>(c);
                    continue;
                }
                for (size_t k = 0; k < fields.size(); ++k)
                    if (name == fields[k] && child_of_field[k] < 0) {
                        if (!supported(ch.format)) usable = false;
                        child_of_field[k] = static_cast<int>(c);
                    }
            }
            if (usable) {
                result.columnar = true;
                for (;;) {
                    ArrayGuard array;
                    if (stream.s.get_next(&stream.s, &array.a) != 0) {
                        const char* err = stream.s.get_last_error ? stream.s.get_last_error(&stream.s) : nullptr;
                        throw std::runtime_error(err && *err ? err : CPLGetLastErrorMsg());
                    }
                    if (!array.a.release) break;  // end of stream
                    BatchReader::bind_arrow(batch, schema.s, array.a, child_of_field, fid_child, geom_child);
                    result.rows += batch.size();
                    if (batch.size()) consume(batch);
                }
                return result;
            }
        }
        layer->ResetReading();
    }
    // The feature loop, in batches of the same shape.
    const std::vector<int> idx = field_indices(layer, fields);
    while (BatchReader::fill_from_features(batch, layer, idx, 4096) > 0) {
        result.rows += batch.size();
        consume(batch);
    }
    return result;
}

double WkbLine::x(uint32_t i) const {
    uint64_t v;
    std::memcpy(&v, p + static_cast<size_t>(i) * dims * 8, 8);
    if (swap) v = __builtin_bswap64(v);
    return std::bit_cast<double>(v);
}
double WkbLine::y(uint32_t i) const {
    uint64_t v;
    std::memcpy(&v, p + (static_cast<size_t>(i) * dims + 1) * 8, 8);
    if (swap) v = __builtin_bswap64(v);
    return std::bit_cast<double>(v);
}

namespace {

// Reads a geometry header at p: byte order, flat type and dimension count.
bool wkb_header(const uint8_t*& p, const uint8_t* end, bool& swap, uint32_t& flat, int& dims) {
    if (end - p < 5 || p[0] > 1) return false;
    swap = (p[0] == 0) == (std::endian::native == std::endian::little);
    uint32_t t;
    std::memcpy(&t, p + 1, 4);
    if (swap) t = __builtin_bswap32(t);
    p += 5;
    dims = 2;
    if (t & 0x80000000u) ++dims;  // old-style 2.5D flag (Z)
    if (t & 0x40000000u) ++dims;  // EWKB M flag
    t &= 0x0FFFFFFFu;
    if (t >= 3000) dims += 2, t -= 3000;
    else if (t >= 2000) dims += 1, t -= 2000;
    else if (t >= 1000) dims += 1, t -= 1000;
    flat = t;
    return true;
}

bool read_u32(const uint8_t*& p, const uint8_t* end, bool swap, uint32_t& v) {
    if (end - p < 4) return false;
    std::memcpy(&v, p, 4);
    if (swap) v = __builtin_bswap32(v);
    p += 4;
    return true;
}

}  // namespace

bool for_each_wkb_line(std::span<const uint8_t> wkb, bool& empty, const std::function<void(const WkbLine&)>& part) {
    const uint8_t* p = wkb.data();
    const uint8_t* end = p + wkb.size();
    empty = true;
    bool swap;
    uint32_t flat;
    int dims;
    if (!wkb_header(p, end, swap, flat, dims)) return false;
    auto line_body = [&](bool s, int d) {
        WkbLine l;
        l.swap = s;
        l.dims = d;
        if (!read_u32(p, end, s, l.n)) return false;
        if (static_cast<uint64_t>(end - p) < static_cast<uint64_t>(l.n) * d * 8) return false;
        l.p = p;
        p += static_cast<size_t>(l.n) * d * 8;
        if (l.n) empty = false;
        part(l);
        return true;
    };
    if (flat == 2) return line_body(swap, dims);
    if (flat != 5) return false;
    uint32_t parts;
    if (!read_u32(p, end, swap, parts)) return false;
    for (uint32_t i = 0; i < parts; ++i) {
        bool s;
        uint32_t f;
        int d;
        if (!wkb_header(p, end, s, f, d) || f != 2) return false;
        if (!line_body(s, d)) return false;
    }
    return true;
}

}  // namespace lc::geo
