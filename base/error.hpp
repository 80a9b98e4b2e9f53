#pragma once
// Errors the user can fix (a bad file, key, option or output folder) are UserError: the command
// line exits with 2 and the message. Anything else that escapes is an internal error (exit 1).
#include <stdexcept>

namespace lc::base {

struct UserError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace lc::base
