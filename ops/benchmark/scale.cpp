// `idledger-bench scale`: grows one store through 10 k, 100 k and 1 M users (--max) and measures
// at each size what a provisioning pipeline does: find a user by login or e-mail, search by a
// rare or a common last-name prefix, q with a rare prefix and with no match, GET by id on one
// and on 64 connections, the create rate while growing, /healthz while unindexed scans run, and
// the server's memory and data directory.

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "load.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace idledger::bench {

void write_scale_chart(const std::string& csv_path, const std::string& svg_path);

namespace {

std::string create_request(const std::string& token, uint64_t n) {
    const std::string login = "scale" + std::to_string(n) + "@example.com";
    const std::string body = R"({"profile":{"firstName":"F)" + std::to_string(n % 5000) +
                             R"(","lastName":")" + surname(n) + R"(","email":")" + login +
                             R"(","login":")" + login + R"("}})";
    return http_request("POST", "/api/v1/users?activate=false", token, body);
}

/// `count` requests on one connection; p50 / p99.
LoadResult one_by_one(uint16_t port, size_t count,
                      const std::function<std::string(uint64_t)>& make) {
    LoadSpec s;
    s.port = port;
    s.connections = 1;
    s.max_requests = count;
    s.duration = std::chrono::milliseconds(600'000);
    s.make_request = make;
    return run_load(s);
}

double dir_mb(const fs::path& dir) {
    uintmax_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return double(total) / (1 << 20);
}

}  // namespace

