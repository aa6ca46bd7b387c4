// `idledger-bench replicas`: what a read replica costs and gives (issue #15). On one machine: a
// primary publishing its log and one replica following it. Measured: reads by id per second and
// CPU per read on each; how long a write takes to become visible on the replica while the
// primary takes creates (p50/p99); a write forwarded through the replica against the same write
// sent to the primary. Processes share the two cores here, so the projection for N replicas on
// N machines is made from CPU per read, not from the rates seen on this machine.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "load.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace idledger::bench {
namespace {

uint64_t log_position(uint16_t port) {
    const std::string body = fetch_once(port, "/readyz");
    const auto at = body.find("\"logPosition\":");
    if (at == std::string::npos) return 0;
    return std::stoull(body.substr(at + 14));
}

bool ready(uint16_t port) {
    try {
        return fetch_once(port, "/readyz").find("\"ready\"") != std::string::npos;
    } catch (const std::exception&) {
        return false;
    }
}

struct ReadRow {
    double rate = 0;
    double cpu_us_per_read = 0;
    double p99_ms = 0;
};

ReadRow reads(const Child& node, const std::string& token, const std::vector<std::string>& ids,
              int connections, std::chrono::milliseconds duration) {
    const double cpu0 = cpu_seconds(node.pid);
    auto r = measure(node.port, connections, duration, 0, [&](uint64_t n) {
        return http_request("GET", "/api/v1/users/" + ids[(n * 7919) % ids.size()], token, "");
    });
    const double cpu = cpu_seconds(node.pid) - cpu0;
    return {r.rate(), r.requests ? cpu / double(r.requests) * 1e6 : 0, r.percentile(99)};
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p / 100 * double(v.size())))];
}

}  // namespace

int run_replicas(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 5;
    const int users = opt.count("users") ? std::stoi(opt.at("users")) : 5000;
    const int connections = opt.count("connections") ? std::stoi(opt.at("connections")) : 32;
    const auto duration = std::chrono::milliseconds(seconds * 1000);
    const std::string token = "bench-replicas-0123456789";
    const fs::path root =
        fs::temp_directory_path() / ("idledger-replicas-" + std::to_string(::getpid()));
    fs::create_directories(root);

    Child primary =
        spawn_and_wait_port({idledger, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                             (root / "primary").string(), "--publish-log", "--metrics-public"},
                            {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
    ChildScope primary_scope{primary, root};
    std::cout << "preloading " << users << " users on the primary..." << std::endl;
    auto preload = measure(
        primary.port, 16, std::chrono::hours(1), uint64_t(users),
        [&](uint64_t n) {
            return create_user_request(token, "rep" + std::to_string(n) + "@example.com",
                                       surname(n), "?activate=false");
        },
        /*keep_bodies=*/true);
    const auto ids = created_ids(preload.bodies);
    std::string bootstrap;
    std::getline(std::ifstream(root / "primary" / "kafka-bootstrap"), bootstrap);

    const auto snapshot_start = std::chrono::steady_clock::now();
    Child replica = spawn_and_wait_port(
        {idledger, "replica", "--listen", "127.0.0.1:0", "--data-dir", (root / "replica").string(),
         "--primary", "http://127.0.0.1:" + std::to_string(primary.port), "--kafka-brokers",
         bootstrap, "--metrics-public"},
        {"IDLEDGER_PRIMARY_TOKEN=" + token});
    ChildScope replica_scope{replica, {}};
    while (!ready(replica.port)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double start_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - snapshot_start).count();

    const ReadRow on_primary = reads(primary, token, ids, connections, duration);
    const ReadRow on_replica = reads(replica, token, ids, connections, duration);

    const auto create_load = [&](const std::string& tag) {
        return measure(primary.port, connections, duration, 0, [&, tag](uint64_t n) {
            return create_user_request(token, tag + std::to_string(n) + "@example.com", surname(n),
                                       "?activate=false");
        });
    };
    const auto caught_up = [&] {
        const uint64_t head = log_position(primary.port);
        while (log_position(replica.port) < head)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    };
    // The replica's CPU per folded event, under the primary's create load (nothing else asks it
    // anything meanwhile).
    const double replica_cpu0 = cpu_seconds(replica.pid);
    const uint64_t head0 = log_position(primary.port);
    auto creates = create_load("load");
    caught_up();
    const uint64_t folded = log_position(primary.port) - head0;
    const double replica_fold_cpu = cpu_seconds(replica.pid) - replica_cpu0;

    // Visibility under the same load: again and again, the primary's head is read and the time
    // until the replica has folded it is taken.
    std::atomic<bool> loading{true};
    std::vector<double> visible_ms;
    std::thread sampler([&] {
        while (loading) {
            const uint64_t head = log_position(primary.port);
            const auto t0 = std::chrono::steady_clock::now();
            while (log_position(replica.port) < head)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            visible_ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count());
        }
    });
    create_load("seen");
    loading = false;
    sampler.join();
    caught_up();

    // A write through the replica against the same write sent to the primary, one at a time.
    const auto one_by_one = [&](uint16_t port, const std::string& tag) {
        return measure(port, 1, std::chrono::milliseconds(seconds * 400), 0, [&, tag](uint64_t n) {
            return create_user_request(token, tag + std::to_string(n) + "@example.com", surname(n),
                                       "?activate=false");
        });
    };
    auto direct = one_by_one(primary.port, "direct");
    auto forwarded = one_by_one(replica.port, "fwd");

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("\nidledger replicas: %d users, %d connections, %d s per row, %u cores shared\n",
                users, connections, seconds, cores);
    std::printf("replica start (snapshot copy, open, ready)   %8.2f s\n", start_s);
    std::printf("%-44s %10s %14s %10s\n", "", "reads/s", "CPU us/read", "p99 ms");
    std::printf("%-44s %10.0f %14.1f %10.2f\n", "GET /users/{id} on the primary", on_primary.rate,
                on_primary.cpu_us_per_read, on_primary.p99_ms);
    std::printf("%-44s %10.0f %14.1f %10.2f\n", "GET /users/{id} on the replica", on_replica.rate,
                on_replica.cpu_us_per_read, on_replica.p99_ms);
    std::printf("creates on the primary meanwhile             %8.0f /s (%llu events)\n",
                creates.rate(), static_cast<unsigned long long>(folded));
    std::printf(
        "write visible on the replica after           p50 %.2f ms, p99 %.2f ms (%zu samples)\n",
        percentile(visible_ms, 50), percentile(visible_ms, 99), visible_ms.size());
    std::printf("replica CPU to fold the log                  %8.1f us/event\n",
                folded ? replica_fold_cpu / double(folded) * 1e6 : 0);
    std::printf("create, sent to the primary                  p50 %.2f ms, p99 %.2f ms\n",
                direct.percentile(50), direct.percentile(99));
    std::printf("create, forwarded by the replica             p50 %.2f ms, p99 %.2f ms\n",
                forwarded.percentile(50), forwarded.percentile(99));
    const double per_machine =
        on_replica.cpu_us_per_read > 0 ? double(cores) * 1e6 / on_replica.cpu_us_per_read : 0;
    std::printf(
        "projected reads/s, one replica per %u-core machine: %.0f each (cores / CPU per "
        "read); N replicas: N x %.0f\n",
        cores, per_machine, per_machine);
    return 0;
}

}  // namespace idledger::bench
