// The device authorization grant (RFC 8628) as Entra ID runs it: issuing codes, approving or denying
// them (sign-in page, control API, --auto-approve) and answering the token endpoint's polls.
#pragma once

#include "context.h"
#include "identity_common.h"

#include <optional>
#include <string>

namespace emu {

/// POST /{tenant}/oauth2/v2.0/devicecode
Response deviceAuthorization(ServiceContext& context, const IdentityOptions& options, const Request& request);

/// POST /{tenant}/oauth2/v2.0/token with grant_type device_code (URN or short form).
Response deviceCodeTokenGrant(ServiceContext& context, const IdentityOptions& options, const Request& request,
                              const StringMap& form);

/// Outcome of approving or denying a user code.
struct DeviceCodeDecision {
    bool ok = false;
    int httpStatus = 200;   ///< 404 unknown code, 409 already decided / expired, 400 bad user
    std::string message;    ///< for people (sign-in page) and the control API
    std::string clientName; ///< display name of the client that asked, for the success text
    std::string upn;        ///< who approved
};

/// Approves (as `upn`, which must be a user of the code's tenant) or denies a pending user code.
DeviceCodeDecision decideDeviceCode(ServiceContext& context, std::string_view userCode, bool approve,
                                    std::string_view upn);

} // namespace emu
