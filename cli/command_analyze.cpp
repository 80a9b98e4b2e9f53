// lifecircle analyze (not implemented yet: see the open issues).
#include <iostream>

#include "cli/command.hpp"
#include "cli/common.hpp"

namespace lc::cli {
namespace {
class Stub : public Command {
public:
    const char* name() const override { return "analyze"; }
    const char* description() const override { return "(not yet available)"; }
    void setup(CLI::App& app) override { flags_.add_to(app); }
    int run() override {
        std::cerr << "error: 'analyze' is not implemented yet\n";
        return error;
    }

private:
    StudyFlags flags_;
};
}  // namespace
std::unique_ptr<Command> make_analyze_command() { return std::make_unique<Stub>(); }
}  // namespace lc::cli
