#include "core/auth.hpp"

#include <algorithm>

#include "core/json_io.hpp"
#include "idledger/domain/api_token.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/roles.hpp"
#include "oauth/server.hpp"
#include "roles/roles.hpp"

namespace idledger::api {

namespace {

void add_unique(std::vector<std::string>& to, std::string_view v) {
    if (std::find(to.begin(), to.end(), v) == to.end()) to.emplace_back(v);
}

/// Folds one assignment into the principal: its type, and what it grants (a custom role's
/// permissions, read from the role; a role deleted meanwhile grants nothing).
domain::Result<void> hold(App& app, Principal& p, const domain::RoleAssignment& a) {
    add_unique(p.roles, a.type);
    if (a.type != "CUSTOM") {
        for (auto g : domain::role_grants(a.type)) add_unique(p.grants, g);
        return {};
    }
    auto role = app.documents.get(domain::kCustomRoles, a.role);
    if (!role) return std::unexpected(store_failure(role.error()));
    if (!*role) return {};
    if (const domain::Json* perms = (*role)->state.find("permissions"); perms && perms->is_array())
        for (const auto& perm : perms->as_array())
            if (perm.is_string()) add_unique(p.grants, perm.as_string());
    return {};
}

/// The roles `user` holds directly and through the groups holding roles it is a member of.
domain::Result<void> collect_roles(App& app, Principal& p, const domain::User& user) {
    auto held = roles::held_assignments(app, user);
    if (!held) return std::unexpected(held.error());
    for (const auto& h : *held)
        if (auto r = hold(app, p, h.assignment); !r) return r;
    return {};
}

/// An access token of the org authorization server: its user, its okta.* scopes.
domain::Result<Principal> authenticate_bearer(App& app, const std::string& base_url,
                                              std::string_view token) {
    auto claims = oauth::verified_claims(app, base_url, token);
    if (!claims) return domain::fail(domain::ErrorCode::InvalidToken);
    auto server = oauth::server_by_issuer(app, base_url, claims->string_at("iss"));
    const std::string uid = claims->string_at("uid");
    if (!server || !server->org() || uid.empty())
        return domain::fail(domain::ErrorCode::InvalidToken);
    Principal p;
    p.bearer = true;
    if (const domain::Json* scp = claims->find("scp"); scp && scp->is_array())
        for (const auto& s : scp->as_array())
            if (s.is_string() && !domain::scope_permission(s.as_string()).empty())
                p.scopes.push_back(s.as_string());
    if (p.scopes.empty()) return domain::fail(domain::ErrorCode::InvalidToken);
    auto live = oauth::still_active(app, *claims);
    if (!live) return std::unexpected(live.error());
    if (!*live) return domain::fail(domain::ErrorCode::InvalidToken);
    auto user = app.reader.user(uid);
    if (!user) return std::unexpected(store_failure(user.error()));
    if (!*user) return domain::fail(domain::ErrorCode::InvalidToken);
    p.user_id = uid;
    // Rate limits count per client and user.
    p.token_id = "oauth:" + claims->string_at("cid") + "/" + uid;
    if (auto r = collect_roles(app, p, (*user)->user); !r) return std::unexpected(r.error());
    return p;
}

}  // namespace

bool Principal::may(std::string_view permission) const {
    return domain::grants_permission(grants, permission) &&
           (!bearer || domain::grants_permission(scopes, permission));
}

domain::Result<Principal> authenticate(App& app, const HttpRequest& req,
                                       const std::string& base_url) {
    const std::string* h = req.header("authorization");
    if (!h) return domain::fail(domain::ErrorCode::InvalidSession);
    std::string_view v(*h);
    if (v.size() < 6 || (v.substr(0, 5) != "SSWS " && v.substr(0, 5) != "ssws ")) {
        if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer "))
            return authenticate_bearer(app, base_url, v.substr(7));
        return domain::fail(domain::ErrorCode::InvalidSession);
    }
    std::string token(v.substr(5));
    while (!token.empty() && token.front() == ' ') token.erase(token.begin());
    if (auto cached = app.auth_cache.find(token))
        return Principal{std::move(cached->user_id), std::move(cached->token_id),
                         std::move(cached->roles), std::move(cached->grants)};
    const AuthCache::Stamp stamp = app.auth_cache.stamp();
    auto doc = app.documents.by_unique(domain::kApiTokens, "digest", domain::token_digest(token));
    if (!doc) return std::unexpected(store_failure(doc.error()));
    auto found = *doc ? domain::ApiToken::from_state_json((*doc)->state) : std::nullopt;
    if (!found) return domain::fail(domain::ErrorCode::InvalidToken);
    auto user = app.reader.user(found->user_id);
    if (!user) return std::unexpected(store_failure(user.error()));
    if (!*user) return domain::fail(domain::ErrorCode::InvalidToken);
    const auto status = (*user)->user.status;
    if (status == domain::UserStatus::Deprovisioned || status == domain::UserStatus::Suspended)
        return domain::fail(domain::ErrorCode::InvalidToken);
    Principal p;
    p.user_id = (*user)->user.id;
    p.token_id = found->id;
    if (auto r = collect_roles(app, p, (*user)->user); !r) return std::unexpected(r.error());
    app.auth_cache.put(token, CachedPrincipal{p.user_id, p.token_id, p.roles, p.grants}, stamp);
    return p;
}

bool permitted(const Principal& p, const Access& access, std::string_view path_user) {
    const bool self = !path_user.empty() && (path_user == "me" || path_user == p.user_id);
    switch (access.who) {
        case Who::Public:
        case Who::Anyone:
            return true;
        case Who::Permission:
        case Who::Operations:
            return p.may(access.permission);
        case Who::SelfOr:
            return self || p.may(access.permission);
        case Who::SelfOnly:
            return self;
    }
    return false;
}

}  // namespace idledger::api
