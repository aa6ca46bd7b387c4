// The route table: every endpoint the server answers. Each resource lists its own endpoints
// (its `routes()`); this file splices them together, one line per resource.

#include "apps/apps.hpp"
#include "authn/authn.hpp"
#include "core/context.hpp"
#include "core/system_handlers.hpp"
#include "groups/groups.hpp"
#include "idps/idps.hpp"
#include "linked_objects/linked_objects.hpp"
#include "logs/system_log.hpp"
#include "oauth/endpoints.hpp"
#include "replication/replication.hpp"
#include "roles/roles.hpp"
#include "sessions/sessions.hpp"
#include "subscriptions/subscriptions.hpp"
#include "templates/sms_templates.hpp"
#include "threats/threat_insight.hpp"
#include "tokens/api_tokens.hpp"
#include "trusted_origins/trusted_origins.hpp"
#include "user_grants/user_grants.hpp"
#include "users/handlers.hpp"
#include "zones/network_zones.hpp"

namespace idledger::api {

const std::vector<Route>& route_table() {
    static const std::vector<Route> kRoutes = [] {
        std::vector<Route> all;
        for (auto&& resource : {
                 system::routes(),        users::routes(),          logs::routes(),
                 tokens::routes(),        sms_templates::routes(),  trusted_origins::routes(),
                 network_zones::routes(), threat_insight::routes(), groups::routes(),
                 apps::routes(),          idps::routes(),           linked_objects::routes(),
                 roles::routes(),         subscriptions::routes(),  authn::routes(),
                 sessions::routes(),      oauth::routes(),          user_grants::routes(),
                 replication::routes(),
             })
            all.insert(all.end(), resource.begin(), resource.end());
        return all;
    }();
    return kRoutes;
}

bool cors_origin_allowed(App& app, const std::string& origin) {
    return trusted_origins::cors_allowed(app, origin);
}

std::vector<std::string> App::route_labels() {
    std::vector<std::string> out;
    for (const auto& r : route_table()) out.emplace_back(r.operation_id);
    return out;
}

}  // namespace idledger::api
