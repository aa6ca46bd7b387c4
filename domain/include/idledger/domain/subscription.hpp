#pragma once
// Admin e-mail notification subscriptions (okta-api-notes §5). One kit document ("org") holds
// every setting, role-level ("role:SUPER_ADMIN", "role:cr0…") and user-level ("user:00u…"), each
// stamped with the document's version when it was made: a user's effective status for a type is
// the most recent setting among its own and those of the roles it holds (default: subscribed).
// So a role-level change overrides every current holder, and a holder's own later change
// overrides it for that holder only — without writing an event per holder.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idledger/domain/resource.hpp"
#include "idledger/domain/role_assignment.hpp"

namespace idledger::domain {

namespace subscription_event {
inline constexpr std::string_view kChanged = "SubscriptionChanged";
}  // namespace subscription_event

/// The one document's id.
inline constexpr std::string_view kSubscriptionsId = "org";
extern const ResourceKind kSubscriptions;

/// Okta's notification types (the union of the spec's list and the documented OKTA_ISSUE).
std::span<const std::string_view> notification_types();
bool notification_type_known(std::string_view type);

/// The owner key of a role (a standard type or a custom role id) and of a user.
std::string role_owner(std::string_view role_type_or_id);
std::string user_owner(std::string_view user_id);

/// Whether holders of `role` (a standard type, or "CUSTOM" for any custom role) are offered
/// notifications of `type`: SUPER_ADMIN and ORG_ADMIN every type, the others what concerns them.
bool role_sees(std::string_view role, std::string_view type);

/// The role owner keys a user holds, each with its type ("CUSTOM" for custom roles).
struct HeldRole {
    std::string owner;  // "role:…"
    std::string type;
};

/// The owner key and type an assignment gives its holder.
HeldRole held_role(const RoleAssignment& a);

/// The status of `type` for `owner` alone: its own setting, or subscribed.
std::string_view owner_status(const std::optional<Json>& state, std::string_view owner,
                              std::string_view type);
/// A user's effective status of `type` given the roles it holds (nullopt when none of them sees
/// the type: it is not offered to the user).
std::optional<std::string_view> user_status(const std::optional<Json>& state,
                                            std::string_view user_id,
                                            std::span<const HeldRole> roles, std::string_view type);

/// The event recording `owner`'s setting of `type` (always one: a role-level subscribe that
/// changes nothing of the role still overrides its holders' own settings).
Event decide_subscription(std::string_view owner, std::string_view type, bool subscribe,
                          const std::string& actor);

}  // namespace idledger::domain
