#include "idledger/domain/network_zone.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace idledger::domain {

namespace {

namespace ev = zone_event;

constexpr EventType kEvents[] = {
    {ev::kCreated, "zone.create", "Create network zone"},
    {ev::kUpdated, "zone.update", "Update network zone"},
    {ev::kActivated, "zone.activate", "Activate network zone"},
    {ev::kDeactivated, "zone.deactivate", "Deactivate network zone"},
    {ev::kDeleted, "zone.delete", "Delete network zone"},
};

constexpr StatusEvents kStatus{ev::kActivated, ev::kDeactivated};
constexpr size_t kMaxName = 128;
constexpr size_t kMaxAddresses = 150;

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == ev::kCreated) {
        Json s = Json::object();
        s.set("type", "IP");
        s.set("id", e.data.string_at("id"));
        for (const char* k : {"name", "status", "usage"}) s.set(k, e.data.string_at(k));
        s.set("created", at);
        s.set("lastUpdated", at);
        s.set("system", false);
        for (const char* k : {"gateways", "proxies"})
            s.set(k, e.data.find(k) ? *e.data.find(k) : Json(nullptr));
        state = std::move(s);
        return;
    }
    if (e.type == ev::kDeleted) return state.reset();
    if (!state) return;
    if (e.type == ev::kUpdated) {
        for (const char* k : {"name", "usage", "gateways", "proxies"})
            state->set(k, e.data.find(k) ? *e.data.find(k) : Json(nullptr));
    } else if (!apply_status(*state, e, kStatus)) {
        return;
    }
    state->set("lastUpdated", at);
}

std::vector<IndexKey> unique_keys(const Json& s) { return {{"name", s.string_at("name")}}; }

/// An address as bytes (4 or 16), or nullopt.
std::optional<std::string> parse_ip(std::string_view text) {
    const std::string s(text);
    unsigned char buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1)
        return std::string(reinterpret_cast<char*>(buf), 4);
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1)
        return std::string(reinterpret_cast<char*>(buf), 16);
    return std::nullopt;
}

/// Validates a list of addresses into `causes`; returns the clean list (null when absent).
Json addresses(Causes& causes, const std::string& field, const Json* v) {
    if (!v || v->is_null()) return Json(nullptr);
    if (!v->is_array()) {
        causes.add(field, "The value must be a list of {type, value} addresses");
        return Json(nullptr);
    }
    if (v->as_array().size() > kMaxAddresses) {
        causes.add(field, "At most " + std::to_string(kMaxAddresses) + " addresses");
        return Json(nullptr);
    }
    Json out = Json::array();
    for (const Json& a : v->as_array()) {
        const std::string type = a.is_object() ? a.string_at("type") : std::string();
        const std::string value = a.is_object() ? a.string_at("value") : std::string();
        if (type != "CIDR" && type != "RANGE") {
            causes.add(field, "Each address needs a type: CIDR or RANGE");
            continue;
        }
        if (!valid_zone_address(type, value)) {
            causes.add(field, "'" + value + "' is not a valid " + type + " value");
            continue;
        }
        Json clean = Json::object();
        clean.set("type", type);
        clean.set("value", value);
        out.push(std::move(clean));
    }
    return out;
}

}  // namespace

const ResourceKind kNetworkZones{
    .name = "NetworkZone",
    .stream_prefix = "networkzone-",
    .family = "network_zones",
    .id_prefix = "nzo",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .log_target_type = "NetworkZone",
};

bool valid_zone_address(std::string_view type, std::string_view value) {
    if (type == "CIDR") {
        const size_t slash = value.find('/');
        auto ip = parse_ip(value.substr(0, slash));
        if (!ip) return false;
        if (slash == std::string_view::npos) return true;
        const std::string_view bits = value.substr(slash + 1);
        unsigned n = 0;
        auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
        return ec == std::errc() && p == bits.data() + bits.size() && !bits.empty() &&
               n <= ip->size() * 8;
    }
    if (type == "RANGE") {
        const size_t dash = value.find('-');
        if (dash == std::string_view::npos) return false;
        auto lo = parse_ip(value.substr(0, dash));
        auto hi = parse_ip(value.substr(dash + 1));
        return lo && hi && lo->size() == hi->size() &&
               std::memcmp(lo->data(), hi->data(), lo->size()) <= 0;
    }
    return false;
}

namespace {

/// A client address as bytes: IPv4-mapped IPv6 becomes its 4 IPv4 bytes.
std::optional<std::string> client_address(std::string_view ip) {
    auto a = parse_ip(ip);
    static const char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\xff', '\xff'};
    if (a && a->size() == 16 && std::memcmp(a->data(), kMapped, 12) == 0) return a->substr(12);
    return a;
}

}  // namespace

