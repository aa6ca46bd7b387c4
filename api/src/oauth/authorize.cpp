// GET /authorize (authorization code with PKCE) and the POSTs of its own pages: the sign-in form
// and the consent form. The request's parameters stay in the URL throughout (the forms post
// back to it); what the browser posts is only the step it completes.
//
// Errors before the redirect URI is known to be the client's are shown on a page (RFC 6749
// §4.1.2.1: never redirect to an unchecked URI); later ones go back to the client as
// ?error=...&error_description=...&state=....

#include "authn/authn.hpp"
#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/password_hash.hpp"
#include "oauth/endpoints.hpp"
#include "oauth/pages.hpp"
#include "oauth/server.hpp"
#include "sessions/sessions.hpp"

namespace idledger::api::oauth {

using domain::Json;
using Params = std::vector<std::pair<std::string, std::string>>;

namespace {

struct Asked {
    std::string client_id, redirect_uri, response_type, state, nonce, challenge, method, prompt,
        session_token;
    std::vector<std::string> scopes;
};

Asked read(const HttpRequest& req) {
    auto q = [&](std::string_view n) {
        const std::string* v = req.param(n);
        return v ? *v : std::string();
    };
    return Asked{
        q("client_id"),    q("redirect_uri"),       q("response_type"),         q("state"),
        q("nonce"),        q("code_challenge"),     q("code_challenge_method"), q("prompt"),
        q("sessionToken"), split_scopes(q("scope"))};
}

const Json* client_settings(const projections::Document& app) {
    const Json* s = app.state.find("settings");
    return s ? s->find("oauthClient") : nullptr;
}

bool listed(const Json* arr, std::string_view v) {
    if (!arr || !arr->is_array()) return false;
    for (const auto& x : arr->as_array())
        if (x.is_string() && x.as_string() == v) return true;
    return false;
}

/// Back to the client: redirect_uri with `params` added to its query.
HttpResponse back_to_client(const Asked& a, std::vector<std::pair<std::string, std::string>> params,
                            const std::optional<std::string>& set_cookie = std::nullopt) {
    if (!a.state.empty()) params.emplace_back("state", a.state);
    std::string to = a.redirect_uri;
    char sep = to.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [k, v] : params) {
        to += sep;
        to += k + "=" + percent_encode(v);
        sep = '&';
    }
    HttpResponse res;
    res.status = 302;
    res.json = false;
    res.add_header("Location", to);
    res.add_header("Cache-Control", "no-store");
    if (set_cookie) res.add_header("Set-Cookie", *set_cookie);
    return res;
}

HttpResponse client_error(const Asked& a, std::string_view error, std::string_view description,
                          const std::optional<std::string>& set_cookie = std::nullopt) {
    return back_to_client(
        a, {{"error", std::string(error)}, {"error_description", std::string(description)}},
        set_cookie);
}

std::string csrf_for(const RequestContext& ctx, const std::string& session_id) {
    return domain::derived_token(ctx.app.link_key, "consent/" + session_id, 32);
}

/// The scopes that need the user's consent and have none yet.
domain::Result<std::vector<std::string>> unconsented(RequestContext& ctx, const AuthServer& server,
                                                     const projections::Document& app,
                                                     const std::string& user_id,
                                                     const std::vector<std::string>& scopes) {
    std::vector<std::string> out;
    const Json* settings = client_settings(app);
    if (!settings || settings->string_at("consent_method") != "REQUIRED") return out;
    for (const auto& s : scopes) {
        const auto* info = domain::find_scope(s, server.org());
        if (info && !info->consent) continue;
        auto held = ctx.app.documents.by_unique(
            domain::kOAuthGrants, "consent", domain::consent_key(server.key(), user_id, app.id, s));
        if (!held) return std::unexpected(store_failure(held.error()));
        if (!*held) out.push_back(s);
    }
    return out;
}

domain::Result<void> record_consent(RequestContext& ctx, const AuthServer& server,
                                    const std::string& client_id, const std::string& user_id,
                                    const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
        auto made = create_document(
            ctx, domain::kOAuthGrants,
            [&](const std::string& id,
                eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
                const std::string key = domain::consent_key(server.key(), user_id, client_id, s);
                if (unique_lookup(tx, domain::kOAuthGrants)("consent", key))
                    return domain::fail(domain::ErrorCode::InvalidRequest);  // granted meanwhile
                Json d = Json::object();
                d.set("id", id);
                d.set("status", "ACTIVE");
                d.set("server", server.key());
                d.set("issuer", server.issuer);
                d.set("clientId", client_id);
                d.set("userId", user_id);
                d.set("scope", s);
                d.set("scopeId", domain::scope_id(server.key(), s));
                d.set("source", "END_USER");
                d.set("createdBy", user_id);
                return domain::decide_issue(domain::oauth_event::kConsentGranted, std::move(d));
            });
        if (!made && made.error().code != domain::ErrorCode::InvalidRequest)
            return std::unexpected(made.error());
    }
    return {};
}

