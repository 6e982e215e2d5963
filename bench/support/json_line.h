// json_line.h -- one JSON object per line on stdout: how the benchmark programs hand their figures to
// scripts/bench.sh (which collects them into docs/performance.md).  Keys and strings are ours (no
// escaping beyond quotes and backslashes is needed).
#pragma once

#include "stats.h"

#include <string>
#include <string_view>

namespace wpbench {

class JsonLine {
public:
    explicit JsonLine(std::string_view bench);

    JsonLine& add(std::string_view name, double value);
    JsonLine& add(std::string_view name, std::string_view value);
    /// {"median":..,"min":..,"max":..,"runs":..}
    JsonLine& add(std::string_view name, const Summary& summary);
    /// Writes the line to stdout and flushes.
    void print();

private:
    void key(std::string_view name);
    std::string _text;
};

} // namespace wpbench
