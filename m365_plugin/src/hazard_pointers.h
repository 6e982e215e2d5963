// hazard_pointers.h -- safe memory reclamation for the token cache's lock-free read path.
//
// A reader publishes the pointer it is about to use in its thread's hazard slot, then re-reads the
// source to confirm the object is still current.  A writer that has replaced an object "retires" it and
// frees it only once no hazard slot holds it.  A few slots per thread, shared by every user in the
// process (e.g. one for the plugin's credential snapshot, one for the token under it); slots are recycled
// when their threads exit.  HazardCell below packages the pattern for "an object replaced now and then,
// read by many threads".
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <utility>
#include <vector>

namespace m365::hazard {

/// Hazard slots per thread: reads nested deeper than this take the callers' locked paths.
constexpr unsigned kSlotsPerThread = 4;

/// A free hazard slot of this thread, or nullptr if all are in use (take the slow path).  Release it
/// with release() on the same thread.
std::atomic<const void*>* acquireSlot() noexcept;
/// Clears the slot (the object it protected may now be freed).
void release(std::atomic<const void*>* slot) noexcept;

/// Protects the object `source` points to: returns the pointer, which stays valid until release(slot).
template <class P> P protect(std::atomic<P>& source, std::atomic<const void*>* slot) noexcept {
    P current = source.load(std::memory_order_acquire);
    for (;;) {
        slot->store(current, std::memory_order_seq_cst);
        P again = source.load(std::memory_order_seq_cst);
        if (again == current)
            return current;
        current = again;
    }
}

/// Every pointer some thread currently protects (a writer frees a retired object only if it is absent).
std::unordered_set<const void*> protectedPointers();

/// A shared_ptr<T> that many threads read without a lock or reference-count traffic (unlike
/// std::atomic<std::shared_ptr<T>>, whose load() locks and bumps a shared counter), and that is
/// replaced now and then (e.g. the plugin's credential snapshot after a certificate rotation).
/// No Reader may outlive the cell.
template <class T> class HazardCell {
public:
    /// Access to the current object for as long as the Reader lives (same thread).  Move-only.
    class Reader {
    public:
        Reader() = default;
        Reader(Reader&& other) noexcept
            : _object(std::exchange(other._object, nullptr)), _slot(std::exchange(other._slot, nullptr)),
              _owner(std::move(other._owner)) {}
        Reader& operator=(Reader&&) = delete;
        Reader(const Reader&) = delete;
        ~Reader() {
            if (_slot != nullptr)
                release(_slot);
        }
        T* get() const noexcept { return _object; }
        T* operator->() const noexcept { return _object; }
        T& operator*() const noexcept { return *_object; }
        explicit operator bool() const noexcept { return _object != nullptr; }

    private:
        friend class HazardCell;
        T* _object = nullptr;
        std::atomic<const void*>* _slot = nullptr; ///< fast path
        std::shared_ptr<T> _owner;                 ///< slow path (all slots of this thread in use)
    };

    HazardCell() = default;
    HazardCell(const HazardCell&) = delete;
    HazardCell& operator=(const HazardCell&) = delete;

    /// The current object (empty Reader if none was stored).
    Reader read() const {
        Reader reader;
        if (std::atomic<const void*>* slot = acquireSlot()) {
            reader._object = protect(_current, slot);
            if (reader._object != nullptr)
                reader._slot = slot;
            else
                release(slot);
            return reader;
        }
        std::lock_guard<std::mutex> lock(_mutex);
        reader._owner = _owner;
        reader._object = _owner.get();
        return reader;
    }

    /// A counted reference to the current object (for keeping it beyond a Reader's scope).
    std::shared_ptr<T> load() const {
        std::lock_guard<std::mutex> lock(_mutex);
        return _owner;
    }

    /// Publishes value; the previous object is freed once no Reader holds it.
    void store(std::shared_ptr<T> value) {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_owner)
            _retired.push_back(std::move(_owner));
        _owner = std::move(value);
        _current.store(_owner.get(), std::memory_order_seq_cst);
        std::unordered_set<const void*> inUse = protectedPointers();
        std::erase_if(_retired, [&](const std::shared_ptr<T>& old) { return inUse.count(old.get()) == 0; });
    }

private:
    mutable std::atomic<T*> _current{nullptr};
    mutable std::mutex _mutex;
    std::shared_ptr<T> _owner;
    std::vector<std::shared_ptr<T>> _retired;
};

} // namespace m365::hazard