domain::Result<std::string> issue_code(RequestContext& ctx, const AuthServer& server,
                                       const Asked& a, const std::string& user_id,
                                       const std::string& session_id, domain::Millis auth_time) {
    std::string value;
    auto made = create_document(
        ctx, domain::kOAuthCodes,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            value = id + domain::random_base62(43);
            Json d = Json::object();
            d.set("id", id);
            d.set("server", server.key());
            d.set("clientId", a.client_id);
            d.set("userId", user_id);
            d.set("sessionId", session_id);
            d.set("redirectUri", a.redirect_uri);
            Json scopes = Json::array();
            for (const auto& s : a.scopes) scopes.push(s);
            d.set("scopes", std::move(scopes));
            if (!a.challenge.empty()) {
                d.set("codeChallenge", a.challenge);
                d.set("codeChallengeMethod", a.method.empty() ? "S256" : a.method);
            }
            if (!a.nonce.empty()) d.set("nonce", a.nonce);
            d.set("authTime", auth_time);
            d.set("digest", domain::token_digest(value));
            d.set("expiresAt", tx.now_ms() + ctx.app.config.authorization_code_ttl_ms);
            return domain::decide_issue(domain::oauth_event::kCodeIssued, std::move(d));
        });
    if (!made) return std::unexpected(made.error());
    return value;
}

