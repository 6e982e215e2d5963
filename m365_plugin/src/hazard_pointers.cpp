// hazard_pointers.cpp -- see hazard_pointers.h.
//
// The records form a process-wide, append-only list (never freed: one cache line per thread that ever
// read a protected object).  A thread claims a record on its first read and gives it back when it
// exits, so thread pools that come and go reuse records instead of growing the list.
#include "hazard_pointers.h"

#include <new>

namespace m365::hazard {

namespace {

struct alignas(64) Record { // one cache line each: readers on different cores never share a line
    std::atomic<const void*> pointers[kSlotsPerThread] = {};
    std::atomic<bool> owned{false};
    Record* next = nullptr;
};

std::atomic<Record*> g_records{nullptr};

// Frees the records when the module is unloaded (threads' own destructors have run by then), so the
// records never outlive the list that reaches them.
struct RecordListOwner {
    ~RecordListOwner() {
        for (Record* record = g_records.exchange(nullptr); record != nullptr;) {
            Record* next = record->next;
            delete record;
            record = next;
        }
    }
} g_recordListOwner;

Record* claimRecord() {
    for (Record* record = g_records.load(std::memory_order_acquire); record != nullptr;
         record = record->next) {
        bool expected = false;
        if (!record->owned.load(std::memory_order_relaxed) &&
            record->owned.compare_exchange_strong(expected, true, std::memory_order_acq_rel))
            return record;
    }
    auto* record = new Record;
    record->owned.store(true, std::memory_order_relaxed);
    Record* head = g_records.load(std::memory_order_relaxed);
    do {
        record->next = head;
    } while (
        !g_records.compare_exchange_weak(head, record, std::memory_order_release, std::memory_order_relaxed));
    return record;
}

struct ThreadRecord {
    Record* record = nullptr;
    unsigned busy = 0; ///< bit i: slot i is handed out
    ~ThreadRecord() {
        if (record != nullptr) {
            for (auto& pointer : record->pointers)
                pointer.store(nullptr, std::memory_order_release);
            record->owned.store(false, std::memory_order_release);
        }
    }
};

thread_local ThreadRecord t_thread;

} // namespace

std::atomic<const void*>* acquireSlot() noexcept {
    ThreadRecord& thread = t_thread;
    if (thread.record == nullptr) {
        try {
            thread.record = claimRecord();
        } catch (const std::bad_alloc&) {
            return nullptr; // the caller takes the locked path
        }
    }
    for (unsigned i = 0; i < kSlotsPerThread; ++i) {
        if ((thread.busy & (1u << i)) == 0) {
            thread.busy |= 1u << i;
            return &thread.record->pointers[i];
        }
    }
    return nullptr;
}

void release(std::atomic<const void*>* slot) noexcept {
    slot->store(nullptr, std::memory_order_release);
    ThreadRecord& thread = t_thread;
    thread.busy &= ~(1u << static_cast<unsigned>(slot - thread.record->pointers));
}

std::unordered_set<const void*> protectedPointers() {
    std::unordered_set<const void*> result;
    for (Record* record = g_records.load(std::memory_order_acquire); record != nullptr; record = record->next)
        for (const auto& pointer : record->pointers)
            if (const void* value = pointer.load(std::memory_order_seq_cst))
                result.insert(value);
    return result;
}

} // namespace m365::hazard
