// What role and user subscriptions share: the JSON, the document, recording a change.

#include "subscriptions/subscriptions.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "roles/roles.hpp"

namespace idledger::api::subscriptions {

using domain::Json;

std::vector<Route> routes() {
    std::vector<Route> out = role_routes();
    auto users = user_routes();
    out.insert(out.end(), users.begin(), users.end());
    return out;
}

Json render(const RequestContext& ctx, const std::string& base, std::string_view type,
            std::string_view status) {
    const std::string self = ctx.base_url + base + "/subscriptions/" + std::string(type);
    Json j = Json::object();
    j.set("notificationType", std::string(type));
    Json channels = Json::array();
    channels.push("email");
    j.set("channels", std::move(channels));
    j.set("status", std::string(status));
    Json links = Json::object();
    const bool subscribed = status == "subscribed";
    links.set(subscribed ? "unsubscribe" : "subscribe",
              hal_link(self + (subscribed ? "/unsubscribe" : "/subscribe"), {"POST"}));
    links.set("self", hal_link(self));
    j.set("_links", std::move(links));
    return j;
}

domain::Result<std::optional<Json>> settings(App& app) {
    auto d = app.documents.get(domain::kSubscriptions, domain::kSubscriptionsId);
    if (!d) return std::unexpected(store_failure(d.error()));
    if (!*d) return std::optional<Json>{};
    return std::optional<Json>((*d)->state);
}

domain::Result<HttpResponse> change(RequestContext& ctx, const std::string& owner,
                                    std::string_view type, bool subscribe) {
    const std::string actor = ctx.principal.user_id;
    auto done = run_document_command(
        ctx, domain::kSubscriptions, std::string(domain::kSubscriptionsId), Subject::Either,
        [&](const std::optional<projections::Document>&,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return std::vector{domain::decide_subscription(owner, type, subscribe, actor)};
        });
    if (!done) return std::unexpected(done.error());
    return empty_response(200);
}

domain::Result<std::vector<domain::HeldRole>> held_roles(App& app, const domain::User& user) {
    auto held = roles::held_assignments(app, user);
    if (!held) return std::unexpected(held.error());
    std::vector<domain::HeldRole> out;
    for (const auto& [a, group] : *held) out.push_back(domain::held_role(a));
    return out;
}

}  // namespace idledger::api::subscriptions
