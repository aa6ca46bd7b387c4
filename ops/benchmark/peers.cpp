// `idledger-bench peers`: idledger side by side with the directory servers a provisioning
// pipeline uses today — OpenLDAP slapd (mdb) and 389 Directory Server — in one run on this
// machine, each started in a temp dir on a loopback port (ops/peers/*), with synced writes, the
// same users (unique logins, the same four attributes) and the same concurrency. Prints, per
// system: bulk create rate, read by id and by login, a last-name prefix search (rate and p99),
// disk bytes per user and resident memory; writes them as CSV for ops/bench's pictures.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ldap_load.hpp"
#include "load.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace idledger::bench {
namespace {

constexpr const char* kSuffix = "dc=bench,dc=test";
constexpr const char* kPeople = "ou=people,dc=bench,dc=test";
constexpr const char* kPassword = "bench-password-0123";

/// A prefix of one surname (its first four characters): 0.1 % of users.
std::string rare_prefix(uint64_t k) { return surname(k).substr(0, 4); }

PeerUser user(uint64_t n) {
    return {"peer" + std::to_string(n) + "@example.com", "F" + std::to_string(n % 5000),
            surname(n)};
}

struct Figures {
    std::string system;
    LoadResult creates = {}, by_id = {}, by_login = {}, search = {};
    double bytes_per_user = 0;
    double rss_mb = 0, rss_growth_mb_per_100k = 0;
};

struct Options {
    uint64_t users = 20'000;
    int connections = 16;
    std::chrono::milliseconds duration{5000};
};

/// ops/peers/`name`: ops/bench runs the benchmark from the project's root.
std::string ops_script(const std::string& name) { return "ops/peers/" + name; }

int sh(const std::string& command) { return std::system(command.c_str()); }

std::optional<pid_t> pid_in(const fs::path& file) {
    std::ifstream in(file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    return std::nullopt;
}

Figures run_idledger(const std::string& idledger, const Options& o) {
    Figures f;
    f.system = "idledger";
    const fs::path dir = fs::temp_directory_path() / ("idledger-peers-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string token = "bench-token-0123456789";
    Child server = serve(idledger, dir / "data", token);
    ChildScope scope{server, dir};
    const double rss_before = rss_mb(server.pid);
    f.creates = measure(
        server.port, o.connections, std::chrono::hours(1), o.users,
        [&](uint64_t n) {
            const PeerUser u = user(n);
            return create_user_request(token, u.login, u.last_name, "?activate=false");
        },
        /*keep_bodies=*/true);
    const std::vector<std::string> ids = created_ids(f.creates.bodies);
    f.creates.bodies.clear();
    std::mt19937_64 rng(7);
    f.by_id = measure(server.port, o.connections, o.duration, 0, [&](uint64_t) {
        return http_request("GET", "/api/v1/users/" + ids[rng() % ids.size()], token, "");
    });
    f.by_login = measure(server.port, o.connections, o.duration, 0, [&](uint64_t) {
        return http_request(
            "GET",
            "/api/v1/users?filter=" +
                url_encode("profile.login eq \"" + user(rng() % o.users).login + "\""),
            token, "");
    });
    f.search = measure(server.port, o.connections, o.duration, 0, [&](uint64_t) {
        return http_request("GET",
                            "/api/v1/users?search=" +
                                url_encode("profile.lastName sw \"" + rare_prefix(rng()) + "\""),
                            token, "");
    });
    f.rss_mb = rss_mb(server.pid);
    f.rss_growth_mb_per_100k = (f.rss_mb - rss_before) * 100'000.0 / double(o.users);
    f.bytes_per_user = double(disk_bytes(dir / "data")) / double(o.users);
    return f;
}

/// The same measures against an LDAP server already started on `target`.
Figures run_ldap(const std::string& system, const LdapTarget& target, pid_t pid,
                 const fs::path& data, const Options& o) {
    Figures f;
    f.system = system;
    {
        LdapConnection admin(target);
        // The suffix entry (slapd starts without one; 389 DS's installer made its own).
        admin.add(
            kSuffix,
            {{"objectClass", {"dcObject", "organization"}}, {"dc", {"bench"}}, {"o", {"bench"}}});
        if (!admin.add(kPeople, {{"objectClass", {"organizationalUnit"}}, {"ou", {"people"}}}))
            throw std::runtime_error(system + ": cannot add " + kPeople);
    }
    const double rss_before = rss_mb(pid);
    f.creates =
        ldap_measure(target, o.connections, std::chrono::hours(1), o.users,
                     [](LdapConnection& c, uint64_t n) { return c.add_person(kPeople, user(n)); });
    std::mt19937_64 rng(7);
    f.by_id = ldap_measure(target, o.connections, o.duration, 0, [&](LdapConnection& c, uint64_t) {
        return c.count("uid=" + user(rng() % o.users).login + "," + kPeople, "") == 1;
    });
    f.by_login =
        ldap_measure(target, o.connections, o.duration, 0, [&](LdapConnection& c, uint64_t) {
            return c.count(kPeople, "(uid=" + user(rng() % o.users).login + ")") == 1;
        });
    f.search = ldap_measure(target, o.connections, o.duration, 0, [&](LdapConnection& c, uint64_t) {
        return c.count(kPeople, "(sn=" + rare_prefix(rng()) + "*)") > 0;
    });
    f.rss_mb = rss_mb(pid);
    f.rss_growth_mb_per_100k = (f.rss_mb - rss_before) * 100'000.0 / double(o.users);
    f.bytes_per_user = double(disk_bytes(data)) / double(o.users);
    return f;
}

/// Where one peer keeps what the bench reads, inside the temp dir its script set up.
struct Peer {
    std::string system;
    std::string script;   // ops/peers/NAME start|stop ROOT ...
    std::string bind_dn;  // its administrator
    fs::path pid_file;    // relative to ROOT
    fs::path data;        // relative to ROOT: what counts as its disk
};

/// Starts a peer in a temp dir by its script, measures it, stops it and removes the dir.
std::optional<Figures> run_peer(const Peer& peer, const Options& o) {
    const fs::path root =
        fs::temp_directory_path() / ("idledger-peer-" + std::to_string(getpid()) + "-" +
                                     fs::path(peer.script).filename().string());
    fs::remove_all(root);
    fs::create_directories(root);
    const uint16_t port = free_port();
    std::optional<Figures> f;
    if (sh(peer.script + " start " + root.string() + " " + std::to_string(port) + " " + kPassword +
           " >/dev/null") == 0) {
        try {
            f = run_ldap(peer.system,
                         {"ldap://127.0.0.1:" + std::to_string(port), peer.bind_dn, kPassword},
                         pid_in(root / peer.pid_file).value_or(0), root / peer.data, o);
        } catch (const std::exception& e) {
            std::cerr << "peers: " << peer.system << ": " << e.what() << "\n";
        }
    } else {
        std::cerr << "peers: " << peer.system << " did not start\n";
    }
    sh(peer.script + " stop " + root.string());
    fs::remove_all(root);
    return f;
}

struct Row {
    const char* measure;
    std::function<double(const Figures&)> value;
    bool higher_is_better;
    const char* format;
};

}  // namespace

int run_peers(const std::map<std::string, std::string>& opt) {
    Options o;
    if (opt.count("users")) o.users = std::stoull(opt.at("users"));
    if (opt.count("connections")) o.connections = std::stoi(opt.at("connections"));
    if (opt.count("seconds"))
        o.duration = std::chrono::milliseconds(std::stoi(opt.at("seconds")) * 1000);
    const std::string csv_path = opt.count("csv") ? opt.at("csv") : "peers.csv";
    std::cerr << "peers: " << o.users << " users, " << o.connections << " connections, "
              << o.duration.count() / 1000 << " s per read measure\n";
    std::vector<Figures> all;
    std::cerr << "peers: idledger...\n";
    all.push_back(run_idledger(opt.at("idledger"), o));
    const Peer peers[] = {
        {"OpenLDAP slapd", ops_script("slapd"), std::string("cn=admin,") + kSuffix, "slapd.pid",
         "db"},
        {"389 Directory Server", ops_script("389ds"), "cn=Directory Manager",
         "run/dirsrv/slapd-bench.pid", "var/lib/dirsrv/slapd-bench"},
    };
    for (const auto& peer : peers) {
        std::cerr << "peers: " << peer.system << "...\n";
        if (auto f = run_peer(peer, o)) all.push_back(std::move(*f));
    }

    const std::vector<Row> rows = {
        {"durable creates (users/s)", [](const Figures& f) { return f.creates.rate(); }, true,
         "%.0f"},
        {"read by id (req/s)", [](const Figures& f) { return f.by_id.rate(); }, true, "%.0f"},
        {"read by id p99 (ms)", [](const Figures& f) { return f.by_id.percentile(99); }, false,
         "%.2f"},
        {"read by login (req/s)", [](const Figures& f) { return f.by_login.rate(); }, true, "%.0f"},
        {"read by login p99 (ms)", [](const Figures& f) { return f.by_login.percentile(99); },
         false, "%.2f"},
        {"last-name prefix search (req/s)", [](const Figures& f) { return f.search.rate(); }, true,
         "%.0f"},
        {"last-name prefix search p99 (ms)",
         [](const Figures& f) { return f.search.percentile(99); }, false, "%.2f"},
        {"disk bytes per user", [](const Figures& f) { return f.bytes_per_user; }, false, "%.0f"},
        {"resident memory (MB)", [](const Figures& f) { return f.rss_mb; }, false, "%.0f"},
        {"memory growth per 100 k users (MB)",
         [](const Figures& f) { return f.rss_growth_mb_per_100k; }, false, "%.0f"},
    };
    std::ofstream csv(csv_path);
    csv << "measure";
    std::cout << "| measure |";
    for (const auto& f : all) {
        csv << "," << f.system;
        std::cout << " " << f.system << " |";
    }
    csv << ",idledger vs best peer\n";
    std::cout << " idledger vs best peer (> 1: idledger better) |\n|---|";
    for (size_t i = 0; i <= all.size(); ++i) std::cout << "---|";
    std::cout << "\n";
    for (const auto& row : rows) {
        csv << row.measure;
        std::cout << "| " << row.measure << " |";
        std::optional<double> best;
        for (size_t i = 0; i < all.size(); ++i) {
            const double v = row.value(all[i]);
            char cell[32];
            std::snprintf(cell, sizeof cell, row.format, v);
            csv << "," << v;
            std::cout << " " << cell << " |";
            if (i > 0 && (!best || (row.higher_is_better ? v > *best : v < *best))) best = v;
        }
        // Higher is better: idledger / best; lower is better: best / idledger. Above 1 wins.
        const double own = row.value(all[0]);
        double ratio = 0;
        if (best && *best > 0 && own > 0) ratio = row.higher_is_better ? own / *best : *best / own;
        char cell[32];
        std::snprintf(cell, sizeof cell, "%.2f", ratio);
        csv << "," << ratio << "\n";
        std::cout << " " << (best ? cell : "—") << " |\n";
    }
    for (const auto& f : all)
        if (f.creates.non_2xx || f.by_id.non_2xx || f.by_login.non_2xx || f.search.non_2xx)
            std::cerr << "peers: " << f.system << " had failed operations\n";
    std::cerr << "peers: wrote " << csv_path << "\n";
    return 0;
}

}  // namespace idledger::bench
