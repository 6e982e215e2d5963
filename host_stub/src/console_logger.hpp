// console_logger.hpp -- the wp_logger of the stub host: level-filtered lines on stderr.
#pragma once

#include <wp/abi.h>

#include "console.hpp"

#include <string>
#include <string_view>

namespace wphost {

/// Prints "HH:MM:SS.mmm LEVEL [source] message" for messages at or above the minimum level.
class ConsoleLogger {
public:
    ConsoleLogger(Console& console, int32_t minLevel) : _console(console), _minLevel(minLevel) {}

    int32_t minLevel() const noexcept { return _minLevel; }
    bool logs(int32_t level) const noexcept { return level >= _minLevel; }

    /// source: "host" or "plugin/instance".  Thread-safe.
    void write(int32_t level, std::string_view source, std::string_view message);

    /// A wp_logger whose messages are attributed to source; tag must outlive every use of the table.
    struct Tag {
        ConsoleLogger* logger;
        std::string source;
    };
    static wp_logger table(Tag& tag);

private:
    Console& _console;
    int32_t _minLevel;
};

} // namespace wphost
