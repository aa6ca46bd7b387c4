#pragma once
// Applications (/api/v1/apps): BOOKMARK and OPENID_CONNECT (oidc_client) apps, their lifecycle,
// and who is assigned to them — users directly (scope USER) and groups. okta-api-notes §4.8;
// the OIDC rules below are the ones Okta applies when an app is created or replaced.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace app_event {
inline constexpr std::string_view kCreated = "AppCreated";
inline constexpr std::string_view kUpdated = "AppUpdated";
inline constexpr std::string_view kActivated = "AppActivated";
inline constexpr std::string_view kDeactivated = "AppDeactivated";
inline constexpr std::string_view kDeleted = "AppDeleted";
inline constexpr std::string_view kUserAssigned = "AppUserAssigned";
inline constexpr std::string_view kUserUnassigned = "AppUserUnassigned";
inline constexpr std::string_view kGroupAssigned = "AppGroupAssigned";
inline constexpr std::string_view kGroupUnassigned = "AppGroupUnassigned";
}  // namespace app_event

/// Resource "AppInstance" (Okta's name in its 404s), ids 0oa…
extern const ResourceKind kApps;
/// Users assigned directly (left: app id, right: user id; data: assignmentId, scope).
extern const RelationKind kAppUsers;
/// Groups assigned (left: app id, right: group id; data: assignmentId, priority).
extern const RelationKind kAppGroups;

/// An app as a create or replace body describes it, validated.
struct AppDraft {
    Json
        app;  // name, label, signOnMode, accessibility, visibility, features, credentials, settings
    /// OIDC confidential clients: the secret, shown once in the creating answer. The stored app
    /// keeps only its digest (`credentials.oauthClient.client_secret_digest`).
    std::optional<std::string> client_secret;
};

/// Validates a body (400 E0000001 with a cause per field). `current`: the app being replaced —
/// its name and sign-on mode cannot change, and its client secret stays.
Result<AppDraft> app_from_body(const Json& body, const Json* current = nullptr);

/// The events of creating app `id` (`active`: ACTIVE at once, Okta's `?activate=true`).
std::vector<Event> decide_app_create(const std::string& id, const AppDraft& draft, bool active,
                                     const std::string& actor);
/// Replacing it: no event when nothing changes.
std::vector<Event> decide_app_update(const Json& current, const AppDraft& draft,
                                     const std::string& actor);
/// Activating or deactivating: no event when it already is so.
std::vector<Event> decide_app_status(const Json& current, bool active, const std::string& actor);
/// 403 E0000056 unless the app is INACTIVE.
Result<std::vector<Event>> decide_app_delete(const Json& current, const std::string& actor);

/// The app-user assignment a body asks for (`id` is the user; `scope` USER; no profile
/// attributes: bookmark and OIDC apps define none). 400 E0000001 otherwise.
Result<void> check_app_user_body(const Json& body);
/// The app-group assignment a body asks for (`priority` ≥ 0, no profile attributes).
Result<std::optional<int64_t>> app_group_priority(const Json& body);

/// Assigning user (or group) `other_id`: `existing` is the current link's data, nullopt when
/// not assigned. Assigning again keeps the assignment (and its id) and may change the priority.
std::vector<Event> decide_app_user_assign(const std::string& user_id,
                                          const std::optional<Json>& existing,
                                          const std::string& assignment_id,
                                          const std::string& actor);
std::vector<Event> decide_app_group_assign(const std::string& group_id,
                                           const std::optional<Json>& existing,
                                           std::optional<int64_t> priority,
                                           const std::string& assignment_id,
                                           const std::string& actor);
/// Removing an assignment: no event when there is none. `reason` rides along in the event
/// ("deprovisioned" when a user's deactivation removes it).
std::vector<Event> decide_app_unassign(const RelationKind& relation, const std::string& other_id,
                                       bool assigned, const std::string& actor,
                                       const std::string& reason = {});

/// The app's link names shown on the dashboard: bookmark "login", oidc_client
/// "oidc_client_link".
std::string app_link_name(const Json& app);

}  // namespace idledger::domain
