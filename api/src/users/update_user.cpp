// POST /api/v1/users/{userId} (partial update) and PUT /api/v1/users/{userId} (replace).

#include "core/json_io.hpp"
#include "idledger/domain/user_decide.hpp"
#include "idledger/domain/user_rules.hpp"
#include "users/credentials_input.hpp"
#include "users/handlers.hpp"
#include "users/password_history.hpp"
#include "users/user_commands.hpp"
#include "users/user_json.hpp"

namespace idledger::api::users {

using domain::Json;

namespace {

enum class Mode { Merge, Replace };

domain::Result<void> check_if_match(const HttpRequest& req, const domain::User& user) {
    const std::string* im = req.header("if-match");
    if (!im) return {};
    std::string_view v(*im);
    if (v == "*") return {};
    if (v.starts_with("W/")) v.remove_prefix(2);
    if (v.size() < 2 || v.front() != '"' || v.back() != '"')
        return domain::fail(domain::ErrorCode::EtagMalformed);
    if (v != user_etag(user)) return domain::fail(domain::ErrorCode::EtagMismatch);
    return {};
}

R update(RequestContext& ctx, const HttpRequest& req, Mode mode) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto strict = bool_param(req, "strict", false);
    if (!strict) return std::unexpected(strict.error());
    const Json* profile = body->find("profile");
    if (profile && !profile->is_null() && !profile->is_object())
        return domain::fail(domain::ErrorCode::MalformedBody);
    const Json* creds = body->find("credentials");
    // PUT replaces the profile, the credentials, or both (Okta's current contract): a PUT with
    // credentials only leaves the profile as it is; a PUT with neither is a blank profile.
    const bool has_creds = creds && creds->is_object();
    if (mode == Mode::Replace && (!profile || profile->is_null()) && !has_creds)
        return std::unexpected(domain::validation_error(domain::validate_profile(Json::object())));
    if (creds && !creds->is_null() && !creds->is_object())
        return domain::fail(domain::ErrorCode::MalformedBody);
    std::optional<PasswordInput> password;
    std::optional<RecoveryInput> recovery;
    if (creds && creds->is_object()) {
        auto pw = read_password(creds->find("password"));
        if (!pw) return std::unexpected(pw.error());
        password = std::move(*pw);
        auto rq = read_recovery(creds->find("recovery_question"), /*answer_required=*/false);
        if (!rq) return std::unexpected(rq.error());
        if (*rq && (*rq)->answer) recovery = std::move(*rq);
    }
    std::optional<std::string> type_id;
    if (const Json* type = body->find("type"); type && type->is_object()) {
        const Json* id = type->find("id");
        if (id && id->is_string()) {
            if (id->as_string() != domain::kDefaultUserTypeId)
                return domain::validation("type",
                                          "The user type does not exist: " + id->as_string());
            type_id = id->as_string();
        }
    }

    // What is read here serves the checks that cost (hashing, password history); everything that
    // depends on the user's latest state — status, If-Match, the merge, login uniqueness — is
    // decided on the writer, so unconditional updates never fail for a lost race and an
    // If-Match update fails exactly when the ETag no longer holds.
    auto row = find_user_or_404(ctx, resolve_user_ref(ctx, ctx.param("userId")));
    if (!row) return std::unexpected(row.error());
    const domain::User& current = row->user;
    if (current.status == domain::UserStatus::Deprovisioned)
        return domain::not_found(ctx.param("userId"), "User");
    if (auto r = check_if_match(req, current); !r) return std::unexpected(r.error());

    domain::UpdateUserCommand prepared;
    prepared.type_id = type_id;
    if (password) {
        std::string login = current.login();
        if (profile && profile->is_object())
            if (const Json* l = profile->find("login"); l && l->is_string()) login = l->as_string();
        if (*strict && password->value) {
            if (auto r = check_password_reuse(ctx.app, current, *password->value, /*strict=*/true);
                !r)
                return std::unexpected(r.error());
        }
        auto stored = prepare_password(ctx.app, *password, login);
        if (!stored) return std::unexpected(stored.error());
        prepared.password = std::move(*stored);
        prepared.password_is_import = password->is_import();
    }
    if (recovery) prepared.recovery = prepare_recovery(ctx.app, *recovery);

    const std::string id = current.id;
    const std::string& ref = ctx.param("userId");
    auto result = run_user_command(
        ctx, id, Subject::Existing,
        [&](const std::optional<projections::UserRow>& r,
            eventstore::Transaction& tx) -> domain::Result<std::vector<domain::Event>> {
            const domain::User& latest = r->user;
            if (latest.status == domain::UserStatus::Deprovisioned)
                return domain::not_found(ref, "User");
            if (auto m = check_if_match(req, latest); !m) return std::unexpected(m.error());
            domain::UpdateUserCommand cmd = prepared;
            if (profile && profile->is_object()) {
                Json next = mode == Mode::Merge ? domain::merge_profile(latest.profile, *profile)
                                                : *profile;
                if (auto causes = domain::validate_profile(next); !causes.empty())
                    return std::unexpected(domain::validation_error(std::move(causes)));
                cmd.profile = std::move(next);
            }
            bool taken = false;
            if (cmd.profile) {
                const std::string login = cmd.profile->find("login")->as_string();
                if (domain::normalize_login(login) != domain::normalize_login(latest.login())) {
                    auto owner = projections::user_id_by_login(tx, login);
                    if (!owner) return std::unexpected(store_failure(owner.error()));
                    taken = owner->has_value() && **owner != id;
                }
            }
            return domain::decide_update(latest, cmd, taken);
        });
    if (!result) return std::unexpected(result.error());
    return user_response(ctx, result->row->user);
}

}  // namespace

R update_partial(RequestContext& ctx, const HttpRequest& req) {
    return update(ctx, req, Mode::Merge);
}
R replace(RequestContext& ctx, const HttpRequest& req) { return update(ctx, req, Mode::Replace); }

}  // namespace idledger::api::users
