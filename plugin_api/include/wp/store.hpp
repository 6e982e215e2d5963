// wp/store.hpp -- wp::Store: the plugin's view of a host key-value store (config or secrets), with the
// compare-and-swap update loop.  Keys are scoped to the instance by the host.
#ifndef WP_STORE_HPP
#define WP_STORE_HPP

#include <wp/error.hpp>

#include <cstdint>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace wp {

/// A value with the revision it was read at (revisions start at 1 and increase with every write).
struct Versioned {
    std::string value;
    uint64_t revision = 0;
};

/// Wraps a borrowed wp_store.  Cheap to copy; thread-safe as far as the host's store is (it must be).
/// Every failure other than the documented "absent" / "conflict" answers throws wp::Error carrying the
/// host's status and error record (e.g. WP_E_UNAVAILABLE when storage is busy: nothing was written).
class Store {
public:
    /// How often update() re-reads and retries after losing a compare-and-swap.
    static constexpr int kUpdateAttempts = 5;

    Store() = default;
    explicit Store(const wp_store& store, const char* name = "store") : _store(store), _name(name) {}

    /// The value and its revision, or nullopt if the key is absent.
    std::optional<Versioned> get(std::string_view key) const {
        require(_store.get != nullptr, "get");
        Versioned result;
        Collector<std::string> collector{&result.value};
        wp_sink sink{&collector, &Collector<std::string>::append};
        wp_error error = detail::makeErrorRecord();
        detail::CString k(key);
        wp_status status = _store.get(_store.ctx, k.c_str(), &sink, &result.revision, &error);
        if (status == WP_E_NOT_FOUND)
            return std::nullopt;
        check(status, error);
        collector.rethrow();
        return result;
    }

    /// Compare-and-swap: writes only if the key's revision still is expectedRevision (WP_REVISION_ABSENT:
    /// only if absent).  Returns false if another writer came first; *newRevision gets the new revision on
    /// success, the current one on conflict.
    bool putIf(std::string_view key, uint64_t expectedRevision, std::string_view value,
               uint64_t* newRevision = nullptr) const {
        require(_store.put_if != nullptr, "put_if");
        uint64_t revision = 0;
        wp_error error = detail::makeErrorRecord();
        detail::CString k(key);
        wp_status status = _store.put_if(_store.ctx, k.c_str(), expectedRevision, value.data(), value.size(),
                                         &revision, &error);
        if (newRevision != nullptr)
            *newRevision = revision;
        if (status == WP_E_CONFLICT)
            return false;
        check(status, error);
        return true;
    }

    /// Deletes the key if its revision still is expectedRevision (WP_REVISION_ANY: whatever it is).
    /// Returns false on conflict or when the key is absent.
    bool removeIf(std::string_view key, uint64_t expectedRevision = WP_REVISION_ANY) const {
        require(_store.remove != nullptr, "remove");
        wp_error error = detail::makeErrorRecord();
        detail::CString k(key);
        wp_status status = _store.remove(_store.ctx, k.c_str(), expectedRevision, &error);
        if (status == WP_E_CONFLICT || status == WP_E_NOT_FOUND)
            return false;
        check(status, error);
        return true;
    }

    /// The keys starting with prefix (empty: all), ascending.
    std::vector<std::string> list(std::string_view prefix = {}) const {
        require(_store.list != nullptr, "list");
        std::vector<std::string> keys;
        Collector<std::vector<std::string>> collector{&keys};
        wp_sink sink{&collector, &Collector<std::vector<std::string>>::append};
        wp_error error = detail::makeErrorRecord();
        detail::CString p(prefix);
        check(_store.list(_store.ctx, p.c_str(), &sink, &error), error);
        collector.rethrow();
        return keys;
    }

    /// Read-modify-write with compare-and-swap: reads the key, calls fn with its value (nullopt if absent),
    /// and writes fn's result (nullopt: delete) only if nobody wrote in between; otherwise re-reads and
    /// calls fn again, up to kUpdateAttempts times, then throws wp::Error(WP_E_CONFLICT, "store.conflict").
    /// fn may therefore run several times: keep it free of side effects.  Returns the new revision, or 0 if
    /// the key ends up absent.
    uint64_t
    update(std::string_view key,
           const std::function<std::optional<std::string>(const std::optional<std::string>&)>& fn) const {
        for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
            std::optional<Versioned> current = get(key);
            std::optional<std::string> currentValue;
            if (current)
                currentValue = std::move(current->value);
            std::optional<std::string> next = fn(currentValue);
            if (!next) {
                if (!current || removeIf(key, current->revision))
                    return 0;
                continue;
            }
            uint64_t revision = 0;
            if (putIf(key, current ? current->revision : WP_REVISION_ABSENT, *next, &revision))
                return revision;
        }
        throw Error(WP_E_CONFLICT, "store.conflict",
                    std::string("the ") + _name + " key '" + std::string(key) +
                        "' kept changing while it was updated",
                    "Another process is writing the same key; try again.");
    }

private:
    // A wp_sink target.  The host calls it, so nothing may be thrown through it: an allocation failure
    // is remembered and rethrown on our side of the call.
    template <class Target> struct Collector {
        Target* target;
        bool failed = false;
        static void append(void* ctx, const char* data, std::size_t len) noexcept {
            auto* self = static_cast<Collector*>(ctx);
            try {
                if constexpr (std::is_same_v<Target, std::string>)
                    self->target->append(data, len);
                else
                    self->target->emplace_back(data, len);
            } catch (...) {
                self->failed = true;
            }
        }
        void rethrow() const {
            if (failed)
                throw std::bad_alloc();
        }
    };
    void require(bool present, const char* what) const {
        if (!present)
            throw Error(WP_E_UNSUPPORTED, "store.unsupported",
                        std::string("the host's ") + _name + " does not support " + what);
    }
    void check(wp_status status, const wp_error& error) const {
        if (status != WP_OK)
            throw Error::fromRecord(status, error);
    }

    wp_store _store{};
    const char* _name = "store";
};

} // namespace wp

#endif // WP_STORE_HPP
