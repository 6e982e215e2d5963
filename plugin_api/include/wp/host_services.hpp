// wp/host_services.hpp -- the long-lived services a host lends each instance (logger, config store, secret
// store), implemented as C++ interfaces and adapted to the C tables of wp/abi.h: a host implements
// StoreService (throwing wp::Error on failure) and never writes a C trampoline.  Included by wp/host.hpp.
#ifndef WP_HOST_SERVICES_HPP
#define WP_HOST_SERVICES_HPP

#include <wp/abi.h>
#include <wp/error.hpp>
#include <wp/store.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wp::host {

/// A key-value store scoped to one plugin instance, as abi.h's wp_store describes it (keys 1..128 chars
/// of [a-z0-9._-], values up to 1 MiB, revision 0 = absent).  Implementations are thread-safe, validate
/// keys themselves, and throw wp::Error for failures (WP_E_INVALID_ARGUMENT, WP_E_UNAVAILABLE: nothing
/// written, WP_E_INTERNAL); absent keys and lost compare-and-swaps are answers, not exceptions.
class StoreService {
public:
    /// Outcome of a compare-and-swap write.
    struct CasResult {
        bool written = false;  ///< false: the expected revision did not match
        uint64_t revision = 0; ///< the new revision if written, else the current one (0 = absent)
    };

    virtual ~StoreService() = default;
    /// nullopt if the key is absent.
    virtual std::optional<Versioned> get(std::string_view key) = 0;
    /// Writes only if the key's current revision equals expectedRevision (WP_REVISION_ABSENT: absent).
    virtual CasResult putIf(std::string_view key, uint64_t expectedRevision, std::string_view value) = 0;
    /// WP_OK, WP_E_NOT_FOUND (absent) or WP_E_CONFLICT (revision differs; WP_REVISION_ANY matches any).
    virtual wp_status remove(std::string_view key, uint64_t expectedRevision) = 0;
    /// Keys starting with prefix, ascending.
    virtual std::vector<std::string> list(std::string_view prefix) = 0;
};

namespace detail {

/// Runs fn; maps wp::Error and every other exception onto a status and the error record.
template <class Fn> wp_status serviceGuard(wp_error* error, Fn&& fn) noexcept {
    try {
        return fn();
    } catch (const Error& e) {
        return wp::detail::fillError(error, e);
    } catch (const std::bad_alloc&) {
        wp::detail::fillError(error, "host.out_of_memory", "the host ran out of memory");
    } catch (const std::exception& e) {
        wp::detail::fillError(error, "host.internal", std::string("host service failed: ") + e.what());
    } catch (...) {
        wp::detail::fillError(error, "host.internal", "host service failed");
    }
    return WP_E_INTERNAL;
}

struct StoreThunks {
    static StoreService& self(void* ctx) noexcept { return *static_cast<StoreService*>(ctx); }
    static wp_status missingArgument(wp_error* error) noexcept {
        wp::detail::fillError(error, "store.invalid_argument", "a store function got a NULL argument");
        return WP_E_INVALID_ARGUMENT;
    }

    static wp_status get(void* ctx, const char* key, const wp_sink* value, uint64_t* revision,
                         wp_error* error) noexcept {
        if (revision != nullptr)
            *revision = 0;
        if (key == nullptr || value == nullptr || value->write == nullptr)
            return missingArgument(error);
        return serviceGuard(error, [&] {
            std::optional<Versioned> found = self(ctx).get(key);
            if (!found) {
                wp::detail::fillError(error, "store.not_found",
                                      std::string("no value for key '") + key + "'");
                return WP_E_NOT_FOUND;
            }
            value->write(value->ctx, found->value.data(), found->value.size());
            if (revision != nullptr)
                *revision = found->revision;
            return WP_OK;
        });
    }
    static wp_status putIf(void* ctx, const char* key, uint64_t expected, const char* data, std::size_t len,
                           uint64_t* newRevision, wp_error* error) noexcept {
        if (key == nullptr || (data == nullptr && len != 0))
            return missingArgument(error);
        return serviceGuard(error, [&] {
            StoreService::CasResult result =
                self(ctx).putIf(key, expected, std::string_view(data != nullptr ? data : "", len));
            if (newRevision != nullptr)
                *newRevision = result.revision;
            if (!result.written) {
                wp::detail::fillError(error, "store.conflict",
                                      std::string("key '") + key + "' was changed by another writer");
                return WP_E_CONFLICT;
            }
            return WP_OK;
        });
    }
    static wp_status remove(void* ctx, const char* key, uint64_t expected, wp_error* error) noexcept {
        if (key == nullptr)
            return missingArgument(error);
        return serviceGuard(error, [&] {
            wp_status status = self(ctx).remove(key, expected);
            if (status == WP_E_NOT_FOUND)
                wp::detail::fillError(error, "store.not_found",
                                      std::string("no value for key '") + key + "'");
            else if (status == WP_E_CONFLICT)
                wp::detail::fillError(error, "store.conflict",
                                      std::string("key '") + key + "' was changed by another writer");
            return status;
        });
    }
    static wp_status list(void* ctx, const char* prefix, const wp_sink* keys, wp_error* error) noexcept {
        if (keys == nullptr || keys->write == nullptr)
            return missingArgument(error);
        return serviceGuard(error, [&] {
            for (const std::string& key : self(ctx).list(prefix != nullptr ? prefix : ""))
                keys->write(keys->ctx, key.data(), key.size());
            return WP_OK;
        });
    }
};

} // namespace detail

/// Adapts a StoreService to a wp_store.  The service must outlive every table made from it.
inline wp_store makeStoreTable(StoreService& service) noexcept {
    return wp_store{&service, &detail::StoreThunks::get, &detail::StoreThunks::putIf,
                    &detail::StoreThunks::remove, &detail::StoreThunks::list};
}

/// The wp_host an instance borrows, built from a log function and two StoreServices.  Must outlive every
/// Instance created with table(); not copyable (the table points into it).
class HostServices {
public:
    /// level is WP_LOG_*; message is not NUL-terminated.  Called from any hook thread: be thread-safe.
    using LogFunction = std::function<void(int32_t level, std::string_view message)>;

    HostServices(std::string hostName, LogFunction log, int32_t minLogLevel, StoreService& config,
                 StoreService& secrets)
        : _hostName(std::move(hostName)), _log(std::move(log)) {
        _table.struct_size = sizeof _table;
        _table.abi_version = WP_ABI_VERSION;
        _table.host_name = _hostName.c_str();
        _table.log = wp_logger{this, &logThunk, minLogLevel};
        _table.config = makeStoreTable(config);
        _table.secrets = makeStoreTable(secrets);
    }
    HostServices(const HostServices&) = delete;
    HostServices& operator=(const HostServices&) = delete;

    const wp_host& table() const noexcept { return _table; }
    /// Changes the level below which plugins skip logging.  Plugins copy the table in create(), so this
    /// affects instances created afterwards only.
    void setMinLogLevel(int32_t level) noexcept { _table.log.min_level = level; }

private:
    static void logThunk(void* ctx, int32_t level, const char* msg, std::size_t len) noexcept {
        auto* self = static_cast<HostServices*>(ctx);
        try {
            if (self->_log && msg != nullptr)
                self->_log(level, std::string_view(msg, len));
        } catch (...) {
            // A failing logger must not take the plugin down.
        }
    }

    std::string _hostName;
    LogFunction _log;
    wp_host _table{};
};

} // namespace wp::host

#endif // WP_HOST_SERVICES_HPP
