#pragma once
// /api/v1/zones: IP network zones (what ThreatInsight's excludeZones names).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::network_zones {

std::vector<Route> routes();

}  // namespace idledger::api::network_zones
