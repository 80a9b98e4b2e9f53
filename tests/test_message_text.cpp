// Messages in Chinese: every message code the sources use has a Chinese text, and the texts keep
// file, layer, feature, field and values as they are.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "geo/message_text.hpp"

namespace fs = std::filesystem;
using namespace lc::geo;

namespace {

// Every code a source file gives a message: the ways the code base sets Message::code (a
// literal in report.warn/error/info(file, layer, CODE, ...), Layer::message(level, row, field,
// CODE, ...), fail(file, layer, CODE, ...), skip(CODE, ...), m.code = CODE or a choice of them).
std::map<std::string, std::string> codes_in_sources() {
    const std::vector<std::regex> calls = {
        std::regex(R"(\b(?:warn|error|info)\(\s*[^,;()]+(?:\([^()]*\))?\s*,\s*[^,;()]+(?:\([^()]*\))?\s*,\s*"(\w+)\")"),
        std::regex(R"(\bfail\(\s*[^,;]+,\s*[^,;]+,\s*"(\w+)\")"),
        std::regex(R"(\bmessage\(\s*(?:geo::)?Level::\w+\s*,\s*[^,;]+,\s*[^,;]+,\s*"(\w+)\")"),
        std::regex(R"(\bskip\(\s*"(\w+)\")"),
    };
    const std::regex assign(R"(\.code\s*=\s*([^;]*);)"), literal(R"("(\w+)\")");
    std::map<std::string, std::string> found;  // code -> a file using it
    for (const char* dir : {"base", "geo", "network", "coverage", "cli"}) {
        for (const auto& e : fs::recursive_directory_iterator(fs::path(LC_SOURCE_DIR) / dir)) {
            const std::string ext = e.path().extension().string();
            if (ext != ".cpp" && ext != ".hpp") continue;
            std::ifstream in(e.path());
            std::stringstream ss;
            ss << in.rdbuf();
            const std::string text = ss.str();
            const std::string where = fs::relative(e.path(), LC_SOURCE_DIR).string();
            for (const auto& re : calls)
                for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
                    found.emplace((*it)[1].str(), where);
            for (auto it = std::sregex_iterator(text.begin(), text.end(), assign); it != std::sregex_iterator(); ++it) {
                const std::string rhs = (*it)[1].str();
                for (auto l = std::sregex_iterator(rhs.begin(), rhs.end(), literal); l != std::sregex_iterator(); ++l)
                    found.emplace((*l)[1].str(), where);
            }
        }
    }
    return found;
}

}  // namespace

TEST_CASE("every message code used in the sources has a Chinese text") {
    const auto used = codes_in_sources();
    // The scan must see the codes it is meant to see (guards against a scan that finds nothing).
    for (const char* c : {"missing_field", "not_a_number", "off_network", "snapped_far", "file_not_found", "stats_not_a_number",
                          "invalid_geometry", "extent_apart", "targets_vs_data"})
        CHECK(used.count(c) == 1);
    CHECK(used.size() >= 50);
    std::set<std::string> translated;
    for (const auto& r : message_texts()) translated.insert(r.code);
    for (const auto& [code, file] : used) {
        INFO("code '" << code << "' (used in " << file << ") has no row in geo/message_text.cpp");
        CHECK(translated.count(code) == 1);
    }
}

TEST_CASE("every row's Chinese text uses only the values its English has") {
    for (const auto& r : message_texts()) {
        const std::string en = r.en, zh = r.zh;
        size_t holes = 0;
        for (size_t p = en.find("{}"); p != std::string::npos; p = en.find("{}", p + 2)) ++holes;
        INFO(r.code << ": " << en);
        const std::regex ref(R"(\{(\d+)\})");
        std::set<size_t> refs;
        for (auto it = std::sregex_iterator(zh.begin(), zh.end(), ref); it != std::sregex_iterator(); ++it) refs.insert(std::stoul((*it)[1]));
        for (size_t n : refs) CHECK((n >= 1 && n <= holes));
        CHECK(refs.size() == holes);  // no value is dropped
        CHECK(zh != en);
    }
}

TEST_CASE("a message in Chinese names file, layer, feature and field as in English") {
    Message m;
    m.level = Level::error;
    m.file = "towns.gpkg";
    m.layer = "towns";
    m.fid = 12;
    m.feature = "虎门镇";
    m.field = "households";
    m.code = "not_a_number";
    m.text = "value 'abc' is not a number";
    CHECK(format_message(m, "en") == "towns.gpkg [towns] feature 12 (虎门镇) field 'households': value 'abc' is not a number");
    CHECK(format_message(m, "zh") == "towns.gpkg [towns] 要素 12（虎门镇）字段 'households'：值 'abc' 不是数字");

    m.code = "off_network";
    m.field.clear();
    m.text = "no street within 1600 m: off the network, never covered";
    CHECK(format_message(m, "zh") == "towns.gpkg [towns] 要素 12（虎门镇）：1600 米内没有道路：不在路网上，不会被覆盖");

    // A text no row matches stays English, whole: never half translated.
    m.text = "something new: 3 things";
    CHECK(format_message(m, "zh") == "towns.gpkg [towns] 要素 12（虎门镇）：something new: 3 things");
}

TEST_CASE("errors without a code: project keys, with the parts of their text") {
    CHECK(error_text("data/p.toml: [travel] speed_khm: unknown key; did you mean speed_kmh?", "zh") ==
          "data/p.toml：[travel] speed_khm：未知的键；是否想写 speed_kmh？");
    CHECK(error_text("data/p.toml: [network] snap_m: must be positive metres", "zh") == "data/p.toml：[network] snap_m：必须为正的米数");
    CHECK(error_text("data/p.toml: unknown section [travl]; did you mean [travel]?", "zh") == "data/p.toml：未知的节 [travl]；是否想写 [travel]？");
    CHECK(error_text("x/nope.toml: project file not found", "zh") == "x/nope.toml：项目文件不存在");
    CHECK(error_text("x/nope.toml: project file not found", "en") == "x/nope.toml: project file not found");
    CHECK(message_text("missing_field", "no such field; the layer has: (no fields)", "zh") == "没有这个字段；图层的字段有：（无字段）");
}
