#pragma once
// /api/v1/templates/sms: custom SMS templates (okta-api-notes §6).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::sms_templates {

std::vector<Route> routes();

}  // namespace idledger::api::sms_templates
