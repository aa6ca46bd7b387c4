#pragma once
// The read models folded from events, kept in RocksDB column families next to the log and
// written in the same batch as the events that change them (read-your-writes).
//
// Writer side: load_* and apply_* run on the event store's writer thread inside a Transaction.
// Reader side: Reader reads committed state from any thread.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "idledger/domain/user.hpp"
#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::projections {

namespace cf {
inline constexpr std::string_view kUsers = "users";                  // id -> seq(8) + state
inline constexpr std::string_view kUsersByLogin = "users_by_login";  // login_key(login) -> id
inline constexpr std::string_view kUsersBySeq = "users_by_seq";      // seq(8) -> id
/// login_key(part of the login before '@') -> the ids holding it (20 bytes each): a short name
/// finds its user only when exactly one holds it.
inline constexpr std::string_view kUsersByShortName = "users_by_short_name";
/// id + '\0' + version(8) -> position(8) + timestamp(8) + state, every kSnapshotEvery versions:
/// as-of reads fold from the nearest one instead of from the start.
inline constexpr std::string_view kUserSnapshots = "user_snapshots";
/// position(8) of a requesting event -> the request (JSON: id, userId, kind, template): the
/// outbox of asynchronous requests with no completion yet. The relay publishes from it; a
/// completion (or a superseding request) removes the entry in the same batch.
inline constexpr std::string_view kLifecyclePending = "lifecycle_pending";
/// passwordChanged(8) + user id -> "" for users whose password can expire (ACTIVE, with a
/// password): the password-expiry scheduler reads only the due prefix.
inline constexpr std::string_view kUsersByPasswordAge = "users_by_password_age";
/// "acting_super_admins" -> the ids (20 characters each, concatenated) of the super
/// administrators whose tokens work and who are not being deprovisioned: the writer refuses a
/// change that would leave it empty (nobody could administer the org any more).
/// "role_holders" -> the ids of the users holding an admin role directly.
inline constexpr std::string_view kOrgIndexes = "org_indexes";
/// Secondary indexes for filter, search and q: tag + digest(attribute, value) + seq(8) -> id
/// (user_indexes.cpp).
inline constexpr std::string_view kUsersIndex = "users_index";
/// The System Log's indexes: tag + value + '\0' + position(8) -> "" (log_index.cpp).
inline constexpr std::string_view kLogIndex = "log_index";
/// Source of truth: server-wide secrets (the key link tokens are derived with).
inline constexpr std::string_view kServerSecrets = "server_secrets";
/// Source of truth, not a projection: per-user data keys. Deleting one shreds that user's data.
inline constexpr std::string_view kUserKeys = "user_keys";
}  // namespace cf

/// The users' projection (for the registry).
const Projection& users_projection();

inline constexpr uint64_t kSnapshotEvery = 256;

inline std::string user_stream(std::string_view id) { return "user-" + std::string(id); }

struct UserRow {
    uint64_t seq = 0;  // position of the creating event: the listing order
    domain::User user;
};

using eventstore::Result;
using eventstore::Transaction;

// ---- writer side -------------------------------------------------------------------------

Result<std::optional<UserRow>> load_user(Transaction& tx, std::string_view id);
/// The login index key: SHA-256 of the case-folded login (no personal data in keys).
std::string login_key(std::string_view login);
Result<std::optional<std::string>> user_id_by_login(Transaction& tx, std::string_view login);
/// Whether `u` is a super administrator who can act: its tokens work (not SUSPENDED or
/// DEPROVISIONED) and no deprovisioning is under way.
bool acting_super_admin(const domain::User& u);
/// The ids of every acting super administrator (see cf::kOrgIndexes).
Result<std::vector<std::string>> acting_super_admins(Transaction& tx);
/// The ids of every user holding an admin role directly, whatever their status.
Result<std::vector<std::string>> role_holders(Transaction& tx);
/// The user's data key, or "" when it has none (never created, or shredded).
Result<std::string> data_key(Transaction& tx, std::string_view user_id);

/// The secondary-index keys of a user (cf::kUsersIndex).
std::vector<std::string> user_index_keys(const domain::User& u, uint64_t seq);
/// Writes the difference between a user's index keys before and after a change.
void update_user_index(Transaction& tx, const std::vector<std::string>& before,
                       const std::vector<std::string>& after, const std::string& id);
/// The ordered parts of cf::kUsersIndex: "d" + letter + date(8) + seq(8) -> id, one per date a
/// user has (activated and passwordChanged may be null).
inline constexpr std::pair<std::string_view, char> kDateIndexes[] = {
    {"lastUpdated", 'u'},   {"created", 'c'},         {"activated", 'a'},
    {"statusChanged", 's'}, {"passwordChanged", 'p'},
};
/// The letter of a date attribute's ordered index, or nullopt.
std::optional<char> date_index(std::string_view attribute);
/// The index scan prefix answering `attribute eq value` (a superset: case-folded), or nullopt
/// when the attribute has no equality index (status, type.id and every string profile
/// attribute have one, for values up to 1 KiB).
std::optional<std::string> equality_index(std::string_view attribute, std::string_view value);
/// The index scan prefix of a user's outstanding one-time token (`kind` "activation" or
/// "recovery") by its digest: the Authentication API finds the user a token belongs to.
std::string token_index(std::string_view kind, std::string_view digest);
/// The index scan prefix answering `attribute sw prefix` (a superset: the bucket of its first 4,
/// else 2, characters), or nullopt when the attribute is not a profile attribute or `prefix` is
/// shorter than 2 characters.
std::optional<std::string> prefix_index(std::string_view attribute, std::string_view prefix);
/// The index scan prefix answering `attribute pr` for a profile attribute other than login,
/// email, firstName and lastName (those are on nearly every user), else nullopt.
std::optional<std::string> presence_index(std::string_view attribute);

