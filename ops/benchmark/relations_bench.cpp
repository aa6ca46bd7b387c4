// `idledger-bench relations`: what memberships and assignments cost (issue #10). On one server:
// adding members, a user's groups and a user's appLinks (a user in 50 groups with 20 apps
// assigned through groups), next to GET /api/v1/users/{id} on the same server as the baseline;
// then one group grown through 10 k, 100 k and 1 M members (--max), measuring at each size adding
// a member, the first page of members and a member's groups.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "load.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace idledger::bench {

namespace {

std::string login_of(uint64_t n) { return "rel" + std::to_string(n) + "%40example.com"; }

std::string create_request(const std::string& token, uint64_t n) {
    const std::string login = "rel" + std::to_string(n) + "@example.com";
    return http_request("POST", "/api/v1/users?activate=false", token,
                        R"({"profile":{"firstName":"R","lastName":"L)" + std::to_string(n) +
                            R"(","email":")" + login + R"(","login":")" + login + R"("}})");
}

}  // namespace

int run_relations(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const uint64_t max = opt.count("max") ? std::stoull(opt.at("max")) : 100'000;
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 5;
    const auto duration = std::chrono::milliseconds(seconds * 1000);
    const std::string token = "bench-token-0123456789";
    const fs::path dir =
        fs::temp_directory_path() / ("idledger-bench-rel-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    Child server = serve(idledger, dir / "data", token);
    const uint16_t port = server.port;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    const ChildScope scope{server, dir};
    {
        // Fixtures: 2,000 users, 50 groups, 20 apps each assigned to one group; user 0 in all 50.
        std::cerr << "relations: 2,000 users, 50 groups, 20 apps...\n";
        uint64_t users = 2000;
        measure(port, 64, std::chrono::milliseconds(600'000), users,
                [&](uint64_t n) { return create_request(token, n); });
        std::vector<std::string> groups;
        for (int g = 0; g < 50; ++g)
            groups.push_back(
                json_string(request_once(port, http_request("POST", "/api/v1/groups", token,
                                                            R"({"profile":{"name":"Bench group )" +
                                                                std::to_string(g) + R"("}})")),
                            "id"));
        for (int a = 0; a < 20; ++a) {
            const std::string app = json_string(
                request_once(port, http_request("POST", "/api/v1/apps", token,
                                                R"({"name":"bookmark","label":"Bench app )" +
                                                    std::to_string(a) +
                                                    R"(","settings":{"app":{"url":"https://app)" +
                                                    std::to_string(a) + R"(.example.com"}}})")),
                "id");
            request_once(port, http_request("PUT", "/api/v1/apps/" + app + "/groups/" + groups[a],
                                            token, ""));
        }
        for (const auto& g : groups)
            request_once(port, http_request("PUT", "/api/v1/groups/" + g + "/users/" + login_of(0),
                                            token, ""));
        const std::string probe = json_string(
            request_once(port, http_request("GET", "/api/v1/users/" + login_of(0), token, "")),
            "id");

        std::cerr << "relations: GET /users/{id} (baseline), the user's groups, its appLinks, "
                     "adding members...\n";
        auto get = measure(port, 64, duration, 0, [&](uint64_t n) {
            return http_request("GET", "/api/v1/users/" + login_of(n % users), token, "");
        });
        auto user_groups = measure(port, 64, duration, 0, [&](uint64_t) {
            return http_request("GET", "/api/v1/users/" + probe + "/groups", token, "");
        });
        auto app_links = measure(port, 64, duration, 0, [&](uint64_t) {
            return http_request("GET", "/api/v1/users/" + probe + "/appLinks", token, "");
        });
        auto add = measure(port, 64, duration, users, [&](uint64_t n) {
            return http_request("PUT", "/api/v1/groups/" + groups[1] + "/users/" + login_of(n),
                                token, "");
        });

        std::printf(
            "\n| measure (64 connections, %d s each) | requests/s | p99 ms | ratio to GET "
            "/users/{id} |\n|---|---|---|---|\n",
            seconds);
        std::printf("| GET /api/v1/users/{id} (baseline) | %.0f | %.2f | 1.00 |\n", get.rate(),
                    get.percentile(99));
        std::printf(
            "| PUT /api/v1/groups/{id}/users/{uid} (add member, durable) | %.0f | %.2f | "
            "%.2f |\n",
            add.rate(), add.percentile(99), ratio(add.rate(), get.rate()));
        std::printf("| GET /api/v1/users/{id}/groups (51 groups) | %.0f | %.2f | %.2f |\n",
                    user_groups.rate(), user_groups.percentile(99),
                    ratio(user_groups.rate(), get.rate()));
        std::printf(
            "| GET /api/v1/users/{id}/appLinks (50 groups, 20 apps through groups) | %.0f "
            "| %.2f | %.2f |\n",
            app_links.rate(), app_links.percentile(99), ratio(app_links.rate(), get.rate()));

        // One group grown through 10 k, 100 k, 1 M members.
        const std::string big =
            json_string(request_once(port, http_request("POST", "/api/v1/groups", token,
                                                        R"({"profile":{"name":"Big"}})")),
                        "id");
        std::printf(
            "\n| members of one group | add member p99 ms (1 conn) | first page of 200 "
            "members p99 ms | a member's groups p99 ms | members added/s while growing "
            "|\n|---|---|---|---|---|\n");
        uint64_t members = 0;
        for (uint64_t size = 10'000; size <= max; size *= 10) {
            std::cerr << "relations: growing the group to " << size << " members...\n";
            if (users < size + 1000) {
                const uint64_t from = users;
                measure(port, 64, std::chrono::milliseconds(3'600'000), size + 1000 - users,
                        [&](uint64_t n) { return create_request(token, from + n); });
                users = size + 1000;
            }
            const uint64_t from = members;
            auto grow = measure(
                port, 64, std::chrono::milliseconds(3'600'000), size - members, [&](uint64_t n) {
                    return http_request(
                        "PUT", "/api/v1/groups/" + big + "/users/" + login_of(from + n), token, "");
                });
            members = size;
            auto add1 = measure(port, 1, std::chrono::milliseconds(60'000), 500, [&](uint64_t n) {
                return http_request("PUT", "/api/v1/groups/" + big + "/users/" + login_of(size + n),
                                    token, "");
            });
            auto page = measure(port, 1, std::chrono::milliseconds(60'000), 200, [&](uint64_t) {
                return http_request("GET", "/api/v1/groups/" + big + "/users?limit=200", token, "");
            });
            auto mine = measure(port, 1, std::chrono::milliseconds(60'000), 500, [&](uint64_t n) {
                return http_request(
                    "GET", "/api/v1/users/" + login_of((n * 7919) % size) + "/groups", token, "");
            });
            // The 500 added above are undone so the next size starts where it says.
            measure(port, 8, std::chrono::milliseconds(60'000), 500, [&](uint64_t n) {
                return http_request(
                    "DELETE", "/api/v1/groups/" + big + "/users/" + login_of(size + n), token, "");
            });
            std::printf("| %llu | %.2f | %.2f | %.2f | %.0f |\n", (unsigned long long)size,
                        add1.percentile(99), page.percentile(99), mine.percentile(99), grow.rate());
            std::fflush(stdout);
        }
    }
    return 0;
}

}  // namespace idledger::bench
