// The users read models: state by id, login index, creation-order index.

#include <algorithm>
#include <span>
#include <unordered_map>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::projections {

using eventstore::decode_u64;
using eventstore::encode_u64;

namespace {
constexpr std::string_view kActingSuperAdmins = "acting_super_admins";
constexpr std::string_view kRoleHolders = "role_holders";
/// "user_count" -> how many users exist (8 bytes): the built-in Everyone group's usersCount.
constexpr std::string_view kUserCount = "user_count";

void adjust_user_count(Transaction& tx, int delta) {
    auto v = tx.get(cf::kOrgIndexes, kUserCount);
    uint64_t n = v && *v && (*v)->size() == 8 ? eventstore::decode_u64(**v) : 0;
    n = delta < 0 ? (n > 0 ? n - 1 : 0) : n + 1;
    tx.put(cf::kOrgIndexes, kUserCount, encode_u64(n));
}
constexpr size_t kIdSize = 20;  // user and API token ids alike

/// The ids (kIdSize characters each, concatenated) stored at `key`.
Result<std::vector<std::string>> read_id_set(Transaction& tx, std::string_view family,
                                             std::string_view key) {
    auto v = tx.get(family, key);
    if (!v) return std::unexpected(v.error());
    std::vector<std::string> out;
    const std::string ids = v->value_or(std::string());
    for (size_t i = 0; i + kIdSize <= ids.size(); i += kIdSize)
        out.push_back(ids.substr(i, kIdSize));
    return out;
}
}  // namespace

std::string encode_pending(const PendingRequest& r) {
    domain::Json j = domain::Json::object();
    j.set("id", r.id);
    j.set("userId", r.user_id);
    j.set("kind", r.kind);
    if (!r.template_name.empty()) j.set("template", r.template_name);
    return j.dump();
}

std::optional<PendingRequest> decode_pending(uint64_t position, std::string_view bytes) {
    auto j = domain::parse_json(bytes);
    if (!j || !j->is_object()) return std::nullopt;
    PendingRequest r{position, j->string_at("id"), j->string_at("userId"), j->string_at("kind"),
                     j->string_at("template")};
    if (r.id.empty() || r.user_id.empty()) return std::nullopt;
    return r;
}

uint64_t user_row_version(std::string_view bytes) {
    return bytes.size() < 16 ? 0 : decode_u64(bytes.substr(8, 8));
}

std::optional<UserRow> decode_user_row(std::string_view bytes) {
    if (bytes.size() < 16) return std::nullopt;
    auto j = domain::parse_json(bytes.substr(16));
    if (!j) return std::nullopt;
    auto u = domain::User::from_state_json(*j);
    if (!u) return std::nullopt;
    return UserRow{decode_u64(bytes.substr(0, 8)), std::move(*u)};
}

namespace {
std::string encode_user_row(const UserRow& row) {
    std::string out = encode_u64(row.seq);
    out += encode_u64(row.user.version);
    row.user.to_state_json().dump_to(out);
    return out;
}
}  // namespace

Result<std::optional<UserRow>> load_user(Transaction& tx, std::string_view id) {
    auto v = tx.get(cf::kUsers, id);
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<UserRow>{};
    auto row = decode_user_row(**v);
    if (!row)
        return std::unexpected(eventstore::Error{eventstore::Errc::Corruption, "bad user row"});
    return std::optional<UserRow>(std::move(*row));
}

std::string login_key(std::string_view login) {
    // A digest, not the login: keys end up in RocksDB's index blocks and MANIFEST boundaries,
    // where a deleted user's login would outlive the user.
    return domain::token_digest(domain::normalize_login(login));
}

Result<std::optional<std::string>> user_id_by_login(Transaction& tx, std::string_view login) {
    return tx.get(cf::kUsersByLogin, login_key(login));
}

