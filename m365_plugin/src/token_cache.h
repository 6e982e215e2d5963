// token_cache.h -- the in-memory app-only token cache of one plugin instance.
//
// Hot path (a valid cached token): no lock and no write to shared memory.  Each scope has a slot whose
// current entry is an immutable AccessToken published through an atomic pointer; a reader protects the
// entry it uses with a per-thread hazard pointer (hazard_pointers.h), so a refresh can retire the old
// entry and free it once no reader holds it.  Slots are found by a lock-free scan of a short list.
//
// Cold path (missing, expired, or bypass): SINGLE-FLIGHT per scope.  The first caller fetches; concurrent
// callers for the same scope wait for that result (or its error) instead of sending their own request.
// If the fetching caller is cancelled, one of the waiters takes over.  Tokens are refreshed ahead of
// expiry: a token is handed out only while it has more than min(5 min, lifetime/2) left; when the server
// sent refresh_in, one caller refreshes at that point while the others keep using the still-valid token
// (which is also kept if that refresh fails).
#pragma once

#include "token_client.h"

#include <wp/call.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

namespace m365 {

class TokenCache;

/// Read access to one cached token; the token stays valid (is not freed) while the lease lives.
/// Move-only; keep it on the thread that got it, and only as long as needed to copy the token out.
class TokenLease {
public:
    TokenLease() noexcept = default;
    TokenLease(TokenLease&& other) noexcept;
    TokenLease& operator=(TokenLease&& other) noexcept;
    TokenLease(const TokenLease&) = delete;
    TokenLease& operator=(const TokenLease&) = delete;
    ~TokenLease() { release(); }

    const AccessToken& operator*() const noexcept { return *_token; }
    const AccessToken* operator->() const noexcept { return _token; }
    explicit operator bool() const noexcept { return _token != nullptr; }

private:
    friend class TokenCache;
    static TokenLease fromShared(std::shared_ptr<const AccessToken> token) noexcept;
    static TokenLease fromHazard(const AccessToken* token, std::atomic<const void*>* hazard) noexcept;
    void release() noexcept;

    const AccessToken* _token = nullptr;
    std::atomic<const void*>* _hazard = nullptr; ///< fast path: this thread's hazard slot
    std::shared_ptr<const AccessToken> _owner;   ///< slow path: shared ownership
};

class TokenCache {
public:
    /// Fetches a new token for a scope (e.g. ConfidentialClient::acquire); may throw wp::Error.
    using Fetcher = std::function<AccessToken(std::string_view scope, const wp::Call* call)>;
    /// Seconds since the epoch; empty = a coarse system clock.
    using Clock = std::function<int64_t()>;

    explicit TokenCache(Fetcher fetcher, Clock clock = {},
                        std::chrono::seconds refreshMargin = std::chrono::minutes(5));
    ~TokenCache();
    TokenCache(const TokenCache&) = delete;
    TokenCache& operator=(const TokenCache&) = delete;

    /// A valid token for scope.  bypassCache: always fetch (no single-flight: each caller gets its own
    /// fresh token, which also replaces the cached one).  Throws what the fetcher throws,
    /// WP_E_CANCELLED "call.cancelled" if `call` is cancelled while waiting for another caller's fetch,
    /// WP_E_INVALID_ARGUMENT "cache.too_many_scopes" beyond 64 distinct scopes.
    TokenLease get(std::string_view scope, const wp::Call* call, bool bypassCache = false);

    /// Forgets every cached token (the credential changed, e.g. after a certificate rotation).  Fetches
    /// already in flight still complete but their result is not published.
    void invalidate();

    /// Requests sent through the fetcher so far (for tests and stats).
    uint64_t fetchCount() const noexcept { return _fetches.load(std::memory_order_relaxed); }

private:
    struct Entry;
    struct Flight;
    struct Slot;

    static TokenLease leaseOf(std::shared_ptr<const Entry> entry);
    Slot* findSlot(std::string_view scope) const noexcept;
    Slot& slotFor(std::string_view scope);
    std::shared_ptr<const Entry> makeEntry(AccessToken token) const;
    TokenLease fetchShared(Slot& slot, const wp::Call* call, bool refreshingAhead);
    TokenLease fetchOwn(Slot& slot, const wp::Call* call);
    TokenLease refreshAhead(Slot& slot, const wp::Call* call);
    void publish(Slot& slot, std::shared_ptr<const Entry> entry); ///< slot.mutex held
    void reclaim(Slot& slot);                                     ///< slot.mutex held
    int64_t now() const;

    Fetcher _fetcher;
    Clock _clock;
    int64_t _refreshMargin;
    std::atomic<Slot*> _slots{nullptr};
    std::mutex _slotsMutex; ///< only for adding a slot
    std::atomic<unsigned> _slotCount{0};
    std::atomic<uint64_t> _generation{0}; ///< bumped by invalidate()
    std::atomic<uint64_t> _fetches{0};
};

} // namespace m365
