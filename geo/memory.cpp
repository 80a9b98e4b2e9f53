#include "geo/memory.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace lc::geo {

void reexec_with_huge_pages(char** argv) {
    const char* off = std::getenv("LC_HUGE_PAGES");
    if (off && std::strcmp(off, "0") == 0) return;
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

}  // namespace lc::geo
