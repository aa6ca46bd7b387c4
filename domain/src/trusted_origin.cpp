#include "idledger/domain/trusted_origin.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace idledger::domain {

namespace {

namespace ev = trusted_origin_event;

constexpr EventType kEvents[] = {
    {ev::kCreated, "security.trusted_origin.create", "Create trusted origin"},
    {ev::kUpdated, "security.trusted_origin.update", "Update trusted origin"},
    {ev::kActivated, "security.trusted_origin.activate", "Activate trusted origin"},
    {ev::kDeactivated, "security.trusted_origin.deactivate", "Deactivate trusted origin"},
    {ev::kDeleted, "security.trusted_origin.delete", "Delete trusted origin"},
};

constexpr StatusEvents kStatus{ev::kActivated, ev::kDeactivated};
constexpr size_t kMaxLength = 255;
constexpr std::string_view kScopeTypes[] = {"CORS", "REDIRECT", "IFRAME_EMBED"};
constexpr std::string_view kOktaApps[] = {"OKTA_ENDUSER"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    const std::string by = e.data.string_at("by");
    if (e.type == ev::kCreated) {
        Json s = Json::object();
        for (const char* k : {"id", "name", "origin", "scopes"})
            if (const Json* v = e.data.find(k)) s.set(k, *v);
        s.set("status", "ACTIVE");
        s.set("created", at);
        s.set("createdBy", by);
        s.set("lastUpdated", at);
        s.set("lastUpdatedBy", by);
        state = std::move(s);
        return;
    }
    if (e.type == ev::kDeleted) return state.reset();
    if (!state) return;
    if (e.type == ev::kUpdated) {
        for (const char* k : {"name", "origin", "scopes"})
            if (const Json* v = e.data.find(k)) state->set(k, *v);
    } else if (!apply_status(*state, e, kStatus)) {
        return;
    }
    state->set("lastUpdated", at);
    state->set("lastUpdatedBy", by);
}

std::vector<IndexKey> unique_keys(const Json& s) {
    return {{"name", s.string_at("name")},
            {"origin", normalized_origin(s.string_at("origin")).value_or(s.string_at("origin"))}};
}

bool valid_host(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    if (h.front() == '[')  // an IPv6 literal
        return h.back() == ']' && h.size() > 2 &&
               std::all_of(h.begin() + 1, h.end() - 1, [](char c) {
                   return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
               });
    size_t label = 0;
    for (size_t i = 0; i < h.size(); ++i) {
        const char c = h[i];
        if (c == '.') {
            if (label == 0 || h[i - 1] == '-') return false;
            label = 0;
            continue;
        }
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        if (c == '-' && label == 0) return false;
        if (++label > 63) return false;
    }
    return label > 0 && h.back() != '-';
}

Json event_data(const Json& content, const std::string& actor) {
    Json d = content;
    d.set("by", actor);
    return d;
}

}  // namespace

const ResourceKind kTrustedOrigins{
    .name = "TrustedOrigin",
    .stream_prefix = "trustedorigin-",
    .family = "trusted_origins",
    .id_prefix = "tos",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .log_target_type = "TrustedOrigin",
};

std::optional<std::string> normalized_origin(std::string_view origin) {
    if (origin.size() > kMaxLength) return std::nullopt;
    const size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    const std::string scheme = lower(origin.substr(0, sep));
    static constexpr std::string_view kSchemes[] = {"http", "https", "ftp", "ionic", "capacitor"};
    if (std::find(std::begin(kSchemes), std::end(kSchemes), scheme) == std::end(kSchemes))
        return std::nullopt;
    std::string_view rest = origin.substr(sep + 3);
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (rest.find_first_of("/?#@ \t") != std::string_view::npos) return std::nullopt;
    std::string_view host = rest, port;
    const size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && (rest.front() != '[' || colon > rest.find(']'))) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (!valid_host(host)) return std::nullopt;
    std::string out = scheme + "://" + lower(host);
    if (!port.empty()) {
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535)
            return std::nullopt;
        const bool default_port = (scheme == "http" && value == 80) ||
                                  (scheme == "https" && value == 443) ||
                                  (scheme == "ftp" && value == 21);
        if (!default_port) out += ":" + std::to_string(value);
    } else if (colon != std::string_view::npos && host.size() + 1 == rest.size()) {
        return std::nullopt;  // "http://host:" with no port
    }
    return out;
}

