#include "lifecycle_bench.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "idledger/workers/kafka.hpp"
#include "load.hpp"
#include "process.hpp"

namespace idledger::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

/// The broker's own two-hop rate: messages produced to A, consumed and produced to B by a
/// forwarder, consumed from B — the shape of a request and its result, without idledger. (The
/// mock broker creates both topics on first use, with its default 4 partitions.)
double raw_round_trips(const std::string& bootstrap, size_t messages) {
    workers::KafkaSettings k{bootstrap, true};
    auto source = workers::Producer::create(k, "bench-source");
    auto forward = workers::Producer::create(k, "bench-forward");
    auto in_a = workers::Consumer::create(k, "bench-a", {"bench.roundtrip.a"}, "bench-a");
    auto in_b = workers::Consumer::create(k, "bench-b", {"bench.roundtrip.b"}, "bench-b");
    if (!source || !forward || !in_a || !in_b) throw std::runtime_error("kafka clients");
    std::atomic<size_t> received{0};
    std::atomic<bool> stop{false};
    std::thread forwarder([&] {
        while (!stop) {
            auto m = (*in_a)->poll(50);
            if (!m) continue;
            (*forward)->produce("bench.roundtrip.b", m->key, m->value,
                                [](bool, const std::string&) {});
            (*in_a)->done(*m);
        }
    });
    std::thread sink([&] {
        while (!stop) {
            auto m = (*in_b)->poll(50);
            if (!m) continue;
            received += 1;
            (*in_b)->done(*m);
        }
    });
    const std::string payload(200, 'x');
    // Warm up: both groups joined once one message has gone all the way.
    (*source)->produce("bench.roundtrip.a", "warm", payload, [](bool, const std::string&) {});
    const auto warm_deadline = Clock::now() + std::chrono::seconds(30);
    while (received < 1 && Clock::now() < warm_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const size_t base = received;
    const auto t0 = Clock::now();
    for (size_t i = 0; i < messages; ++i)
        (*source)->produce("bench.roundtrip.a", "user" + std::to_string(i % 997), payload,
                           [](bool, const std::string&) {});
    const auto deadline = t0 + std::chrono::seconds(60);
    while (received < base + messages && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    stop = true;
    forwarder.join();
    sink.join();
    return secs > 0 ? double(received - base) / secs : 0;
}

}  // namespace

LifecycleFigures measure_lifecycle(const std::string& idledger, const fs::path& dir,
                                   const std::string& token, int connections, size_t users) {
    LifecycleFigures f;
    Child server =
        spawn_and_wait_port({idledger, "serve", "--listen", "127.0.0.1:0", "--metrics-public",
                             "--data-dir", dir.string(), "--workers", "0"},
                            {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
    std::string bootstrap;
    std::getline(std::ifstream(dir / "kafka-bootstrap"), bootstrap);
    // Activations need a worker: one process for the latency part.
    Child first_worker = spawn_and_wait_port(
        {idledger, "worker", "--kafka-brokers", bootstrap, "--data-dir", dir.string()}, {},
        "consumer(s) in group");

    // Staged users with an imported password hash (cheap to create; activation lands in ACTIVE).
    auto seed = [&](const std::string& tag, size_t n) {
        LoadSpec s;
        s.port = server.port;
        s.connections = connections;
        s.max_requests = n;
        s.duration = std::chrono::milliseconds(120'000);
        s.keep_bodies = true;
        s.make_request = [&, tag](uint64_t i) {
            return create_user_request(
                token, "lc" + tag + std::to_string(i) + "@example.com", "Cycle", "?activate=false",
                R"({"password":{"hash":{"algorithm":"SHA-256","value":"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}}})");
        };
        return created_ids(run_load(s).bodies);
    };

    // Activation latency: one caller at a time, each call waits for its completion.
    std::cerr
        << "lifecycle: activation latency (request to ACTIVE) through the embedded broker...\n";
    auto staged = seed("a", 1001);
    {
        LoadSpec warm;  // the first call also waits for the consumer groups to form
        warm.port = server.port;
        warm.connections = 1;
        warm.max_requests = 1;
        warm.duration = std::chrono::milliseconds(30'000);
        warm.make_request = [&](uint64_t) {
            return http_request(
                "POST", "/api/v1/users/" + staged.back() + "/lifecycle/activate?sendEmail=false",
                token, "");
        };
        run_load(warm);
        staged.pop_back();
    }
    LoadSpec act;
    act.port = server.port;
    act.connections = 1;
    act.max_requests = staged.size();
    act.duration = std::chrono::milliseconds(120'000);
    act.make_request = [&](uint64_t n) {
        return http_request(
            "POST",
            "/api/v1/users/" + staged[n % staged.size()] + "/lifecycle/activate?sendEmail=false",
            token, "");
    };
    LoadResult activations = run_load(act);
    f.activations = activations.requests;
    f.activation_p50_ms = activations.percentile(50);
    f.activation_p99_ms = activations.percentile(99);
    stop(first_worker);

    // Asynchronous deactivation: accepted at once (202). This server runs no workers, so the
    // requests wait in the outbox; then a worker process starts and the backlog drains: the
    // completion rate is measured from the first completion to the last.
    std::cerr << "lifecycle: " << users << " deactivations with Prefer: respond-async...\n";
    auto victims = seed("d", users);
    LoadSpec deact;
    deact.port = server.port;
    deact.connections = connections;
    deact.max_requests = victims.size();
    deact.duration = std::chrono::milliseconds(120'000);
    deact.make_request = [&](uint64_t n) {
        return http_request("POST", "/api/v1/users/" + victims[n] + "/lifecycle/deactivate", token,
                            "", "Prefer: respond-async\r\n");
    };
    LoadResult accepted = run_load(deact);
    f.deactivations = accepted.requests;
    f.accepted_per_s = accepted.rate();
    auto applied = [&] {
        return metric(fetch_once(server.port, "/metrics"),
                      "idledger_lifecycle_results_applied_total");
    };
    const double before = applied();
    std::cerr << "lifecycle: draining the backlog with an `idledger worker` process...\n";
    Child worker = spawn_and_wait_port(
        {idledger, "worker", "--kafka-brokers", bootstrap, "--data-dir", dir.string()}, {},
        "consumer(s) in group");
    const auto deadline = Clock::now() + std::chrono::seconds(180);
    Clock::time_point first{};
    double at_first = 0, now = before;
    while (Clock::now() < deadline && now - before < double(accepted.requests)) {
        now = applied();
        if (first == Clock::time_point{} && now > before) {
            first = Clock::now();
            at_first = now;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const double secs = std::chrono::duration<double>(Clock::now() - first).count();
    f.completed_per_s = first != Clock::time_point{} && secs > 0 ? (now - at_first) / secs : 0;
    stop(worker);

    // The same broker, raw.
    std::cerr << "lifecycle: the embedded broker's raw two-hop produce-consume rate...\n";
    f.raw_messages = users;
    f.raw_round_trips_per_s = raw_round_trips(bootstrap, users);
    stop(server);
    return f;
}

}  // namespace idledger::bench
