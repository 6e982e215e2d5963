// The emulator's clock: wall time plus a settable offset (POST /_emulator/clock), so tests can move
// time past token, device-code and certificate expiries. Also the time formats used on the wire.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
public:
    TimePoint now() const { return std::chrono::system_clock::now() + offset(); }
    std::int64_t nowUnix() const; ///< whole seconds since the epoch
    std::chrono::seconds offset() const { return std::chrono::seconds(_offsetSeconds.load()); }
    void setOffset(std::chrono::seconds offset) { _offsetSeconds.store(offset.count()); }

private:
    std::atomic<std::int64_t> _offsetSeconds{0};
};

std::int64_t toUnix(TimePoint t);
TimePoint fromUnix(std::int64_t seconds);
/// "2025-01-01T00:00:00Z" (Graph DateTimeOffset, UTC)
std::string formatIso8601(TimePoint t);
/// Accepts "2025-01-01T00:00:00Z", with fractional seconds, or with "+00:00"; nullopt otherwise.
/// A value without zone is rejected (Graph requires UTC: KeyCredentialsInvalidEndDate).
std::optional<TimePoint> parseIso8601(std::string_view text);
/// "2025-01-01 00:00:00Z" (Entra error timestamp)
std::string formatEntraTimestamp(TimePoint t);
/// "2025-01-01T00:00:00" (Graph innerError date: UTC, no zone)
std::string formatGraphDate(TimePoint t);

} // namespace emu
