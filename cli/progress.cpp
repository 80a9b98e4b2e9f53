#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

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

void Progress::begin(const std::string& label, size_t total, const std::atomic<size_t>* counter) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    label_ = label;
    total_ = total;
    counter_ = counter;
    active_ = true;
    step_start_ = std::chrono::steady_clock::now();
    if (tty_) draw(false);
    else std::fprintf(stderr, "[%7.2fs] %s ...\n", elapsed(), label_.c_str());
}

void Progress::end(const std::string& summary) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!active_) return;
    double step = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
    if (tty_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "[%7.2fs] %s%s%s (%.2f s)\n", elapsed(), label_.c_str(), summary.empty() ? "" : ": ", summary.c_str(), step);
    active_ = false;
}

void Progress::draw(bool) {
    double step = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start_).count();
    if (total_ > 0 && counter_) {
        size_t done = std::min(counter_->load(), total_);
        int width = 30, filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_));
        std::string bar(static_cast<size_t>(filled), '#');
        bar.append(static_cast<size_t>(width - filled), '.');
        std::fprintf(stderr, "\r\033[K[%7.2fs] %s [%s] %zu/%zu %.1f s", elapsed(), label_.c_str(), bar.c_str(), done, total_, step);
    } else {
        std::fprintf(stderr, "\r\033[K[%7.2fs] %s ... %.1f s", elapsed(), label_.c_str(), step);
    }
    std::fflush(stderr);
}

void Progress::ticker() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        wake_.wait_for(lock, std::chrono::milliseconds(200));
        if (active_ && !stop_) draw(false);
    }
}

}  // namespace lc::cli
