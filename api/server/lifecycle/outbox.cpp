#include "lifecycle/outbox.hpp"

#include <algorithm>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/notification.hpp"
#include "notifications/notify.hpp"
#include "users/one_time_token.hpp"

namespace idledger::api {

namespace pj = projections;
using eventstore::decode_u64;
using eventstore::encode_u64;

std::vector<uint64_t> Outbox::pending_after(uint64_t after, size_t max) {
    std::vector<uint64_t> out;
    auto scanned = app_.store.scan(pj::cf::kLifecyclePending, "", encode_u64(after + 1),
                                   [&](std::string_view key, std::string_view) {
                                       if (key.size() == 8) out.push_back(decode_u64(key));
                                       return out.size() < max;
                                   });
    if (!scanned) out.clear();
    // Pending admin notifications join the user requests': those created after `after`, in
    // position order, still PENDING (at most `max`). No group of all pending notifications is
    // kept: as one value rewritten whole on every change, a bulk deprovisioning (a notification
    // per deactivated user) made it quadratic.
    std::vector<uint64_t> notes;
    auto noted = app_.documents.scan(domain::kNotifications, after, [&](const pj::Document& d) {
        if (d.state.string_at("status") == "PENDING") notes.push_back(d.seq);
        return notes.size() < max;
    });
    if (noted) out.insert(out.end(), notes.begin(), notes.end());
    std::sort(out.begin(), out.end());
    if (out.size() > max) out.resize(max);
    return out;
}

std::optional<workers::RequestMessage> Outbox::compose_notification(uint64_t position) {
    const auto& kind = domain::kNotifications;
    auto id = app_.store.get(std::string(kind.family) + "_by_seq", encode_u64(position));
    if (!id || !*id) return std::nullopt;
    auto doc = app_.documents.get(kind, **id);
    if (!doc || !*doc || (*doc)->state.string_at("status") != "PENDING") return std::nullopt;
    const domain::Json& n = (*doc)->state;
    auto row = app_.reader.user(n.string_at("recipient"));
    if (!row || !*row) return std::nullopt;
    const domain::User& u = (*row)->user;
    workers::RequestMessage m;
    m.request_id = (*doc)->id;
    m.position = position;
    m.user_id = u.id;
    m.kind = domain::request_kind::kEmail;
    const std::string first = u.profile.string_at("firstName");
    const std::string last = u.profile.string_at("lastName");
    m.email = workers::EmailOrder{std::string(domain::email_template::kAdminNotification),
                                  u.email(),
                                  first + (first.empty() || last.empty() ? "" : " ") + last,
                                  u.login(),
                                  public_url_ + "/admin",
                                  false,
                                  ""};
    m.email->about = notifications::describe(app_, n);
    return m;
}

std::optional<workers::RequestMessage> Outbox::compose(uint64_t position) {
    auto bytes = app_.store.get(pj::cf::kLifecyclePending, encode_u64(position));
    if (!bytes) return std::nullopt;
    if (!*bytes) return compose_notification(position);
    auto pending = pj::decode_pending(position, **bytes);
    if (!pending) return std::nullopt;
    workers::RequestMessage m;
    m.request_id = pending->id;
    m.position = position;
    m.user_id = pending->user_id;
    m.kind = pending->kind;
    // Only e-mails and expiry need the user's state (address, name, password age).
    const bool needs_user =
        !pending->template_name.empty() || m.kind == domain::request_kind::kExpirePassword;
    if (!needs_user) return m;
    auto row = app_.reader.user(pending->user_id);
    if (!row || !*row) return std::nullopt;
    const domain::User& u = (*row)->user;
    if (!pending->template_name.empty()) {
        const std::string first = u.profile.string_at("firstName");
        const std::string last = u.profile.string_at("lastName");
        m.email = workers::EmailOrder{pending->template_name,
                                      u.email(),
                                      first + (first.empty() || last.empty() ? "" : " ") + last,
                                      u.login(),
                                      public_url_ + "/signin",
                                      false,
                                      ""};
        if (pending->template_name == domain::email_template::kPasswordExpiryWarning) {
            if (u.password_changed)
                m.email->expires = domain::format_iso8601(*u.password_changed + max_age_ms_);
        } else {
            // The worker appends the one-time token (derived from the request id with the link
            // key it shares with this server): no usable link ever travels on a topic.
            m.email->link = public_url_ + link_path(pending->template_name);
            m.email->link_token = true;
        }
    }
    if (m.kind == domain::request_kind::kExpirePassword) m.password_changed = u.password_changed;
    return m;
}

uint64_t Outbox::wait_for_log(uint64_t seen, std::chrono::steady_clock::time_point deadline) {
    return app_.store.wait_for(seen + 1, deadline);
}

}  // namespace idledger::api
