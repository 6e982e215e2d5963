// What every Graph handler shares: the GraphError exception (turned into Graph's error body in one
// place), Graph's standard messages, request-body parsing and OData helpers ($select, $filter, context).
#pragma once

#include "context.h"
#include "http.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace emu::graph {

/// Thrown by Graph handlers; graph_routes.cpp turns it into Graph's error body (errors.h).
class GraphError : public std::runtime_error {
public:
    GraphError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), _status(status), _code(std::move(code)) {}
    int status() const { return _status; }
    const std::string& code() const { return _code; }

private:
    int _status;
    std::string _code;
};

/// Graph's texts, verbatim where the facts quote them (entra-facts.md 3.4, 3.9).
namespace messages {
inline constexpr std::string_view kInsufficientPrivileges =
    "Insufficient privileges to complete the operation.";
inline constexpr std::string_view kNotValidReferenceUpdate = "Not a valid reference update.";
inline constexpr std::string_view kAssignmentExists =
    "Permission being assigned already exists on the object.";
inline constexpr std::string_view kBadJson =
    "Unable to read JSON request payload. Please ensure Content-Type "
    "header is set and payload is of valid JSON format.";
inline constexpr std::string_view kProofInvalid = "Access token is missing or malformed.";
} // namespace messages

/// 404 Request_ResourceNotFound "Resource '<id>' does not exist or one of its queried reference-property
/// objects are not present." (Graph's text for a missing directory object).
[[noreturn]] void throwNotFound(std::string_view id);
/// 400 Request_BadRequest "Invalid value specified for property '<property>' of resource '<resource>'."
[[noreturn]] void throwInvalidProperty(std::string_view property, std::string_view resource);
/// 403 Authorization_RequestDenied "Insufficient privileges to complete the operation."
[[noreturn]] void throwForbidden();

/// The body as a JSON object; 400 BadRequest (Graph's text) when it is not JSON or not an object.
nlohmann::json requireJsonObject(const Request& request);

/// Optional string member; 400 Request_BadRequest when present but not a string (or null).
std::optional<std::string> optionalString(const nlohmann::json& object, std::string_view name,
                                          std::string_view resource);

/// "<baseUrl>/v1.0/$metadata#<fragment>" (Graph's @odata.context, on the emulator's host).
std::string odataContext(const Request& request, std::string_view fragment);

/// Property names from $select (comma separated, trimmed); empty when absent.
std::vector<std::string> selectedProperties(const Request& request);
bool isSelected(const std::vector<std::string>& selected, std::string_view property);
/// Keeps only the $select-ed top-level properties (all when nothing was selected); "@odata.*" stays.
nlohmann::json applySelect(const nlohmann::json& object, const std::vector<std::string>& selected);

/// A `$filter` of the form "<property> eq '<value>'" (the only form the emulator supports).
struct EqualsFilter {
    std::string property;
    std::string value;
};
/// nullopt when there is no $filter; 400 Request_UnsupportedQuery when it is not "<p> eq '<v>'" or
/// names a property outside `allowed`.
std::optional<EqualsFilter> parseEqualsFilter(const Request& request, const std::vector<std::string>& allowed,
                                              std::string_view resource);

/// {"@odata.context": ..., "value": [...]}
nlohmann::json collection(const Request& request, std::string_view entitySet, nlohmann::json values);

/// 43-character base64url id (the form Graph gives app role assignments).
std::string newAssignmentId();

} // namespace emu::graph
