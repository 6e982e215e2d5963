// json_scan.cpp -- see json_scan.h.
#include "json_scan.h"

#include <charconv>

namespace m365 {

namespace {

class Scanner {
public:
    explicit Scanner(std::string_view text) : _text(text) {}

    void skipSpace() {
        while (_pos < _text.size() &&
               (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            ++_pos;
    }
    bool atEnd() const { return _pos >= _text.size(); }
    char peek() const { return atEnd() ? '\0' : _text[_pos]; }
    bool consume(char c) {
        if (peek() != c)
            return false;
        ++_pos;
        return true;
    }

    /// At an opening quote: the raw contents up to the closing quote (escapes left in place).
    std::optional<std::string_view> string() {
        if (!consume('"'))
            return std::nullopt;
        std::size_t start = _pos;
        while (_pos < _text.size()) {
            char c = _text[_pos];
            if (c == '\\') {
                _pos += 2;
                continue;
            }
            if (c == '"') {
                std::string_view raw = _text.substr(start, _pos - start);
                ++_pos;
                return raw;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return std::nullopt; // control characters must be escaped
            ++_pos;
        }
        return std::nullopt;
    }

    /// Skips an object or array, checking that brackets balance (strings inside are honoured).
    bool skipNested() {
        std::string stack;
        do {
            char c = peek();
            if (c == '"') {
                if (!string())
                    return false;
                continue;
            }
            if (atEnd())
                return false;
            ++_pos;
            if (c == '{' || c == '[')
                stack.push_back(c == '{' ? '}' : ']');
            else if (c == '}' || c == ']') {
                if (stack.empty() || stack.back() != c)
                    return false;
                stack.pop_back();
            }
        } while (!stack.empty());
        return true;
    }

    /// A number, true, false or null: the text up to the next separator.
    std::string_view scalar() {
        std::size_t start = _pos;
        while (!atEnd() && peek() != ',' && peek() != '}' && peek() != ' ' && peek() != '\n' &&
               peek() != '\r' && peek() != '\t')
            ++_pos;
        return _text.substr(start, _pos - start);
    }

private:
    std::string_view _text;
    std::size_t _pos = 0;
};

bool isNumber(std::string_view text) {
    if (text.empty())
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
            return false;
    return true;
}

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::optional<uint32_t> hex4(std::string_view raw, std::size_t at) {
    if (at + 4 > raw.size())
        return std::nullopt;
    uint32_t value = 0;
    auto [end, error] = std::from_chars(raw.data() + at, raw.data() + at + 4, value, 16);
    if (error != std::errc() || end != raw.data() + at + 4)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<std::vector<JsonMember>> scanJsonObject(std::string_view json) {
    Scanner scanner(json);
    std::vector<JsonMember> members;
    scanner.skipSpace();
    if (!scanner.consume('{'))
        return std::nullopt;
    scanner.skipSpace();
    if (!scanner.consume('}')) {
        for (;;) {
            JsonMember member;
            scanner.skipSpace();
            auto key = scanner.string();
            scanner.skipSpace();
            if (!key || !scanner.consume(':'))
                return std::nullopt;
            member.key = *key;
            scanner.skipSpace();
            char c = scanner.peek();
            if (c == '"') {
                auto value = scanner.string();
                if (!value)
                    return std::nullopt;
                member.kind = JsonMember::Kind::String;
                member.raw = *value;
            } else if (c == '{' || c == '[') {
                if (!scanner.skipNested())
                    return std::nullopt;
            } else {
                member.raw = scanner.scalar();
                if (member.raw.empty())
                    return std::nullopt;
                member.kind = isNumber(member.raw) ? JsonMember::Kind::Number : JsonMember::Kind::Other;
            }
            members.push_back(member);
            scanner.skipSpace();
            if (scanner.consume('}'))
                break;
            if (!scanner.consume(','))
                return std::nullopt;
        }
    }
    scanner.skipSpace();
    if (!scanner.atEnd())
        return std::nullopt;
    return members;
}

const JsonMember* findMember(const std::vector<JsonMember>& members, std::string_view key) {
    for (const auto& member : members)
        if (member.key == key)
            return &member;
    return nullptr;
}

std::optional<std::string> unescapeJsonString(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        if (++i >= raw.size())
            return std::nullopt;
        switch (raw[i]) {
        case '"':
            out.push_back('"');
            break;
        case '\\':
            out.push_back('\\');
            break;
        case '/':
            out.push_back('/');
            break;
        case 'b':
            out.push_back('\b');
            break;
        case 'f':
            out.push_back('\f');
            break;
        case 'n':
            out.push_back('\n');
            break;
        case 'r':
            out.push_back('\r');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'u': {
            auto unit = hex4(raw, i + 1);
            if (!unit)
                return std::nullopt;
            i += 4;
            uint32_t cp = *unit;
            if (cp >= 0xD800 && cp <= 0xDBFF) { // a surrogate pair: \uD83D\uDE00
                auto low = i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u' ? hex4(raw, i + 3)
                                                                                         : std::nullopt;
                if (!low || *low < 0xDC00 || *low > 0xDFFF)
                    return std::nullopt;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
                i += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return std::nullopt;
            }
            appendUtf8(out, cp);
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return out;
}

std::optional<int64_t> memberInteger(const JsonMember& member) {
    std::string_view text = member.raw;
    if (member.kind == JsonMember::Kind::Other || text.empty())
        return std::nullopt;
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace m365
