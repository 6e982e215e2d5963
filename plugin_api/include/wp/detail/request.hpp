// wp/detail/request.hpp -- splits a configure request {"action":"setup","settings":{...}} into the action
// name and the settings object's text, so that plugin.hpp needs no JSON library.  It is a strict scanner
// for exactly this envelope; the plugin parses the settings text with whatever library it likes.
#ifndef WP_DETAIL_REQUEST_HPP
#define WP_DETAIL_REQUEST_HPP

#include <wp/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace wp::detail {

struct ConfigureRequest {
    std::string_view action;   ///< the action name (plain: no escapes)
    std::string_view settings; ///< the "settings" object's text, "{}" if the request has none
};

class RequestScanner {
public:
    explicit RequestScanner(std::string_view text) : _text(text) {}

    /// Throws Error(WP_E_INVALID_ARGUMENT, "request.malformed" / "request.action_missing").
    ConfigureRequest scan() {
        ConfigureRequest request{{}, "{}"};
        bool haveAction = false;
        expect('{');
        skipSpace();
        if (peek() == '}') {
            ++_pos;
        } else {
            for (;;) {
                std::string_view key = string();
                expect(':');
                skipSpace();
                std::size_t start = _pos;
                if (key == "action") {
                    std::string_view name = string();
                    if (name.find('\\') != std::string_view::npos)
                        fail("the action name must be a plain string");
                    request.action = name;
                    haveAction = true;
                } else {
                    skipValue();
                    if (key == "settings") {
                        if (_text[start] != '{')
                            fail("\"settings\" must be a JSON object");
                        request.settings = _text.substr(start, _pos - start);
                    }
                }
                skipSpace();
                if (peek() == ',') {
                    ++_pos;
                    continue;
                }
                expect('}');
                break;
            }
        }
        skipSpace();
        if (_pos != _text.size())
            fail("unexpected text after the request object");
        if (!haveAction || request.action.empty())
            throw Error(WP_E_INVALID_ARGUMENT, "request.action_missing",
                        "the configure request names no action",
                        "Send {\"action\":\"NAME\",\"settings\":{...}}.");
        return request;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(
            WP_E_INVALID_ARGUMENT, "request.malformed",
            "the configure request is not valid JSON of the form {\"action\":...,\"settings\":{...}}: " +
                why + " (at byte " + std::to_string(_pos) + ")");
    }
    char peek() const { return _pos < _text.size() ? _text[_pos] : '\0'; }
    void skipSpace() {
        while (_pos < _text.size() &&
               (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            ++_pos;
    }
    void expect(char c) {
        skipSpace();
        if (peek() != c)
            fail(std::string("expected '") + c + "'");
        ++_pos;
    }
    // A string token; returns its raw contents (escapes left as they are, but validated).
    std::string_view string() {
        expect('"');
        std::size_t start = _pos;
        while (_pos < _text.size() && _text[_pos] != '"') {
            unsigned char c = static_cast<unsigned char>(_text[_pos]);
            if (c < 0x20)
                fail("control character in a string");
            if (c == '\\') {
                ++_pos;
                if (_pos >= _text.size() ||
                    std::string_view("\"\\/bfnrtu").find(_text[_pos]) == std::string_view::npos)
                    fail("bad escape in a string");
            }
            ++_pos;
        }
        if (_pos >= _text.size())
            fail("unterminated string");
        return _text.substr(start, _pos++ - start);
    }
    // Skips any JSON value (objects and arrays by bracket depth, with strings skipped properly).
    void skipValue() {
        skipSpace();
        char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            do {
                char d = peek();
                if (d == '\0' && _pos >= _text.size())
                    fail("unterminated object or array");
                if (d == '"') {
                    string();
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if (d == '}' || d == ']')
                    --depth;
                ++_pos;
            } while (depth > 0);
        } else {
            std::size_t start = _pos;
            while (_pos < _text.size() &&
                   std::string_view(",}] \t\r\n").find(_text[_pos]) == std::string_view::npos)
                ++_pos;
            std::string_view literal = _text.substr(start, _pos - start);
            if (literal.empty())
                fail("expected a value");
            if (literal != "true" && literal != "false" && literal != "null" &&
                literal.find_first_not_of("0123456789+-.eE") != std::string_view::npos)
                fail("bad literal");
        }
    }

    std::string_view _text;
    std::size_t _pos = 0;
};

/// Splits a configure request; throws Error(WP_E_INVALID_ARGUMENT) when it is malformed.
inline ConfigureRequest splitConfigureRequest(std::string_view requestJson) {
    return RequestScanner(requestJson).scan();
}

} // namespace wp::detail

#endif // WP_DETAIL_REQUEST_HPP
