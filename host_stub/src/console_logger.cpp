// console_logger.cpp -- timestamps, level names, and a C trampoline for plugins.
#include "console_logger.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace wphost {
namespace {

const char* levelName(int32_t level) {
    switch (level) {
    case WP_LOG_TRACE:
        return "TRACE";
    case WP_LOG_DEBUG:
        return "DEBUG";
    case WP_LOG_INFO:
        return "INFO ";
    case WP_LOG_WARN:
        return "WARN ";
    default:
        return "ERROR";
    }
}

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    ::localtime_r(&seconds, &local);
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                  static_cast<int>(millis));
    return text;
}

void writeThunk(void* ctx, int32_t level, const char* msg, std::size_t len) noexcept {
    try {
        auto* tag = static_cast<ConsoleLogger::Tag*>(ctx);
        if (msg != nullptr && tag->logger->logs(level)) {
            tag->logger->write(level, tag->source, std::string_view(msg, len));
        }
    } catch (...) {
        // A failing logger must not take the plugin down.
    }
}

} // namespace

void ConsoleLogger::write(int32_t level, std::string_view source, std::string_view message) {
    if (!logs(level)) {
        return;
    }
    std::string line = timestamp() + " " + levelName(level) + " [" + std::string(source) + "] ";
    // One log record is one line: a plugin's embedded newlines become visible escapes.
    for (char c : message) {
        if (c == '\n') {
            line += "\\n";
        } else if (c != '\r') {
            line += c;
        }
    }
    _console.line(line);
}

wp_logger ConsoleLogger::table(Tag& tag) {
    return wp_logger{&tag, writeThunk, tag.logger->minLevel()};
}

} // namespace wphost
