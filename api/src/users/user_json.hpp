#pragma once
// The Okta User object as the API returns it.

#include <string>

#include "core/context.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api {

enum class LinkSet { Full, SelfOnly };

/// `Content-Type: application/json; okta-response="omitCredentials,omitCredentialsLinks,
/// omitTransitioningToStatus"` on reads drops those parts (unknown values are ignored).
struct Omissions {
    bool credentials = false;
    bool credential_links = false;
    bool transitioning = false;
    bool any() const { return credentials || credential_links || transitioning; }
};
Omissions requested_omissions(const HttpRequest& req);

/// `base_url` is scheme://host of the request; links are absolute on that origin.
domain::Json render_user(const domain::User& user, const std::string& base_url, LinkSet links,
                         Omissions omit = {});

/// The credentials object alone (change_password and friends answer with it).
domain::Json render_credentials(const domain::User& user);

/// ETag for a user state.
std::string user_etag(const domain::User& user);
std::string user_etag(std::string_view id, uint64_t version);

/// `status` + the full user (links per status) + ETag; remembers the rendering for later GETs.
HttpResponse user_response(RequestContext& ctx, const domain::User& user, int status = 200);

}  // namespace idledger::api
