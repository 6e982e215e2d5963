// HazardCell: lock-free reads of an object that is replaced now and then; old objects are freed only
// once no reader holds them.
#include "hazard_pointers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace m365;

namespace {

struct Tracked {
    explicit Tracked(int v, std::atomic<int>& live)
        : value(v), text("value-" + std::to_string(v)), alive(live) {
        ++alive;
    }
    ~Tracked() { --alive; }
    int value;
    std::string text;
    std::atomic<int>& alive;
};

} // namespace

TEST_CASE("a replaced object lives while a reader holds it, and is freed after") {
    std::atomic<int> alive{0};
    {
        hazard::HazardCell<Tracked> cell;
        CHECK_FALSE(static_cast<bool>(cell.read()));
        cell.store(std::make_shared<Tracked>(1, alive));
        {
            auto reader = cell.read();
            REQUIRE(reader);
            cell.store(std::make_shared<Tracked>(2, alive));
            CHECK(reader->text == "value-1"); // still valid: protected by the reader
            CHECK(alive.load() == 2);
        }
        cell.store(std::make_shared<Tracked>(3, alive)); // reclaims 1 (unprotected now) and retires 2
        CHECK(alive.load() == 1);
        CHECK(cell.read()->value == 3);
        CHECK(cell.load()->value == 3);
    }
    CHECK(alive.load() == 0);
}

TEST_CASE("nested reads beyond the per-thread slots fall back to counted references") {
    std::atomic<int> alive{0};
    hazard::HazardCell<Tracked> cell;
    cell.store(std::make_shared<Tracked>(7, alive));
    std::vector<hazard::HazardCell<Tracked>::Reader> readers;
    for (unsigned i = 0; i < hazard::kSlotsPerThread + 2; ++i)
        readers.push_back(cell.read());
    for (const auto& reader : readers)
        CHECK(reader->value == 7);
    readers.clear();
    auto again = cell.read();
    CHECK(again->value == 7);
}

TEST_CASE("concurrent readers never see a freed object while a writer replaces it") {
    std::atomic<int> alive{0};
    {
        hazard::HazardCell<Tracked> cell;
        cell.store(std::make_shared<Tracked>(0, alive));
        std::atomic<bool> stop{false};
        std::atomic<int> broken{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&] {
                while (!stop.load()) {
                    auto reader = cell.read();
                    if (reader->text != "value-" + std::to_string(reader->value))
                        ++broken;
                }
            });
        for (int i = 1; i < 3000; ++i)
            cell.store(std::make_shared<Tracked>(i, alive));
        stop = true;
        for (auto& reader : readers)
            reader.join();
        CHECK(broken.load() == 0);
    }
    CHECK(alive.load() == 0);
}
