// The terminal QR code: a real QR symbol (finder patterns where the standard puts them, version-sized),
// drawn two module rows per line with a light quiet zone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "qr_text.hpp"

#include <string>

namespace {

const std::string kUri = "https://microsoft.com/devicelogin";

/// Code points of a UTF-8 string (the half blocks are 3 bytes each).
std::size_t columns(const std::string& line) {
    std::size_t count = 0;
    for (unsigned char c : line)
        if ((c & 0xC0) != 0x80)
            ++count;
    return count;
}

/// A finder pattern: 7x7 dark ring, light ring inside, 3x3 dark centre.
bool finderAt(const std::vector<std::vector<bool>>& m, std::size_t top, std::size_t left) {
    for (std::size_t y = 0; y < 7; ++y)
        for (std::size_t x = 0; x < 7; ++x) {
            bool ring = y == 0 || y == 6 || x == 0 || x == 6;
            bool centre = y >= 2 && y <= 4 && x >= 2 && x <= 4;
            if (m[top + y][left + x] != (ring || centre))
                return false;
        }
    return true;
}

} // namespace

TEST_CASE("a verification URI becomes a QR symbol with finder patterns in three corners") {
    auto modules = wphost::qrModules(kUri);
    REQUIRE(!modules.empty());
    std::size_t width = modules.size();
    CHECK((width - 21) % 4 == 0); // versions are 21, 25, 29, ... modules wide
    CHECK(width <= 33);           // a URI this short fits in version 4 at level L
    CHECK(finderAt(modules, 0, 0));
    CHECK(finderAt(modules, 0, width - 7));
    CHECK(finderAt(modules, width - 7, 0));
    CHECK_FALSE(finderAt(modules, width - 7, width - 7)); // the fourth corner has none
}

TEST_CASE("the text rendering has two module rows per line and a light quiet zone") {
    auto modules = wphost::qrModules(kUri);
    auto lines = wphost::qrTextLines(kUri);
    std::size_t side = modules.size() + 4; // 2 modules of quiet zone on each side
    CHECK(lines.size() == (side + 1) / 2);
    for (const auto& line : lines)
        CHECK(columns(line) == side);
    // The top line is all quiet zone: light over light.
    std::string fullBlocks;
    for (std::size_t i = 0; i < side; ++i)
        fullBlocks += "\u2588";
    CHECK(lines.front() == fullBlocks);
    // Second line: quiet zone, then the top edge of the first finder (dark over dark = blank) ...
    CHECK(lines[1].substr(0, 6) == "\u2588\u2588");
    CHECK(lines[1][6] == ' ');
}

TEST_CASE("text too long for any QR code gives no lines rather than a broken symbol") {
    CHECK(wphost::qrTextLines(std::string(8000, 'x')).empty());
}
