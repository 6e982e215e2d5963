// store_database.cpp -- picks the backend a --store value names.
#include "wphost/store_database.hpp"

#include "wphost/postgres_database.hpp"
#include "wphost/sqlite_database.hpp"

namespace wphost {

std::string_view storeKindName(StoreKind kind) {
    return kind == StoreKind::Secret ? "secret" : "config";
}

bool isPostgresLocation(std::string_view location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::shared_ptr<StoreDatabase> openStoreDatabase(const std::string& location) {
    if (isPostgresLocation(location)) {
        return PostgresDatabase::open(location);
    }
    return SqliteDatabase::open(location);
}

} // namespace wphost
