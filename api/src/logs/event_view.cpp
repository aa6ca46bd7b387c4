#include "logs/event_view.hpp"

#include "idledger/domain/sign_in.hpp"

namespace idledger::api {

using domain::Json;

namespace {

/// The string at a dotted path of `j` ("profile.name"), or "".
std::string string_at_path(const Json& j, std::string_view path) {
    const Json* at = &j;
    while (at && at->is_object()) {
        const size_t dot = path.find('.');
        if (dot == std::string_view::npos) return at->string_at(std::string(path));
        at = at->find(std::string(path.substr(0, dot)));
        path.remove_prefix(dot + 1);
    }
    return {};
}

domain::LogSubject subject_from_profile(const std::string& id, const Json& profile) {
    domain::LogSubject s{id, "User", profile.string_at("login"), profile.string_at("firstName")};
    std::string last = profile.string_at("lastName");
    if (!last.empty()) s.display_name += (s.display_name.empty() ? "" : " ") + last;
    return s;
}

}  // namespace

std::string EventView::key_for(const std::string& stream) {
    const projections::Projection* proj = projections::projection_for_stream(stream);
    if (!proj || !proj->sealed) return {};
    const std::string id = projections::stream_subject(stream);
    auto it = keys_.find(id);
    if (it != keys_.end()) return it->second;
    auto key = reader_.data_key(id);
    return keys_[id] = key ? *key : std::string();
}

domain::DecodedPayload EventView::payload(const eventstore::RecordedEvent& e) {
    return domain::decode_payload(e.payload, key_for(e.stream), e.stream);
}

domain::LogSubject EventView::user_subject(const std::string& user_id) {
    auto it = users_.find(user_id);
    if (it != users_.end()) return it->second;
    domain::LogSubject s{user_id, "User", "", ""};
    if (auto row = reader_.user(user_id); row && *row)
        s = subject_from_profile(user_id, (*row)->user.profile);
    return users_[user_id] = s;
}

domain::LogSubject EventView::actor(const domain::EventMetadata& m) {
    const std::string id = domain::log_actor_id(m);
    if (id == "anonymous")
        return domain::LogSubject{"anonymous", "PublicClientApp", "anonymous", "anonymous"};
    if (id == "system")
        return domain::LogSubject{"system", "SystemPrincipal", "system@idledger", "idledger"};
    return user_subject(id);
}

domain::LogSubject EventView::user_target(const std::string& id, const domain::DecodedPayload& p) {
    if (p.state == domain::PayloadState::Shredded) return domain::LogSubject{id, "User", "", ""};
    if (const Json* profile = p.data.find("profile"); profile && profile->is_object())
        return subject_from_profile(id, *profile);
    return user_subject(id);
}

domain::LogSubject EventView::document_target(const domain::ResourceKind& kind,
                                              const std::string& id,
                                              const domain::DecodedPayload& p) {
    std::string name = string_at_path(p.data, kind.log_name_field);
    if (name.empty()) {  // events without the name (activations, deletions): the current one
        auto [it, fresh] = document_names_.try_emplace(id);
        if (fresh)
            if (auto d = documents_.get(kind, id); d && *d)
                it->second = string_at_path((*d)->state, kind.log_name_field);
        name = it->second;
    }
    return domain::LogSubject{id, std::string(kind.log_target_type), name, name};
}

std::optional<domain::LogSubject> EventView::target(const eventstore::RecordedEvent& e,
                                                    const domain::DecodedPayload& p) {
    if (!projections::projection_for_stream(e.stream)) return std::nullopt;
    const std::string id = projections::stream_subject(e.stream);
    if (const domain::ResourceKind* kind = domain::resource_kind_for_stream(e.stream))
        return document_target(*kind, id, p);
    return user_target(id, p);
}

Json EventView::profile_before(const eventstore::RecordedEvent& e) {
    if (e.version <= 1) return Json(nullptr);
    auto earlier = store_.read_stream(e.stream, 1, e.version - 1);
    if (!earlier) return Json(nullptr);
    for (auto it = earlier->rbegin(); it != earlier->rend(); ++it) {
        if (it->type != domain::user_event::kCreated &&
            it->type != domain::user_event::kProfileReplaced)
            continue;
        auto p = payload(*it);
        if (const Json* profile = p.data.find("profile")) return *profile;
        return Json(nullptr);
    }
    return Json(nullptr);
}

std::optional<Json> EventView::log_event(const eventstore::RecordedEvent& e) {
    const domain::LogMapping* mapping = domain::log_mapping(e.type);
    if (!mapping) return std::nullopt;
    domain::LogEventInput in;
    in.position = e.position;
    in.published = e.timestamp_ms;
    in.mapping = mapping;
    in.metadata = domain::EventMetadata::decode(e.metadata);
    in.actor = actor(in.metadata);
    auto p = payload(e);
    in.target = target(e, p);
    if (e.stream == "security") {
        in.outcome_result = e.type == "SecurityAuthenticationRefused" ? "FAILURE"
                            : e.type == "SecurityThreatAudited"       ? "ALLOW"
                                                                      : "DENY";
        if (const Json* r = p.data.find("reason"); r && r->is_string())
            in.outcome_reason = r->as_string();
        if (const Json* n = p.data.find("refusedEarlierInPreviousWindow"); n && n->is_int())
            in.refused_earlier = n->as_int();
    }
    if (e.type == domain::user_event::kEmailFailed || e.type == domain::sign_in_event::kFailed) {
        in.outcome_result = "FAILURE";
        if (const Json* r = p.data.find("reason"); r && r->is_string())
            in.outcome_reason = r->as_string();
    }
    if (e.type == domain::user_event::kProfileReplaced && p.state == domain::PayloadState::Sealed) {
        Json before = profile_before(e);
        const Json* after = p.data.find("profile");
        if (after && after->is_object()) {
            Json from = Json::object(), to = Json::object();
            for (const auto& [k, v] : after->as_object()) {
                const Json* old = before.is_object() ? before.find(k) : nullptr;
                if (!old || !(*old == v)) {
                    from.add(k, old ? *old : Json(nullptr));
                    to.add(k, v);
                }
            }
            if (before.is_object())
                for (const auto& [k, v] : before.as_object())
                    if (!after->find(k)) {
                        from.add(k, v);
                        to.add(k, nullptr);
                    }
            in.change_from = std::move(from);
            in.change_to = std::move(to);
        }
    }
    return domain::to_log_event(in);
}

}  // namespace idledger::api
