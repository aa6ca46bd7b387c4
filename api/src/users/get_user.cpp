// GET /api/v1/users/{userId}

#include "core/json_io.hpp"
#include "users/handlers.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

R get(RequestContext& ctx, const HttpRequest&) {
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    if (!ctx.principal.has_any_role() && row->user.id != ctx.principal.user_id)
        return domain::fail(domain::ErrorCode::PermissionDenied);
    auto res = json_response(200, render_user(row->user, ctx.base_url, LinkSet::Full));
    res.add_header("ETag", user_etag(row->user));
    return res;
}

}  // namespace idledger::api::users