bool acting_super_admin(const domain::User& u) {
    return u.has_role("SUPER_ADMIN") && u.status != domain::UserStatus::Suspended &&
           u.status != domain::UserStatus::Deprovisioned &&
           u.transitioning_to != domain::UserStatus::Deprovisioned;
}

Result<std::vector<std::string>> acting_super_admins(Transaction& tx) {
    return read_id_set(tx, cf::kOrgIndexes, kActingSuperAdmins);
}

Result<std::vector<std::string>> role_holders(Transaction& tx) {
    return read_id_set(tx, cf::kOrgIndexes, kRoleHolders);
}

Result<std::string> data_key(Transaction& tx, std::string_view user_id) {
    auto v = tx.get(cf::kUserKeys, user_id);
    if (!v) return std::unexpected(v.error());
    return v->value_or(std::string());
}

std::string short_name(std::string_view login) {
    return std::string(login.substr(0, login.find('@')));
}

/// Adds or removes `id` in the set of user ids (all of one length, concatenated in id order, so
/// the bytes do not depend on the order the ids came in: replay folds users one at a time) at
/// `key`.
void update_id_set(Transaction& tx, std::string_view family, std::string_view key,
                   const std::string& id, bool add) {
    auto current = tx.get(family, key);
    std::string ids = current && *current ? **current : std::string();
    for (size_t i = 0; !id.empty() && i + id.size() <= ids.size();) {
        if (ids.compare(i, id.size(), id) == 0)
            ids.erase(i, id.size());
        else
            i += id.size();
    }
    if (add && !id.empty()) {
        size_t at = 0;
        while (at + id.size() <= ids.size() && ids.compare(at, id.size(), id) < 0) at += id.size();
        ids.insert(at, id);
    }
    if (ids.empty())
        tx.del(family, key);
    else
        tx.put(family, key, ids);
}

/// Adds or removes `id` in the short-name index entry of `login`.
void update_short_name(Transaction& tx, const std::string& login, const std::string& id, bool add) {
    if (login.empty()) return;
    update_id_set(tx, cf::kUsersByShortName, login_key(short_name(login)), id, add);
}

/// Adds or removes `id` in the set of acting super administrators.
void update_acting_super_admins(Transaction& tx, const std::string& id, bool add) {
    update_id_set(tx, cf::kOrgIndexes, kActingSuperAdmins, id, add);
}

std::string snapshot_key(std::string_view id, uint64_t version) {
    std::string k(id);
    k.push_back('\0');
    k += encode_u64(version);
    return k;
}

/// The password-age index key of a user, or "" when its password cannot expire.
std::string password_age_key(const domain::User& u) {
    if (u.status != domain::UserStatus::Active || !u.password || !u.password_changed) return {};
    return encode_u64(uint64_t(*u.password_changed)) + u.id;
}

/// Keeps the outbox in step with the user's outstanding request across one event.
void track_request(Transaction& tx, const std::optional<std::string>& before_id,
                   std::optional<uint64_t> before_position, domain::User& after,
                   const eventstore::RecordedEvent& rec, const domain::Event& event) {
    if (before_id == after.request_id && !(after.request_id && !after.request_position)) return;
    if (before_id && before_position) tx.del(cf::kLifecyclePending, encode_u64(*before_position));
    if (!after.request_id) return;
    after.request_position = rec.position;
    const domain::Json* r = event.data.find("request");
    tx.put(cf::kLifecyclePending, encode_u64(rec.position),
           encode_pending({rec.position, *after.request_id, after.id, after.request_kind,
                           r ? r->string_at("template") : std::string()}));
}

