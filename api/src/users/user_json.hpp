#pragma once
// The Okta User object as the API returns it.

#include <string>

#include "idledger/domain/json.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::api {

enum class LinkSet { Full, SelfOnly };

/// `base_url` is scheme://host of the request; links are absolute on that origin.
domain::Json render_user(const domain::User& user, const std::string& base_url, LinkSet links);

/// The credentials object alone (change_password and friends answer with it).
domain::Json render_credentials(const domain::User& user);

/// ETag for a user state.
std::string user_etag(const domain::User& user);

}  // namespace idledger::api
