// The authorization matrix: every route of the route table × {no token, a bad token, each
// standard role, a custom role, a plain user}, through the in-memory harness. What each role may
// do is stated here independently of the server's own table (README "Authorization"), and every
// route's declared access is pinned in tests/golden/route_access.txt: a new route fails this test
// until its row is written there.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/context.hpp"
#include "support/api_harness.hpp"

using idledger::api::Access;
using idledger::api::Route;
using idledger::api::Who;
using idledger::testing::ApiHarness;
using idledger::testing::ApiReply;

namespace {

// The policy, as the README states it: what each role may do. "*" is everything; "X.manage"
// includes every permission under "X.".
const std::map<std::string, std::vector<std::string>>& policy() {
    static const std::map<std::string, std::vector<std::string>> kPolicy = {
        {"SUPER_ADMIN", {"*"}},
        {"ORG_ADMIN",
         {"okta.users.manage", "okta.groups.manage", "okta.apps.manage",
          "okta.identityProviders.manage", "okta.linkedObjects.manage", "okta.logs.read",
          "okta.templates.manage", "okta.threatInsights.manage", "okta.trustedOrigins.manage",
          "okta.networkZones.manage", "okta.roles.read", "okta.authzServers.manage",
          "okta.customizations.manage"}},
        {"READ_ONLY_ADMIN",
         {"okta.users.read", "okta.groups.read", "okta.apps.read", "okta.identityProviders.read",
          "okta.linkedObjects.read", "okta.logs.read", "okta.templates.read",
          "okta.threatInsights.read", "okta.trustedOrigins.read", "okta.networkZones.read",
          "okta.roles.read", "okta.authzServers.read", "okta.customizations.read"}},
        {"USER_ADMIN", {"okta.users.manage", "okta.groups.manage"}},
        {"HELP_DESK_ADMIN",
         {"okta.users.read", "okta.groups.read", "okta.users.credentials.resetPassword",
          "okta.users.credentials.expirePassword", "okta.users.credentials.resetFactors",
          "okta.users.lifecycle.unlock"}},
        {"APP_ADMIN", {"okta.apps.manage", "okta.users.read", "okta.groups.read"}},
        {"GROUP_MEMBERSHIP_ADMIN",
         {"okta.users.read", "okta.groups.read", "okta.groups.members.manage"}},
        {"REPORT_ADMIN", {"okta.logs.read"}},
        {"API_ACCESS_MANAGEMENT_ADMIN", {"okta.authzServers.manage", "okta.apps.read"}},
        {"MOBILE_ADMIN", {"okta.users.read", "okta.groups.read"}},
        {"ACCESS_CERTIFICATIONS_ADMIN", {"okta.users.read", "okta.groups.read"}},
        {"ACCESS_REQUESTS_ADMIN", {"okta.users.read", "okta.groups.read"}},
        {"WORKFLOWS_ADMIN", {"okta.users.read", "okta.groups.read"}},
        // The custom role made below grants exactly these.
        {"CUSTOM", {"okta.users.read", "okta.users.lifecycle.unlock"}},
        {"PLAIN", {}},
    };
    return kPolicy;
}

bool grants(const std::vector<std::string>& held, std::string_view permission) {
    for (const auto& g : held) {
        if (g == "*" || g == permission) return true;
        if (g.ends_with(".manage") &&
            permission.starts_with(std::string_view(g).substr(0, g.size() - 6)))
            return true;
    }
    return false;
}

std::string who_name(Who w) {
    switch (w) {
        case Who::Public:
            return "public";
        case Who::Anyone:
            return "anyone";
        case Who::Permission:
            return "permission";
        case Who::SelfOr:
            return "self-or";
        case Who::SelfOnly:
            return "self-only";
        case Who::Operations:
            return "operations";
    }
    return "?";
}

std::string route_line(const Route& r) {
    std::string line =
        std::string(r.method) + " " + std::string(r.pattern) + " " + who_name(r.access.who);
    if (!r.access.permission.empty()) line += " " + std::string(r.access.permission);
    return line;
}

/// The route's path with every parameter replaced: {userId} by `user`, others by ids nothing
/// holds (so allowed requests end in the handler's 404 or 400 and change nothing).
std::string fill(std::string_view pattern, const std::string& user) {
    std::string out;
    size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] != '{') {
            out.push_back(pattern[i++]);
            continue;
        }
        const size_t end = pattern.find('}', i);
        const std::string_view name = pattern.substr(i + 1, end - i - 1);
        if (name == "userId")
            out += user;
        else if (name == "notificationType")
            out += "USER_DEPROVISION";
        else if (name == "roleTypeOrRoleId")
            out += "cr0nosuchrole000001x";
        else
            out += "nosuch" + std::string(name);
        i = end + 1;
    }
    return out;
}

bool refused_for_permission(const ApiReply& r) {
    return r.status == 403 && r.body.is_object() && r.body.string_at("errorCode") == "E0000006";
}

struct Principal {
    std::string name;  // a key of policy()
    std::string token;
    std::string user_id;
};

class AuthorizationMatrix : public ::testing::Test {
  protected:
    static ApiHarness& api() {
        static ApiHarness harness;
        return harness;
    }

