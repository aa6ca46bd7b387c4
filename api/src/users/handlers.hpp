#pragma once
// Handlers of the Users resource, one file per endpoint group.

#include <vector>

#include "core/context.hpp"

namespace idledger::api::users {

/// The endpoints, for the route table.
std::vector<Route> routes();

using R = domain::Result<HttpResponse>;

void create_async(std::shared_ptr<RequestContext>, std::shared_ptr<const HttpRequest>,
                  Reply);                    // POST   /api/v1/users
R get(RequestContext&, const HttpRequest&);  // GET    /api/v1/users/{userId}
R list(RequestContext&, const HttpRequest&);
R history(RequestContext&, const HttpRequest&);  // GET    /api/v1/users/{userId}/history
R get_as_of(RequestContext&,
            const std::string&
                as_of);  // GET    /api/v1/users/{userId}?asOf=            // GET    /api/v1/users
R update_partial(RequestContext&, const HttpRequest&);  // POST   /api/v1/users/{userId}
R replace(RequestContext&, const HttpRequest&);         // PUT    /api/v1/users/{userId}
R remove(RequestContext&, const HttpRequest&);          // DELETE /api/v1/users/{userId}

R activate(RequestContext&, const HttpRequest&);
R reactivate(RequestContext&, const HttpRequest&);
R deactivate(RequestContext&, const HttpRequest&);
R suspend(RequestContext&, const HttpRequest&);
R unsuspend(RequestContext&, const HttpRequest&);
R unlock(RequestContext&, const HttpRequest&);
R reset_password(RequestContext&, const HttpRequest&);
R expire_password(RequestContext&, const HttpRequest&);
R expire_password_with_temp(RequestContext&, const HttpRequest&);
R reset_factors(RequestContext&, const HttpRequest&);

R change_password(RequestContext&, const HttpRequest&);
R change_recovery_question(RequestContext&, const HttpRequest&);
R forgot_password(RequestContext&, const HttpRequest&);
/// POST .../credentials/forgot_password_recovery_question: today's path for the answer form.
R forgot_password_recovery_question(RequestContext&, const HttpRequest&);

}  // namespace idledger::api::users
