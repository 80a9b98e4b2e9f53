#pragma once
// Messages in the reader's language. The libraries write every message in English (code, file,
// layer, feature, field and text); this table gives each kind of message (its code) its Chinese
// text. A row holds the English text as the code writes it, with {} where values go, and the
// Chinese text with {1}, {2}, ... for those values, so file, layer, field and value names pass
// through unchanged. A text no row matches stays English: a half-translated line is never made.
#include <string>
#include <vector>

#include "geo/report.hpp"

namespace lc::geo {

struct MessageText {
    const char* code;  // Message::code; "phrase" rows translate parts of other texts, "user_error"
                       // rows the texts of base::UserError (which carry no code)
    const char* en;    // English with {} for each value
    const char* zh;    // Chinese with {1}, {2}, ... (each value once or more, in any order)
};
const std::vector<MessageText>& message_texts();

// The text of a message with `code` in `lang` ("zh"; anything else: the English as given).
std::string message_text(const std::string& code, const std::string& english, const std::string& lang);
// The whole line, as Message::format() but in `lang`: "towns.gpkg [towns] 要素 12（虎门镇）字段 'x'：……".
std::string format_message(const Message& m, const std::string& lang);
// The text of an error that has no code (base::UserError, any what()) in `lang`.
std::string error_text(const std::string& english, const std::string& lang);

}  // namespace lc::geo
