#pragma once
// Network zones (/api/v1/zones), IP zones only: a kit resource. ThreatInsight's `excludeZones`
// names them.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"
#include "idledger/domain/user_query.hpp"

namespace idledger::domain {

namespace zone_event {
inline constexpr std::string_view kCreated = "NetworkZoneCreated";
inline constexpr std::string_view kUpdated = "NetworkZoneUpdated";
inline constexpr std::string_view kActivated = "NetworkZoneActivated";
inline constexpr std::string_view kDeactivated = "NetworkZoneDeactivated";
inline constexpr std::string_view kDeleted = "NetworkZoneDeleted";
}  // namespace zone_event

/// Unique index "name".
extern const ResourceKind kNetworkZones;

/// Whether `value` is an address block of the given type: CIDR (`10.0.0.0/8`, `2001:db8::/32`,
/// or one address) or RANGE (`10.0.0.1-10.0.0.9`, both ends of one family, in order).
bool valid_zone_address(std::string_view type, std::string_view value);

/// Whether the client address `ip` lies in the block `value` of `type` (CIDR or RANGE). An
/// IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as its IPv4 address; families never mix.
bool zone_address_contains(std::string_view type, std::string_view value, std::string_view ip);

/// Whether `ip` lies in one of a zone's gateways (its state as the kit keeps it).
bool zone_contains(const Json& zone, std::string_view ip);

/// The writable content of an IP zone (type, name, usage, gateways, proxies), validated (400
/// E0000001 with a cause per field). `self`: the zone being replaced (it keeps its name).
Result<Json> zone_content(const Json& body, const UniqueLookup& owner_of,
                          std::string_view self = {});

std::vector<Event> decide_zone_create(const std::string& id, const Json& content);
/// The type of a zone cannot change.
Result<std::vector<Event>> decide_zone_update(const Json& current, const Json& content);
std::vector<Event> decide_zone_status(const Json& current, bool active);
/// Deleting: an ACTIVE zone, or one ThreatInsight excludes, stays (400 E0000001).
Result<std::vector<Event>> decide_zone_delete(const Json& current, bool excluded_by_threat_insight);

/// `filter` on id, usage and system (eq), joined by and/or. 400 E0000031 otherwise.
Result<QueryNode> parse_zone_filter(std::string_view text);

}  // namespace idledger::domain
