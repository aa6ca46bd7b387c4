#pragma once
// Sign-in sessions: what the `sid` cookie names. A session starts from a one-time session token
// (POST /api/v1/sessions, /authorize?sessionToken=...) or from the authorization server's own
// sign-in page; it ends on logout, on DELETE, or when its user is deactivated.
//
// The cookie's value is "<session id><secret>"; the session keeps only the digest of the whole.

#include <optional>
#include <string>
#include <vector>

#include "core/context.hpp"
#include "idledger/projections/documents.hpp"

namespace idledger::api::sessions {

std::vector<Route> routes();

struct Started {
    projections::Document session;
    std::string cookie_value;
};

/// Starts a session for `user_id` (signed in with a password just now).
domain::Result<Started> start(RequestContext& ctx, const std::string& user_id);
/// Redeems a one-time session token: a session for its user, or 401 E0000004 when the token is
/// unknown, expired or spent.
domain::Result<Started> redeem(RequestContext& ctx, const std::string& session_token);

/// The live session the request's `sid` cookie names, if any.
domain::Result<std::optional<projections::Document>> current(RequestContext& ctx,
                                                             const HttpRequest& req);

/// Set-Cookie for a session (and for its removal, with an empty value).
std::string cookie(const RequestContext& ctx, const std::string& value, domain::Millis expires_at);

/// Ends every live session of `user_id` (in `reason`'s name): how many ended.
domain::Result<size_t> end_all(RequestContext& ctx, const std::string& user_id,
                               std::string_view reason);
/// Ends one session.
domain::Result<void> end(RequestContext& ctx, const std::string& session_id,
                         std::string_view reason);

/// A session token as POST /api/v1/authn hands it out: it names its user, so it can be redeemed
/// without a scan; the user's stream keeps only its digest.
std::string new_session_token(const std::string& user_id);

}  // namespace idledger::api::sessions
