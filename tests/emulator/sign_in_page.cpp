// /devicelogin: the emulator's stand-in for https://microsoft.com/devicelogin. A person enters the user
// code, picks one of the seeded accounts (no passwords: this is a test double) and approves or denies.
// Stable element ids for browser tests: #user_code, #upn, #approve, #deny, #result.
#include "device_code.h"
#include "identity_routes.h"

namespace emu {

namespace {
std::string escapeHtml(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string page(const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>Sign in to your account (m365-emulator)</title>"
           "<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
           "label,input,select,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}"
           "input,select{padding:.4rem}.buttons{display:flex;gap:.5rem}#result{font-weight:bold}</style>"
           "</head><body><h1>Enter code</h1>" +
           body + "</body></html>\n";
}

std::string form(ServiceContext& context, const std::string& userCode, const std::string& selectedUpn) {
    std::string options;
    {
        auto state = context.directory.lock();
        for (const auto& user : state->users) {
            const bool selected = user.userPrincipalName == selectedUpn;
            options += "<option value=\"" + escapeHtml(user.userPrincipalName) + "\"" +
                       (selected ? " selected" : "") + ">" + escapeHtml(user.displayName) + " (" +
                       escapeHtml(user.userPrincipalName) + ")</option>";
        }
    }
    return "<p>Enter the code displayed on your app or device, then choose the account to sign in with.</p>"
           "<form method=\"post\" action=\"/devicelogin\">"
           "<label for=\"user_code\">Code</label>"
           "<input id=\"user_code\" name=\"user_code\" autocomplete=\"off\" autofocus value=\"" +
           escapeHtml(userCode) +
           "\">"
           "<label for=\"upn\">Account</label><select id=\"upn\" name=\"upn\">" +
           options +
           "</select><div class=\"buttons\">"
           "<button id=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">Continue "
           "(approve)</button>"
           "<button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Cancel (deny)</button>"
           "</div></form>";
}

Response html(int status, const std::string& body) {
    Response response = Response::text(status, page(body), "text/html; charset=utf-8");
    response.headers["Cache-Control"] = "no-store";
    response.headers["X-Frame-Options"] = "DENY";
    response.headers["Content-Security-Policy"] =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
    return response;
}

Response showForm(ServiceContext& context, const Request& request) {
    return html(200, form(context, request.queryParam("otc").value_or(""), ""));
}

Response submit(ServiceContext& context, const Request& request) {
    const StringMap fields = request.formFields();
    auto field = [&fields](const char* name) { return fields.count(name) ? fields.at(name) : std::string(); };
    const bool approve = field("action") != "deny";
    DeviceCodeDecision decision = decideDeviceCode(context, field("user_code"), approve, field("upn"));
    std::string body = "<p id=\"result\" class=\"" + std::string(decision.ok ? "ok" : "error") + "\">" +
                       escapeHtml(decision.message) + "</p>";
    if (!decision.ok)
        body += form(context, field("user_code"), field("upn"));
    return html(decision.ok ? 200 : 400, body);
}
} // namespace

void registerSignInPage(Router& router, ServiceContext& context) {
    router.add(
        "GET", "/devicelogin", [&context](const Request& r) { return showForm(context, r); },
        "GET devicelogin");
    router.add(
        "POST", "/devicelogin", [&context](const Request& r) { return submit(context, r); },
        "POST devicelogin");
}

} // namespace emu
