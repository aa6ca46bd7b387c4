#include "oauth/pages.hpp"

#include <cctype>

namespace idledger::api::oauth {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;background:#f4f4f4;margin:0}"
    "main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:6px;"
    "box-shadow:0 1px 4px #0002}"
    "label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;"
    "box-sizing:border-box;padding:.5rem}button{margin-top:1rem;padding:.5rem 1rem}"
    ".error{color:#b00}li{margin:.4rem 0}";

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
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

HttpResponse page(int status, std::string_view title, const std::string& body_html) {
    HttpResponse res;
    res.status = status;
    res.json = false;
    res.add_header("Content-Type", "text/html; charset=utf-8");
    res.add_header("Cache-Control", "no-store");
    res.add_header("X-Frame-Options", "DENY");
    res.add_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                   "frame-ancestors 'none'");
    res.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
               html_escape(title) + "</title><style>" + std::string(kStyle) +
               "</style></head><body><main>" + body_html + "</main></body></html>";
    return res;
}

void allow_form_redirect(HttpResponse& res, std::string_view redirect_uri) {
    const size_t scheme = redirect_uri.find("://");
    if (scheme == std::string_view::npos) return;
    const std::string_view name = redirect_uri.substr(0, scheme);
    if (name != "http" && name != "https") return;
    const size_t end = redirect_uri.find_first_of("/?#", scheme + 3);
    const std::string_view origin = redirect_uri.substr(0, end);
    for (char c : origin.substr(scheme + 3))
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '[' || c == ']'))
            return;
    for (auto& h : res.headers)
        if (h.name == "Content-Security-Policy") {
            const std::string self = "form-action 'self'";
            if (const size_t at = h.value.find(self); at != std::string::npos)
                h.value.insert(at + self.size(), " " + std::string(origin));
        }
}

HttpResponse sign_in_page(std::string_view action, std::string_view app_name,
                          std::string_view message, std::string_view username) {
    std::string b = "<h1>Sign In</h1><p>to continue to " + html_escape(app_name) + "</p>";
    if (!message.empty()) b += "<p class=\"error\" role=\"alert\">" + html_escape(message) + "</p>";
    b += "<form method=\"post\" action=\"" + html_escape(action) + "\">";
    b += "<input type=\"hidden\" name=\"step\" value=\"signin\">";
    b += "<label for=\"username\">Username</label><input type=\"text\" id=\"username\" "
         "name=\"username\" autocomplete=\"username\" value=\"" +
         html_escape(username) + "\" required>";
    b += "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" "
         "name=\"password\" autocomplete=\"current-password\" required>";
    b += "<button type=\"submit\" id=\"sign-in\">Sign In</button></form>";
    return page(message.empty() ? 200 : 401, "Sign In", b);
}

HttpResponse consent_page(std::string_view action, std::string_view app_name,
                          std::string_view user_login,
                          const std::vector<const domain::ScopeInfo*>& scopes,
                          const std::vector<std::string>& names, std::string_view csrf) {
    std::string b = "<h1>" + html_escape(app_name) + "</h1><p>would like to:</p><ul>";
    for (size_t i = 0; i < scopes.size(); ++i) {
        const std::string_view desc =
            scopes[i] ? scopes[i]->description : std::string_view("Use the scope ");
        b += "<li><strong>" + html_escape(names[i]) + "</strong>: " + html_escape(desc) + "</li>";
    }
    b += "</ul><p>Signed in as " + html_escape(user_login) + "</p>";
    b += "<form method=\"post\" action=\"" + html_escape(action) + "\">";
    b += "<input type=\"hidden\" name=\"step\" value=\"consent\">";
    b += "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">";
    b += "<button type=\"submit\" name=\"consent\" value=\"allow\" id=\"allow\">Allow "
         "Access</button> ";
    b += "<button type=\"submit\" name=\"consent\" value=\"deny\" id=\"deny\">Don't "
         "Allow</button></form>";
    return page(200, "Consent", b);
}

HttpResponse error_page(int status, std::string_view error, std::string_view description) {
    return page(status, "Error",
                "<h1>Error</h1><p class=\"error\" id=\"error\">" + html_escape(error) +
                    "</p><p id=\"error-description\">" + html_escape(description) + "</p>");
}

}  // namespace idledger::api::oauth
