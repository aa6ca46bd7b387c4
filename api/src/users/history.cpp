// GET /api/v1/users/{userId}/history and GET /api/v1/users/{userId}?asOf=... (beyond Okta):
// a user's events with who, when, through which request and what changed; and the user exactly
// as the API showed it at a time or log position, folded from its stream.

#include <charconv>

#include "core/json_io.hpp"
#include "idledger/domain/log_event.hpp"
#include "logs/event_view.hpp"
#include "users/handlers.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;

namespace {

/// The user's id from an id or a login; ids of permanently deleted users still resolve (their
/// stream remains).
domain::Result<std::string> stream_owner(RequestContext& ctx, const std::string& ref) {
    if (ref.size() == 20 && ref.starts_with("00u")) {
        auto events = ctx.app.store.read_stream(projections::user_stream(ref), 1, 1);
        if (!events) return std::unexpected(store_failure(events.error()));
        if (!events->empty()) return ref;
    }
    auto row = ctx.app.reader.find_user(ref);
    if (!row) return std::unexpected(store_failure(row.error()));
    if (!*row) return domain::not_found(ref, "User");
    return (*row)->user.id;
}

/// What a person may see of a state: no hashes, no tokens; profile attributes flattened.
void public_fields(const domain::User& u, std::vector<std::pair<std::string, Json>>& out) {
    Json rendered = render_user(u, "", LinkSet::SelfOnly);
    for (const auto& [k, v] : rendered.as_object()) {
        if (k == "_links" || k == "profile" || k == "credentials") continue;
        out.emplace_back(k, v);
    }
    for (const auto& [k, v] : u.profile.as_object()) out.emplace_back("profile." + k, v);
    out.emplace_back("credentials.password", u.password ? Json("(set)") : Json(nullptr));
    out.emplace_back("credentials.recovery_question.question",
                     u.recovery_question ? Json(*u.recovery_question) : Json(nullptr));
    out.emplace_back("credentials.provider.type", u.provider_type);
}

Json diff(const domain::User& before, const domain::User& after, bool password_changed) {
    std::vector<std::pair<std::string, Json>> a, b;
    public_fields(before, a);
    public_fields(after, b);
    auto find = [](const auto& v, const std::string& k) -> const Json* {
        for (const auto& [kk, vv] : v)
            if (kk == k) return &vv;
        return nullptr;
    };
    Json changes = Json::array();
    auto add = [&](const std::string& field, Json from, Json to) {
        Json c = Json::object();
        c.add("field", field);
        c.add("from", std::move(from));
        c.add("to", std::move(to));
        changes.push(std::move(c));
    };
    for (const auto& [k, v] : b) {
        if (k == "lastUpdated") continue;
        const Json* old = find(a, k);
        if (!old || !(*old == v))
            add(k, old ? *old : Json(nullptr), v);
        else if (k == "credentials.password" && password_changed)
            add(k, "(set)", "(changed)");
    }
    for (const auto& [k, v] : a)
        if (!find(b, k)) add(k, v, nullptr);
    return changes;
}

}  // namespace

