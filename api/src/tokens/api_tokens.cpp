#include "tokens/api_tokens.hpp"

#include "core/json_io.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json_parse.hpp"
#include "users/user_commands.hpp"

namespace idledger::api::tokens {

using domain::Json;
namespace pj = projections;

namespace {

Json render(const domain::ApiToken& t, const std::string& base, const std::string& user_name) {
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
    const Json* f = p.find("firstName");
    const Json* l = p.find("lastName");
    std::string name = f && f->is_string() ? f->as_string() : "";
    if (l && l->is_string()) name += (name.empty() ? "" : " ") + l->as_string();
    return name;
}

bool visible_to(const Principal& p, const domain::ApiToken& t) {
    return p.has_role("SUPER_ADMIN") || t.user_id == p.user_id;
}

R revoke_by_id(RequestContext& ctx, const std::string& id) {
    auto token = ctx.app.reader.token(id);
    if (!token) return std::unexpected(store_failure(token.error()));
    if (!*token || !visible_to(ctx.principal, **token)) return domain::not_found(id, "ApiToken");
    std::optional<domain::Error> error;
    const std::string metadata = ctx.metadata().encode();
    auto fut = ctx.app.store.submit([&](eventstore::Transaction& tx) {
        auto revoked = append_token_revoked(tx, id, metadata);
        if (!revoked || !*revoked) {
            error = revoked ? domain::not_found(id, "ApiToken").error()
                            : store_failure(revoked.error());
            return eventstore::Outcome::Abort;
        }
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(store_failure(done.error()));
    if (error) return std::unexpected(*error);
    ctx.app.auth_cache.invalidate();
    return empty_response(204);
}

}  // namespace

eventstore::Result<void> append_token_created(eventstore::Transaction& tx,
                                              const domain::ApiToken& token,
                                              const std::string& metadata) {
    domain::Event e = domain::token_created_event(token);
    auto appended = tx.append(pj::token_stream(token.id), eventstore::kNoStream,
                              {{e.type, domain::encode_payload_plain(e.data), metadata}});
    if (!appended) return std::unexpected(appended.error());
    pj::apply_token_event(tx, tx.appended().back(), e);
    return {};
}

R list(RequestContext& ctx, const HttpRequest&) {
    auto all = ctx.app.reader.tokens();
    if (!all) return std::unexpected(store_failure(all.error()));
    Json arr = Json::array();
    for (const auto& t : *all)
        if (visible_to(ctx.principal, t))
            arr.push(render(t, ctx.base_url, display_name(ctx, t.user_id)));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    std::string id = ctx.param("apiTokenId");
    if (id == "current") id = ctx.principal.token_id;
    auto t = ctx.app.reader.token(id);
    if (!t) return std::unexpected(store_failure(t.error()));
    if (!*t || !visible_to(ctx.principal, **t)) return domain::not_found(id, "ApiToken");
    return json_response(200, render(**t, ctx.base_url, display_name(ctx, (*t)->user_id)));
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

    domain::ApiToken token;
    token.id = ctx.app.ids.next(domain::id_prefix::kApiToken);
    token.name = name->as_string();
    token.user_id = owner->user.id;
    const std::string value = "00" + domain::random_base62(40);
    token.digest = domain::token_digest(value);

    std::optional<domain::Error> error;
    const std::string metadata = ctx.metadata().encode();
    auto fut = ctx.app.store.submit([&](eventstore::Transaction& tx) {
        if (auto r = append_token_created(tx, token, metadata); !r) {
            error = store_failure(r.error());
            return eventstore::Outcome::Abort;
        }
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(store_failure(done.error()));
    if (error) return std::unexpected(*error);
    auto stored = ctx.app.reader.token(token.id);
    if (!stored || !*stored) return domain::fail(domain::ErrorCode::InternalError);
    Json out = render(**stored, ctx.base_url, display_name(ctx, token.user_id));
    out.set("token", value);  // shown this once; only its digest is kept
    return json_response(200, out);
}

eventstore::Result<bool> append_token_revoked(eventstore::Transaction& tx,
                                              const std::string& token_id,
                                              const std::string& metadata, std::string_view owner,
                                              std::string_view reason) {
    auto bytes = tx.get(pj::cf::kApiTokens, token_id);
    if (!bytes) return std::unexpected(bytes.error());
    if (!*bytes) return false;
    if (!owner.empty()) {
        auto json = domain::parse_json(**bytes);
        auto token = json ? domain::ApiToken::from_state_json(*json) : std::nullopt;
        if (!token || token->user_id != owner) return false;
    }
    const std::string stream = pj::token_stream(token_id);
    auto version = tx.stream_version(stream);
    if (!version) return std::unexpected(version.error());
    domain::Event e = domain::token_revoked_event();
    if (!reason.empty()) e.data.set("reason", reason);
    auto appended =
        tx.append(stream, *version, {{e.type, domain::encode_payload_plain(e.data), metadata}});
    if (!appended) return std::unexpected(appended.error());
    pj::apply_token_event(tx, tx.appended().back(), e);
    return true;
}

}  // namespace idledger::api::tokens