int run_scale(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const uint64_t max = opt.count("max") ? std::stoull(opt.at("max")) : 1'000'000;
    const std::string csv_path = opt.count("csv") ? opt.at("csv") : "scale.csv";
    const std::string svg_path = opt.count("svg") ? opt.at("svg") : "scale.svg";
    const std::string token = "bench-token-0123456789";
    fs::path work = fs::temp_directory_path() / ("idledger-scale-" + std::to_string(getpid()));
    fs::remove_all(work);
    fs::create_directories(work);
    Child server =
        spawn_and_wait_port({idledger, "serve", "--listen", "127.0.0.1:0", "--metrics-public",
                             "--workers", "0", "--data-dir", (work / "data").string()},
                            {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
    std::vector<uint64_t> steps;
    for (uint64_t n = 10'000; n <= max; n *= 10) steps.push_back(n);
    std::ofstream csv(csv_path);
    csv << "users,measure,p50_ms,p99_ms,rate_per_s\n";
    std::map<uint64_t, std::vector<std::pair<std::string, std::string>>> table;
    std::vector<std::string> ids;
    uint64_t made = 0;
    std::mt19937_64 rng(42);
    for (uint64_t target : steps) {
        std::cerr << "scale: growing to " << target << " users...\n";
        LoadSpec grow;
        grow.port = server.port;
        grow.connections = 64;
        grow.max_requests = target - made;
        grow.duration = std::chrono::milliseconds(3'600'000);
        grow.keep_bodies = true;
        const uint64_t base = made;
        grow.make_request = [&](uint64_t n) { return create_request(token, base + n); };
        LoadResult grown = run_load(grow);
        for (auto& id : created_ids(grown.bodies)) ids.push_back(std::move(id));
        grown.bodies.clear();
        made = target;
        auto row = [&](const std::string& name, const LoadResult& r, bool with_rate = false) {
            char cell[128];
            std::snprintf(cell, sizeof cell, with_rate ? "%.0f; %.1f" : "%.2f / %.2f",
                          with_rate ? r.rate() : r.percentile(50), r.percentile(99));
            table[target].push_back({name, cell});
            csv << target << "," << name << "," << r.percentile(50) << "," << r.percentile(99)
                << "," << r.rate() << "\n";
            if (r.non_2xx) std::cerr << "scale: " << name << ": " << r.non_2xx << " non-2xx\n";
        };
        row("create (64 connections): users/s; p99 ms", grown, true);
        // The lastUpdated of the user created 1,000 creates ago: a range of ~1,000 users.
        std::string recent;
        {
            const std::string body =
                fetch_once(server.port, "/api/v1/users/" + ids[made - 1000], token);
            const size_t at = body.find("\"lastUpdated\":\"");
            recent =
                at == std::string::npos ? "2000-01-01T00:00:00.000Z" : body.substr(at + 15, 24);
        }
        auto get = [&](const std::string& path) { return http_request("GET", path, token, ""); };
        auto pick = [&] { return rng() % made; };
        row("filter=profile.login eq", one_by_one(server.port, 200, [&](uint64_t) {
                return get("/api/v1/users?filter=" +
                           url_encode("profile.login eq \"scale" + std::to_string(pick()) +
                                      "@example.com\""));
            }));
        row("filter=profile.email eq", one_by_one(server.port, 200, [&](uint64_t) {
                return get("/api/v1/users?filter=" +
                           url_encode("profile.email eq \"scale" + std::to_string(pick()) +
                                      "@example.com\""));
            }));
        row("search=profile.lastName sw, rare prefix (0.1 %)",
            one_by_one(server.port, 100, [&](uint64_t n) {
                return get("/api/v1/users?limit=200&search=" +
                           url_encode("profile.lastName sw \"" + surname(n) + "\""));
            }));
        row("search=profile.lastName sw, common prefix (1 %)",
            one_by_one(server.port, 100, [&](uint64_t n) {
                return get("/api/v1/users?limit=200&search=" +
                           url_encode("profile.lastName sw \"" + surname(n).substr(0, 3) + "\""));
            }));
        row("q=, rare prefix", one_by_one(server.port, 200, [&](uint64_t n) {
                return get("/api/v1/users?q=" + surname(n));
            }));
        row("q=, no match", one_by_one(server.port, 200, [&](uint64_t n) {
                return get("/api/v1/users?q=Zq" + std::to_string(n));
            }));
        row("GET by id, 1 connection", one_by_one(server.port, 2000, [&](uint64_t) {
                return get("/api/v1/users/" + ids[pick()]);
            }));
        LoadSpec many;
        many.port = server.port;
        many.connections = 64;
        many.duration = std::chrono::milliseconds(5000);
        const uint64_t hot = std::min<uint64_t>(made, 100'000);
        many.make_request = [&](uint64_t n) {
            return get("/api/v1/users/" + ids[(n * 2654435761u) % hot]);
        };
        // The hot set read once first: a hot set is one that has been read (the users created
        // last are the ones whose renderings the create responses left in the cache).
        LoadSpec warm = many;
        warm.max_requests = hot;
        warm.duration = std::chrono::milliseconds(600'000);
        warm.make_request = [&](uint64_t n) { return get("/api/v1/users/" + ids[n % hot]); };
        run_load(warm);
        row("GET by id, 64 connections, 100 k hot: req/s; p99 ms", run_load(many), true);
        // /healthz while ten unindexed scans (bounded, paging with a cursor) run.
        LoadSpec scans;
        scans.port = server.port;
        scans.connections = 10;
        scans.duration = std::chrono::milliseconds(4000);
        scans.make_request = [&](uint64_t) {  // co has no index: a bounded scan, no match
            return get("/api/v1/users?search=" + url_encode("profile.lastName co \"zzz\""));
        };
        LoadResult health;
        std::thread bg([&] {
            health = one_by_one(server.port, 400,
                                [&](uint64_t) { return http_request("GET", "/healthz", "", ""); });
        });
        LoadResult scanned = run_load(scans);
        bg.join();
        row("unindexed search (co: one bounded scan page), 10 at once", scanned);
        row("filter=lastUpdated gt (the last 1,000 changed)",
            one_by_one(server.port, 50, [&](uint64_t) {
                return get("/api/v1/users?filter=" +
                           url_encode("lastUpdated gt \"" + recent + "\""));
            }));
        row("/healthz while those scans run", health);
        // The System Log over every event so far (bounded: since 2000, until 2999).
        const std::string window = "&since=2000-01-01T00%3A00%3A00Z&until=2999-01-01T00%3A00%3A00Z";
        row("System Log filter=target.id eq (one user's events)",
            one_by_one(server.port, 200, [&](uint64_t) {
                return get("/api/v1/logs?limit=100" + window +
                           "&filter=" + url_encode("target.id eq \"" + ids[pick()] + "\""));
            }));
        row("System Log filter=eventType eq, no such event",
            one_by_one(server.port, 50, [&](uint64_t) {
                return get("/api/v1/logs?limit=100" + window +
                           "&filter=" + url_encode("eventType eq \"user.lifecycle.suspend\""));
            }));
        row("System Log filter=actor.id eq, a rare actor, descending",
            one_by_one(server.port, 50, [&](uint64_t) {
                return get("/api/v1/logs?limit=100&sortOrder=DESCENDING" + window +
                           "&filter=" + url_encode("actor.id eq \"system\""));
            }));
        char mem[96];
        std::snprintf(mem, sizeof mem, "%.0f MB / %.0f MB", rss_mb(server.pid),
                      dir_mb(work / "data"));
        table[target].push_back({"RSS / data dir", mem});
    }
    stop(server);
    fs::remove_all(work);

    std::printf("\n| measure | %s |\n|---|",
                [&] {
                    std::string h;
                    for (auto s : steps)
                        h += (h.empty() ? "" : " | ") + std::to_string(s) + " users";
                    return h;
                }()
                    .c_str());
    for (size_t i = 0; i < steps.size(); ++i) std::printf("---|");
    std::printf("\n");
    const auto& first = table[steps.front()];
    for (size_t r = 0; r < first.size(); ++r) {
        std::printf("| %s |", first[r].first.c_str());
        for (auto s : steps) std::printf(" %s |", table[s][r].second.c_str());
        std::printf("\n");
    }
    csv.close();
    write_scale_chart(csv_path, svg_path);
    std::printf("\n(p50 / p99 in ms unless the row says otherwise; CSV in %s, chart in %s)\n",
                csv_path.c_str(), svg_path.c_str());
    return 0;
}

}  // namespace idledger::bench
