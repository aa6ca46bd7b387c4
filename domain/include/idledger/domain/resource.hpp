#pragma once
// The resource kit's domain half. A resource after Users is a set of JSON documents, one per id,
// each folded from its own stream of typed events: what a resource declares here (its event
// types with their System Log rows, how an event changes a document, which keys must stay
// unique) is all the projections, the command runner, replay and the System Log need to know
// about it. See api/README.md, "Adding a resource".

#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idledger/domain/clock.hpp"
#include "idledger/domain/error.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::domain {

/// One event type: its stored name, and the row the System Log shows it with.
struct EventType {
    std::string_view name;             // stored type, e.g. "TrustedOriginCreated"
    std::string_view okta_event_type;  // "security.trusted_origin.create"
    std::string_view display_message;  // "Create trusted origin"
};

/// A key a document claims: (index, value). Values are compared exactly: normalise them.
using IndexKey = std::pair<std::string, std::string>;

/// A many-to-many relation a resource's documents hold to other ids (a group's members, an
/// app's assigned users). Its events live on the document's stream and name the other side in
/// `other_field`; the kit keeps both directions indexed in the order the links were made, and a
/// count per document (projections/relations.cpp).
struct RelationKind {
    std::string_view family;       // its column family: "group_members"
    EventType added;               // "GroupUserAdded": links the document to data[other_field]
    EventType removed;             // "GroupUserRemoved"
    std::string_view other_field;  // "userId"
    /// The left side: the document's id when empty, else data[left_field] (a link between two
    /// other ids recorded on the document's stream: a linked-object definition's links).
    std::string_view left_field = {};
    /// Whether a link keeps its added event's data (an assignment's profile): adding an existing
    /// link again replaces the data and keeps the link's place. `created`/`lastUpdated` are
    /// stamped into it.
    bool keeps_data = false;
    /// Whether a right side has at most one left (an associated user's one primary): the kit then
    /// answers "the left of this right" without a scan.
    bool one_left = false;
    /// Whether a link decides what its right side (a user) may do (a group's members hold the
    /// group's roles): a committed change drops that user's cached principals.
    bool authorizes_right = false;
};

/// Everything the kit knows of one resource.
struct ResourceKind {
    std::string_view name;           // Okta's resource name in errors: "TrustedOrigin"
    std::string_view stream_prefix;  // "trustedorigin-": the stream of a document is prefix + id
    std::string_view family;         // the read model's column family: "trusted_origins"
    std::string_view id_prefix;      // Okta's 3-character id prefix: "tos"
    /// The read model's shape: raise it when evolve or the keys change (replay rebuilds).
    int schema_version = 1;
    std::span<const EventType> events;
    /// Folds `e` (stored at `at`) into `state`; nullopt before creation and after deletion.
    void (*evolve)(std::optional<Json>& state, const Event& e, Millis at) = nullptr;
    /// Keys no two live documents may share (names, origins, digests).
    std::vector<IndexKey> (*unique_keys)(const Json& state) = nullptr;
    /// Keys documents are grouped under, many per key (a token's owner).
    std::vector<IndexKey> (*group_keys)(const Json& state) = nullptr;
    /// Relations its documents hold (their added/removed events are among `events` too).
    std::span<const RelationKind* const> relations = {};
    /// The System Log's target: its type and the document field that names it (a dotted path).
    std::string_view log_target_type;
    std::string_view log_name_field = "name";
    /// Whether its changes decide who may act (API tokens, custom roles): committed events then
    /// drop every cached principal.
    bool authorizes = false;
    /// Its event types that do so when not all do (a group's role granted or revoked).
    std::span<const std::string_view> authorizing_events = {};

    std::string stream(std::string_view id) const {
        return std::string(stream_prefix) + std::string(id);
    }
};

/// Every resource built with the kit (resource_registry.cpp: one line each).
const std::vector<const ResourceKind*>& resource_kinds();
/// The kind whose streams start like `stream`; nullptr for users and other streams.
const ResourceKind* resource_kind_for_stream(std::string_view stream);

/// Who already holds a unique key (writer side): the id, or nullopt.
using UniqueLookup =
    std::function<std::optional<std::string>(std::string_view index, std::string_view value)>;

/// An event of `type` carrying `data`.
Event make_event(std::string_view type, Json data);

/// `{"id": id, ...content}`: the data of a creating event.
Json with_id(std::string_view id, const Json& content);
/// Whether `a` and `b` agree on every one of `keys` (absent from both counts as agreeing): an
/// update that changes none of them decides no event.
bool same_fields(const Json& a, const Json& b, std::initializer_list<std::string_view> keys);

/// Whether every member of `content` already stands in `state` with the same value: a replace
/// that would change nothing decides no event.
bool holds_all(const Json& state, const Json& content);

/// Characters (code points) in UTF-8 text: Okta's length limits count characters, not bytes.
size_t utf8_length(std::string_view s);

/// Copies `state` with `at` as its lastUpdated (and created, when `creating`), for evolve
/// functions of documents that show both.
void stamp(Json& state, Millis at, bool creating);

/// The lifecycle activatable documents share (trusted origins, zones): `status` ACTIVE/INACTIVE.
struct StatusEvents {
    std::string_view activated;
    std::string_view deactivated;
};
/// Activating (`active`) or deactivating `current`: no event when it already is so. `data`
/// rides along (the acting user, say).
std::vector<Event> decide_status(const Json& current, bool active, const StatusEvents& types,
                                 Json data = Json::object());
/// For evolve: applies an activation or deactivation; false when `e` is neither.
bool apply_status(Json& state, const Event& e, const StatusEvents& types);

/// The events of a document whose creating and replacing events carry its content in one member
/// (`{"id", <field>: {...}, "status"}` and `{<field>: {...}}`) and whose status is
/// ACTIVE/INACTIVE (applications, identity providers).
struct ContentEvents {
    std::string_view created;
    std::string_view updated;
    std::string_view deleted;
    std::string_view field;
    StatusEvents status;
};
/// For evolve: folds one such event (dates stamped); any other event (a relation's) changes
/// nothing.
void evolve_content(std::optional<Json>& state, const Event& e, Millis at,
                    const ContentEvents& types);

/// Collects Okta `errorCauses` while a request body is validated: each problem becomes one
/// cause "field: reason"; `result()` is 400 E0000001 naming the first field when any was found.
class Causes {
  public:
    void add(std::string field, std::string reason);
    Result<void> result() const;

  private:
    std::string first_field_;
    std::vector<ErrorCause> causes_;
};

}  // namespace idledger::domain
