// POST /api/v1/users

#include "core/json_io.hpp"
#include "groups/groups.hpp"
#include "idledger/domain/user_decide.hpp"
#include "users/credentials_input.hpp"
#include "users/handlers.hpp"
#include "users/one_time_token.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;

namespace {

/// A create request checked and turned into a command; passwords still to be hashed.
struct PreparedCreate {
    domain::CreateUserCommand cmd;
    std::string login;
    std::optional<PasswordInput> password;
    std::optional<RecoveryInput> recovery;
    std::vector<std::string> group_ids;  // groupIds: joined in the creating batch
    std::string metadata;
    std::string actor;
};

domain::Result<PreparedCreate> prepare(RequestContext& ctx, const HttpRequest& req) {
    PreparedCreate out;
    domain::CreateUserCommand& cmd = out.cmd;
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto activate = bool_param(req, "activate", true);
    if (!activate) return std::unexpected(activate.error());
    auto provider = bool_param(req, "provider", false);
    if (!provider) return std::unexpected(provider.error());
    const std::string* next_login = req.param("nextLogin");
    if (next_login && !next_login->empty() && *next_login != "changePassword")
        return domain::validation("nextLogin", "nextLogin must be changePassword");

    cmd.activate = *activate;
    cmd.expire_password = next_login && *next_login == "changePassword";
    cmd.type_id = std::string(domain::kDefaultUserTypeId);

    const Json* profile = body->find("profile");
    if (!profile || !profile->is_object()) {
        if (profile && !profile->is_null()) return domain::fail(domain::ErrorCode::MalformedBody);
        return std::unexpected(domain::validation_error(domain::validate_profile(Json::object())));
    }
    if (auto causes = domain::validate_profile(*profile); !causes.empty())
        return std::unexpected(domain::validation_error(std::move(causes)));
    cmd.profile = *profile;

    if (const Json* type = body->find("type"); type && type->is_object()) {
        const Json* id = type->find("id");
        if (id && id->is_string() && id->as_string() != domain::kDefaultUserTypeId)
            return domain::validation("type", "The user type does not exist: " + id->as_string());
    }
    if (const Json* groups = body->find("groupIds"); groups && !groups->is_null()) {
        if (!groups->is_array()) return domain::fail(domain::ErrorCode::MalformedBody);
        if (groups->as_array().size() > 100) {
            return domain::fail(domain::ErrorCode::TargetCountExceeded, {},
                                {{"The number of group targets is too large"}});
        }
        for (const auto& g : groups->as_array()) {
            if (!g.is_string() || g.as_string().empty() || g.as_string().size() > 64)
                return domain::not_found(g.is_string() ? g.as_string() : g.dump(), "UserGroup");
            if (std::find(out.group_ids.begin(), out.group_ids.end(), g.as_string()) ==
                out.group_ids.end())
                out.group_ids.push_back(g.as_string());
        }
    }

    const Json* creds = body->find("credentials");
    if (creds && !creds->is_null() && !creds->is_object())
        return domain::fail(domain::ErrorCode::MalformedBody);
    std::optional<PasswordInput>& password = out.password;
    std::optional<RecoveryInput>& recovery = out.recovery;
    if (creds && creds->is_object()) {
        auto pw = read_password(creds->find("password"));
        if (!pw) return std::unexpected(pw.error());
        password = std::move(*pw);
        auto rq = read_recovery(creds->find("recovery_question"), /*answer_required=*/true);
        if (!rq) return std::unexpected(rq.error());
        recovery = std::move(*rq);
        if (const Json* p = creds->find("provider"); p && p->is_object()) {
            const Json* type = p->find("type");
            const Json* name = p->find("name");
            std::string t = type && type->is_string() ? type->as_string() : "OKTA";
            static const char* kTypes[] = {"OKTA",       "ACTIVE_DIRECTORY", "LDAP",
                                           "FEDERATION", "SOCIAL",           "IMPORT"};
            bool known = false;
            for (auto* k : kTypes) known = known || t == k;
            if (!known) return domain::fail(domain::ErrorCode::MalformedBody);
            if (t != "OKTA" && !*provider)
                return domain::validation(
                    "provider", "Setting a provider requires the provider=true query parameter");
            cmd.provider_type = t;
            cmd.provider_name = name && name->is_string() ? name->as_string() : t;
            if ((t == "FEDERATION" || t == "SOCIAL") && password)
                return domain::validation("password",
                                          "Users with a federated provider cannot have a password");
        }
    }
    if (cmd.expire_password && !password)
        return domain::fail(domain::ErrorCode::NextLoginNeedsPassword);
    if (cmd.expire_password && !cmd.activate)
        return domain::fail(domain::ErrorCode::NextLoginNeedsActivate);

    out.login = profile->find("login")->as_string();
    cmd.id = ctx.app.ids.next(domain::id_prefix::kUser);
    // Activated without a way to sign in (PROVISIONED): Okta e-mails the activation link.
    const bool federated = cmd.provider_type == "FEDERATION" || cmd.provider_type == "SOCIAL";
    if (cmd.activate && !password && !federated) {
        cmd.activation_request_id = ctx.app.ids.next(domain::id_prefix::kLifecycleRequest);
        cmd.activation_token =
            link_token(ctx.app, cmd.activation_request_id, ctx.app.config.activation_token_ttl_ms)
                .issued;
    }
    return out;
}

/// Slow part, off the I/O thread: the password policy and argon2id, the recovery answer's hash.
domain::Result<void> hash_secrets(App& app, PreparedCreate& p) {
    if (p.password) {
        auto stored = prepare_password(app, *p.password, p.login);
        if (!stored) return std::unexpected(stored.error());
        p.cmd.password = std::move(*stored);
        if (p.password->is_import()) {
            p.cmd.provider_type = "IMPORT";
            p.cmd.provider_name = "IMPORT";
        }
    }
    if (p.recovery) p.cmd.recovery = prepare_recovery(app, *p.recovery);
    return {};
}

void commit(std::shared_ptr<RequestContext> ctx, std::shared_ptr<PreparedCreate> p, Reply reply) {
    UserDecision decide =
        [p](const std::optional<projections::UserRow>&,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
        auto taken = projections::user_id_by_login(tx, p->login);
        if (!taken) return std::unexpected(store_failure(taken.error()));
        auto events = domain::decide_create(p->cmd, taken->has_value());
        if (!events) return events;
        // groupIds: the memberships join the same batch; an unknown group aborts it all.
        if (auto joined =
                groups::add_new_user_to_groups(tx, p->group_ids, p->cmd.id, p->metadata, p->actor);
            !joined)
            return std::unexpected(joined.error());
        return events;
    };
    run_user_command_async(*ctx, p->cmd.id, Subject::New, std::move(decide), std::nullopt,
                           [ctx, reply](domain::Result<UserCommandResult> r) mutable {
                               // On the writer thread: render on an I/O thread instead.
                               ctx->app.run_on_io([ctx, reply, r = std::move(r)]() mutable {
                                   if (!r) return reply(std::unexpected(r.error()));
                                   reply(user_response(*ctx, r->row->user));
                               });
                           });
}

}  // namespace

void create_async(std::shared_ptr<RequestContext> ctx, std::shared_ptr<const HttpRequest> req,
                  Reply reply) {
    auto prepared = prepare(*ctx, *req);
    if (!prepared) return reply(std::unexpected(prepared.error()));
    auto p = std::make_shared<PreparedCreate>(std::move(*prepared));
    p->metadata = ctx->metadata().encode();
    p->actor = ctx->principal.user_id;
    if (!p->password && !p->recovery) return commit(std::move(ctx), std::move(p), std::move(reply));
    ctx->app.pool.post([ctx, p, reply]() mutable {
        if (auto r = hash_secrets(ctx->app, *p); !r) return reply(std::unexpected(r.error()));
        commit(std::move(ctx), std::move(p), std::move(reply));
    });
}

}  // namespace idledger::api::users
