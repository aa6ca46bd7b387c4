// /api/v1/sessions: create from a session token, get, refresh, end; the current session (the
// `sid` cookie) at /api/v1/sessions/me; and ending every session of a user.

#include "sessions/sessions.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/projections/read_model.hpp"
#include "user_grants/user_grants.hpp"

namespace idledger::api::sessions {

using domain::Json;
using R = domain::Result<HttpResponse>;
using domain::kSessions;

namespace {

constexpr std::string_view kTokenPrefix = "20111";

domain::Error invalid_session_token() {
    return domain::Error{domain::ErrorCode::AuthenticationFailed, {}, {}};
}

std::optional<std::string> cookie_value(const HttpRequest& req, std::string_view name) {
    for (const auto& h : req.headers) {
        if (h.name != "cookie") continue;
        std::string_view v(h.value);
        while (!v.empty()) {
            const size_t semi = v.find(';');
            std::string_view pair = v.substr(0, semi);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            const size_t eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name)
                return std::string(pair.substr(eq + 1));
            if (semi == std::string_view::npos) break;
            v.remove_prefix(semi + 1);
        }
    }
    return std::nullopt;
}

Json render(const RequestContext& ctx, const projections::Document& d) {
    const Json& s = d.state;
    Json j = Json::object();
    j.set("id", d.id);
    j.set("userId", s.string_at("userId"));
    j.set("login", s.string_at("login"));
    j.set("createdAt", iso_field(s, "created"));
    j.set("expiresAt", iso_field(s, "expiresAt"));
    j.set("status", s.string_at("status"));
    j.set("lastPasswordVerification", iso_field(s, "lastPasswordVerification"));
    j.set("lastFactorVerification", nullptr);
    Json amr = Json::array();
    amr.push("pwd");
    j.set("amr", std::move(amr));
    Json idp = Json::object();
    idp.set("id", "00o" + domain::derived_token(ctx.app.link_key, "okta-idp", 17));
    idp.set("type", "OKTA");
    j.set("idp", std::move(idp));
    j.set("mfaActive", false);
    const std::string self = ctx.base_url + "/api/v1/sessions/" + d.id;
    Json links = Json::object();
    links.set("self", hal_link(self, {"GET", "DELETE"}));
    links.set("refresh", hal_link(self + "/lifecycle/refresh", {"POST"}));
    Json user = hal_link(ctx.base_url + "/api/v1/users/" + s.string_at("userId"), {"GET"});
    user.set("name", s.string_at("login"));
    links.set("user", std::move(user));
    j.set("_links", std::move(links));
    return j;
}

domain::Result<Started> start_from(RequestContext& ctx, const std::string& user_id,
                                   const std::string& spent_token_digest) {
    std::string value;
    auto made = create_document(
        ctx, kSessions,
        [&](const std::string& id,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            auto row = projections::load_user(tx, user_id);
            if (!row) return std::unexpected(store_failure(row.error()));
            if (!*row || (*row)->user.status != domain::UserStatus::Active)
                return std::unexpected(invalid_session_token());
            const domain::User& u = (*row)->user;
            if (!spent_token_digest.empty()) {
                // One session per session token, ever: the token must be the user's current one,
                // unexpired, and spent by no session before.
                if (u.session_token_digest != spent_token_digest || !u.session_token_expires ||
                    *u.session_token_expires <= tx.now_ms())
                    return std::unexpected(invalid_session_token());
                if (unique_lookup(tx, kSessions)("session_token", spent_token_digest))
                    return std::unexpected(invalid_session_token());
            }
            value = id + domain::random_base62(43);
            Json d = Json::object();
            d.set("id", id);
            d.set("userId", u.id);
            d.set("login", u.profile.string_at("login"));
            d.set("status", "ACTIVE");
            d.set("digest", domain::token_digest(value));
            d.set("expiresAt", tx.now_ms() + ctx.app.config.session_ttl_ms);
            d.set("lastPasswordVerification",
                  u.last_login ? Json(*u.last_login) : Json(tx.now_ms()));
            if (!spent_token_digest.empty()) d.set("sessionTokenDigest", spent_token_digest);
            return domain::decide_issue(domain::oauth_event::kSessionStarted, std::move(d));
        });
    if (!made) return std::unexpected(made.error());
    return Started{std::move(*made), std::move(value)};
}

R create_session(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const std::string token = body->string_at("sessionToken");
    if (token.empty()) return domain::validation("sessionToken", "The field cannot be left blank");
    auto started = redeem(ctx, token);
    if (!started) return std::unexpected(started.error());
    HttpResponse res = json_response(200, render(ctx, started->session));
    res.add_header("Set-Cookie", cookie(ctx, started->cookie_value,
                                        started->session.state.find("expiresAt")->as_int()));
    return res;
}

domain::Result<projections::Document> live_session(RequestContext& ctx, const std::string& id) {
    auto d = ctx.app.documents.get(kSessions, id);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d || (*d)->state.string_at("status") != "ACTIVE") return domain::not_found(id, "Session");
    const Json* exp = (*d)->state.find("expiresAt");
    if (!exp || !exp->is_int() || exp->as_int() <= ctx.app.clock.now_ms())
        return domain::not_found(id, "Session");
    return std::move(**d);
}

