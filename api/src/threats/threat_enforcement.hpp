#pragma once
// ThreatInsight enforced on password sign-ins (POST /api/v1/authn, the authorization server's
// sign-in page and its password grant). With action `audit` a sign-in from a suspicious address
// is logged (security.threat.detected, outcome ALLOW) and goes on; with `block` it is logged
// (DENY) and refused with 403 E0000006 before the password is looked at, so the attack neither
// learns anything nor counts toward the user's lockout. Suspicious: an address the detector
// flagged (domain/threat_detector.hpp) or one inside an ACTIVE network zone whose usage is
// BLOCKLIST. Addresses inside an ACTIVE zone of `excludeZones` are never judged.

#include <string>

#include "core/context.hpp"

namespace idledger::api::threat_insight {

/// Before the password is verified: an error when the sign-in must be refused.
domain::Result<void> screen_sign_in(RequestContext& ctx);

/// After it: a failure teaches the detector (and logs a new detection); a success clears the
/// address's count against `username`.
void learn_sign_in(RequestContext& ctx, const std::string& username, bool succeeded);

}  // namespace idledger::api::threat_insight