    static std::string user_with(const std::string& name) {
        static int n = 0;
        const std::string login = "matrix" + std::to_string(++n) + "@example.com";
        auto created =
            api().post("/api/v1/users?activate=true",
                       R"({"profile":{"firstName":"M","lastName":")" + name + R"(","email":")" +
                           login + R"(","login":")" + login +
                           R"("},"credentials":{"password":{"value":"Matrix-Pass-1234"}}})");
        EXPECT_EQ(created.status, 200) << created.text;
        return created.body.string_at("id");
    }

    static std::string token_for(const std::string& user_id) {
        auto t =
            api().post("/api/v1/api-tokens", R"({"name":"matrix","userId":")" + user_id + R"("})");
        EXPECT_EQ(t.status, 200) << t.text;
        return t.body.string_at("token");
    }

    static const std::vector<Principal>& principals() {
        static const std::vector<Principal> kAll = [] {
            std::vector<Principal> out;
            auto role =
                api().post("/api/v1/iam/roles",
                           R"({"label":"MatrixUnlocker","description":"reads and unlocks users",)"
                           R"("permissions":["okta.users.read","okta.users.lifecycle.unlock"]})");
            EXPECT_EQ(role.status, 200) << role.text;
            for (const auto& [name, _] : policy()) {
                const std::string uid = user_with(name);
                if (name == "CUSTOM") {
                    auto a = api().post(
                        "/api/v1/users/" + uid + "/roles",
                        R"({"type":"CUSTOM","role":")" + role.body.string_at("id") + R"("})");
                    EXPECT_EQ(a.status, 201) << a.text;
                } else if (name != "PLAIN") {
                    auto a = api().post("/api/v1/users/" + uid + "/roles",
                                        R"({"type":")" + name + R"("})");
                    EXPECT_EQ(a.status, 201) << a.text;
                }
                out.push_back({name, token_for(uid), uid});
            }
            return out;
        }();
        return kAll;
    }
};

TEST_F(AuthorizationMatrix, EveryRouteDeclaresTheAccessPinnedInTheGoldenFile) {
    std::ifstream in(std::string(GOLDEN_DIR) + "/route_access.txt");
    ASSERT_TRUE(in) << "tests/golden/route_access.txt is missing";
    std::set<std::string> pinned;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') pinned.insert(line);
    std::set<std::string> declared;
    for (const auto& r : idledger::api::route_table()) declared.insert(route_line(r));
    for (const auto& line : declared)
        EXPECT_TRUE(pinned.count(line))
            << "route not in tests/golden/route_access.txt (add it, and to the README's "
               "permission table): "
            << line;
    for (const auto& line : pinned)
        EXPECT_TRUE(declared.count(line)) << "pinned route no longer declared: " << line;
}

TEST_F(AuthorizationMatrix, EveryCellOfTheRouteTableAnswersAsThePolicySays) {
    const auto& people = principals();
    // Revoking the current token goes last: it ends the caller's token.
    std::vector<Route> routes = idledger::api::route_table();
    std::stable_partition(routes.begin(), routes.end(),
                          [](const Route& r) { return r.pattern != "/api/v1/api-tokens/current"; });
    size_t cells = 0, refusals = 0;
    for (const auto& r : routes) {
        const std::string method(r.method);
        const std::string other = fill(r.pattern, "00unosuchuser0000001");
        const bool open = r.access.who == Who::Public;
        // No token, and a token nobody issued.
        auto none = api().request(method, other, {}, std::string());
        auto bad = api().request(method, other, {}, std::string("00notatoken"));
        ++cells;
        if (open) {
            // An OAuth endpoint refuses a missing client or token in OAuth's own words
            // ({"error": ...}, RFC 6749/6750); no open route asks for an API token.
            const bool oauth_refusal = !none.body.string_at("error").empty();
            if (!oauth_refusal) {
                EXPECT_NE(none.status, 401) << route_line(r);
                EXPECT_NE(none.status, 403) << route_line(r);
            }
            EXPECT_TRUE(none.body.string_at("errorCode") != "E0000005") << route_line(r);
        } else {
            EXPECT_EQ(none.status, 403) << route_line(r) << " " << none.text;
            EXPECT_EQ(none.body.string_at("errorCode"), "E0000005") << route_line(r);
            EXPECT_EQ(bad.status, 401) << route_line(r) << " " << bad.text;
            EXPECT_EQ(bad.body.string_at("errorCode"), "E0000011") << route_line(r);
        }
        for (const auto& p : people) {
            const auto& held = policy().at(p.name);
            const bool self_route = r.access.who == Who::SelfOr || r.access.who == Who::SelfOnly;
            // On someone else (or on no user at all).
            bool allowed = false;
            switch (r.access.who) {
                case Who::Public:
                case Who::Anyone:
                    allowed = true;
                    break;
                case Who::Permission:
                case Who::SelfOr:
                case Who::Operations:
                    allowed = grants(held, r.access.permission);
                    break;
                case Who::SelfOnly:
                    allowed = false;
                    break;
            }
            auto reply = api().request(method, other, {}, p.token);
            ++cells;
            refusals += refused_for_permission(reply);
            EXPECT_EQ(refused_for_permission(reply), !allowed)
                << p.name << " on another user: " << route_line(r) << " -> " << reply.status << " "
                << reply.text;
            if (!self_route) continue;
            // On themselves ("me" and their own id): always allowed.
            for (const std::string& me : {std::string("me"), p.user_id}) {
                auto mine = api().request(method, fill(r.pattern, me), {}, p.token);
                ++cells;
                EXPECT_FALSE(refused_for_permission(mine))
                    << p.name << " on themselves (" << me << "): " << route_line(r) << " -> "
                    << mine.status << " " << mine.text;
            }
        }
    }
    EXPECT_GT(cells, idledger::api::route_table().size() * 16);
    // Both answers occur in quantity: the matrix is not vacuous either way.
    EXPECT_GT(refusals, cells / 4);
    EXPECT_LT(refusals, cells * 3 / 4);
}

}  // namespace
