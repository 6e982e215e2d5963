// SecretBuffer: move-only ownership, growth, and wiping of what it takes over.
#include "secret_buffer.h"

#include <doctest/doctest.h>

#include <type_traits>

using namespace m365;

static_assert(!std::is_copy_constructible_v<SecretBuffer>);
static_assert(!std::is_convertible_v<SecretBuffer, std::string>);
static_assert(std::is_nothrow_move_constructible_v<SecretBuffer>);

TEST_CASE("a secret buffer holds, grows, moves and clears") {
    SecretBuffer buffer("abc");
    buffer.append("def");
    buffer.append(std::string(1000, 'x'));
    CHECK(buffer.size() == 1006);
    CHECK(buffer.view().substr(0, 6) == "abcdef");
    SecretBuffer moved = std::move(buffer);
    CHECK(buffer.empty());
    CHECK(moved.size() == 1006);
    SecretBuffer copy = moved.clone();
    CHECK(copy.view() == moved.view());
    moved.clear();
    CHECK(moved.empty());
    CHECK(moved.view().empty());
    CHECK(copy.size() == 1006);
}

TEST_CASE("adopt takes a string's content and wipes the string") {
    std::string source = "a-secret-token-value-longer-than-sso";
    const char* storage = source.data();
    std::size_t length = source.size();
    SecretBuffer adopted = SecretBuffer::adopt(std::move(source));
    CHECK(adopted.view() == "a-secret-token-value-longer-than-sso");
    CHECK(source.empty());
    // The string still owns its (now wiped) block: no byte of the secret is left in it.
    CHECK(source.data() == storage);
    bool wiped = true;
    for (std::size_t i = 0; i < length; ++i)
        wiped = wiped && storage[i] == '\0';
    CHECK(wiped);

    std::string text = "password";
    wipeString(text);
    CHECK(text.empty());
}
