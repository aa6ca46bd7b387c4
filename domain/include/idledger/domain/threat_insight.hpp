#pragma once
// The ThreatInsight configuration (/api/v1/threats/configuration): one document per org, a kit
// resource. Its `excludeZones` are IP network zones (network_zone.hpp).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace threat_event {
inline constexpr std::string_view kConfigured = "ThreatInsightConfigured";
}

/// One document, id kThreatInsightId; group index "excludes" -> the zone ids it excludes.
extern const ResourceKind kThreatInsight;
inline constexpr std::string_view kThreatInsightId = "default";

/// The configuration before anybody set one: action none, no zones, dated `org_created`.
Json default_threat_insight(Millis org_created);

/// A zone's current state by id (nullopt: no such zone).
using ZoneLookup = std::function<std::optional<Json>(const std::string& id)>;

/// POST's decision: `action` (none, audit or block) required; every `excludeZones` id must name
/// an existing IP zone (400 E0000001 with a cause naming it). No event when nothing changes.
Result<std::vector<Event>> decide_threat_insight(const std::optional<Json>& current,
                                                 const Json& body, const ZoneLookup& zone,
                                                 Millis org_created);

}  // namespace idledger::domain
