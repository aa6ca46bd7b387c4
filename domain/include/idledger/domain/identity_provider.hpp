#pragma once
// Identity providers (/api/v1/idps): SAML2, OIDC and the social types GOOGLE, FACEBOOK and
// MICROSOFT, with their `protocol` and `policy` blocks validated as Okta does, and the links of
// users to them (`/api/v1/idps/{idpId}/users/{userId}`). okta-api-notes §4.8.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace idp_event {
inline constexpr std::string_view kCreated = "IdpCreated";
inline constexpr std::string_view kUpdated = "IdpUpdated";
inline constexpr std::string_view kActivated = "IdpActivated";
inline constexpr std::string_view kDeactivated = "IdpDeactivated";
inline constexpr std::string_view kDeleted = "IdpDeleted";
inline constexpr std::string_view kUserLinked = "IdpUserLinked";
inline constexpr std::string_view kUserUnlinked = "IdpUserUnlinked";
}  // namespace idp_event

/// Resource "IdentityProvider", ids 0oa…; unique index "name".
extern const ResourceKind kIdps;
/// Users linked to an IdP (left: IdP id, right: user id; data: externalId).
extern const RelationKind kIdpUsers;

/// The IdP a create or replace body describes (type, name, issuerMode, protocol, policy),
/// validated: 400 E0000001 with a cause per field. The client secret of an OIDC or social IdP
/// is kept only as its digest (`protocol.credentials.client.client_secret_digest`); `current`
/// (a replace) keeps its type and, when no new secret is given, its secret. `owner_of` finds
/// who holds a name; `self` is the id being replaced.
Result<Json> idp_from_body(const Json& body, const UniqueLookup& owner_of,
                           const Json* current = nullptr, std::string_view self = {});

std::vector<Event> decide_idp_create(const std::string& id, const Json& idp, bool active,
                                     const std::string& actor);
std::vector<Event> decide_idp_update(const Json& current, const Json& idp,
                                     const std::string& actor);
std::vector<Event> decide_idp_status(const Json& current, bool active, const std::string& actor);
std::vector<Event> decide_idp_delete(const std::string& actor);

/// The `externalId` (the user's id at the IdP, 1–512 characters) of a link request.
Result<std::string> idp_link_external_id(const Json& body);
/// Linking a user (again: a new externalId replaces the old; the same one decides nothing).
std::vector<Event> decide_idp_link(const std::string& user_id, const std::string& external_id,
                                   const std::optional<Json>& existing, const std::string& actor);
std::vector<Event> decide_idp_unlink(const std::string& user_id, bool linked,
                                     const std::string& actor);

}  // namespace idledger::domain
