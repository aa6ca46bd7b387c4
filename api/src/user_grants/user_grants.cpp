// /api/v1/users/{userId}/clients, .../clients/{clientId}/grants, .../clients/{clientId}/tokens
// [/{tokenId}], /api/v1/users/{userId}/grants[/{grantId}]: GET lists or reads, DELETE revokes.

#include "user_grants/user_grants.hpp"

#include <algorithm>

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "core/pagination.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/oauth.hpp"

namespace idledger::api::user_grants {

using domain::Json;
using domain::kOAuthGrants;
using domain::kOAuthRefreshTokens;
using R = domain::Result<HttpResponse>;

namespace {

std::string users_url(const RequestContext& ctx, const std::string& uid) {
    return ctx.base_url + "/api/v1/users/" + uid;
}

std::string server_url(const RequestContext& ctx, const Json& s) {
    return ctx.base_url + "/api/v1/authorizationServers/" + s.string_at("server");
}

Json titled(const std::string& href, std::string_view title) {
    Json l = hal_link(href);
    l.set("title", title);
    return l;
}

bool wants_scope(const HttpRequest& req) {
    const std::string* e = req.param("expand");
    return e && *e == "scope";
}

/// The user, or 404 E0000007.
domain::Result<domain::User> the_user(RequestContext& ctx) {
    const std::string& uid = ctx.param("userId");
    auto row = ctx.app.reader.user(uid);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row) return domain::not_found(uid, "User");
    return (*row)->user;
}

/// Shared links of a grant or a token: app, client, user, authorization server.
void common_links(RequestContext& ctx, Json& links, const Json& s, const std::string& user_name) {
    const std::string cid = s.string_at("clientId");
    std::string app_name = cid;
    if (auto app = ctx.app.documents.get(domain::kApps, cid); app && *app)
        app_name = (*app)->state.string_at("label");
    links.set("app", titled(ctx.base_url + "/api/v1/apps/" + cid, app_name));
    links.set("client", titled(ctx.base_url + "/oauth2/v1/clients/" + cid, app_name));
    links.set("user", titled(users_url(ctx, s.string_at("userId")), user_name));
    links.set("authorizationServer",
              titled(server_url(ctx, s),
                     s.string_at("server") == "org" ? "Org Authorization Server" : "default"));
}

std::string display_name(const domain::User& u) {
    return u.profile.string_at("firstName") + " " + u.profile.string_at("lastName");
}

Json render_grant(RequestContext& ctx, const HttpRequest& req, const projections::Document& d,
                  const domain::User& u) {
    const Json& s = d.state;
    Json j = Json::object();
    j.set("id", d.id);
    j.set("status", "ACTIVE");
    j.set("created", iso_field(s, "created"));
    j.set("lastUpdated", iso_field(s, "lastUpdated"));
    Json by = Json::object();
    by.set("id", s.string_at("createdBy"));
    by.set("type", "User");
    j.set("createdBy", std::move(by));
    j.set("issuer", s.string_at("issuer"));
    j.set("clientId", s.string_at("clientId"));
    j.set("userId", s.string_at("userId"));
    j.set("scopeId", s.string_at("scopeId"));
    j.set("source", s.string_at("source"));
    if (wants_scope(req)) {
        Json scope = Json::object();
        scope.set("id", s.string_at("scopeId"));
        Json e = Json::object();
        e.set("scope", std::move(scope));
        j.set("_embedded", std::move(e));
    }
    Json links = Json::object();
    links.set("self", hal_link(users_url(ctx, u.id) + "/grants/" + d.id, {"GET", "DELETE"}));
    common_links(ctx, links, s, display_name(u));
    links.set("scope", titled(server_url(ctx, s) + "/scopes/" + s.string_at("scopeId"),
                              s.string_at("scope")));
    j.set("_links", std::move(links));
    return j;
}

Json render_token(RequestContext& ctx, const HttpRequest& req, const projections::Document& d,
                  const domain::User& u) {
    const Json& s = d.state;
    Json j = Json::object();
    j.set("id", d.id);
    j.set("status", "ACTIVE");
    j.set("created", iso_field(s, "created"));
    j.set("lastUpdated", iso_field(s, "lastUpdated"));
    j.set("expiresAt", iso_field(s, "expiresAt"));
    j.set("issuer", s.string_at("issuer"));
    j.set("clientId", s.string_at("clientId"));
    j.set("userId", s.string_at("userId"));
    const Json* scopes = s.find("scopes");
    j.set("scopes", scopes ? *scopes : Json::array());
    if (wants_scope(req) && scopes && scopes->is_array()) {
        Json list = Json::array();
        for (const auto& sc : scopes->as_array()) {
            const std::string name = sc.is_string() ? sc.as_string() : "";
            const auto* info = domain::find_scope(name, s.string_at("server") == "org");
            const std::string id = domain::scope_id(s.string_at("server"), name);
            Json e = Json::object();
            e.set("id", id);
            e.set("name", name);
            e.set("displayName", info && info->name != "okta.*" ? info->display_name : name);
            e.set("description", info ? Json(info->description) : Json(nullptr));
            Json l = Json::object();
            l.set("scope", titled(server_url(ctx, s) + "/scopes/" + id, name));
            e.set("_links", std::move(l));
            list.push(std::move(e));
        }
        Json emb = Json::object();
        emb.set("scopes", std::move(list));
        j.set("_embedded", std::move(emb));
    }
    const std::string self =
        users_url(ctx, u.id) + "/clients/" + s.string_at("clientId") + "/tokens/" + d.id;
    Json links = Json::object();
    links.set("self", hal_link(self));
    links.set("revoke", hal_link(self, {"DELETE"}));
    common_links(ctx, links, s, display_name(u));
    j.set("_links", std::move(links));
    return j;
}

bool live(const RequestContext& ctx, const projections::Document& d) {
    const Json* exp = d.state.find("expiresAt");
    return !exp || !exp->is_int() || exp->as_int() > ctx.app.clock.now_ms();
}

/// The documents grouped under (index, value), in id order, alive.
domain::Result<std::vector<projections::Document>> grouped_docs(RequestContext& ctx,
                                                                const domain::ResourceKind& kind,
                                                                std::string_view index,
                                                                const std::string& value) {
    auto ids = ctx.app.documents.grouped(kind, index, value);
    if (!ids) return std::unexpected(store_failure(ids.error()));
    std::sort(ids->begin(), ids->end());
    std::vector<projections::Document> out;
    for (const auto& id : *ids) {
        auto d = ctx.app.documents.get(kind, id);
        if (!d) return std::unexpected(store_failure(d.error()));
        if (*d && live(ctx, **d)) out.push_back(std::move(**d));
    }
    return out;
}

/// One page of `docs` (id order): `limit` (20, at most 200), `after` an id.
R page_of(RequestContext& ctx, const HttpRequest& req, std::vector<projections::Document> docs,
          const std::function<Json(const projections::Document&)>& render) {
    auto limit = read_limit(req, 20, 200);
    if (!limit) return std::unexpected(limit.error());
    const std::string* after = req.param("after");
    Json list = Json::array();
    std::optional<std::string> next;
    size_t n = 0;
    for (const auto& d : docs) {
        if (after && !after->empty() && d.id <= *after) continue;
        if (n == *limit) {
            next = list.as_array().empty() ? std::nullopt
                                           : std::optional(list.as_array().back().string_at("id"));
            break;
        }
        list.push(render(d));
        ++n;
    }
    HttpResponse res = json_response(200, list);
    add_link_headers(res, ctx, req, *limit, next);
    return res;
}

/// Ends each of `ids` with `event` (one already gone is skipped).
domain::Result<void> end_each(RequestContext& ctx, const domain::ResourceKind& kind,
                              const std::vector<std::string>& ids, std::string_view event) {
    for (const auto& id : ids) {
        auto r = delete_document(
            ctx, kind, id,
            [&](const projections::Document&,
                eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                return domain::decide_end(event, "ADMIN");
            });
        if (!r && r.error().code != domain::ErrorCode::NotFound) return r;
    }
    return {};
}

/// DELETE of everything `kind` groups under `index` for the path's user (and its {clientId}
/// with `per_client`): 204.
R revoke_grouped(RequestContext& ctx, const domain::ResourceKind& kind, std::string_view index,
                 std::string_view event, bool per_client) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto ids = ctx.app.documents.grouped(
        kind, index, per_client ? domain::user_client_key(u->id, ctx.param("clientId")) : u->id);
    if (!ids) return std::unexpected(store_failure(ids.error()));
    if (auto r = end_each(ctx, kind, *ids, event); !r) return std::unexpected(r.error());
    return empty_response(204);
}

