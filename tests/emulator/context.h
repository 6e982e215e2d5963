// What request handlers share: the directory, the clock and the token service. One per emulator process.
#pragma once

#include "clock.h"
#include "directory.h"
#include "tokens.h"

namespace emu {

struct ServiceContext {
    Clock& clock;
    Directory& directory;
    TokenService& tokens;
};

} // namespace emu
