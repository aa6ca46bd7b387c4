#pragma once
// /api/v1/threats/configuration: the org's ThreatInsight configuration (okta-api-notes §7).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::threat_insight {

std::vector<Route> routes();

}  // namespace idledger::api::threat_insight
