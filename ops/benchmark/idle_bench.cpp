// `idledger-bench idle`: the CPU an idle `idledger serve` uses (issue #14 asks for < 1 % of a
// core). The server starts with its defaults (the embedded broker, in-process workers), does a
// little of everything asynchronous (activations with e-mails, so every consumer and producer has
// worked), settles, and is then left alone: its CPU time over the window, from /proc, as a share
// of one core, in total and by thread name (librdkafka names its threads rdk:main,
// rdk:broker..., the mock cluster's is its own; ours are named by the server).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "process.hpp"

namespace fs = std::filesystem;

namespace idledger::bench {

int run_idle(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 30;
    const int settle = opt.count("settle") ? std::stoi(opt.at("settle")) : 5;
    const fs::path dir =
        fs::temp_directory_path() / ("idledger-idle-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string token = "idle-bench-token-0123456789abcdef";
    Child server = serve(idledger, dir / "data", token);
    ChildScope scope{server, dir};

    // Some of everything asynchronous: activations with their e-mails (the relay, the workers'
    // consumers and producer, the result consumer) and a deactivation.
    for (int i = 0; i < 20; ++i) {
        const std::string body = request_once(
            server.port, create_user_request(token, "idle" + std::to_string(i) + "@example.com",
                                             "Idle", "?activate=true"));
        if (i == 0) {
            const std::string id = json_string(body, "id");
            request_once(
                server.port,
                http_request("POST", "/api/v1/users/" + id + "/lifecycle/deactivate", token, ""));
        }
    }
    std::this_thread::sleep_for(std::chrono::seconds(settle));

    const auto before = thread_cpu_seconds(server.pid);
    const double total0 = cpu_seconds(server.pid);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const double total = cpu_seconds(server.pid) - total0;
    const auto after = thread_cpu_seconds(server.pid);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::vector<std::pair<double, std::string>> by_name;
    for (const auto& [name, s] : after) {
        const auto it = before.find(name);
        const double used = s - (it == before.end() ? 0.0 : it->second);
        if (used > 0) by_name.emplace_back(used, name);
    }
    std::sort(by_name.rbegin(), by_name.rend());
    std::printf("idle `idledger serve` (embedded broker), %d s after %d s of settling\n", seconds,
                settle);
    std::printf("| threads | %% of one core |\n|---|---|\n");
    for (const auto& [used, name] : by_name)
        std::printf("| %s | %.2f |\n", name.c_str(), 100.0 * used / wall);
    std::printf("| **whole process** | **%.2f** |\n", 100.0 * total / wall);
    std::printf("target: < 1 %% of a core: %s\n", total / wall < 0.01 ? "met" : "not met");
    return 0;
}

}  // namespace idledger::bench