bool zone_address_contains(std::string_view type, std::string_view value, std::string_view ip) {
    auto addr = client_address(ip);
    if (!addr || !valid_zone_address(type, value)) return false;
    if (type == "CIDR") {
        const size_t slash = value.find('/');
        auto net = parse_ip(value.substr(0, slash));
        if (net->size() != addr->size()) return false;
        unsigned bits = unsigned(net->size() * 8);
        if (slash != std::string_view::npos)
            std::from_chars(value.data() + slash + 1, value.data() + value.size(), bits);
        const size_t whole = bits / 8;
        if (std::memcmp(net->data(), addr->data(), whole) != 0) return false;
        if (bits % 8 == 0) return true;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - bits % 8));
        return (static_cast<unsigned char>((*net)[whole]) & mask) ==
               (static_cast<unsigned char>((*addr)[whole]) & mask);
    }
    const size_t dash = value.find('-');
    auto lo = parse_ip(value.substr(0, dash));
    auto hi = parse_ip(value.substr(dash + 1));
    return lo->size() == addr->size() && std::memcmp(lo->data(), addr->data(), lo->size()) <= 0 &&
           std::memcmp(addr->data(), hi->data(), hi->size()) <= 0;
}

bool zone_contains(const Json& zone, std::string_view ip) {
    const Json* gateways = zone.find("gateways");
    if (!gateways || !gateways->is_array()) return false;
    for (const Json& g : gateways->as_array())
        if (zone_address_contains(g.string_at("type"), g.string_at("value"), ip)) return true;
    return false;
}

Result<Json> zone_content(const Json& body, const UniqueLookup& owner_of, std::string_view self) {
    Causes causes;
    Json out = Json::object();
    const std::string type = body.string_at("type");
    if (type.empty())
        causes.add("type", "The field cannot be left blank");
    else if (type != "IP")
        causes.add("type", "Only IP zones are supported (DYNAMIC zones are not)");
    const Json* name = body.find("name");
    if (!name || !name->is_string() || name->as_string().empty())
        causes.add("name", "The field cannot be left blank");
    else if (utf8_length(name->as_string()) > kMaxName)
        causes.add("name", "The field cannot exceed " + std::to_string(kMaxName) + " characters");
    else if (auto owner = owner_of("name", name->as_string()); owner && *owner != self)
        causes.add("name", "A network zone with this name already exists");
    else
        out.set("name", *name);
    std::string usage = "POLICY";
    if (const Json* u = body.find("usage"); u && !u->is_null()) {
        usage = u->is_string() ? u->as_string() : std::string();
        if (usage != "POLICY" && usage != "BLOCKLIST")
            causes.add("usage", "The usage must be POLICY or BLOCKLIST");
    }
    out.set("usage", usage);
    out.set("gateways", addresses(causes, "gateways", body.find("gateways")));
    Json proxies = addresses(causes, "proxies", body.find("proxies"));
    if (usage == "BLOCKLIST" && proxies.is_array() && !proxies.as_array().empty())
        causes.add("proxies", "A BLOCKLIST zone has no proxies");
    out.set("proxies", std::move(proxies));
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    return out;
}

std::vector<Event> decide_zone_create(const std::string& id, const Json& content) {
    Json d = Json::object();
    d.set("id", id);
    d.set("status", "ACTIVE");
    for (const auto& [k, v] : content.as_object()) d.set(k, v);
    return {make_event(ev::kCreated, std::move(d))};
}

Result<std::vector<Event>> decide_zone_update(const Json& current, const Json& content) {
    if (same_fields(current, content, {"name", "usage", "gateways", "proxies"}))
        return std::vector<Event>{};
    return std::vector<Event>{make_event(ev::kUpdated, content)};
}

std::vector<Event> decide_zone_status(const Json& current, bool active) {
    return decide_status(current, active, kStatus);
}

Result<std::vector<Event>> decide_zone_delete(const Json& current,
                                              bool excluded_by_threat_insight) {
    const std::string id = current.string_at("id");
    if (current.string_at("status") == "ACTIVE")
        return fail(
            ErrorCode::ValidationFailed,
            "The zone: " + current.string_at("name") +
                " is an active zone. Active zones cannot be deleted.",
            {{"id: The zone: " + id + " is an active zone. Active zones cannot be deleted."}});
    if (excluded_by_threat_insight)
        return fail(ErrorCode::ValidationFailed, "id",
                    {{"id: The zone: " + id +
                      " is excluded by the ThreatInsight configuration: remove it from "
                      "excludeZones first."}});
    return std::vector<Event>{make_event(ev::kDeleted, Json::object())};
}

Result<QueryNode> parse_zone_filter(std::string_view text) {
    auto node = parse_user_query(text, QueryMode::Log);
    if (!node) return node;
    std::vector<const QueryNode*> todo{&*node};
    while (!todo.empty()) {
        const QueryNode* n = todo.back();
        todo.pop_back();
        for (const auto& c : n->children) todo.push_back(&c);
        if (n->kind != QueryNode::Kind::Compare) continue;
        if (n->attribute != "id" && n->attribute != "usage" && n->attribute != "system")
            return fail(ErrorCode::InvalidSearch, {},
                        {{"filter: '" + n->attribute +
                          "' cannot be filtered on: use id, usage or system"}});
        if (n->op != QueryOp::Eq)
            return fail(ErrorCode::InvalidSearch, {}, {{"filter: only eq is supported"}});
    }
    return node;
}

}  // namespace idledger::domain
