#include "core/bootstrap.hpp"

#include <functional>

#include "groups/groups.hpp"
#include "idledger/domain/data_key.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_decide.hpp"
#include "tokens/api_tokens.hpp"
#include "users/user_commands.hpp"

namespace idledger::api {

namespace {

/// A super administrator with a random password nobody knows (it acts through API tokens).
domain::CreateUserCommand super_admin(App& app, const std::string& login) {
    domain::CreateUserCommand admin;
    admin.id = app.ids.next(domain::id_prefix::kUser);
    admin.type_id = std::string(domain::kDefaultUserTypeId);
    admin.profile = domain::Json::object();
    admin.profile.set("login", login);
    admin.profile.set("email", login);
    admin.profile.set("firstName", "Super");
    admin.profile.set("lastName", "Admin");
    domain::StoredPassword pw;
    pw.algorithm = "ARGON2ID";
    pw.value = domain::argon2id_hash(domain::Secret(domain::random_base62(32)), app.config.argon2);
    admin.password = pw;
    admin.roles = {"SUPER_ADMIN"};
    return admin;
}

domain::ApiToken new_token(App& app, const std::string& name, const std::string& user_id,
                           const std::string& value) {
    domain::ApiToken token;
    token.id = app.ids.next(domain::id_prefix::kApiToken);
    token.name = name;
    token.user_id = user_id;
    token.digest = domain::token_digest(value);
    return token;
}

std::string system_metadata(std::string request_id) {
    domain::EventMetadata meta;
    meta.actor_id = "system";
    meta.request_id = std::move(request_id);
    return meta.encode();
}

}  // namespace

eventstore::Result<BootstrapResult> bootstrap_org(App& app,
                                                  const std::optional<std::string>& preset_token) {
    BootstrapResult result;
    const domain::CreateUserCommand admin = super_admin(app, "admin@idledger.local");
    const std::string token_value = preset_token ? *preset_token : "00" + domain::random_base62(40);
    const domain::ApiToken token = new_token(app, "bootstrap", admin.id, token_value);
    const std::string metadata = system_metadata("bootstrap");
    std::optional<eventstore::Error> error;
    bool fresh = false;

    auto fut = app.store.submit([&](eventstore::Transaction& tx) {
        auto fail_with = [&](const domain::Error& e) {
            error = eventstore::Error{eventstore::Errc::InvalidArgument, e.detail};
            return eventstore::Outcome::Abort;
        };
        // The built-in Everyone group: made with a new org, and on the first start of a store
        // from before groups existed.
        if (auto everyone = groups::ensure_everyone_in(tx, metadata); !everyone)
            return fail_with(everyone.error());
        auto org = tx.append(
            "org", eventstore::kNoStream,
            {{"OrgBootstrapped", domain::encode_payload_plain(domain::Json::object()), metadata}});
        if (!org) {
            if (org.error().code != eventstore::Errc::WrongExpectedVersion) {
                error = org.error();
                return eventstore::Outcome::Abort;
            }
            return eventstore::Outcome::Commit;  // already bootstrapped (Everyone may be new)
        }
        fresh = true;
        auto events = domain::decide_create(admin, false);
        if (!events) {
            error = eventstore::Error{eventstore::Errc::InvalidArgument, "bootstrap admin refused"};
            return eventstore::Outcome::Abort;
        }
        auto user = append_user_events(tx, admin.id, Subject::New, std::nullopt, *events, metadata);
        if (!user) {
            error = user.error();
            return eventstore::Outcome::Abort;
        }
        if (auto r = tokens::issue_in(tx, token, metadata); !r) return fail_with(r.error());
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(done.error());
    if (error) return std::unexpected(*error);
    if (!fresh) return result;
    result.created = true;
    result.admin_user_id = admin.id;
    if (!preset_token) result.token = token_value;
    return result;
}

eventstore::Result<AdminToken> issue_admin_token(App& app) {
    AdminToken out;
    out.token = "00" + domain::random_base62(40);
    const std::string metadata = system_metadata("admin-token");
    const domain::CreateUserCommand fallback =
        super_admin(app, "admin-recovery-" + domain::random_base62(8) + "@idledger.local");
    std::optional<eventstore::Error> error;
    auto fut = app.store.submit([&](eventstore::Transaction& tx) {
        auto fail_with = [&](eventstore::Error e) {
            error = std::move(e);
            return eventstore::Outcome::Abort;
        };
        auto admins = projections::acting_super_admins(tx);
        if (!admins) return fail_with(admins.error());
        if (admins->empty()) {
            auto events = domain::decide_create(fallback, false);
            if (!events)
                return fail_with({eventstore::Errc::InvalidArgument, "recovery admin refused"});
            auto user =
                append_user_events(tx, fallback.id, Subject::New, std::nullopt, *events, metadata);
            if (!user) return fail_with(user.error());
            out.user_id = fallback.id;
            out.created_admin = true;
        } else {
            out.user_id = admins->front();
        }
        if (auto r = tokens::issue_in(tx, new_token(app, "admin-token", out.user_id, out.token),
                                      metadata);
            !r)
            return fail_with({eventstore::Errc::InvalidArgument, r.error().detail});
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(done.error());
    if (error) return std::unexpected(*error);
    return out;
}

namespace {
/// A server-wide secret: read, or made by `make` on first start (not in a read-only copy).
eventstore::Result<std::string> server_secret(App& app, std::string_view name,
                                              const std::function<std::string()>& make) {
    auto existing = app.store.get(projections::cf::kServerSecrets, name);
    if (!existing) return std::unexpected(existing.error());
    if (*existing || app.config.read_only) return existing->value_or(std::string());
    std::string made;
    auto fut = app.store.submit([&](eventstore::Transaction& tx) {
        auto again = tx.get(projections::cf::kServerSecrets, name);
        if (again && *again) {
            made = **again;
        } else {
            made = make();
            tx.put(projections::cf::kServerSecrets, name, made);
        }
        return eventstore::Outcome::Commit;
    });
    auto done = fut.get();
    if (!done) return std::unexpected(done.error());
    return made;
}
}  // namespace

eventstore::Result<std::string> link_key(App& app) {
    return server_secret(app, "link-token-key", [] { return domain::new_data_key(); });
}

eventstore::Result<std::string> worker_mac_key(App& app) {
    return server_secret(app, "worker-mac-key", [] { return domain::new_data_key(); });
}

eventstore::Result<std::string> server_id(App& app) {
    return server_secret(app, "server-id", [] { return domain::random_base62(20); });
}

}  // namespace idledger::api
