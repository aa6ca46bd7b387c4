#pragma once
// The authorization server's endpoints (one file each) and their route rows (routes.cpp).

#include <vector>

#include "core/context.hpp"

namespace idledger::api::oauth {

using Answer = domain::Result<HttpResponse>;

Answer token(RequestContext& ctx, const HttpRequest& req);
Answer authorize(RequestContext& ctx, const HttpRequest& req);
Answer authorize_form(RequestContext& ctx, const HttpRequest& req);
Answer introspect(RequestContext& ctx, const HttpRequest& req);
Answer revoke(RequestContext& ctx, const HttpRequest& req);
Answer userinfo(RequestContext& ctx, const HttpRequest& req);
Answer logout(RequestContext& ctx, const HttpRequest& req);
Answer keys(RequestContext& ctx, const HttpRequest& req);
Answer openid_configuration(RequestContext& ctx, const HttpRequest& req);
Answer oauth_configuration(RequestContext& ctx, const HttpRequest& req);
Answer list_server_keys(RequestContext& ctx, const HttpRequest& req);
Answer rotate_server_keys(RequestContext& ctx, const HttpRequest& req);

std::vector<Route> routes();

}  // namespace idledger::api::oauth
