// token_cache.cpp -- see token_cache.h for the design (lock-free hits, single-flight misses).
#include "token_cache.h"

#include "entra_error.h"
#include "hazard_pointers.h"

#include <wp/error.hpp>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

namespace m365 {

namespace {

constexpr unsigned kMaxSlots = 64;
constexpr std::chrono::milliseconds kWaitSlice{100};

int64_t coarseUnixNow() noexcept {
    timespec now{};
    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return static_cast<int64_t>(now.tv_sec);
}

} // namespace

/// An immutable published token plus the times the cache derived from it.
struct TokenCache::Entry {
    AccessToken token;
    int64_t usableUntil = 0; ///< hand out only before this (expiry minus the refresh margin)
    int64_t refreshAt = 0;   ///< from here on, one caller refreshes while the others keep using it
};

/// One fetch in progress for a slot; concurrent callers wait for it instead of fetching themselves.
struct TokenCache::Flight {
    bool done = false;
    bool leaderCancelled = false;
    std::shared_ptr<const Entry> result;
    /// Throws a copy of the fetch's error: each waiter gets its own exception object (sharing one
    /// thrown object between threads through exception_ptr is legal but easy to misuse).
    std::function<void()> rethrow;
};

namespace {

/// A thrower for the exception being handled: by value for the plugin's own types (keeping the
/// ServiceError details such as Retry-After), through exception_ptr for anything else.
std::function<void()> captureCurrentError() {
    try {
        throw;
    } catch (const ServiceError& e) {
        return [e] { throw e; };
    } catch (const wp::Error& e) {
        return [e] { throw e; };
    } catch (...) {
        return [error = std::current_exception()] { std::rethrow_exception(error); };
    }
}

} // namespace

struct TokenCache::Slot {
    explicit Slot(std::string_view name) : scope(name) {}

    const std::string scope;
    std::atomic<const Entry*> current{nullptr}; ///< the published entry (owned by `owner`)
    std::atomic<bool> refreshing{false};        ///< a refresh-ahead is running
    Slot* next = nullptr;                       ///< immutable once the slot is published

