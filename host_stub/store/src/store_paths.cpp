// store_paths.cpp -- default locations (XDG base directory spec) and private directories.
#include "wphost/store_paths.hpp"

#include "wphost/store_error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

namespace wphost {
namespace {

std::string parentOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? std::string("/") : path.substr(0, slash);
}

std::string stateHome() {
    const char* xdg = std::getenv("XDG_STATE_HOME");
    if (xdg != nullptr && xdg[0] == '/') { // the spec says: ignore relative paths
        return xdg;
    }
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] == '\0') {
        throw StoreError(WP_E_INVALID_CONFIG, "store.no_home",
                         "cannot find a place for the store: neither XDG_STATE_HOME nor HOME is set",
                         "pass --store PATH");
    }
    return std::string(home) + "/.local/state";
}

} // namespace

std::string defaultDatabasePath() {
    return stateHome() + "/wp-host/store.db";
}

std::string defaultMasterKeyPath(const std::string& databasePath) {
    return parentOf(databasePath) + "/master.key";
}

void ensureParentDirectory(const std::string& path) {
    std::string dir = parentOf(path);
    // Create each missing component; existing directories are left as they are.
    for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') {
            continue;
        }
        std::string part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
            throw StoreError(WP_E_UNAVAILABLE, "store.directory_failed",
                             "cannot create directory '" + part + "': " + std::strerror(errno),
                             "check the path and its permissions");
        }
    }
}

} // namespace wphost
