// The resources built with the kit: one line each. Everything else (read models, replay, the
// System Log, the read-model version) is derived from this list and the projections' registry.

#include "idledger/domain/api_token.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/identity_provider.hpp"
#include "idledger/domain/linked_object.hpp"
#include "idledger/domain/network_zone.hpp"
#include "idledger/domain/notification.hpp"
#include "idledger/domain/oauth.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/domain/roles.hpp"
#include "idledger/domain/sms_template.hpp"
#include "idledger/domain/subscription.hpp"
#include "idledger/domain/threat_insight.hpp"
#include "idledger/domain/trusted_origin.hpp"

namespace idledger::domain {

const std::vector<const ResourceKind*>& resource_kinds() {
    static const std::vector<const ResourceKind*> kKinds = {
        &kApiTokens,
        &kSmsTemplates,
        &kTrustedOrigins,
        &kNetworkZones,
        &kThreatInsight,
        &kGroups,
        &kApps,
        &kIdps,
        &kLinkedObjects,
        &kCustomRoles,
        &kSubscriptions,
        &kNotifications,
        &kOAuthCodes,
        &kOAuthRefreshTokens,
        &kOAuthGrants,
        &kSessions,
        &kRevokedAccessTokens,
    };
    return kKinds;
}

}  // namespace idledger::domain