std::string pair_key(const RequestContext& ctx) {
    return domain::user_client_key(ctx.param("userId"), ctx.param("clientId"));
}

R list_clients(RequestContext& ctx, const HttpRequest&) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    std::vector<std::string> clients;
    for (const auto* kind : {&kOAuthGrants, &kOAuthRefreshTokens}) {
        auto docs = grouped_docs(ctx, *kind, "user", u->id);
        if (!docs) return std::unexpected(docs.error());
        for (const auto& d : *docs) {
            const std::string cid = d.state.string_at("clientId");
            if (std::find(clients.begin(), clients.end(), cid) == clients.end())
                clients.push_back(cid);
        }
    }
    Json list = Json::array();
    for (const auto& cid : clients) {
        auto app = ctx.app.documents.get(domain::kApps, cid);
        if (!app) return std::unexpected(store_failure(app.error()));
        if (!*app) continue;
        const Json* settings = (*app)->state.find("settings");
        const Json* oauth = settings ? settings->find("oauthClient") : nullptr;
        Json c = Json::object();
        c.set("client_id", cid);
        c.set("client_name", (*app)->state.string_at("label"));
        const Json* uri = oauth ? oauth->find("client_uri") : nullptr;
        const Json* logo = oauth ? oauth->find("logo_uri") : nullptr;
        c.set("client_uri", uri ? *uri : Json(nullptr));
        c.set("logo_uri", logo ? *logo : Json(nullptr));
        const std::string base = users_url(ctx, u->id) + "/clients/" + cid;
        Json links = Json::object();
        links.set("grants", hal_link(base + "/grants"));
        links.set("tokens", hal_link(base + "/tokens"));
        c.set("_links", std::move(links));
        list.push(std::move(c));
    }
    return json_response(200, list);
}