    std::mutex mutex; ///< guards everything below (writers and the cold path only)
    std::condition_variable changed;
    std::shared_ptr<const Entry> owner;
    std::vector<std::shared_ptr<const Entry>> retired; ///< replaced entries a reader may still hold
    std::shared_ptr<Flight> flight;
};

// ---- TokenLease ----

TokenLease::TokenLease(TokenLease&& other) noexcept
    : _token(std::exchange(other._token, nullptr)), _hazard(std::exchange(other._hazard, nullptr)),
      _owner(std::move(other._owner)) {}

TokenLease& TokenLease::operator=(TokenLease&& other) noexcept {
    if (this != &other) {
        release();
        _token = std::exchange(other._token, nullptr);
        _hazard = std::exchange(other._hazard, nullptr);
        _owner = std::move(other._owner);
    }
    return *this;
}

void TokenLease::release() noexcept {
    if (_hazard != nullptr)
        hazard::release(_hazard);
    _hazard = nullptr;
    _owner.reset();
    _token = nullptr;
}

TokenLease TokenLease::fromShared(std::shared_ptr<const AccessToken> token) noexcept {
    TokenLease lease;
    lease._token = token.get();
    lease._owner = std::move(token);
    return lease;
}

TokenLease TokenLease::fromHazard(const AccessToken* token, std::atomic<const void*>* hazard) noexcept {
    TokenLease lease;
    lease._token = token;
    lease._hazard = hazard;
    return lease;
}

// ---- TokenCache ----

TokenCache::TokenCache(Fetcher fetcher, Clock clock, std::chrono::seconds refreshMargin)
    : _fetcher(std::move(fetcher)), _clock(std::move(clock)), _refreshMargin(refreshMargin.count()) {
    if (!_fetcher)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cache.no_fetcher", "the token cache needs a fetcher");
}

TokenCache::~TokenCache() {
    // No lease may outlive the cache (the plugin instance): nothing can reference the entries now.
    Slot* slot = _slots.load(std::memory_order_acquire);
    while (slot != nullptr) {
        Slot* next = slot->next;
        delete slot;
        slot = next;
    }
}

TokenLease TokenCache::leaseOf(std::shared_ptr<const Entry> entry) {
    // The aliasing constructor: shares ownership of the entry, points at its token.
    std::shared_ptr<const AccessToken> token(entry, &entry->token);
    return TokenLease::fromShared(std::move(token));
}

int64_t TokenCache::now() const {
    return _clock ? _clock() : coarseUnixNow();
}

TokenCache::Slot* TokenCache::findSlot(std::string_view scope) const noexcept {
    for (Slot* slot = _slots.load(std::memory_order_acquire); slot != nullptr; slot = slot->next)
        if (slot->scope == scope)
            return slot;
    return nullptr;
}

TokenCache::Slot& TokenCache::slotFor(std::string_view scope) {
    if (Slot* slot = findSlot(scope))
        return *slot;
    std::lock_guard<std::mutex> lock(_slotsMutex);
    if (Slot* slot = findSlot(scope)) // another thread added it meanwhile
        return *slot;
    if (_slotCount.load(std::memory_order_relaxed) >= kMaxSlots)
        throw wp::Error(WP_E_INVALID_ARGUMENT, "cache.too_many_scopes",
                        "more than " + std::to_string(kMaxSlots) + " different scopes were requested");
    auto* slot = new Slot(scope);
    slot->next = _slots.load(std::memory_order_relaxed);
    _slots.store(slot, std::memory_order_release);
    _slotCount.fetch_add(1, std::memory_order_relaxed);
    return *slot;
}

TokenLease TokenCache::get(std::string_view scope, const wp::Call* call, bool bypassCache) {
    Slot* slot = bypassCache ? nullptr : findSlot(scope);
    if (slot != nullptr) {
        if (std::atomic<const void*>* hazard = hazard::acquireSlot()) {
            const Entry* entry = hazard::protect(slot->current, hazard);
            if (entry != nullptr) {
                const int64_t t = now();
                if (t < entry->refreshAt)
                    return TokenLease::fromHazard(&entry->token, hazard); // the hot path
                if (t < entry->usableUntil && slot->refreshing.exchange(true, std::memory_order_acq_rel))
                    return TokenLease::fromHazard(&entry->token, hazard); // another caller refreshes
                if (t < entry->usableUntil) {
                    hazard::release(hazard);
                    return refreshAhead(*slot, call);
                }
            }
            hazard::release(hazard);
        }
    }
    Slot& target = slot != nullptr ? *slot : slotFor(scope);
    return bypassCache ? fetchOwn(target, call) : fetchShared(target, call, false);
}

TokenLease TokenCache::refreshAhead(Slot& slot, const wp::Call* call) {
    struct ClearFlag {
        std::atomic<bool>& flag;
        ~ClearFlag() { flag.store(false, std::memory_order_release); }
    } clear{slot.refreshing};
    return fetchShared(slot, call, true);
}

std::shared_ptr<const TokenCache::Entry> TokenCache::makeEntry(AccessToken token) const {
    auto entry = std::make_shared<Entry>();
    const int64_t t = now();
    const int64_t lifetime = std::max<int64_t>(0, token.expiresAt - t);
    const int64_t margin = std::min(_refreshMargin, lifetime / 2);
    entry->usableUntil = token.expiresAt - margin;
    entry->refreshAt =
        token.refreshAt > 0 ? std::min(token.refreshAt, entry->usableUntil) : entry->usableUntil;
    entry->token = std::move(token);
    return entry;
}

TokenLease TokenCache::fetchShared(Slot& slot, const wp::Call* call, bool refreshingAhead) {
    std::unique_lock<std::mutex> lock(slot.mutex);
    for (;;) {
        std::shared_ptr<const Entry> current = slot.owner;
        const int64_t t = now();
        const bool usable = current && t < current->usableUntil;
        if (usable && (!refreshingAhead || t < current->refreshAt))
            return leaseOf(current); // someone else fetched meanwhile

        if (std::shared_ptr<Flight> flight = slot.flight) {
            // Join the fetch in progress: wait for its outcome, watching our own cancellation.
            while (!flight->done) {
                if (call != nullptr && call->cancelled())
                    throw wp::Error(WP_E_CANCELLED, "call.cancelled", "the operation was cancelled");
                slot.changed.wait_for(lock, kWaitSlice);
            }
            if (flight->result)
                return leaseOf(flight->result);
            if (flight->leaderCancelled)
                continue; // the fetching caller gave up, not the service: fetch again
            if (refreshingAhead && usable)
                return leaseOf(current);
            flight->rethrow();
        }

        // Lead the fetch.
        auto flight = std::make_shared<Flight>();
        slot.flight = flight;
        const uint64_t generation = _generation.load(std::memory_order_acquire);
        lock.unlock();
        std::shared_ptr<const Entry> entry;
        std::function<void()> rethrow;
        bool cancelled = false;
        try {
            _fetches.fetch_add(1, std::memory_order_relaxed);
            entry = makeEntry(_fetcher(slot.scope, call));
        } catch (const wp::Error& e) {
            rethrow = captureCurrentError();
            cancelled = e.status() == WP_E_CANCELLED;
        } catch (...) {
            rethrow = captureCurrentError();
        }
        lock.lock();
        if (entry && generation == _generation.load(std::memory_order_acquire))
            publish(slot, entry);
        flight->result = entry;
        flight->rethrow = rethrow;
        flight->leaderCancelled = cancelled;
        flight->done = true;
        slot.flight.reset();
        slot.changed.notify_all();
        if (entry)
            return leaseOf(entry);
        if (refreshingAhead && usable && !cancelled)
            return leaseOf(current); // keep serving the still-valid token; the next caller retries
        rethrow();
    }
}

TokenLease TokenCache::fetchOwn(Slot& slot, const wp::Call* call) {
    const uint64_t generation = _generation.load(std::memory_order_acquire);
    _fetches.fetch_add(1, std::memory_order_relaxed);
    auto entry = makeEntry(_fetcher(slot.scope, call));
    std::lock_guard<std::mutex> lock(slot.mutex);
    if (generation == _generation.load(std::memory_order_acquire))
        publish(slot, entry);
    return leaseOf(entry);
}

void TokenCache::publish(Slot& slot, std::shared_ptr<const Entry> entry) {
    if (slot.owner)
        slot.retired.push_back(std::move(slot.owner));
    slot.owner = entry;
    slot.current.store(entry.get(), std::memory_order_seq_cst);
    reclaim(slot);
}

void TokenCache::reclaim(Slot& slot) {
    if (slot.retired.empty())
        return;
    std::unordered_set<const void*> inUse = hazard::protectedPointers();
    std::erase_if(slot.retired, [&](const std::shared_ptr<const Entry>& entry) {
        return inUse.count(entry.get()) == 0; // slow-path leases hold their own reference
    });
}

void TokenCache::invalidate() {
    _generation.fetch_add(1, std::memory_order_acq_rel);
    for (Slot* slot = _slots.load(std::memory_order_acquire); slot != nullptr; slot = slot->next) {
        std::lock_guard<std::mutex> lock(slot->mutex);
        if (slot->owner)
            slot->retired.push_back(std::move(slot->owner));
        slot->owner.reset();
        slot->current.store(nullptr, std::memory_order_seq_cst);
        reclaim(*slot);
    }
}

} // namespace m365