R history(RequestContext& ctx, const HttpRequest& req) {
    auto id = stream_owner(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!id) return std::unexpected(id.error());
    size_t limit = 100;
    if (const std::string* l = req.param("limit"); l && !l->empty()) {
        long long n = 0;
        auto r = std::from_chars(l->data(), l->data() + l->size(), n);
        if (r.ec != std::errc() || n < 1) return domain::fail(domain::ErrorCode::InvalidPaging);
        limit = size_t(std::min<long long>(n, 1000));
    }
    uint64_t after = 0;
    if (const std::string* a = req.param("after"); a && !a->empty()) {
        if (a->size() < 2 || (*a)[0] != 'v' ||
            std::from_chars(a->data() + 1, a->data() + a->size(), after).ec != std::errc())
            return domain::fail(domain::ErrorCode::InvalidPaging);
    }
    const std::string stream = projections::user_stream(*id);
    // Fold from the start: every diff needs the state before its event.
    auto events = ctx.app.store.read_stream(stream, 1, after + limit + 1);
    if (!events) return std::unexpected(store_failure(events.error()));
    EventView view(ctx.app.reader, ctx.app.store);
    domain::User state;
    Json page = Json::array();
    bool more = false;
    for (const auto& e : *events) {
        auto payload = view.payload(e);
        const bool readable = payload.state == domain::PayloadState::Plain ||
                              payload.state == domain::PayloadState::Sealed;
        domain::User before = state;
        if (readable) domain::evolve(state, domain::Event{e.type, payload.data}, e.timestamp_ms);
        if (e.version <= after) continue;
        if (page.as_array().size() == limit) {
            more = true;
            break;
        }
        auto meta = domain::EventMetadata::decode(e.metadata);
        auto actor = view.actor(meta);
        Json item = Json::object();
        item.add("position", int64_t(e.position));
        item.add("version", int64_t(e.version));
        item.add("type", e.type);
        const auto* mapping = domain::log_mapping(e.type);
        item.add("eventType", mapping ? Json(mapping->okta_event_type) : Json(nullptr));
        item.add("published", domain::format_iso8601(e.timestamp_ms));
        Json a = Json::object();
        a.add("id", actor.id);
        a.add("type", actor.type);
        a.add("alternateId", actor.alternate_id.empty() ? Json(nullptr) : Json(actor.alternate_id));
        item.add("actor", std::move(a));
        item.add("requestId", meta.request_id.empty() ? Json(nullptr) : Json(meta.request_id));
        if (readable) {
            item.add("changes", diff(before, state,
                                     e.type == domain::user_event::kPasswordSet ||
                                         e.type == domain::user_event::kPasswordExpired));
        } else {
            item.add("changes", Json::array());
            item.add("redacted", true);  // the user was deleted: its personal data is gone
        }
        page.push(std::move(item));
    }
    auto res = json_response(200, page);
    std::string base =
        ctx.base_url + "/api/v1/users/" + *id + "/history?limit=" + std::to_string(limit);
    res.add_header(
        "Link", "<" + base + (after ? "&after=v" + std::to_string(after) : "") + ">; rel=\"self\"");
    if (more) {
        uint64_t last = uint64_t(page.as_array().back().find("version")->as_int());
        res.add_header("Link", "<" + base + "&after=v" + std::to_string(last) + ">; rel=\"next\"");
    }
    return res;
}

R get_as_of(RequestContext& ctx, const std::string& as_of) {
    // A log position (digits) or an ISO-8601 time; a time means the last position at or before it.
    uint64_t position = 0;
    auto r = std::from_chars(as_of.data(), as_of.data() + as_of.size(), position);
    if (r.ec != std::errc() || r.ptr != as_of.data() + as_of.size()) {
        auto time = domain::parse_iso8601(as_of);
        if (!time) return domain::fail(domain::ErrorCode::InvalidDate);
        auto p = ctx.app.store.position_at(*time + 1);
        if (!p) return std::unexpected(store_failure(p.error()));
        position = *p - 1;
    }
    auto id = stream_owner(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!id) return std::unexpected(id.error());
    // Start from the nearest snapshot at or before the point, then fold the rest of the stream.
    std::optional<domain::User> state;
    uint64_t from_version = 1;
    auto snapshot = ctx.app.reader.user_snapshot_before(*id, position);
    if (!snapshot) return std::unexpected(store_failure(snapshot.error()));
    if (*snapshot) {
        state = std::move((*snapshot)->user);
        from_version = state->version + 1;
    }
    // The next snapshot lies beyond the point, so at most kSnapshotEvery events remain to fold.
    auto events = ctx.app.store.read_stream(projections::user_stream(*id), from_version,
                                            projections::kSnapshotEvery);
    if (!events) return std::unexpected(store_failure(events.error()));
    EventView view(ctx.app.reader, ctx.app.store);
    for (const auto& e : *events) {
        if (e.position > position) break;
        if (e.type == domain::user_event::kDeleted) {
            state.reset();
            continue;
        }
        auto payload = view.payload(e);
        if (payload.state != domain::PayloadState::Plain &&
            payload.state != domain::PayloadState::Sealed)
            return domain::not_found(ctx.param("userId"), "User");  // shredded: its data is gone
        if (!state) state.emplace();
        domain::evolve(*state, domain::Event{e.type, std::move(payload.data)}, e.timestamp_ms);
    }
    if (!state || state->id.empty()) return domain::not_found(ctx.param("userId"), "User");
    auto res = json_response(200, render_user(*state, ctx.base_url, LinkSet::Full));
    res.add_header("ETag", user_etag(*state));
    return res;
}

}  // namespace idledger::api::users
