#pragma once
// Messages about inputs: every one names the file, layer, feature and field it is about, so a
// planner can find the row in QGIS. Collected, not printed: the CLI decides how to show them.
#include <cstdint>
#include <string>
#include <vector>

namespace lc::geo {

enum class Level { info, warning, error };

struct Message {
    Level level = Level::info;
    std::string file;
    std::string layer;
    int64_t fid = -1;        // feature id in the source, -1 = about the whole layer
    std::string feature;     // human label of the feature (its id / name fields), may be empty
    std::string field;       // field concerned, may be empty
    std::string code;        // short stable code, e.g. "invalid_geometry", "missing_field"
    std::string text;
    std::string format() const;  // "file [layer] feature 12 (虎门镇) field 'x': text"
};

class Report {
public:
    void add(Message m) { items_.push_back(std::move(m)); }
    void info(std::string file, std::string layer, std::string code, std::string text);
    void warn(std::string file, std::string layer, std::string code, std::string text);
    void error(std::string file, std::string layer, std::string code, std::string text);
    const std::vector<Message>& items() const { return items_; }
    size_t count(Level l) const;
    size_t count_code(const std::string& code) const;
    bool has_errors() const { return count(Level::error) > 0; }
    void append(const Report& other);

private:
    std::vector<Message> items_;
};

// Thrown when an input cannot be used at all; carries a message that names file/layer/field.
struct InputError : std::exception {
    Message message;
    explicit InputError(Message m) : message(std::move(m)), what_(message.format()) {}
    const char* what() const noexcept override { return what_.c_str(); }

private:
    std::string what_;
};

}  // namespace lc::geo
