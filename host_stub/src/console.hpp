// console.hpp -- stderr shared by the logger, the prompter and the result printer, with one live status line.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace wphost {

/// Serializes writes to stderr from any thread.  On a terminal it can show one status line (the
/// device-code countdown) that stays at the bottom: other lines are printed above it.
class Console {
public:
    Console();

    /// True when stderr is a terminal (status lines and colours make sense).
    bool interactive() const noexcept { return _interactive; }

    /// Prints one line on stderr (a newline is added), keeping the status line below it.
    void line(std::string_view text);

    /// Shows or replaces the status line (terminal only; elsewhere it is ignored).
    void status(std::string_view text);

    /// Removes the status line.
    void clearStatus();

    /// Writes stdout output (already formatted, newline included) without tearing the status line.
    void out(std::string_view text);

private:
    void eraseStatusLocked();
    void drawStatusLocked();

    bool _interactive;
    std::mutex _mutex;
    std::string _status;
};

} // namespace wphost
