// hazard_pointers.h -- safe memory reclamation for the token cache's lock-free read path.
//
// A reader publishes the pointer it is about to use in its thread's hazard slot, then re-reads the
// source to confirm the object is still current.  A writer that has replaced an object "retires" it and
// frees it only once no hazard slot holds it.  One slot per thread, shared by every cache in the process
// (a thread reads one token at a time); slots are recycled when their threads exit.
#pragma once

#include <atomic>
#include <unordered_set>

namespace m365::hazard {

/// This thread's hazard slot, or nullptr if it is already in use (a nested read: take the slow path).
/// The returned slot must be released with release() after use.
std::atomic<const void*>* acquireSlot() noexcept;
/// Clears the slot (the object it protected may now be freed).
void release(std::atomic<const void*>* slot) noexcept;

/// Protects the object `source` points to: returns the pointer, which stays valid until release(slot).
template <class T> const T* protect(std::atomic<const T*>& source, std::atomic<const void*>* slot) noexcept {
    const T* current = source.load(std::memory_order_acquire);
    for (;;) {
        slot->store(current, std::memory_order_seq_cst);
        const T* again = source.load(std::memory_order_seq_cst);
        if (again == current)
            return current;
        current = again;
    }
}

/// Every pointer some thread currently protects (a writer frees a retired object only if it is absent).
std::unordered_set<const void*> protectedPointers();

} // namespace m365::hazard