void apply_user_events(Transaction& tx, std::optional<UserRow>& row,
                       std::span<const eventstore::RecordedEvent> recs,
                       std::span<const domain::Event> events) {
    namespace ev = domain::user_event;
    // Fold every event first, then write each row once: a create is two events, and writing the
    // user row twice would put both versions through the memtable.
    const bool existed = row.has_value();
    const std::string old_login =
        existed ? domain::normalize_login(row->user.login()) : std::string();
    const uint64_t old_seq = existed ? row->seq : 0;
    const std::string old_age_key = existed ? password_age_key(row->user) : std::string();
    const bool was_acting_admin = existed && acting_super_admin(row->user);
    const bool held_roles = existed && !row->user.roles.empty();
    const std::vector<std::string> old_index =
        existed ? user_index_keys(row->user, row->seq) : std::vector<std::string>{};
    // The outbox entry of the request outstanding before these events (0: none).
    const uint64_t old_request = existed && row->user.request_id && row->user.request_position
                                     ? *row->user.request_position
                                     : 0;
    bool deleted = false;
    for (size_t i = 0; i < events.size(); ++i) {
        const auto& rec = recs[i];
        const auto& event = events[i];
        if (event.type == ev::kDeleted) {
            deleted = true;
            row.reset();
            continue;
        }
        if (!row) {
            if (event.type != ev::kCreated) continue;  // events of a shredded user
            row = UserRow{rec.position, domain::User{}};
        }
        const auto before_id = row->user.request_id;
        const auto before_position = row->user.request_position;
        domain::evolve(row->user, event, rec.timestamp_ms);
        track_request(tx, before_id, before_position, row->user, rec, event);
        if (row->user.version % kSnapshotEvery == 0) {
            std::string v = encode_u64(rec.position) + encode_u64(uint64_t(rec.timestamp_ms));
            row->user.to_state_json().dump_to(v);
            tx.put(cf::kUserSnapshots, snapshot_key(row->user.id, row->user.version), v);
        }
    }
    const std::string user_id = recs.empty() ? std::string() : stream_subject(recs.front().stream);
    // A login index entry is removed only while it still names this user: another user may have
    // taken the login since (replay applies users' events grouped per user, not interleaved).
    auto release_login = [&](const std::string& login) {
        auto owner = tx.get(cf::kUsersByLogin, login_key(login));
        if (owner && *owner && **owner == user_id) tx.del(cf::kUsersByLogin, login_key(login));
    };
    const std::string new_age_key = row ? password_age_key(row->user) : std::string();
    if (old_age_key != new_age_key) {
        if (!old_age_key.empty()) tx.del(cf::kUsersByPasswordAge, old_age_key);
        if (!new_age_key.empty()) tx.put(cf::kUsersByPasswordAge, new_age_key, "");
    }
    update_user_index(tx, old_index,
                      row ? user_index_keys(row->user, row->seq) : std::vector<std::string>{},
                      user_id);
    const bool is_acting_admin = row && acting_super_admin(row->user);
    if (was_acting_admin != is_acting_admin)
        update_acting_super_admins(tx, user_id, is_acting_admin);
    if (const bool holds_roles = row && !row->user.roles.empty(); held_roles != holds_roles)
        update_id_set(tx, cf::kOrgIndexes, kRoleHolders, user_id, holds_roles);
    if (existed != row.has_value()) adjust_user_count(tx, row ? 1 : -1);
    if (deleted || !row) {
        if (deleted && old_request) tx.del(cf::kLifecyclePending, encode_u64(old_request));
        if (existed) {
            release_login(old_login);
            update_short_name(tx, old_login, user_id, /*add=*/false);
            tx.del(cf::kUsersBySeq, encode_u64(old_seq));
            tx.del(cf::kUsers, user_id);
        }
        // Shred: without the key no sealed payload of this user can be read again; the
        // snapshots (personal data in clear) go too.
        if (deleted) {
            tx.del(cf::kUserKeys, user_id);
            const uint64_t last_version = recs.back().version;
            for (uint64_t v = kSnapshotEvery; v <= last_version; v += kSnapshotEvery)
                tx.del(cf::kUserSnapshots, snapshot_key(user_id, v));
        }
        if (!row) return;
    }
    if (!existed) tx.put(cf::kUsersBySeq, encode_u64(row->seq), row->user.id);
    const std::string new_login = domain::normalize_login(row->user.login());
    if (old_login != new_login) {
        if (existed) {
            release_login(old_login);
            update_short_name(tx, old_login, row->user.id, /*add=*/false);
        }
        update_short_name(tx, new_login, row->user.id, /*add=*/true);
        tx.put(cf::kUsersByLogin, login_key(new_login), row->user.id);
    }
    tx.put(cf::kUsers, row->user.id, encode_user_row(*row));
}

