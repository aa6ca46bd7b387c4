// `idledger-bench auth`: what signing in and issuing tokens cost (issue #12). On one server:
// password sign-ins through POST /api/v1/authn, client_credentials tokens from the default
// authorization server, and introspections of those tokens; each next to the ceiling it stands
// on, measured in the same run: argon2id verifications with the server's parameters on every
// core, RS256 signatures and verifications (RSA-2048) on every core, and a minimal Beast server.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "idledger/domain/jwt.hpp"
#include "idledger/domain/password_hash.hpp"
#include "idledger/domain/secret.hpp"
#include "load.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
namespace dm = idledger::domain;

namespace idledger::bench {

namespace {

constexpr const char* kPassword = "Bench-Passw0rd-7x!";

/// Calls `work` on every core for `duration`; the calls per second, all cores together.
double on_every_core(unsigned cores, std::chrono::milliseconds duration,
                     const std::function<void()>& work) {
    std::atomic<uint64_t> done{0};
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + duration;
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < cores; ++i)
        threads.emplace_back([&] {
            while (std::chrono::steady_clock::now() < until) {
                work();
                done.fetch_add(1, std::memory_order_relaxed);
            }
        });
    for (auto& t : threads) t.join();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return double(done.load()) / secs;
}

std::string form_request(const std::string& path, const std::string& body) {
    return "POST " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nContent-Type: "
           "application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string login_of(uint64_t n) { return "signin" + std::to_string(n) + "@example.com"; }

/// measure(), refusing an answer that is not 2xx (every request here must succeed).
LoadResult checked(uint16_t port, int connections, std::chrono::milliseconds duration,
                   uint64_t max_requests, bool keep_bodies,
                   std::function<std::string(uint64_t)> make) {
    auto r = measure(port, connections, duration, max_requests, std::move(make), keep_bodies);
    if (r.non_2xx) throw std::runtime_error(std::to_string(r.non_2xx) + " non-2xx answers");
    return r;
}

}  // namespace

int run_auth(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 10;
    const int connections = opt.count("connections") ? std::stoi(opt.at("connections")) : 64;
    const auto duration = std::chrono::milliseconds(seconds * 1000);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const dm::Argon2Params argon2;  // the server's defaults (--argon2-memory-kib, -iterations)
    const std::string token = "bench-token-0123456789";
    const fs::path dir =
        fs::temp_directory_path() / ("idledger-bench-auth-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);

    // The ceilings first, with the machine otherwise idle.
    std::cerr << "auth: argon2id verifications on " << cores << " cores...\n";
    dm::StoredPassword stored;
    stored.algorithm = "ARGON2ID";
    stored.value = dm::argon2id_hash(dm::Secret(kPassword), argon2);
    const double verifies = on_every_core(cores, duration, [&] {
        if (!dm::verify_password(dm::Secret(kPassword), stored))
            throw std::runtime_error("argon2id verification failed");
    });
    std::cerr << "auth: RS256 signatures (RSA-2048) on " << cores << " cores...\n";
    const dm::RsaKey key = dm::RsaKey::generate();
    const std::string input(320, 'x');  // about a header.claims of an access token
    const double signatures = on_every_core(cores, duration, [&] { (void)key.sign_rs256(input); });
    const std::string signature = key.sign_rs256(input);
    const double verifications = on_every_core(cores, duration, [&] {
        if (!key.verify_rs256(input, signature)) throw std::runtime_error("RS256 did not verify");
    });
    std::cerr << "auth: HTTP ceiling (minimal Beast server)...\n";
    Child ceiling = spawn_and_wait_port({opt.at("self"), "http-ceiling"}, {});
    const LoadResult http = checked(ceiling.port, connections, duration, 0, false,
                                    [](uint64_t) { return http_request("GET", "/fixed", "", ""); });
    stop(ceiling, SIGKILL);

    Child server = serve(idledger, dir / "data", token);
    const uint16_t port = server.port;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    const ChildScope scope{server, dir};
    {
        // 200 ACTIVE users with passwords, signed in round robin (a user's sign-ins are
        // serialised by its stream, so one user would measure contention, not sign-ins).
        const uint64_t users = 200;
        std::cerr << "auth: " << users << " users with passwords...\n";
        checked(port, 8, std::chrono::milliseconds(600'000), users, false, [&](uint64_t n) {
            return create_user_request(
                token, login_of(n), "U" + std::to_string(n), "",
                std::string(R"({"password":{"value":")") + kPassword + R"("}})");
        });
        std::cerr << "auth: password sign-ins for " << seconds << " s on " << 2 * cores
                  << " connections...\n";
        const LoadResult signins =
            checked(port, int(2 * cores), duration, 0, false, [&](uint64_t n) {
                return http_request("POST", "/api/v1/authn", "",
                                    R"({"username":")" + login_of(n % users) + R"(","password":")" +
                                        kPassword + R"("})");
            });

        const std::string app = request_once(
            port,
            http_request(
                "POST", "/api/v1/apps", token,
                R"({"name":"oidc_client","label":"Bench service","signOnMode":"OPENID_CONNECT",)"
                R"("credentials":{"oauthClient":{"token_endpoint_auth_method":"client_secret_post"}},)"
                R"("settings":{"oauthClient":{"grant_types":["client_credentials"],)"
                R"("response_types":["token"],"application_type":"service",)"
                R"("redirect_uris":[]}}})"));
        const std::string client = "client_id=" + json_string(app, "id") +
                                   "&client_secret=" + json_string(app, "client_secret");
        std::cerr << "auth: client_credentials tokens for " << seconds << " s...\n";
        const LoadResult tokens = checked(port, connections, duration, 0, true, [&](uint64_t) {
            return form_request("/oauth2/default/v1/token",
                                "grant_type=client_credentials&scope=bench%3Aread&" + client);
        });
        std::vector<std::string> issued;
        for (size_t i = 0; i < tokens.bodies.size() && issued.size() < 1000; ++i)
            issued.push_back(json_string(tokens.bodies[i], "access_token"));
        if (issued.empty()) throw std::runtime_error("no access token was issued");
        std::cerr << "auth: introspections for " << seconds << " s...\n";
        const LoadResult intros = checked(port, connections, duration, 0, false, [&](uint64_t n) {
            return form_request(
                "/oauth2/default/v1/introspect",
                "token=" + issued[n % issued.size()] + "&token_type_hint=access_token&" + client);
        });
        const std::string active = request_once(
            port,
            form_request("/oauth2/default/v1/introspect", "token=" + issued[0] + "&" + client));
        if (active.find("\"active\":true") == std::string::npos)
            throw std::runtime_error("introspection did not find the token active: " + active);

        std::printf(
            "\n| measure (%d s each) | idledger | p99 ms | baseline | ratio "
            "|\n|---|---|---|---|---|\n",
            seconds);
        std::printf(
            "| POST /api/v1/authn, password sign-ins (%u connections; per core) | %.1f/s; %.1f/s "
            "per core | %.1f | %.1f argon2id verifications/s (%u cores, same parameters) | %.2f "
            "|\n",
            2 * cores, signins.rate(), signins.rate() / cores, signins.percentile(99), verifies,
            cores, ratio(signins.rate(), verifies));
        std::printf(
            "| the same, per core, against Keycloak's published figure | %.1f/s | | 15/s per vCPU "
            "| %.2f |\n",
            signins.rate() / cores, ratio(signins.rate() / cores, 15.0));
        std::printf(
            "| POST /oauth2/default/v1/token, client_credentials (%d connections) | %.0f/s | %.2f "
            "| "
            "%.0f RS256 signatures/s (%u cores) | %.2f |\n",
            connections, tokens.rate(), tokens.percentile(99), signatures, cores,
            ratio(tokens.rate(), signatures));
        std::printf(
            "| POST /oauth2/default/v1/introspect (%d connections) | %.0f/s | %.2f | %.0f/s (min "
            "of the HTTP ceiling and RS256 verifications on %u cores) | %.2f |\n",
            connections, intros.rate(), intros.percentile(99), std::min(http.rate(), verifications),
            cores, ratio(intros.rate(), std::min(http.rate(), verifications)));
        std::printf(
            "\n| ceiling | measured |\n|---|---|\n| argon2id verifications, %u cores | %.1f/s "
            "|\n| RS256 signatures (RSA-2048), %u cores | %.0f/s |\n| RS256 verifications, %u "
            "cores | %.0f/s |\n| HTTP: minimal Beast server, fixed 200-byte JSON | %.0f/s |\n",
            cores, verifies, cores, signatures, cores, verifications, http.rate());
        std::printf(
            "\nargon2id parameters: m = %llu KiB, t = %llu, p = 1 (libsodium "
            "crypto_pwhash, the server's defaults); RS256 with RSA-2048 keys (OpenSSL)\n",
            (unsigned long long)(argon2.memory_bytes / 1024),
            (unsigned long long)argon2.iterations);
    }
    return 0;
}

}  // namespace idledger::bench
