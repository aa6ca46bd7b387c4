#include "idledger/domain/api_token.hpp"

namespace idledger::domain {

Json ApiToken::to_state_json() const {
    Json j = Json::object();
    j.set("id", id);
    j.set("name", name);
    j.set("userId", user_id);
    j.set("clientName", client_name);
    j.set("digest", digest);
    j.set("created", created);
    j.set("lastUpdated", last_updated);
    return j;
}

std::optional<ApiToken> ApiToken::from_state_json(const Json& j) {
    if (!j.is_object()) return std::nullopt;
    ApiToken t;
    t.id = j.string_at("id");
    t.name = j.string_at("name");
    t.user_id = j.string_at("userId");
    t.client_name = j.string_at("clientName");
    t.digest = j.string_at("digest");
    if (const Json* v = j.find("created"); v && v->is_int()) t.created = v->as_int();
    if (const Json* v = j.find("lastUpdated"); v && v->is_int()) t.last_updated = v->as_int();
    if (t.id.empty()) return std::nullopt;
    return t;
}

namespace {

constexpr EventType kTokenEvents[] = {
    {token_event::kCreated, "system.api_token.create", "Create API token"},
    {token_event::kRevoked, "system.api_token.revoke", "Revoke API token"},
};

void evolve_token(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == token_event::kCreated) {
        ApiToken t;
        t.id = e.data.string_at("id");
        t.name = e.data.string_at("name");
        t.user_id = e.data.string_at("userId");
        t.client_name = e.data.string_at("clientName");
        t.digest = e.data.string_at("digest");
        t.created = t.last_updated = at;
        state = t.to_state_json();
    } else if (e.type == token_event::kRevoked) {
        state.reset();
    }
}

std::vector<IndexKey> token_unique_keys(const Json& s) {
    return {{"digest", s.string_at("digest")}};
}
std::vector<IndexKey> token_group_keys(const Json& s) { return {{"user", s.string_at("userId")}}; }

}  // namespace

const ResourceKind kApiTokens{
    .name = "ApiToken",
    .stream_prefix = "apitoken-",
    .family = "api_tokens",
    .id_prefix = "00T",
    .schema_version = 3,  // group keys: one key per member
    .events = kTokenEvents,
    .evolve = evolve_token,
    .unique_keys = token_unique_keys,
    .group_keys = token_group_keys,
    .log_target_type = "Token",
    .authorizes = true,
};

std::vector<Event> decide_token_create(const ApiToken& t) {
    Json d = Json::object();
    d.set("id", t.id);
    d.set("name", t.name);
    d.set("userId", t.user_id);
    d.set("clientName", t.client_name);
    d.set("digest", t.digest);
    return {make_event(token_event::kCreated, std::move(d))};
}

Result<std::vector<Event>> decide_token_revoke(const std::optional<Json>& state,
                                               std::string_view id, std::string_view owner,
                                               std::string_view reason) {
    if (!state || (!owner.empty() && state->string_at("userId") != owner))
        return not_found(id, "ApiToken");
    Json d = Json::object();
    if (!reason.empty()) d.set("reason", reason);
    return std::vector<Event>{make_event(token_event::kRevoked, std::move(d))};
}

}  // namespace idledger::domain