R get_session(RequestContext& ctx, const HttpRequest&) {
    auto d = live_session(ctx, ctx.param("sessionId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, render(ctx, *d));
}

R refresh_session(RequestContext& ctx, const HttpRequest&) {
    auto d = live_session(ctx, ctx.param("sessionId"));
    if (!d) return std::unexpected(d.error());
    auto changed = change_document(
        ctx, kSessions, d->id,
        [&](const projections::Document&,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            Json data = Json::object();
            data.set("expiresAt", tx.now_ms() + ctx.app.config.session_ttl_ms);
            return std::vector<domain::Event>{
                domain::make_event(domain::oauth_event::kSessionRefreshed, data)};
        });
    if (!changed) return std::unexpected(changed.error());
    return json_response(200, render(ctx, *changed));
}

R delete_session(RequestContext& ctx, const HttpRequest&) {
    auto d = live_session(ctx, ctx.param("sessionId"));
    if (!d) return std::unexpected(d.error());
    if (auto r = end(ctx, d->id, "ADMIN"); !r) return std::unexpected(r.error());
    return empty_response(204);
}

R get_me(RequestContext& ctx, const HttpRequest& req) {
    auto d = current(ctx, req);
    if (!d) return std::unexpected(d.error());
    if (!*d) return domain::not_found("me", "Session");
    return json_response(200, render(ctx, **d));
}

R end_me(RequestContext& ctx, const HttpRequest& req) {
    auto d = current(ctx, req);
    if (!d) return std::unexpected(d.error());
    if (!*d) return domain::not_found("me", "Session");
    if (auto r = end(ctx, (*d)->id, "USER"); !r) return std::unexpected(r.error());
    HttpResponse res = empty_response(204);
    res.add_header("Set-Cookie", cookie(ctx, "", 0));
    return res;
}

R end_user_sessions(RequestContext& ctx, const HttpRequest& req) {
    const std::string& uid = ctx.param("userId");
    auto oauth_tokens = bool_param(req, "oauthTokens", false);
    if (!oauth_tokens) return std::unexpected(oauth_tokens.error());
    auto user = ctx.app.reader.user(uid);
    if (!user) return std::unexpected(store_failure(user.error()));
    if (!*user) return domain::not_found(uid, "User");
    if (auto r = end_all(ctx, uid, "ADMIN"); !r) return std::unexpected(r.error());
    if (*oauth_tokens)
        if (auto r = user_grants::revoke_refresh_tokens_of(ctx, uid); !r)
            return std::unexpected(r.error());
    return empty_response(204);
}

}  // namespace

std::string new_session_token(const std::string& user_id) {
    return std::string(kTokenPrefix) + user_id + domain::random_base62(40);
}

domain::Result<Started> start(RequestContext& ctx, const std::string& user_id) {
    return start_from(ctx, user_id, {});
}

domain::Result<Started> redeem(RequestContext& ctx, const std::string& session_token) {
    constexpr size_t kId = domain::kDocumentIdLength;
    if (session_token.size() <= kTokenPrefix.size() + kId ||
        !session_token.starts_with(kTokenPrefix))
        return std::unexpected(invalid_session_token());
    const std::string user_id = session_token.substr(kTokenPrefix.size(), kId);
    return start_from(ctx, user_id, domain::token_digest(session_token));
}

domain::Result<std::optional<projections::Document>> current(RequestContext& ctx,
                                                             const HttpRequest& req) {
    using Maybe = std::optional<projections::Document>;
    auto value = cookie_value(req, "sid");
    if (!value) return Maybe{};
    auto parts = domain::split_secret_value(*value, kSessions.id_prefix);
    if (!parts) return Maybe{};
    auto d = live_session(ctx, parts->id);
    if (!d)
        return d.error().code == domain::ErrorCode::NotFound ? domain::Result<Maybe>(Maybe{})
                                                             : std::unexpected(d.error());
    if (d->state.string_at("digest") != domain::token_digest(parts->value)) return Maybe{};
    return Maybe{std::move(*d)};
}

std::string cookie(const RequestContext& ctx, const std::string& value, domain::Millis expires_at) {
    std::string c = "sid=" + value + "; Path=/; HttpOnly; SameSite=Lax";
    if (ctx.base_url.starts_with("https://")) c += "; Secure";
    c += value.empty() ? "; Max-Age=0" : "; Expires=" + domain::format_rfc1123(expires_at);
    return c;
}

domain::Result<void> end(RequestContext& ctx, const std::string& session_id,
                         std::string_view reason) {
    auto r = change_document(
        ctx, kSessions, session_id,
        [&](const projections::Document& d,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            if (d.state.string_at("status") != "ACTIVE") return std::vector<domain::Event>{};
            return domain::decide_end(domain::oauth_event::kSessionEnded, reason);
        });
    if (!r) return std::unexpected(r.error());
    return {};
}

domain::Result<size_t> end_all(RequestContext& ctx, const std::string& user_id,
                               std::string_view reason) {
    auto ids = ctx.app.documents.grouped(kSessions, "user", user_id);
    if (!ids) return std::unexpected(store_failure(ids.error()));
    for (const auto& id : *ids)
        if (auto r = end(ctx, id, reason); !r) return std::unexpected(r.error());
    return ids->size();
}

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"POST", "/api/v1/sessions", "createSession", "sessions", need("okta.users.manage"),
         Blocking, create_session},
        {"GET", "/api/v1/sessions/me", "getCurrentSession", "sessions", kPublic, Inline, get_me},
        {"DELETE", "/api/v1/sessions/me", "closeCurrentSession", "sessions", kPublic, Blocking,
         end_me},
        {"GET", "/api/v1/sessions/{sessionId}", "getSession", "sessions", need("okta.users.read"),
         Inline, get_session},
        {"POST", "/api/v1/sessions/{sessionId}/lifecycle/refresh", "refreshSession", "sessions",
         need("okta.users.manage"), Blocking, refresh_session},
        {"DELETE", "/api/v1/sessions/{sessionId}", "revokeSession", "sessions",
         need("okta.users.manage"), Blocking, delete_session},
        {"DELETE", "/api/v1/users/{userId}/sessions", "revokeUserSessions", "sessions",
         need("okta.users.manage"), Blocking, end_user_sessions},
    };
}

}  // namespace idledger::api::sessions
