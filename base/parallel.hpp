#pragma once
// Minimal parallel loop on std::thread: chunks of `grain` items handed out through an atomic
// counter (load balancing for uneven work such as searches from facilities in dense vs
// sparse areas). Each chunk writes only its own results, so output never depends on timing.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lc::base {

// Number of worker threads the parallel functions use (all cores).
inline unsigned worker_count() { return std::max(1u, std::thread::hardware_concurrency()); }

// f(begin, end, worker) for consecutive chunks covering [0, n); worker < worker_count().
template <class F>
void parallel_for(size_t n, size_t grain, F&& f) {
    grain = std::max<size_t>(grain, 1);
    const unsigned workers = static_cast<unsigned>(std::min<size_t>(worker_count(), (n + grain - 1) / grain));
    if (workers <= 1) {
        if (n > 0) f(size_t{0}, n, 0u);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&](unsigned w) {
        try {
            for (;;) {
                const size_t b = next.fetch_add(grain);
                if (b >= n) break;
                f(b, std::min(n, b + grain), w);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            next = n;
        }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
    work(0);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace lc::base
