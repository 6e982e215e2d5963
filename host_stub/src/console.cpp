// console.cpp -- line-oriented stderr with a bottom status line redrawn after each line.
#include "console.hpp"

#include <cstdio>
#include <unistd.h>

namespace wphost {

Console::Console() : _interactive(::isatty(STDERR_FILENO) == 1) {}

void Console::line(std::string_view text) {
    std::lock_guard<std::mutex> lock(_mutex);
    eraseStatusLocked();
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fputc('\n', stderr);
    drawStatusLocked();
    std::fflush(stderr);
}

void Console::status(std::string_view text) {
    if (!_interactive) {
        return;
    }
    std::lock_guard<std::mutex> lock(_mutex);
    eraseStatusLocked();
    _status = text;
    drawStatusLocked();
    std::fflush(stderr);
}

void Console::clearStatus() {
    std::lock_guard<std::mutex> lock(_mutex);
    eraseStatusLocked();
    _status.clear();
    std::fflush(stderr);
}

void Console::out(std::string_view text) {
    std::lock_guard<std::mutex> lock(_mutex);
    eraseStatusLocked();
    std::fflush(stderr);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    drawStatusLocked();
    std::fflush(stderr);
}

void Console::eraseStatusLocked() {
    if (!_status.empty()) {
        std::fputs("\r\033[K", stderr); // carriage return, erase to end of line
    }
}

void Console::drawStatusLocked() {
    if (!_status.empty()) {
        std::fwrite(_status.data(), 1, _status.size(), stderr);
    }
}

} // namespace wphost
