// Microsoft Graph v1.0 endpoints, implemented in graph_*.cpp (helper emu-graph). main.cpp calls this
// only when graph_routes.cpp exists (compile definition EMU_HAVE_GRAPH), so the build works without it.
#pragma once

#include "context.h"
#include "router.h"

namespace emu {

/// Registers every /v1.0/... route (and /v1.0/$batch, which dispatches inner requests through `router`).
void registerGraphRoutes(Router& router, ServiceContext& context);

} // namespace emu