R list_user_grants(RequestContext& ctx, const HttpRequest& req) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto docs = grouped_docs(ctx, kOAuthGrants, "user", u->id);
    if (!docs) return std::unexpected(docs.error());
    if (const std::string* scope = req.param("scopeId"); scope && !scope->empty())
        std::erase_if(*docs, [&](const projections::Document& d) {
            return d.state.string_at("scopeId") != *scope;
        });
    return page_of(ctx, req, std::move(*docs),
                   [&](const projections::Document& d) { return render_grant(ctx, req, d, *u); });
}

domain::Result<projections::Document> users_grant(RequestContext& ctx) {
    const std::string& gid = ctx.param("grantId");
    auto d = ctx.app.documents.get(kOAuthGrants, gid);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d || (*d)->state.string_at("userId") != ctx.param("userId"))
        return domain::not_found(gid, "OAuth2ScopeConsentGrant");
    return std::move(**d);
}

R get_user_grant(RequestContext& ctx, const HttpRequest& req) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto d = users_grant(ctx);
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_grant(ctx, req, *d, *u));
}

R revoke_user_grant(RequestContext& ctx, const HttpRequest&) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto d = users_grant(ctx);
    if (!d) return std::unexpected(d.error());
    if (auto r = end_each(ctx, kOAuthGrants, {d->id}, domain::oauth_event::kConsentRevoked); !r)
        return std::unexpected(r.error());
    return empty_response(204);
}

R revoke_user_grants(RequestContext& ctx, const HttpRequest&) {
    return revoke_grouped(ctx, kOAuthGrants, "user", domain::oauth_event::kConsentRevoked, false);
}

R list_client_grants(RequestContext& ctx, const HttpRequest& req) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto docs = grouped_docs(ctx, kOAuthGrants, "user_client", pair_key(ctx));
    if (!docs) return std::unexpected(docs.error());
    return page_of(ctx, req, std::move(*docs),
                   [&](const projections::Document& d) { return render_grant(ctx, req, d, *u); });
}

R revoke_client_grants(RequestContext& ctx, const HttpRequest&) {
    return revoke_grouped(ctx, kOAuthGrants, "user_client", domain::oauth_event::kConsentRevoked,
                          true);
}

R list_client_tokens(RequestContext& ctx, const HttpRequest& req) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto docs = grouped_docs(ctx, kOAuthRefreshTokens, "user_client", pair_key(ctx));
    if (!docs) return std::unexpected(docs.error());
    return page_of(ctx, req, std::move(*docs),
                   [&](const projections::Document& d) { return render_token(ctx, req, d, *u); });
}

domain::Result<projections::Document> clients_token(RequestContext& ctx) {
    const std::string& tid = ctx.param("tokenId");
    auto d = ctx.app.documents.get(kOAuthRefreshTokens, tid);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d || (*d)->state.string_at("userId") != ctx.param("userId") ||
        (*d)->state.string_at("clientId") != ctx.param("clientId") || !live(ctx, **d))
        return domain::not_found(tid, "OAuth2RefreshToken");
    return std::move(**d);
}

