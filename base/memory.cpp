#include "base/memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace lc::base {
namespace {

bool env_is_one(const char* name) {
    const char* v = std::getenv(name);
    return v && std::strcmp(v, "1") == 0;
}

void reexec_with_huge_pages(char** argv) {
    if (!env_is_one("LC_HUGE_PAGES")) return;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
    std::string value = tunables && *tunables ? std::string(tunables) + ":" : std::string();
    value += "glibc.malloc.hugetlb=1";
    if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
    // Marks the attempt so a failing exec (or a libc that ignores the tunable) never loops.
    setenv("LC_HUGE_PAGES", "0", 1);
    execv("/proc/self/exe", argv);
    unsetenv("LC_HUGE_PAGES");  // exec failed: carry on without huge pages
}

}  // namespace

void tune_memory(char** argv) {
    reexec_with_huge_pages(argv);
    if (!env_is_one("LC_MALLOC_TUNING")) return;
    // A failed mallopt leaves glibc's default in place: slower on some machines, never wrong.
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit (half its arena heap size).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // in practice never: memory stays for reuse until exit
    mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace lc::base
