#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/common.hpp"

namespace lc::cli {

Progress::Progress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {
    if (!quiet_ && tty_) thread_ = std::thread([this] { ticker(); });
}

Progress::~Progress() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

double Progress::elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

void Progress::begin(const std::string& label, std::vector<Part> parts) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    label_ = label;
    parts_ = std::move(parts);
    active_ = true;
    step_start_ = std::chrono::steady_clock::now();
    if (tty_) draw();
    else std::fprintf(stderr, "[%7.2fs] %s ...\n", elapsed(), label_.c_str());
}

void Progress::end(const std::string& summary) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!active_) return;
    double step = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
    // On a terminal the step's line keeps its final counts; log lines stay as they always were.
    const std::string counts = tty_ ? count_text() : std::string();
    if (tty_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "[%7.2fs] %s%s%s%s%s (%.2f s)\n", elapsed(), label_.c_str(), summary.empty() ? "" : tr(": ", "："), summary.c_str(),
                 counts.empty() ? "" : summary.empty() ? tr(":", "：") : tr(";", "；"), counts.c_str(), step);
    active_ = false;
}

// Counts as " what done/total, ..." (just "what done" while the total is unknown). `share`: how far
// the first count that is still running is, as the parts of a step run in that order (1: all
// finished, 0: none has a total yet).
std::string Progress::count_text(double* share) const {
    std::string counts;
    double first = -1;
    bool any_total = false;
    for (const auto& p : parts_) {
        const size_t done = p.count->done.load(std::memory_order_relaxed);
        // More done than expected: some source had no cheap count (an OSM file), so no total.
        const size_t total = done > p.count->total.load(std::memory_order_relaxed) ? 0 : p.count->total.load(std::memory_order_relaxed);
        if (done == 0 && total == 0) continue;
        counts += (counts.empty() ? " " : ", ") + p.what + " " + std::to_string(done);
        if (total) counts += "/" + std::to_string(total), any_total = true;
        if (first < 0 && total && done < total) first = static_cast<double>(done) / static_cast<double>(total);
    }
    if (share) *share = first >= 0 ? first : any_total ? 1 : 0;
    return counts;
}

void Progress::draw() {
    double step = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
    double share = 0;
    const std::string counts = count_text(&share);
    std::string bar;
    if (!parts_.empty()) {
        const int width = 24, filled = static_cast<int>(width * share);
        bar = " [" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.') + "]";
    }
    std::fprintf(stderr, "\r\033[K[%7.2fs] %s%s%s %.1f s", elapsed(), label_.c_str(), counts.c_str(), bar.c_str(), step);
    std::fflush(stderr);
}

void Progress::ticker() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        wake_.wait_for(lock, std::chrono::milliseconds(200));
        if (active_ && !stop_) draw();
    }
}

}  // namespace lc::cli