/// The System Log index value a filter reads: tag 'e' (eventType), 'a' (actor.id) or 't'
/// (target.id) and the value.
std::string log_index_prefix(char tag, std::string_view value);
/// The index values of one stored event (none when it is not an audit event).
std::vector<std::string> log_index_prefixes(const eventstore::RecordedEvent& rec);
Projection log_index_projection();
/// Writes the log index entries of `rec` (the event store's index hook).
void index_log_event(Transaction& tx, const eventstore::RecordedEvent& rec);

/// Folds `event` (already appended as `rec`) into the user read models. `row` is the state
/// before the event (nullopt before creation) and is updated in place.
void apply_user_event(Transaction& tx, std::optional<UserRow>& row,
                      const eventstore::RecordedEvent& rec, const domain::Event& event);
/// The same for consecutive events of one user, writing each read-model row once.
void apply_user_events(Transaction& tx, std::optional<UserRow>& row,
                       std::span<const eventstore::RecordedEvent> recs,
                       std::span<const domain::Event> events);

/// A stored user event as a domain event, unsealed with `key`; nullopt when the user's data was
/// shredded (except the deletion itself, which is never sealed); an error when undecodable.
Result<std::optional<domain::Event>> decode_user_event(const eventstore::RecordedEvent& rec,
                                                       std::string_view key);

// ---- reader side -------------------------------------------------------------------------

class Reader {
  public:
    explicit Reader(eventstore::EventStore& store) : store_(store) {}

    Result<std::optional<UserRow>> user(std::string_view id) const;
    /// The stored row of a user by id or login, undecoded (see decode_user_row), with its id.
    struct RawUserRow {
        std::string id;
        std::string bytes;
    };
    Result<std::optional<RawUserRow>> find_user_row(std::string_view id_or_login) const;
    /// By id, or by login (case-insensitive).
    Result<std::optional<UserRow>> find_user(std::string_view id_or_login) const;
    /// The entries of one index value (a prefix from equality_index / prefix_index) with
    /// seq > after_seq, in creation order, until `visit` returns false.
    Result<void> scan_index(
        std::string_view prefix, uint64_t after_seq,
        const std::function<bool(uint64_t seq, std::string_view id)>& visit) const;
    /// The users whose date `letter` (kDateIndexes) is in [from, to] (ms), in time order, until
    /// `visit` returns false.
    Result<void> scan_dates(
        char letter, domain::Millis from, domain::Millis to,
        const std::function<bool(uint64_t seq, std::string_view id)>& visit) const;
    /// Every user by date `letter` (kDateIndexes), in (date, creation) order — backwards when
    /// `descending` — starting after the entry (`date`, `seq`) when `after_date` is given, until
    /// `visit` returns false. For dates every user has (created, lastUpdated), this is a sort.
    Result<void> scan_date_order(
        char letter, bool descending, std::optional<std::pair<domain::Millis, uint64_t>> after,
        const std::function<bool(domain::Millis date, uint64_t seq, std::string_view id)>& visit)
        const;
    /// The log positions of one System Log index value (log_index_prefix), from `from` on
    /// (inclusive; backwards when `descending`), until `visit` returns false.
    Result<void> scan_log_index(std::string_view prefix, uint64_t from, bool descending,
                                const std::function<bool(uint64_t position)>& visit) const;
    /// How many users exist (deleted ones not counted).
    Result<uint64_t> user_count() const;
    /// Users in creation order with seq > after_seq, until `visit` returns false.
    Result<void> scan_users(uint64_t after_seq,
                            const std::function<bool(const UserRow&)>& visit) const;

    /// The latest snapshot of a user taken at or before `position`: the state, its position.
    struct Snapshot {
        domain::User user;
        uint64_t position = 0;
        int64_t timestamp_ms = 0;
    };
    Result<std::optional<Snapshot>> user_snapshot_before(std::string_view id,
                                                         uint64_t position) const;

    /// The user's data key ("" once the user is permanently deleted).
    Result<std::string> data_key(std::string_view user_id) const;

  private:
    /// The one user whose login starts with `name` + '@', if exactly one does.
    Result<std::optional<std::string>> unambiguous_short_name(std::string_view name) const;
    eventstore::EventStore& store_;
};

/// One outstanding asynchronous request, as the outbox holds it.
struct PendingRequest {
    uint64_t position = 0;  // of the requesting event
    std::string id;
    std::string user_id;
    std::string kind;           // domain::request_kind
    std::string template_name;  // e-mail template, if the request sends one
};
std::string encode_pending(const PendingRequest& r);
std::optional<PendingRequest> decode_pending(uint64_t position, std::string_view bytes);

/// Decodes a users-CF value.
std::optional<UserRow> decode_user_row(std::string_view bytes);
/// The user's version (its ETag) straight from a users-CF value, without decoding the state.
uint64_t user_row_version(std::string_view bytes);

}  // namespace idledger::projections
