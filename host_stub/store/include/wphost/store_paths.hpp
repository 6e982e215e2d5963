// wphost/store_paths.hpp -- where the store and its master key live unless the user says otherwise.
#pragma once

#include <string>

namespace wphost {

/// $XDG_STATE_HOME/wp-host/store.db, else ~/.local/state/wp-host/store.db.
std::string defaultDatabasePath();
/// The master-key file beside the database: <dir of databasePath>/master.key.
std::string defaultMasterKeyPath(const std::string& databasePath);
/// Creates the directory that will hold path (and its parents) with mode 0700 when missing.
void ensureParentDirectory(const std::string& path);

} // namespace wphost
