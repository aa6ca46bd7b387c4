#pragma once
// The authorization server's own HTML: the sign-in page, the consent page and the error page.
// Every value written into a page is HTML-escaped; pages may not be framed.

#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "idledger/domain/oauth.hpp"

namespace idledger::api::oauth {

std::string html_escape(std::string_view s);

/// A page: `status`, text/html, no-store, no framing.
HttpResponse page(int status, std::string_view title, const std::string& body_html);

/// The sign-in form, posting back to `action` (the authorize URL it was shown for).
HttpResponse sign_in_page(std::string_view action, std::string_view app_name,
                          std::string_view message, std::string_view username);

/// The consent form for `scopes` (not yet granted), posting to `action` with `csrf`.
HttpResponse consent_page(std::string_view action, std::string_view app_name,
                          std::string_view user_login,
                          const std::vector<const domain::ScopeInfo*>& scopes,
                          const std::vector<std::string>& names, std::string_view csrf);

/// An error the browser cannot be sent back to the client with (unknown client, redirect URI).
/// Lets a page's forms end in a redirect to `redirect_uri`'s origin: browsers apply the page's
/// CSP form-action to the redirect a form submission answers with (sign-in or consent -> the
/// client's callback). Ignored unless `redirect_uri` is a plain http(s) URL.
void allow_form_redirect(HttpResponse& res, std::string_view redirect_uri);

HttpResponse error_page(int status, std::string_view error, std::string_view description);

}  // namespace idledger::api::oauth
