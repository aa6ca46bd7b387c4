#include "idledger/domain/resource.hpp"

namespace idledger::domain {

const ResourceKind* resource_kind_for_stream(std::string_view stream) {
    for (const ResourceKind* k : resource_kinds())
        if (stream.starts_with(k->stream_prefix)) return k;
    return nullptr;
}

Event make_event(std::string_view type, Json data) {
    return Event{std::string(type), std::move(data)};
}

Json with_id(std::string_view id, const Json& content) {
    Json d = Json::object();
    d.set("id", std::string(id));
    for (const auto& [k, v] : content.as_object()) d.set(k, v);
    return d;
}

bool same_fields(const Json& a, const Json& b, std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
        const Json* x = a.find(k);
        const Json* y = b.find(k);
        if ((x == nullptr) != (y == nullptr) || (x && !(*x == *y))) return false;
    }
    return true;
}

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

void stamp(Json& state, Millis at, bool creating) {
    if (creating) state.set("created", at);
    state.set("lastUpdated", at);
}

std::vector<Event> decide_status(const Json& current, bool active, const StatusEvents& types,
                                 Json data) {
    if ((current.string_at("status") == "ACTIVE") == active) return {};
    return {make_event(active ? types.activated : types.deactivated, std::move(data))};
}

bool apply_status(Json& state, const Event& e, const StatusEvents& types) {
    if (e.type != types.activated && e.type != types.deactivated) return false;
    state.set("status", e.type == types.activated ? "ACTIVE" : "INACTIVE");
    return true;
}

bool holds_all(const Json& state, const Json& content) {
    for (const auto& [k, v] : content.as_object())
        if (const Json* old = state.find(k); !old || *old != v) return false;
    return true;
}

void evolve_content(std::optional<Json>& state, const Event& e, Millis at,
                    const ContentEvents& types) {
    auto merge = [&](Json& into) {
        if (const Json* c = e.data.find(types.field); c && c->is_object())
            for (const auto& [k, v] : c->as_object()) into.set(k, v);
    };
    if (e.type == types.created) {
        Json s = Json::object();
        s.set("id", e.data.string_at("id"));
        merge(s);
        s.set("status", e.data.string_at("status"));
        s.set("created", at);
        s.set("lastUpdated", at);
        state = std::move(s);
        return;
    }
    if (e.type == types.deleted) return state.reset();
    if (!state) return;
    if (e.type == types.updated)
        merge(*state);
    else if (!apply_status(*state, e, types.status))
        return;
    state->set("lastUpdated", at);
}

void Causes::add(std::string field, std::string reason) {
    if (causes_.empty()) first_field_ = field;
    causes_.push_back({field + ": " + reason});
}

Result<void> Causes::result() const {
    if (causes_.empty()) return {};
    return fail(ErrorCode::ValidationFailed, first_field_, causes_);
}

}  // namespace idledger::domain
