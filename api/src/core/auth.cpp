#include "core/auth.hpp"

#include "core/json_io.hpp"
#include "idledger/domain/api_token.hpp"

namespace idledger::api {

domain::Result<Principal> authenticate(App& app, const HttpRequest& req) {
    const std::string* h = req.header("authorization");
    if (!h) return domain::fail(domain::ErrorCode::InvalidSession);
    std::string_view v(*h);
    if (v.size() < 6 || (v.substr(0, 5) != "SSWS " && v.substr(0, 5) != "ssws ")) {
        if (v.substr(0, 7) == "Bearer ") return domain::fail(domain::ErrorCode::InvalidToken);
        return domain::fail(domain::ErrorCode::InvalidSession);
    }
    std::string token(v.substr(5));
    while (!token.empty() && token.front() == ' ') token.erase(token.begin());
    if (auto cached = app.auth_cache.find(token))
        return Principal{std::move(cached->user_id), std::move(cached->token_id),
                         std::move(cached->roles)};
    const uint64_t generation = app.auth_cache.generation();
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
    p.roles = (*user)->user.roles;
    app.auth_cache.put(token, CachedPrincipal{p.user_id, p.token_id, p.roles}, generation);
    return p;
}

bool permitted(const Principal& p, Perm perm) {
    switch (perm) {
        case Perm::Public:
        case Perm::Authenticated:
            return true;
        case Perm::UsersRead:
        case Perm::OrgRead:
            return p.has_any_role();
        case Perm::OrgManage:
            return p.has_role("SUPER_ADMIN") || p.has_role("ORG_ADMIN");
        case Perm::UsersManage:
            return p.has_role("SUPER_ADMIN") || p.has_role("ORG_ADMIN") ||
                   p.has_role("USER_ADMIN") || p.has_role("HELP_DESK_ADMIN");
        case Perm::SuperAdmin:
        case Perm::Operations:
            return p.has_role("SUPER_ADMIN");
    }
    return false;
}

}  // namespace idledger::api