Result<Json> trusted_origin_content(const Json& body, const UniqueLookup& owner_of,
                                    std::string_view self) {
    Causes causes;
    Json out = Json::object();
    const Json* name = body.find("name");
    if (!name || name->is_null() || (name->is_string() && name->as_string().empty()))
        causes.add("name", "The field cannot be left blank");
    else if (!name->is_string())
        causes.add("name", "The value must be a string");
    else if (utf8_length(name->as_string()) > kMaxLength)
        causes.add("name", "The field cannot exceed 255 characters");
    else if (auto owner = owner_of("name", name->as_string()); owner && *owner != self)
        causes.add("name", "An object with this field already exists in the current organization");
    else
        out.set("name", *name);

    const Json* origin = body.find("origin");
    if (!origin || origin->is_null() || (origin->is_string() && origin->as_string().empty()))
        causes.add("origin", "The field cannot be left blank");
    else if (!origin->is_string() || !normalized_origin(origin->as_string()))
        causes.add("origin", "Origin value is not valid");
    else if (auto owner = owner_of("origin", *normalized_origin(origin->as_string()));
             owner && *owner != self)
        causes.add("origin",
                   "An object with this field already exists in the current organization");
    else
        out.set("origin", *origin);

    const Json* scopes = body.find("scopes");
    Json clean = Json::array();
    if (!scopes || !scopes->is_array() || scopes->as_array().empty()) {
        causes.add("scopes", "At least one scope is required: CORS, REDIRECT or IFRAME_EMBED");
    } else if (scopes->as_array().size() > 3) {
        causes.add("scopes", "At most three scopes, one of each type");
    } else {
        std::vector<std::string> seen;
        for (const Json& s : scopes->as_array()) {
            const Json* type = s.is_object() ? s.find("type") : nullptr;
            if (!type || !type->is_string()) {
                causes.add("scopes", "Each scope needs a type: CORS, REDIRECT or IFRAME_EMBED");
                continue;
            }
            const std::string& t = type->as_string();
            if (std::find(std::begin(kScopeTypes), std::end(kScopeTypes), t) ==
                std::end(kScopeTypes))
                return fail(
                    ErrorCode::MalformedBody, {},
                    {{"scopes: '" + t + "' is not a scope type: CORS, REDIRECT or IFRAME_EMBED"}});
            if (std::find(seen.begin(), seen.end(), t) != seen.end()) {
                causes.add("scopes", "The scope " + t + " is given twice");
                continue;
            }
            seen.push_back(t);
            Json scope = Json::object();
            scope.set("type", t);
            const Json* apps = s.find("allowedOktaApps");
            if (apps && !apps->is_null()) {
                if (t != "IFRAME_EMBED") {
                    causes.add("scopes", "allowedOktaApps is allowed only with IFRAME_EMBED");
                    continue;
                }
                bool ok = apps->is_array();
                if (ok)
                    for (const Json& a : apps->as_array())
                        ok = ok && a.is_string() &&
                             std::find(std::begin(kOktaApps), std::end(kOktaApps), a.as_string()) !=
                                 std::end(kOktaApps);
                if (!ok) {
                    causes.add("scopes", "allowedOktaApps may list only OKTA_ENDUSER");
                    continue;
                }
                scope.set("allowedOktaApps", *apps);
            } else if (t == "IFRAME_EMBED") {
                scope.set("allowedOktaApps", Json::array());
            }
            clean.push(std::move(scope));
        }
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    out.set("scopes", std::move(clean));
    return out;
}

std::vector<Event> decide_trusted_origin_create(const std::string& id, const Json& content,
                                                const std::string& actor) {
    return {make_event(ev::kCreated, event_data(with_id(id, content), actor))};
}

std::vector<Event> decide_trusted_origin_update(const Json& current, const Json& content,
                                                const std::string& actor) {
    if (same_fields(current, content, {"name", "origin", "scopes"})) return {};
    return {make_event(ev::kUpdated, event_data(content, actor))};
}

std::vector<Event> decide_trusted_origin_status(const Json& current, bool active,
                                                const std::string& actor) {
    return decide_status(current, active, kStatus, event_data(Json::object(), actor));
}

std::vector<Event> decide_trusted_origin_delete() {
    return {make_event(ev::kDeleted, Json::object())};
}

bool allows_cors(const Json& state) {
    if (state.string_at("status") != "ACTIVE") return false;
    const Json* scopes = state.find("scopes");
    if (!scopes || !scopes->is_array()) return false;
    for (const Json& s : scopes->as_array())
        if (s.string_at("type") == "CORS") return true;
    return false;
}

namespace {
Result<void> check_filter(const QueryNode& n) {
    if (n.kind != QueryNode::Kind::Compare) {
        for (const auto& c : n.children)
            if (auto r = check_filter(c); !r) return r;
        return {};
    }
    static constexpr std::string_view kAttributes[] = {"name", "origin", "status", "type"};
    if (std::find(std::begin(kAttributes), std::end(kAttributes), n.attribute) ==
        std::end(kAttributes))
        return fail(ErrorCode::InvalidSearch, {},
                    {{"filter: '" + n.attribute +
                      "' cannot be filtered on: use name, origin, status or type"}});
    if (n.op != QueryOp::Eq && n.op != QueryOp::Sw && n.op != QueryOp::Co)
        return fail(ErrorCode::InvalidSearch, {},
                    {{"filter: only the eq, sw and co operators are supported"}});
    if (!n.value.is_string())
        return fail(ErrorCode::InvalidSearch, {}, {{"filter: values must be quoted strings"}});
    return {};
}
}  // namespace

Result<QueryNode> parse_trusted_origin_filter(std::string_view text) {
    auto node = parse_user_query(text, QueryMode::Log);
    if (!node) return node;
    if (auto r = check_filter(*node); !r) return std::unexpected(r.error());
    return node;
}

Json trusted_origin_query_view(const Json& state) {
    Json v = Json::object();
    v.set("name", state.string_at("name"));
    v.set("origin", state.string_at("origin"));
    v.set("status", state.string_at("status"));
    Json types = Json::array();
    if (const Json* scopes = state.find("scopes"); scopes && scopes->is_array())
        for (const Json& s : scopes->as_array()) types.push(s.string_at("type"));
    v.set("type", std::move(types));
    return v;
}

}  // namespace idledger::domain
