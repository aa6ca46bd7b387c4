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

Event token_created_event(const ApiToken& t) {
    Json d = Json::object();
    d.set("id", t.id);
    d.set("name", t.name);
    d.set("userId", t.user_id);
    d.set("clientName", t.client_name);
    d.set("digest", t.digest);
    return Event{std::string(token_event::kCreated), std::move(d)};
}

Event token_revoked_event() { return Event{std::string(token_event::kRevoked), Json::object()}; }

std::optional<ApiToken> evolve_token(std::optional<ApiToken> token, const Event& e, Millis at) {
    if (e.type == token_event::kCreated) {
        ApiToken t;
        t.id = e.data.string_at("id");
        t.name = e.data.string_at("name");
        t.user_id = e.data.string_at("userId");
        t.client_name = e.data.string_at("clientName");
        t.digest = e.data.string_at("digest");
        t.created = t.last_updated = at;
        return t;
    }
    if (e.type == token_event::kRevoked) return std::nullopt;
    return token;
}

}  // namespace idledger::domain