Answer run(RequestContext& ctx, const HttpRequest& req, const Params* form) {
    auto server = server_for(ctx);
    if (!server) return error_page(404, "not_found", "There is no such authorization server.");
    const Asked a = read(req);
    auto app = find_client(ctx.app, a.client_id);
    if (!app) return std::unexpected(app.error());
    if (!*app)
        return error_page(400, "invalid_client",
                          "The 'client_id' parameter is not an active OpenID Connect application.");
    const Json* settings = client_settings(**app);
    if (a.redirect_uri.empty() || !settings ||
        !listed(settings->find("redirect_uris"), a.redirect_uri))
        return error_page(400, "invalid_request",
                          "The 'redirect_uri' parameter must be a Login redirect URI in the "
                          "client app settings.");
    const std::string app_name = (*app)->state.string_at("label");
    if (a.response_type != "code")
        return client_error(a, "unsupported_response_type",
                            "The response type is not supported by the authorization server. "
                            "Configured response types: [code].");
    if (!listed(settings->find("grant_types"), "authorization_code"))
        return client_error(a, "unauthorized_client",
                            "The client is not authorized to use the authorization code flow.");
    if (a.scopes.empty())
        return client_error(a, "invalid_scope", "The 'scope' parameter is required.");
    if (const std::string bad = unknown_scope(*server, a.scopes); !bad.empty())
        return client_error(a, "invalid_scope",
                            "One or more scopes are not configured for the authorization server "
                            "resource: " +
                                bad);
    const Json* creds = (*app)->state.find("credentials");
    const Json* oauth_creds = creds ? creds->find("oauthClient") : nullptr;
    const bool is_public =
        oauth_creds && oauth_creds->string_at("token_endpoint_auth_method") == "none";
    if (!a.challenge.empty() || is_public) {
        if (a.challenge.empty())
            return client_error(a, "invalid_request",
                                "PKCE code challenge is required when the token endpoint "
                                "authentication method is 'NONE'.");
        if (!a.method.empty() && a.method != "S256")
            return client_error(a, "invalid_request",
                                "The 'code_challenge_method' parameter must be 'S256'.");
        if (a.challenge.size() < 43 || a.challenge.size() > 128)
            return client_error(a, "invalid_request",
                                "The 'code_challenge' parameter must be 43 to 128 characters.");
    }

    // Who is signed in: a session token in the URL, the sign-in form just posted, or the cookie.
    std::optional<std::string> set_cookie;
    std::optional<projections::Document> session;
    const std::string step = form ? form_value(*form, "step") : "";
    if (!a.session_token.empty()) {
        auto started = sessions::redeem(ctx, a.session_token);
        if (!started) {
            if (started.error().code != domain::ErrorCode::AuthenticationFailed)
                return std::unexpected(started.error());
            return client_error(a, "access_denied", "The session token is invalid or expired.");
        }
        set_cookie = sessions::cookie(ctx, started->cookie_value,
                                      started->session.state.find("expiresAt")->as_int());
        session = std::move(started->session);
    } else if (step == "signin") {
        const std::string username = form_value(*form, "username");
        auto signed_in = authn::sign_in_with_password(ctx, username, form_value(*form, "password"));
        if (!signed_in) return std::unexpected(signed_in.error());
        if (signed_in->outcome == domain::SignInOutcome::LockedOut)
            return sign_in_page(req.target, app_name,
                                "Your account is locked. Contact your administrator.", username);
        if (signed_in->outcome != domain::SignInOutcome::Success || !signed_in->row)
            return sign_in_page(req.target, app_name, "Unable to sign in.", username);
        auto started = sessions::start(ctx, signed_in->row->user.id);
        if (!started) return std::unexpected(started.error());
        set_cookie = sessions::cookie(ctx, started->cookie_value,
                                      started->session.state.find("expiresAt")->as_int());
        session = std::move(started->session);
    } else if (a.prompt != "login") {
        auto current = sessions::current(ctx, req);
        if (!current) return std::unexpected(current.error());
        session = std::move(*current);
    }
    if (!session) {
        if (a.prompt == "none")
            return client_error(a, "login_required",
                                "The client specified not to prompt, but "
                                "the user is not logged in.");
        return sign_in_page(req.target, app_name, {}, {});
    }
    const std::string user_id = session->state.string_at("userId");
    auto ok = assigned(ctx, a.client_id, user_id);
    if (!ok) return std::unexpected(ok.error());
    if (!*ok)
        return client_error(a, "access_denied", "User is not assigned to the client application.",
                            set_cookie);

    auto missing = unconsented(ctx, *server, **app, user_id, a.scopes);
    if (!missing) return std::unexpected(missing.error());
    if (!missing->empty()) {
        if (step == "consent") {
            if (form_value(*form, "csrf") != csrf_for(ctx, session->id))
                return error_page(403, "invalid_request", "The consent form has expired.");
            if (form_value(*form, "consent") != "allow")
                return client_error(a, "access_denied",
                                    "The resource owner or authorization server denied the "
                                    "request.",
                                    set_cookie);
            if (auto r = record_consent(ctx, *server, a.client_id, user_id, *missing); !r)
                return std::unexpected(r.error());
        } else if (a.prompt == "none") {
            return client_error(a, "consent_required",
                                "The client specified not to prompt, but the client app requires "
                                "user consent.",
                                set_cookie);
        } else {
            std::vector<const domain::ScopeInfo*> infos;
            for (const auto& s : *missing) infos.push_back(domain::find_scope(s, server->org()));
            HttpResponse res = consent_page(req.target, app_name, session->state.string_at("login"),
                                            infos, *missing, csrf_for(ctx, session->id));
            if (set_cookie) res.add_header("Set-Cookie", *set_cookie);
            return res;
        }
    }
    domain::Millis auth_time = ctx.app.clock.now_ms();
    if (const Json* t = session->state.find("lastPasswordVerification"); t && t->is_int())
        auth_time = t->as_int();
    auto code = issue_code(ctx, *server, a, user_id, session->id, auth_time);
    if (!code) return std::unexpected(code.error());
    return back_to_client(a, {{"code", *code}}, set_cookie);
}

}  // namespace

namespace {

/// A page with a form may end in a redirect to the client (its redirect_uri was checked before
/// any form page is answered).
Answer with_form_redirect(Answer answer, const HttpRequest& req) {
    if (answer) allow_form_redirect(*answer, read(req).redirect_uri);
    return answer;
}

}  // namespace

Answer authorize(RequestContext& ctx, const HttpRequest& req) {
    return with_form_redirect(run(ctx, req, nullptr), req);
}

Answer authorize_form(RequestContext& ctx, const HttpRequest& req) {
    auto form = form_params(req);
    if (!form) return error_page(400, "invalid_request", "The form could not be read.");
    return with_form_redirect(run(ctx, req, &*form), req);
}

}  // namespace idledger::api::oauth
