// json_line.cpp -- see json_line.h.
#include "json_line.h"

#include <cmath>
#include <cstdio>

namespace wpbench {

namespace {
void appendString(std::string& out, std::string_view value) {
    out.push_back('"');
    for (char c : value) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

void appendNumber(std::string& out, double value) {
    char digits[32];
    if (!std::isfinite(value))
        value = 0;
    int length = std::snprintf(digits, sizeof digits, "%.6g", value);
    out.append(digits, static_cast<std::size_t>(length));
}
} // namespace

JsonLine::JsonLine(std::string_view bench) {
    _text = "{\"bench\":";
    appendString(_text, bench);
}

void JsonLine::key(std::string_view name) {
    _text.push_back(',');
    appendString(_text, name);
    _text.push_back(':');
}

JsonLine& JsonLine::add(std::string_view name, double value) {
    key(name);
    appendNumber(_text, value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, std::string_view value) {
    key(name);
    appendString(_text, value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view name, const Summary& summary) {
    key(name);
    _text += "{\"median\":";
    appendNumber(_text, summary.median);
    _text += ",\"min\":";
    appendNumber(_text, summary.min);
    _text += ",\"max\":";
    appendNumber(_text, summary.max);
    _text += ",\"runs\":";
    appendNumber(_text, static_cast<double>(summary.runs));
    _text.push_back('}');
    return *this;
}

void JsonLine::print() {
    std::string line = _text + "}\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

} // namespace wpbench
