// Error bodies in the exact shapes of Microsoft Graph and of Entra ID's token endpoints.
#pragma once

#include "http.h"

#include <string_view>

namespace emu {

/// Graph: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
/// `date` is UTC without zone ("2022-09-11T22:17:16"); request-id is request.requestId,
/// client-request-id echoes the request header (or a fresh GUID). Also sets the request-id and
/// client-request-id response headers, as Graph does.
Response graphError(int status, std::string_view code, std::string_view message, const Request& request);

/// Entra (section 1.6 of the facts):
/// {"error","error_description":"AADSTSnnnnn: <description>\r\nTrace ID: ..\r\nCorrelation ID:
/// ..\r\nTimestamp: ..",
///  "error_codes":[n],"timestamp":"YYYY-MM-DD HH:MM:SSZ","trace_id","correlation_id",
///  "error_uri":"https://login.microsoftonline.com/error?code=n"}.
/// trace_id = request.requestId; correlation_id = the client-request-id header if it is present
/// (MSAL sends one), else a fresh GUID. Never put secrets in `description`.
Response entraError(int httpStatus, std::string_view error, int aadsts, std::string_view description,
                    const Request& request);

} // namespace emu
