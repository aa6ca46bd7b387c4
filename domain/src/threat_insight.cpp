#include "idledger/domain/threat_insight.hpp"

#include <algorithm>

namespace idledger::domain {

namespace {

constexpr EventType kEvents[] = {
    {threat_event::kConfigured, "security.threat.configuration.update",
     "Update ThreatInsight configuration"},
};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type != threat_event::kConfigured) return;
    if (!state) {
        state = Json::object();
        const Json* created = e.data.find("created");
        state->set("action", "none");
        state->set("excludeZones", Json::array());
        state->set("created", created && created->is_int() ? created->as_int() : at);
    }
    state->set("action", e.data.string_at("action"));
    state->set("excludeZones",
               e.data.find("excludeZones") ? *e.data.find("excludeZones") : Json::array());
    state->set("lastUpdated", at);
}

std::vector<IndexKey> group_keys(const Json& s) {
    std::vector<IndexKey> out;
    if (const Json* z = s.find("excludeZones"); z && z->is_array())
        for (const Json& id : z->as_array())
            if (id.is_string()) out.push_back({"excludes", id.as_string()});
    return out;
}

}  // namespace

const ResourceKind kThreatInsight{
    .name = "ThreatInsightConfiguration",
    .stream_prefix = "threatinsight-",
    .family = "threat_insight",
    .id_prefix = "",
    .schema_version = 2,  // group keys: one key per member
    .events = kEvents,
    .evolve = evolve,
    .group_keys = group_keys,
    .log_target_type = "ThreatInsightConfiguration",
    .log_name_field = "action",
};

Json default_threat_insight(Millis org_created) {
    Json j = Json::object();
    j.set("action", "none");
    j.set("excludeZones", Json::array());
    j.set("created", org_created);
    j.set("lastUpdated", org_created);
    return j;
}

Result<std::vector<Event>> decide_threat_insight(const std::optional<Json>& current,
                                                 const Json& body, const ZoneLookup& zone,
                                                 Millis org_created) {
    Causes causes;
    const Json* action = body.find("action");
    if (!action || action->is_null())
        causes.add("action", "The field cannot be left blank");
    else if (!action->is_string() ||
             (action->as_string() != "none" && action->as_string() != "audit" &&
              action->as_string() != "block"))
        causes.add("action", "The action must be one of none, audit or block");
    Json zones = Json::array();
    if (const Json* z = body.find("excludeZones"); z && !z->is_null()) {
        if (!z->is_array()) {
            causes.add("excludeZones", "The value must be a list of network zone ids");
        } else {
            std::vector<std::string> seen;
            for (const Json& id : z->as_array()) {
                if (!id.is_string()) {
                    causes.add("excludeZones", "Network zone ids are strings");
                    continue;
                }
                const std::string& zid = id.as_string();
                if (std::find(seen.begin(), seen.end(), zid) != seen.end()) continue;
                auto found = zone(zid);
                if (!found)
                    causes.add("excludeZones", "The network zone " + zid + " does not exist");
                else if (found->string_at("type") != "IP")
                    causes.add("excludeZones", "The network zone " + zid + " is not an IP zone");
                else
                    seen.push_back(zid);
            }
            for (const auto& zid : seen) zones.push(zid);
        }
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    if (current && current->string_at("action") == action->as_string() &&
        current->find("excludeZones") && *current->find("excludeZones") == zones)
        return std::vector<Event>{};
    Json d = Json::object();
    d.set("action", action->as_string());
    d.set("excludeZones", std::move(zones));
    if (!current) d.set("created", org_created);
    return std::vector<Event>{make_event(threat_event::kConfigured, std::move(d))};
}

}  // namespace idledger::domain
