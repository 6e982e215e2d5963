// What request handlers share: the directory, the clock and the token service. One per emulator process.
#pragma once

#include "clock.h"
#include "directory.h"
#include "tokens.h"

namespace emu {

class FaultInjector;

struct ServiceContext {
    Clock& clock;
    Directory& directory;
    TokenService& tokens;
    /// Fault rules of the control API. Graph's $batch consults them for every inner request (Graph
    /// throttles inner requests individually); null where no faults are wanted (unit tests).
    FaultInjector* faults = nullptr;
};

} // namespace emu
