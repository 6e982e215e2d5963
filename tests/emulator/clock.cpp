#include "clock.h"

#include <cstdio>
#include <ctime>

namespace emu {

std::int64_t Clock::nowUnix() const {
    return toUnix(now());
}

std::int64_t toUnix(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint fromUnix(std::int64_t seconds) {
    return TimePoint(std::chrono::seconds(seconds));
}

namespace {
std::string format(TimePoint t, const char* pattern) {
    std::time_t seconds = static_cast<std::time_t>(toUnix(t));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, pattern, &utc);
    return buffer;
}
} // namespace

std::string formatIso8601(TimePoint t) {
    return format(t, "%Y-%m-%dT%H:%M:%SZ");
}
std::string formatEntraTimestamp(TimePoint t) {
    return format(t, "%Y-%m-%d %H:%M:%SZ");
}
std::string formatGraphDate(TimePoint t) {
    return format(t, "%Y-%m-%dT%H:%M:%S");
}

std::optional<TimePoint> parseIso8601(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00|-00:00); only UTC offsets are meaningful to Graph.
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int consumed = 0;
    std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                    &consumed) != 6 ||
        consumed != 19)
        return std::nullopt;
    std::string_view rest = text.substr(19);
    if (!rest.empty() && rest.front() == '.') {
        std::size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
            ++i;
        if (i == 1)
            return std::nullopt;
        rest = rest.substr(i);
    }
    if (rest != "Z" && rest != "+00:00" && rest != "-00:00")
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    return fromUnix(static_cast<std::int64_t>(timegm(&utc)));
}

} // namespace emu
