#include "notifications/notify.hpp"

#include <mutex>
#include <unordered_set>

#include "core/json_io.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/group.hpp"
#include "idledger/domain/notification.hpp"
#include "idledger/domain/subscription.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/read_model.hpp"
#include "roles/roles.hpp"

namespace idledger::api::notifications {

namespace pj = projections;
using domain::Json;

namespace {

bool can_act(const domain::User& u) {
    return u.status != domain::UserStatus::Suspended &&
           u.status != domain::UserStatus::Deprovisioned &&
           u.transitioning_to != domain::UserStatus::Deprovisioned && !u.email().empty();
}

/// The role owner keys `user` holds, read through `tx`.
domain::Result<std::vector<domain::HeldRole>> held(eventstore::Transaction& tx,
                                                   const domain::User& user,
                                                   const std::vector<std::string>& role_groups) {
    std::vector<domain::HeldRole> out;
    for (const auto& a : user.roles) out.push_back(domain::held_role(a));
    for (const auto& gid : role_groups) {
        auto member = pj::related(tx, domain::kGroupMembers, gid, user.id);
        if (!member) return std::unexpected(store_failure(member.error()));
        if (!*member) continue;
        auto g = pj::load_document(tx, domain::kGroups, gid);
        if (!g) return std::unexpected(store_failure(g.error()));
        if (*g)
            for (const auto& a : domain::group_roles((*g)->state))
                out.push_back(domain::held_role(a));
    }
    return out;
}

}  // namespace

domain::Result<void> notify(App& app, eventstore::Transaction& tx, std::string_view type,
                            const std::string& subject, const std::string& metadata,
                            const std::string& detail, const std::string& occurrence) {
    auto admins = roles::admins(app, tx);
    if (!admins) return std::unexpected(admins.error());
    if (admins->empty()) return {};
    auto role_groups = pj::group_members(tx, domain::kGroups, "holds", "roles");
    if (!role_groups) return std::unexpected(store_failure(role_groups.error()));
    auto subs = pj::load_document(tx, domain::kSubscriptions, domain::kSubscriptionsId);
    if (!subs) return std::unexpected(store_failure(subs.error()));
    const std::optional<Json> settings = *subs ? std::optional<Json>((*subs)->state) : std::nullopt;
    for (const auto& uid : *admins) {
        if (uid == subject) continue;
        auto row = pj::load_user(tx, uid);
        if (!row) return std::unexpected(store_failure(row.error()));
        if (!*row || !can_act((*row)->user)) continue;
        auto roles = held(tx, (*row)->user, *role_groups);
        if (!roles) return std::unexpected(roles.error());
        auto status = domain::user_status(settings, uid, *roles, type);
        if (!status || *status != "subscribed") continue;
        if (!occurrence.empty()) {
            auto told =
                pj::unique_owner(tx, domain::kNotifications, "occurrence", occurrence + "/" + uid);
            if (!told) return std::unexpected(store_failure(told.error()));
            if (*told) continue;
        }
        const std::string id = app.ids.next(domain::kNotifications.id_prefix);
        auto made = pj::append_document_events(
            tx, domain::kNotifications, id, std::nullopt,
            {domain::notification_request(id, type, uid, subject, detail, occurrence)}, metadata);
        if (!made) return std::unexpected(store_failure(made.error()));
    }
    return {};
}

domain::Result<void> notify_for_user_events(App& app, eventstore::Transaction& tx,
                                            const std::string& user_id,
                                            const std::vector<domain::Event>& events,
                                            const std::string& metadata) {
    for (const auto& e : events)
        if (auto type = domain::notification_for(e))
            if (auto r = notify(app, tx, *type, user_id, metadata); !r) return r;
    return {};
}

void report_rate_limit(App& app, const std::string& token_id, std::string_view family,
                       int64_t reset_epoch_s) {
    const std::string occurrence =
        "ratelimit/" + token_id + "/" + std::string(family) + "/" + std::to_string(reset_epoch_s);
    {
        // Every refused request of the window lands here: only the first reaches the writer.
        static std::mutex mu;
        static std::unordered_set<std::string> reported;
        std::lock_guard lock(mu);
        if (reported.size() > 10'000) reported.clear();
        if (!reported.insert(occurrence).second) return;
    }
    domain::EventMetadata meta;
    meta.actor_id = "system";
    meta.request_id = "ratelimit";
    app.store.submit(
        [&app, token_id, family = std::string(family), occurrence,
         metadata = meta.encode()](eventstore::Transaction& tx) {
            auto r =
                notify(app, tx, "RATELIMIT_NOTIFICATION", token_id, metadata, family, occurrence);
            return r ? eventstore::Outcome::Commit : eventstore::Outcome::Abort;
        },
        [](eventstore::Result<eventstore::CommitInfo>) {});
}

std::string describe(App& app, const Json& n) {
    const std::string type = n.string_at("notificationType");
    const std::string subject = n.string_at("subject");
    if (type == "RATELIMIT_NOTIFICATION")
        return "An API client went over its rate limit for " + n.string_at("detail") + ".";
    // The user by id only: a mail file must not keep a login its user's deletion shreds.
    std::string who = "the user " + subject;
    if (!app.config.public_url.empty())
        who += " (" + app.config.public_url + "/api/v1/users/" + subject + ")";
    if (type == "USER_DEPROVISION") return "Okta deprovisioned " + who + ".";
    if (type == "USER_LOCKED_OUT") return "Sign-in locked out " + who + ".";
    return type + ": " + who + ".";
}

}  // namespace idledger::api::notifications