R get_client_token(RequestContext& ctx, const HttpRequest& req) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto d = clients_token(ctx);
    if (!d) return std::unexpected(d.error());
    return json_response(200, render_token(ctx, req, *d, *u));
}

R revoke_client_token(RequestContext& ctx, const HttpRequest&) {
    auto u = the_user(ctx);
    if (!u) return std::unexpected(u.error());
    auto d = clients_token(ctx);
    if (!d) return std::unexpected(d.error());
    if (auto r = end_each(ctx, kOAuthRefreshTokens, {d->id}, domain::oauth_event::kRefreshRevoked);
        !r)
        return std::unexpected(r.error());
    return empty_response(204);
}

R revoke_client_tokens(RequestContext& ctx, const HttpRequest&) {
    return revoke_grouped(ctx, kOAuthRefreshTokens, "user_client",
                          domain::oauth_event::kRefreshRevoked, true);
}

}  // namespace

domain::Result<void> revoke_refresh_tokens_of(RequestContext& ctx, const std::string& user_id) {
    auto ids = ctx.app.documents.grouped(kOAuthRefreshTokens, "user", user_id);
    if (!ids) return std::unexpected(store_failure(ids.error()));
    if (auto r = end_each(ctx, kOAuthRefreshTokens, *ids, domain::oauth_event::kRefreshRevoked); !r)
        return std::unexpected(r.error());
    return {};
}

domain::Result<size_t> revoke_all_of_user_in(eventstore::Transaction& tx,
                                             const std::string& user_id,
                                             const std::string& metadata, std::string_view reason) {
    struct Ending {
        const domain::ResourceKind* kind;
        std::string_view event;
    };
    size_t ended = 0;
    for (const Ending& e : {Ending{&kOAuthGrants, domain::oauth_event::kConsentRevoked},
                            Ending{&kOAuthRefreshTokens, domain::oauth_event::kRefreshRevoked},
                            Ending{&domain::kSessions, domain::oauth_event::kSessionEnded}}) {
        auto ids = projections::group_members(tx, *e.kind, "user", user_id);
        if (!ids) return std::unexpected(store_failure(ids.error()));
        for (const auto& id : *ids) {
            auto r = run_document_command_in(
                tx, *e.kind, id, Subject::Existing,
                [&](const std::optional<projections::Document>& current,
                    eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                    if (!current) return std::vector<domain::Event>{};
                    return domain::decide_end(e.event, reason);
                },
                metadata);
            if (!r) return std::unexpected(r.error());
            ++ended;
        }
    }
    return ended;
}

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"GET", "/api/v1/users/{userId}/clients", "listUserClients", "users",
         self_or("okta.users.read"), Inline, list_clients},
        {"GET", "/api/v1/users/{userId}/clients/{clientId}/grants", "listGrantsForUserAndClient",
         "users", self_or("okta.users.read"), Inline, list_client_grants},
        {"DELETE", "/api/v1/users/{userId}/clients/{clientId}/grants",
         "revokeGrantsForUserAndClient", "users", self_or("okta.users.manage"), Blocking,
         revoke_client_grants},
        {"GET", "/api/v1/users/{userId}/clients/{clientId}/tokens",
         "listRefreshTokensForUserAndClient", "users", self_or("okta.users.read"), Inline,
         list_client_tokens},
        {"DELETE", "/api/v1/users/{userId}/clients/{clientId}/tokens",
         "revokeTokensForUserAndClient", "users", self_or("okta.users.manage"), Blocking,
         revoke_client_tokens},
        {"GET", "/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}",
         "getRefreshTokenForUserAndClient", "users", self_or("okta.users.read"), Inline,
         get_client_token},
        {"DELETE", "/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}",
         "revokeTokenForUserAndClient", "users", self_or("okta.users.manage"), Blocking,
         revoke_client_token},
        {"GET", "/api/v1/users/{userId}/grants", "listUserGrants", "users",
         self_or("okta.users.read"), Inline, list_user_grants},
        {"DELETE", "/api/v1/users/{userId}/grants", "revokeUserGrants", "users",
         self_or("okta.users.manage"), Blocking, revoke_user_grants},
        {"GET", "/api/v1/users/{userId}/grants/{grantId}", "getUserGrant", "users",
         self_or("okta.users.read"), Inline, get_user_grant},
        {"DELETE", "/api/v1/users/{userId}/grants/{grantId}", "revokeUserGrant", "users",
         self_or("okta.users.manage"), Blocking, revoke_user_grant},
    };
}

}  // namespace idledger::api::user_grants
