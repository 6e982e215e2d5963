// qr_text.cpp -- see qr_text.hpp.
#include "qr_text.hpp"

#include <qrencode.h>

#include <memory>

namespace wphost {
namespace {

constexpr int QuietZone = 2; // the standard asks for 4; 2 scans fine and keeps the code small on screen

struct QrFree {
    void operator()(QRcode* code) const noexcept { QRcode_free(code); }
};

} // namespace

std::vector<std::vector<bool>> qrModules(std::string_view text) {
    std::string copy(text); // libqrencode wants a NUL-terminated string
    std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_L));
    std::vector<std::vector<bool>> modules;
    if (!code) {
        return modules;
    }
    const auto width = static_cast<std::size_t>(code->width);
    modules.assign(width, std::vector<bool>(width, false));
    for (std::size_t y = 0; y < width; ++y) {
        for (std::size_t x = 0; x < width; ++x) {
            modules[y][x] = (code->data[y * width + x] & 1) != 0; // bit 0: dark module
        }
    }
    return modules;
}

std::vector<std::string> qrTextLines(std::string_view text) {
    auto modules = qrModules(text);
    std::vector<std::string> lines;
    if (modules.empty()) {
        return lines;
    }
    const int width = static_cast<int>(modules.size());
    auto dark = [&](int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= width) {
            return false; // the quiet zone is light
        }
        return static_cast<bool>(modules[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)]);
    };
    for (int y = -QuietZone; y < width + QuietZone; y += 2) {
        std::string line;
        for (int x = -QuietZone; x < width + QuietZone; ++x) {
            bool top = dark(x, y);
            bool bottom = dark(x, y + 1);
            if (!top && !bottom) {
                line += "\u2588"; // full block: both light
            } else if (!top) {
                line += "\u2580"; // upper half: top light
            } else if (!bottom) {
                line += "\u2584"; // lower half: bottom light
            } else {
                line += ' ';
            }
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

} // namespace wphost
