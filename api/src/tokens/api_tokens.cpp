#include "tokens/api_tokens.hpp"

#include "core/commands.hpp"
#include "core/json_io.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::tokens {

using domain::ApiToken;
using domain::Json;
using domain::kApiTokens;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

Json render(const ApiToken& t, const std::string& base, const std::string& user_name) {
    Json j = Json::object();
    j.set("id", t.id);
    j.set("name", t.name);
    j.set("userId", t.user_id);
    j.set("clientName", t.client_name);
    j.set("created", domain::format_iso8601(t.created));
    j.set("lastUpdated", domain::format_iso8601(t.last_updated));
    j.set("expiresAt", nullptr);
    Json network = Json::object();
    network.set("connection", "ANYWHERE");
    j.set("network", std::move(network));
    j.set("tokenWindow", "P30D");
    Json self = Json::object();
    self.set("href", base + "/api/v1/api-tokens/" + t.id);
    Json hints = Json::object();
    hints.set("allow", Json(domain::JsonArray{Json("GET"), Json("DELETE")}));
    self.set("hints", std::move(hints));
    Json user = Json::object();
    user.set("name", user_name);
    user.set("href", base + "/api/v1/users/" + t.user_id);
    Json links = Json::object();
    links.set("self", std::move(self));
    links.set("user", Json(domain::JsonArray{std::move(user)}));
    j.set("_links", std::move(links));
    return j;
}

std::string display_name(RequestContext& ctx, const std::string& user_id) {
    auto row = ctx.app.reader.user(user_id);
    if (!row || !*row) return {};
    const auto& p = (*row)->user.profile;
    std::string name = p.string_at("firstName");
    const std::string last = p.string_at("lastName");
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    return name;
}

bool visible_to(const Principal& p, const ApiToken& t) {
    return p.may("okta.apiTokens.manage") || t.user_id == p.user_id;
}

/// The token `id` as the caller may see it, or 404.
domain::Result<ApiToken> find_visible(RequestContext& ctx, const std::string& id) {
    auto doc = ctx.app.documents.get(kApiTokens, id);
    if (!doc) return std::unexpected(store_failure(doc.error()));
    auto t = *doc ? ApiToken::from_state_json((*doc)->state) : std::nullopt;
    if (!t || !visible_to(ctx.principal, *t)) return domain::not_found(id, kApiTokens.name);
    return *t;
}

R revoke_by_id(RequestContext& ctx, const std::string& id) {
    if (auto t = find_visible(ctx, id); !t) return std::unexpected(t.error());
    auto done = run_document_command(
        ctx, kApiTokens, id, Subject::Existing,
        [id](const std::optional<pj::Document>& current, eventstore::Transaction&) {
            return domain::decide_token_revoke(
                current ? std::optional(current->state) : std::nullopt, id);
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

R list(RequestContext& ctx, const HttpRequest&) {
    Json arr = Json::array();
    auto r = ctx.app.documents.scan(kApiTokens, 0, [&](const pj::Document& d) {
        if (auto t = ApiToken::from_state_json(d.state); t && visible_to(ctx.principal, *t))
            arr.push(render(*t, ctx.base_url, display_name(ctx, t->user_id)));
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    std::string id = ctx.param("apiTokenId");
    if (id == "current") id = ctx.principal.token_id;
    auto t = find_visible(ctx, id);
    if (!t) return std::unexpected(t.error());
    return json_response(200, render(*t, ctx.base_url, display_name(ctx, t->user_id)));
}

R revoke(RequestContext& ctx, const HttpRequest&) {
    return revoke_by_id(ctx, ctx.param("apiTokenId"));
}

R revoke_current(RequestContext& ctx, const HttpRequest&) {
    return revoke_by_id(ctx, ctx.principal.token_id);
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* name = body->find("name");
    const Json* user_id = body->find("userId");
    if (!name || !name->is_string() || name->as_string().empty())
        return domain::validation("name", "The field cannot be left blank");
    if (name->as_string().size() > 255)
        return domain::validation("name", "The field cannot exceed 255 characters");
    std::string uid =
        user_id && user_id->is_string() ? user_id->as_string() : ctx.principal.user_id;
    auto owner = find_user_or_404(ctx, uid);
    if (!owner) return std::unexpected(owner.error());
    if (owner->user.status == domain::UserStatus::Deprovisioned ||
        owner->user.status == domain::UserStatus::Suspended)
        return domain::validation("userId", "Tokens can only be issued for users who can act");

    ApiToken token;
    token.id = ctx.app.ids.next(domain::id_prefix::kApiToken);
    token.name = name->as_string();
    token.user_id = owner->user.id;
    const std::string value = "00" + domain::random_base62(40);
    token.digest = domain::token_digest(value);
    auto done = run_document_command(
        ctx, kApiTokens, token.id, Subject::New,
        [token](const std::optional<pj::Document>&,
                eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_token_create(token);
        });
    if (!done) return std::unexpected(done.error());
    auto stored = done->doc ? ApiToken::from_state_json(done->doc->state) : std::nullopt;
    if (!stored) return domain::fail(domain::ErrorCode::InternalError);
    Json out = render(*stored, ctx.base_url, display_name(ctx, token.user_id));
    out.set("token", value);  // shown this once; only its digest is kept
    return json_response(200, out);
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    return {
        {"GET", "/api/v1/api-tokens", "ApiToken_listApiTokens", "api-tokens", kAnyone, Inline,
         list},
        {"POST", "/api/v1/api-tokens", "ApiToken_createApiToken", "api-tokens",
         need("okta.apiTokens.manage"), Blocking, create},
        {"GET", "/api/v1/api-tokens/{apiTokenId}", "ApiToken_getApiToken", "api-tokens", kAnyone,
         Inline, get},
        {"DELETE", "/api/v1/api-tokens/current", "ApiToken_revokeCurrentApiToken", "api-tokens",
         kAnyone, Blocking, revoke_current},
        {"DELETE", "/api/v1/api-tokens/{apiTokenId}", "ApiToken_revokeApiToken", "api-tokens",
         kAnyone, Blocking, revoke},
    };
}

domain::Result<void> issue_in(eventstore::Transaction& tx, const ApiToken& token,
                              const std::string& metadata) {
    auto r = run_document_command_in(
        tx, kApiTokens, token.id, Subject::New,
        [&](const std::optional<pj::Document>&,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_token_create(token);
        },
        metadata);
    if (!r) return std::unexpected(r.error());
    return {};
}

domain::Result<int> revoke_all_of_user_in(eventstore::Transaction& tx, const std::string& user_id,
                                          const std::string& metadata, std::string_view reason) {
    auto ids = pj::group_members(tx, kApiTokens, "user", user_id);
    if (!ids) return std::unexpected(store_failure(ids.error()));
    int revoked = 0;
    for (const auto& id : *ids) {
        auto r = run_document_command_in(
            tx, kApiTokens, id, Subject::Existing,
            [&](const std::optional<pj::Document>& current, eventstore::Transaction&) {
                return domain::decide_token_revoke(
                    current ? std::optional(current->state) : std::nullopt, id, user_id, reason);
            },
            metadata);
        if (!r) return std::unexpected(r.error());
        ++revoked;
    }
    return revoked;
}

}  // namespace idledger::api::tokens
