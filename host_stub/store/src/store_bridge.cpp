// store_bridge.cpp -- the wp_store trampolines: C in, C++ inside, status + wp_error out, never a throw.
#include "wphost/store_bridge.hpp"

#include "wphost/store_error.hpp"

#include <cstddef>
#include <new>

namespace wphost {
namespace {

using wp::detail::fillError;

template <typename Operation> wp_status guarded(wp_error* error, Operation&& operation) noexcept {
    try {
        return operation();
    } catch (const wp::Error& e) {
        fillError(error, e.code(), e.what(), e.hint());
        return e.status();
    } catch (const std::bad_alloc&) {
        fillError(error, "store.out_of_memory", "the store ran out of memory");
        return WP_E_INTERNAL;
    } catch (const std::exception& e) {
        fillError(error, "store.internal", std::string("the store failed: ") + e.what(),
                  "report this as a bug");
        return WP_E_INTERNAL;
    } catch (...) {
        fillError(error, "store.internal", "the store failed with an unknown error", "report this as a bug");
        return WP_E_INTERNAL;
    }
}

const InstanceStore& storeOf(void* ctx) {
    return static_cast<const StoreBridge*>(ctx)->store();
}

void requireKey(const char* key) {
    if (key == nullptr) {
        throw StoreError(WP_E_INVALID_ARGUMENT, "store.key_invalid", "store key is NULL", "pass a key");
    }
}

std::string quote(const char* key) {
    std::string quoted = "'"; // built by append: GCC 12 -O3 reports a false -Wrestrict for "'" + std::string
    quoted.append(key).append("'");
    return quoted;
}

wp_status storeGet(void* ctx, const char* key, const wp_sink* value, std::uint64_t* revision,
                   wp_error* error) {
    return guarded(error, [&] {
        if (revision != nullptr) {
            *revision = 0;
        }
        requireKey(key);
        auto found = storeOf(ctx).get(key);
        if (!found) {
            fillError(error, "store.not_found", "key " + quote(key) + " does not exist");
            return WP_E_NOT_FOUND;
        }
        if (value != nullptr && value->write != nullptr) {
            value->write(value->ctx, found->value.bytes().data(), found->value.bytes().size());
        }
        if (revision != nullptr) {
            *revision = found->revision;
        }
        return WP_OK;
    });
}

wp_status storePutIf(void* ctx, const char* key, std::uint64_t expectedRevision, const char* value,
                     std::size_t len, std::uint64_t* newRevision, wp_error* error) {
    return guarded(error, [&] {
        requireKey(key);
        if (value == nullptr && len != 0) {
            throw StoreError(WP_E_INVALID_ARGUMENT, "store.value_invalid", "store value is NULL",
                             "pass a value");
        }
        auto outcome = storeOf(ctx).putIf(key, expectedRevision, std::string_view(value ? value : "", len));
        if (newRevision != nullptr) {
            *newRevision = outcome.revision;
        }
        if (outcome.written) {
            return WP_OK;
        }
        std::string why =
            expectedRevision == WP_REVISION_ABSENT
                ? "already exists (revision " + std::to_string(outcome.revision) + ")"
            : outcome.revision == 0
                ? "no longer exists (expected revision " + std::to_string(expectedRevision) + ")"
                : "changed meanwhile (expected revision " + std::to_string(expectedRevision) + ", found " +
                      std::to_string(outcome.revision) + ")";
        fillError(error, "store.conflict", "key " + quote(key) + " " + why, "read it again and retry");
        return WP_E_CONFLICT;
    });
}

wp_status storeRemove(void* ctx, const char* key, std::uint64_t expectedRevision, wp_error* error) {
    return guarded(error, [&] {
        requireKey(key);
        switch (storeOf(ctx).removeIf(key, expectedRevision)) {
        case RemoveOutcome::Removed:
            return WP_OK;
        case RemoveOutcome::NotFound:
            fillError(error, "store.not_found", "key " + quote(key) + " does not exist");
            return WP_E_NOT_FOUND;
        case RemoveOutcome::Conflict:
            break;
        }
        fillError(error, "store.conflict",
                  "key " + quote(key) + " changed meanwhile (expected revision " +
                      std::to_string(expectedRevision) + ")",
                  "read it again and retry");
        return WP_E_CONFLICT;
    });
}

wp_status storeList(void* ctx, const char* prefix, const wp_sink* keys, wp_error* error) {
    return guarded(error, [&] {
        for (const auto& key : storeOf(ctx).list(prefix != nullptr ? prefix : "")) {
            if (keys != nullptr && keys->write != nullptr) {
                keys->write(keys->ctx, key.data(), key.size());
            }
        }
        return WP_OK;
    });
}

} // namespace

StoreBridge::StoreBridge(InstanceStore store)
    : _store(std::move(store)), _table{this, storeGet, storePutIf, storeRemove, storeList} {}

} // namespace wphost
