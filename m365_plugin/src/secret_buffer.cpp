// secret_buffer.cpp -- see secret_buffer.h.
#include "secret_buffer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace m365 {

namespace {

void wipe(char* data, std::size_t size) noexcept {
    if (data != nullptr && size > 0)
        OPENSSL_cleanse(data, size);
}

} // namespace

SecretBuffer::SecretBuffer(std::string_view bytes) {
    append(bytes);
}

SecretBuffer SecretBuffer::adopt(std::string&& bytes) {
    SecretBuffer buffer(bytes);
    wipeString(bytes);
    bytes.clear();
    return buffer;
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : _data(std::move(other._data)), _size(std::exchange(other._size, 0)),
      _capacity(std::exchange(other._capacity, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
    if (this != &other) {
        clear();
        _data = std::move(other._data);
        _size = std::exchange(other._size, 0);
        _capacity = std::exchange(other._capacity, 0);
    }
    return *this;
}

SecretBuffer::~SecretBuffer() {
    clear();
}

void SecretBuffer::append(std::string_view bytes) {
    if (bytes.empty())
        return;
    if (_size + bytes.size() > _capacity) {
        // Grow by copying into a new block and wiping the old one: realloc could leave a copy behind.
        std::size_t capacity = std::max(_size + bytes.size(), _capacity * 2);
        std::unique_ptr<char[]> grown(new char[capacity]);
        if (_size > 0)
            std::memcpy(grown.get(), _data.get(), _size);
        wipe(_data.get(), _capacity);
        _data = std::move(grown);
        _capacity = capacity;
    }
    std::memcpy(_data.get() + _size, bytes.data(), bytes.size());
    _size += bytes.size();
}

void SecretBuffer::clear() noexcept {
    wipe(_data.get(), _capacity);
    _data.reset();
    _size = 0;
    _capacity = 0;
}

void wipeString(std::string& text) noexcept {
    // Wipe the whole allocation, including bytes beyond size() that an earlier longer value used
    // (resize() up to the capacity does not reallocate, and makes those bytes legally writable).
    text.resize(text.capacity());
    if (!text.empty())
        OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

} // namespace m365
