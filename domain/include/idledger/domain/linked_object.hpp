#pragma once
// Linked objects (okta-api-notes §4.9): definitions of a relationship between two users — a
// primary name ("manager") and an associated name ("subordinate") — and the links made with
// them: a user (the associated) points to at most one primary per definition.
//
// A definition is a document whose id is its primary name. Its links are a relation recorded on
// its stream between "<key>/<primary user>" and "<key>/<associated user>", where the key is the
// definition's name and creation position: a deleted definition's links are unreachable at once,
// and a definition created again under the same name starts with none.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace linked_object_event {
inline constexpr std::string_view kCreated = "LinkedObjectDefinitionCreated";
inline constexpr std::string_view kDeleted = "LinkedObjectDefinitionDeleted";
inline constexpr std::string_view kLinked = "LinkedObjectLinked";
inline constexpr std::string_view kUnlinked = "LinkedObjectUnlinked";
}  // namespace linked_object_event

/// Unique index "name": both names of every definition.
extern const ResourceKind kLinkedObjects;
/// The links: left "<key>/<primary user id>", right "<key>/<associated user id>", one left each.
extern const RelationKind kObjectLinks;

/// At most this many definitions per org (Okta's limit).
inline constexpr size_t kMaxLinkedObjectDefinitions = 200;

/// The definition a body describes: `primary` and `associated`, each `{name, title,
/// description, type}`. 400 E0000001 with a cause per field; 409 E0000127 with Okta's causes
/// when a name is already used by any definition.
Result<Json> linked_object_definition(const Json& body, const UniqueLookup& owner_of);

std::vector<Event> decide_linked_object_create(const Json& definition, const std::string& actor);
std::vector<Event> decide_linked_object_delete(const std::string& actor);

/// The relation sides of a definition (`seq`: its creating position) and a user.
std::string link_side(const std::string& definition_id, uint64_t seq, std::string_view user_id);
/// The user id of a relation side.
std::string user_of_side(std::string_view side);

/// Making `associated` point to `primary`: `current` is the primary side it points to now, if
/// any (replaced). No event when it already does.
std::vector<Event> decide_link(const std::string& primary_side, const std::string& associated_side,
                               const std::optional<std::string>& current, const std::string& actor);
/// Removing the link between the two sides (no event when `linked` is false).
std::vector<Event> decide_unlink(const std::string& primary_side,
                                 const std::string& associated_side, bool linked,
                                 const std::string& actor);

}  // namespace idledger::domain
