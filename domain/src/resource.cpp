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

void Causes::add(std::string field, std::string reason) {
    if (causes_.empty()) first_field_ = field;
    causes_.push_back({field + ": " + reason});
}

Result<void> Causes::result() const {
    if (causes_.empty()) return {};
    return fail(ErrorCode::ValidationFailed, first_field_, causes_);
}

}  // namespace idledger::domain