void apply_user_event(Transaction& tx, std::optional<UserRow>& row,
                      const eventstore::RecordedEvent& rec, const domain::Event& event) {
    apply_user_events(tx, row, std::span(&rec, 1), std::span(&event, 1));
}

Result<std::optional<domain::Event>> decode_user_event(const eventstore::RecordedEvent& rec,
                                                       std::string_view key) {
    auto payload = domain::decode_payload(rec.payload, key, rec.stream);
    if (payload.state == domain::PayloadState::Corrupt)
        return std::unexpected(eventstore::Error{
            eventstore::Errc::Corruption, "undecodable event at " + std::to_string(rec.position)});
    if (payload.state == domain::PayloadState::Shredded && rec.type != domain::user_event::kDeleted)
        return std::optional<domain::Event>{};
    return std::optional<domain::Event>(domain::Event{rec.type, std::move(payload.data)});
}

namespace {

/// Replay: decodes the chunk's user events with their data keys (cached across chunks) and folds
/// them grouped per user, so each user's row is loaded, folded and written once per chunk.
Result<void> replay_users(Transaction& tx, std::vector<eventstore::RecordedEvent>& chunk,
                          ReplayCache& keys) {
    struct Group {
        std::vector<eventstore::RecordedEvent> recs;
        std::vector<domain::Event> events;
    };
    std::vector<std::string> order;
    std::unordered_map<std::string, Group> groups;
    for (auto& rec : chunk) {
        std::string id = stream_subject(rec.stream);
        auto kit = keys.find(id);
        if (kit == keys.end()) {
            auto k = data_key(tx, id);
            if (!k) return std::unexpected(k.error());
            if (keys.size() > 1'000'000) keys.clear();
            kit = keys.emplace(id, *k).first;
        }
        auto event = decode_user_event(rec, kit->second);
        if (!event) return std::unexpected(event.error());
        if (!*event) continue;  // the user's data is gone; so is every read model row of it
        auto [it, fresh] = groups.try_emplace(id);
        if (fresh) order.push_back(id);
        it->second.events.push_back(std::move(**event));
        it->second.recs.push_back(std::move(rec));
    }
    for (const auto& id : order) {
        auto& g = groups[id];
        auto row = load_user(tx, id);
        if (!row) return std::unexpected(row.error());
        apply_user_events(tx, *row, g.recs, g.events);
    }
    return {};
}

}  // namespace

const Projection& users_projection() {
    static const Projection kUsers{
        .name = "users",
        .stream_prefix = "user-",
        .schema_version = 15,
        .families = {std::string(cf::kUsers), std::string(cf::kUsersByLogin),
                     std::string(cf::kUsersBySeq), std::string(cf::kUserSnapshots),
                     std::string(cf::kUsersByShortName), std::string(cf::kLifecyclePending),
                     std::string(cf::kUsersByPasswordAge), std::string(cf::kOrgIndexes),
                     std::string(cf::kUsersIndex)},
        .append_ordered = {std::string(cf::kUsersBySeq), std::string(cf::kLifecyclePending)},
        .sources_of_truth = {std::string(cf::kUserKeys)},
        .sealed = true,
        .replay = replay_users,
    };
    return kUsers;
}

Result<uint64_t> Reader::user_count() const {
    auto v = store_.get(cf::kOrgIndexes, kUserCount);
    if (!v) return std::unexpected(v.error());
    return *v && (*v)->size() == 8 ? eventstore::decode_u64(**v) : 0;
}

}  // namespace idledger::projections
