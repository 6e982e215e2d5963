// configure --action setup: signs the admin in, checks the directory roles, creates the least-privilege
// application with a certificate, grants its roles, verifies them with an app-only token, and commits the
// instance record atomically. Any failure or cancel after the first create rolls everything back.
#pragma once

#include "settings.h"

#include <wp/plugin.hpp>

#include <string>

namespace m365 {

struct ActionContext {
    const wp::Host& host;
    const wp::Call& call;
    std::string instanceId;
};

void runSetup(const ActionContext& context, const SetupSettings& settings);

/// configure --action plan: what setup would do with these settings (events + log), touching nothing.
void runPlan(const ActionContext& context, const SetupSettings& settings);

} // namespace m365
