// idledger serve | replay | compact

#include "cli.hpp"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/app.hpp"
#include "core/bootstrap.hpp"
#include "core/dispatch.hpp"
#include "http/server.hpp"
#include "idledger/projections/replay.hpp"
#include "lifecycle/runtime.hpp"
#include "logs/export.hpp"
#include "replica/replica_link.hpp"
#include "replica/snapshot.hpp"

namespace idledger::api {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage:
  idledger serve   --listen HOST:PORT --data-dir DIR [options]
  idledger replica --primary http://H:P [--kafka-brokers H:P,...] --listen HOST:PORT --data-dir DIR
                   [serve options]   a read replica (IDLEDGER_PRIMARY_TOKEN: an admin token)
  idledger replay  --data-dir DIR [--verify]
  idledger replay  --data-dir DIR --until POS|TIME --target DIR2
  idledger export  --data-dir DIR [--since POS|TIME]
  idledger compact --data-dir DIR
  idledger admin-token --data-dir DIR    (server stopped) a new super administrator API token
  idledger worker  --kafka-brokers H:P,... (--data-dir DIR | --key-file F) [--threads N]
                   [--smtp-url URL | --mail-dir DIR]

serve options:
  --listen HOST:PORT        address to listen on (port 0 picks a free port)      [127.0.0.1:8080]
  --data-dir DIR            where the event log and read models live             [./data]
  --io-threads N            HTTP I/O threads                                      [2]
  --handler-threads N       threads for handlers that block (writes, hashing)     [64]
  --query-threads N         low-priority threads for lists, searches, System Log  [2]
  --max-connections N       open client connections at the most; at the cap an idle connection
                            that never showed a working token is closed first
                            [the descriptor limit (raised to the hard limit) less 512]
  --rate-limit FAMILY=N     requests per minute per token (families: users, user,
                            api-tokens, other); repeatable
  --argon2-memory-kib N     argon2id memory cost                                  [19456]
  --argon2-iterations N     argon2id time cost                                    [2]
  --password-min-length N   password policy minimum length                        [8]
  --password-history N      passwords remembered by the policy                    [4]
  --read-only               serve a point-in-time copy (from replay --until): reads only
  --kafka-brokers H:P,...   a real Kafka cluster; without it an embedded broker is started and
                            its address written to DIR/kafka-bootstrap
  --kafka-property K=V      a librdkafka setting for every Kafka client (repeatable): SASL/SSL
                            on a real cluster, e.g. security.protocol=SASL_SSL (also on worker)
  --worker-keys-file F      the worker keys of another server on the same cluster (its
                            DIR/worker.key): servers sharing workers share their keys
  --workers N               lifecycle workers inside this process (0: only `idledger worker`s) [1]
  --smtp-url smtp://H:P     deliver e-mails over SMTP; without it they are written to DIR/mail/
  --mail-from ADDR          the e-mails' sender                       [noreply@idledger.local]
  --public-url URL          the org's base URL: every absolute URL in responses and e-mails
                            (Link headers, _links, activation and reset links)  [http://LISTEN-ADDRESS]
  --allowed-host HOST[:PORT]  a Host header that may stand in for the public URL's host
                            (repeatable); any other Host is ignored, never reflected
  --sync-wait-ms N          how long a call without Prefer: respond-async waits for its
                            transition to complete                                [10000]
  --activation-token-ttl-hours N   activation tokens expire after                 [168]
  --reset-token-ttl-minutes N      password-reset tokens expire after             [60]
  --password-max-age-days N        password policy: passwords expire after (0: never)   [0]
  --lockout-attempts N             sign-in failures in a row before LOCKED_OUT (0: never) [10]
  --lockout-auto-unlock-minutes N  a locked-out user signs in again after (0: only unlock) [0]
  --threat-failures-per-address N  ThreatInsight: failed sign-ins from one address in 10
                                   minutes that flag it                                 [20]
  --threat-usernames-per-address N ... usernames failing from one address (spraying)    [8]
  --threat-addresses-per-username N ... addresses failing on one username (all flagged)  [5]
  --password-expire-warn-days N    e-mail a warning this many days before expiry (0: none) [0]
  --password-expiry-check-ms N     how often the expiry scheduler looks            [1000]
  --request-retry-ms N      publish a request again when no completion came within [15000]
  --relay-window N          requests published and not completed, at most         [2000]
  --email-retry-rounds N    publications of an e-mail whose delivery fails transiently (no disk
                            or descriptors for the file, SMTP unreachable) before the failure
                            is recorded                                           [5]
  --kafka-fetch-wait-ms N   consumers' fetch wait: lower = faster hops, more idle CPU
                            [2 on loopback brokers, 100 otherwise]
  --allow-shared-data-dir   start even when other users of the machine can read DIR
  --min-free-mb N           refuse to start with less free space under DIR (MB); while
                            serving, writes answer 503 when fewer than 64 MB would be left [80]
  --block-cache-mb N        RocksDB's block cache, shared by the log and the read models [256]
  --metrics-public          serve GET /metrics without a token (default: super admins only)
  --publish-log             publish every committed event to the log topic (idledger.log), for
                            read replicas
  --position-wait-ms N      how long a read with X-Idledger-Min-Position (and a replica's
                            forwarded write) waits for this node to reach the position  [5000]
  --test-hooks              enable POST /api/v1/_test/clock and /api/v1/_test/kafka (tests only)

replica: starts from a snapshot of the primary's store (copied into DIR/store on the first start,
  or again when the log topic no longer holds what follows it), folds the log topic of a primary
  started with --publish-log, serves every read itself and forwards writes to the primary,
  answering them once it has folded them. Options: --primary URL, --kafka-brokers (default: the
  brokers the primary names, asked again when the topic goes quiet, so a replica follows a
  primary whose embedded broker restarted on another port), --max-lag N (events behind the topic
  past which /readyz is not ready) [10000]; the API token of a super administrator of the primary
  in IDLEDGER_PRIMARY_TOKEN or a file named by --primary-token-file.
replay --until POS|TIME --target DIR2: copies the log up to a position (or the last event at or
  before a time) into DIR2 and rebuilds every read model there: `serve --read-only --data-dir DIR2`
  then answers the whole API as it was at that point.
worker: lifecycle workers as a separate process, joining the server's consumer group (with the
  embedded broker: --kafka-brokers $(cat DIR/kafka-bootstrap)); e-mails over --smtp-url or as
  files in --mail-dir (default DIR/mail with --data-dir DIR). It needs the keys it shares with
  the server (signing messages, deriving one-time links): DIR/worker.key with --data-dir DIR,
  another copy with --key-file F, or their text in IDLEDGER_WORKER_KEYS.
export: the log as NDJSON on stdout (LogEvent + the stored event per line; secrets' hashes
  removed), from a position or time; works on a stopped data dir or beside a running server.

environment:
  IDLEDGER_BOOTSTRAP_TOKEN  the first start's API token (otherwise random, written to DIR/bootstrap-token)
)";

struct Args {
    std::string command;
    std::map<std::string, std::vector<std::string>> options;
    std::vector<std::string> flags;

    std::optional<std::string> get(const std::string& k) const {
        auto it = options.find(k);
        if (it == options.end() || it->second.empty()) return std::nullopt;
        return it->second.back();
    }
    bool flag(const std::string& f) const {
        return std::find(flags.begin(), flags.end(), f) != flags.end();
    }
};

std::optional<Args> parse_args(int argc, char** argv) {
    if (argc < 2) return std::nullopt;
    Args a;
    a.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        if (!s.starts_with("--")) return std::nullopt;
        auto eq = s.find('=');
        if (eq != std::string::npos && s.substr(0, eq) != "--rate-limit") {
            a.options[s.substr(2, eq - 2)].push_back(s.substr(eq + 1));
        } else if (s == "--verify" || s == "--help" || s == "--read-only" || s == "--test-hooks" ||
                   s == "--allow-shared-data-dir" || s == "--metrics-public" ||
                   s == "--publish-log") {
            a.flags.push_back(s.substr(2));
        } else if (i + 1 < argc) {
            a.options[s.substr(2)].push_back(argv[++i]);
        } else {
            return std::nullopt;
        }
    }
    return a;
}

std::optional<long long> to_number(const std::string& s) {
    long long v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

eventstore::Result<std::unique_ptr<eventstore::EventStore>> open_store(
    const std::string& data_dir, domain::Clock& clock, bool read_only = false,
    uint64_t block_cache_mb = 256, bool follower = false) {
    if (!read_only) fs::create_directories(data_dir);
    eventstore::Options o;
    o.read_only = read_only;
    o.follower = follower;
    o.block_cache_bytes = block_cache_mb << 20;
    o.path = (fs::path(data_dir) / "store").string();
    projections::configure_store(o);
    o.clock = [&clock] { return clock.now_ms(); };
    return eventstore::EventStore::open(std::move(o));
}

int fail(const std::string& what) {
    std::cerr << "idledger: " << what << "\n";
    return 1;
}

/// The data directory holds data keys, the link-token key, password hashes and read models in
/// clear: refuse one that others on the machine can read or enter (unless told otherwise).
/// `--kafka-property K=V` (repeatable), in order; nullopt when one has no '='.
std::optional<std::vector<std::pair<std::string, std::string>>> kafka_properties(const Args& args) {
    std::vector<std::pair<std::string, std::string>> out;
    if (auto it = args.options.find("kafka-property"); it != args.options.end())
        for (const auto& spec : it->second) {
            const auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0) return std::nullopt;
            out.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
        }
    return out;
}

std::optional<std::string> shared_data_dir(const std::string& data_dir) {
    for (const fs::path& p :
         {fs::path(data_dir), fs::path(data_dir) / "store", fs::path(data_dir) / "mail"}) {
        std::error_code ec;
        const auto st = fs::status(p, ec);
        if (ec || !fs::exists(st)) continue;
        const auto others = fs::perms::group_all | fs::perms::others_all;
        if ((st.permissions() & others) != fs::perms::none)
            return p.string() + " can be read by other users of this machine (chmod -R go-rwx " +
                   data_dir + ", or start with --allow-shared-data-dir)";
    }
    return std::nullopt;
}

/// The command line this process started with (a replica that must take a fresh snapshot starts
/// itself again).
std::vector<char*>& saved_argv() {
    static std::vector<char*> argv;
    return argv;
}

/// The primary's API token for `idledger replica`.
std::optional<std::string> primary_token(const Args& args) {
    if (const char* env = std::getenv("IDLEDGER_PRIMARY_TOKEN"); env && *env) return env;
    if (auto file = args.get("primary-token-file")) {
        std::ifstream in(*file);
        std::string token;
        if (std::getline(in, token) && !token.empty()) return token;
    }
    return std::nullopt;
}

int serve(const Args& args) {
    const bool replica = args.command == "replica";
    const std::string listen = args.get("listen").value_or("127.0.0.1:8080");
    const std::string data_dir = args.get("data-dir").value_or("./data");
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return fail("--listen takes HOST:PORT");
    auto port = to_number(listen.substr(colon + 1));
    if (!port || *port < 0 || *port > 65535) return fail("bad port in --listen");

    AppConfig config;
    config.data_dir = data_dir;
    if (auto v = args.get("handler-threads"))
        config.handler_threads = int(to_number(*v).value_or(64));
    if (auto v = args.get("query-threads"))
        config.query_threads = std::max(1, int(to_number(*v).value_or(2)));
    if (auto v = args.get("argon2-memory-kib"))
        config.argon2.memory_bytes = uint64_t(to_number(*v).value_or(19456)) * 1024;
    if (auto v = args.get("argon2-iterations"))
        config.argon2.iterations = uint64_t(to_number(*v).value_or(2));
    if (auto v = args.get("password-min-length"))
        config.password_policy.min_length = int(to_number(*v).value_or(8));
    if (auto v = args.get("password-history"))
        config.password_policy.history_count = int(to_number(*v).value_or(4));
    if (auto it = args.options.find("rate-limit"); it != args.options.end()) {
        for (const auto& spec : it->second) {
            auto eq = spec.find('=');
            auto n = eq == std::string::npos ? std::nullopt : to_number(spec.substr(eq + 1));
            if (!n || *n < 1) return fail("--rate-limit takes FAMILY=N");
            config.rate_limits.per_minute[spec.substr(0, eq)] = *n;
        }
    }

    if (auto v = args.get("sync-wait-ms"))
        config.sync_wait = std::chrono::milliseconds(to_number(*v).value_or(10000));
    if (auto v = args.get("activation-token-ttl-hours"))
        config.activation_token_ttl_ms = to_number(*v).value_or(168) * 3600 * 1000;
    if (auto v = args.get("reset-token-ttl-minutes"))
        config.reset_token_ttl_ms = to_number(*v).value_or(60) * 60 * 1000;
    if (auto v = args.get("lockout-attempts"))
        config.lockout.max_attempts = int(to_number(*v).value_or(10));
    if (auto v = args.get("lockout-auto-unlock-minutes"))
        config.lockout.auto_unlock_ms = to_number(*v).value_or(0) * 60 * 1000;
    if (auto v = args.get("threat-failures-per-address"))
        config.threats.max_failures_per_address = int(to_number(*v).value_or(20));
    if (auto v = args.get("threat-usernames-per-address"))
        config.threats.max_usernames_per_address = int(to_number(*v).value_or(8));
    if (auto v = args.get("threat-addresses-per-username"))
        config.threats.max_addresses_per_username = int(to_number(*v).value_or(5));
    config.test_hooks = args.flag("test-hooks");
    if (auto v = args.get("position-wait-ms"))
        config.position_wait = std::chrono::milliseconds(to_number(*v).value_or(5000));
    config.metrics_public = args.flag("metrics-public");
    if (auto it = args.options.find("allowed-host"); it != args.options.end())
        config.allowed_hosts = it->second;

    LifecycleOptions lifecycle;
    lifecycle.kafka_brokers = args.get("kafka-brokers").value_or("");
    auto properties = kafka_properties(args);
    if (!properties) return fail("--kafka-property takes NAME=VALUE");
    lifecycle.kafka_properties = std::move(*properties);
    if (auto v = args.get("workers")) lifecycle.workers = int(to_number(*v).value_or(1));
    lifecycle.mail.smtp_url = args.get("smtp-url").value_or("");
    lifecycle.mail.mail_dir = (fs::path(data_dir) / "mail").string();
    if (auto v = args.get("mail-from")) lifecycle.mail.from = *v;
    if (auto v = args.get("password-max-age-days"))
        lifecycle.expiry.max_age_ms = to_number(*v).value_or(0) * 24 * 3600 * 1000;
    if (auto v = args.get("password-expire-warn-days"))
        lifecycle.expiry.warn_ms = to_number(*v).value_or(0) * 24 * 3600 * 1000;
    if (auto v = args.get("password-expiry-check-ms"))
        lifecycle.expiry.interval = std::chrono::milliseconds(to_number(*v).value_or(1000));
    if (auto v = args.get("request-retry-ms"))
        lifecycle.relay.retry_after = std::chrono::milliseconds(to_number(*v).value_or(15000));
    if (auto v = args.get("kafka-fetch-wait-ms"))
        lifecycle.kafka_fetch_wait_ms = int(to_number(*v).value_or(0));
    if (auto v = args.get("email-retry-rounds"))
        lifecycle.email_rounds = int(to_number(*v).value_or(5));
    if (auto v = args.get("relay-window"))
        lifecycle.relay.window = size_t(to_number(*v).value_or(2000));
    lifecycle.publish_log = args.flag("publish-log");

    if (!args.flag("allow-shared-data-dir"))
        if (auto why = shared_data_dir(data_dir)) return fail("refusing to start: " + *why);
    {
        // A nearly full disk: say so and touch nothing (RocksDB cannot even recover its WAL
        // into a new table without room).
        const long long min_free_mb =
            to_number(args.get("min-free-mb").value_or("80")).value_or(80);
        fs::path probe = fs::absolute(data_dir);
        while (!fs::exists(probe) && probe.has_parent_path() && probe != probe.parent_path())
            probe = probe.parent_path();
        std::error_code ec;
        const auto space = fs::space(probe, ec);
        if (!ec && space.available < uint64_t(min_free_mb) << 20)
            return fail("refusing to start: " + std::to_string(space.available >> 20) +
                        " MB free on the file system of " + data_dir + " (at least " +
                        std::to_string(min_free_mb) +
                        " MB needed; free some space, or lower --min-free-mb)");
    }

    domain::OffsetClock clock;
    domain::RandomIdSource ids;
    config.read_only = args.flag("read-only") || replica;
    config.password_max_age_ms = lifecycle.expiry.max_age_ms;
    config.password_warn_ms = lifecycle.expiry.warn_ms;
    std::optional<PrimaryClient> primary;
    if (replica) {
        auto url = args.get("primary");
        if (!url) return fail("replica needs --primary http://HOST:PORT");
        auto token = primary_token(args);
        if (!token)
            return fail(
                "replica needs a super administrator's API token of the primary: "
                "IDLEDGER_PRIMARY_TOKEN or --primary-token-file");
        auto made = PrimaryClient::make(*url, *token);
        if (!made) return fail(made.error());
        primary = std::move(*made);
        if (auto ready = prepare_replica_store(data_dir, *primary); !ready)
            return fail("cannot take a snapshot of the primary: " + ready.error());
    }
    auto store =
        open_store(data_dir, clock, config.read_only && !replica,
                   uint64_t(to_number(args.get("block-cache-mb").value_or("256")).value_or(256)),
                   /*follower=*/replica);
    if (!store) return fail("cannot open the store: " + store.error().message);
    int code = 0;
    {
        // Absolute URLs come from --public-url, by default the listen address (with port 0,
        // the bound port: set by on_bound, before the first connection is accepted).
        auto public_url = args.get("public-url");
        if (public_url) {
            while (public_url->ends_with('/')) public_url->pop_back();
            if (!public_url->starts_with("http://") && !public_url->starts_with("https://"))
                return fail("--public-url takes http://HOST[:PORT] or https://HOST[:PORT]");
            config.public_url = *public_url;
        } else {
            config.public_url = "http://" + listen;
        }
        App app(**store, clock, ids, config);
        std::optional<std::string> preset;
        if (const char* env = std::getenv("IDLEDGER_BOOTSTRAP_TOKEN"); env && *env) preset = env;
        if (config.read_only) {
            auto current = projections::read_models_current(**store);
            if (!current || !*current)
                return fail(
                    "the read models here predate this version: rebuild them with idledger replay");
        } else {
            auto rebuilt = projections::ensure_read_models_current(**store);
            if (!rebuilt)
                return fail("cannot bring the read models up to date: " + rebuilt.error().message);
            if (*rebuilt)
                std::cout << "read models rebuilt from the log for this version" << std::endl;
        }
        eventstore::Result<BootstrapResult> boot = BootstrapResult{};
        if (!config.read_only) boot = bootstrap_org(app, preset);
        if (!boot) return fail("bootstrap failed: " + boot.error().message);
        const fs::path token_file = fs::path(data_dir) / "bootstrap-token";
        if (boot->created && boot->token) {
            std::ofstream(token_file) << *boot->token << "\n";
            ::chmod(token_file.c_str(), 0600);
        }

        app.forget_user_files = [mail_dir = lifecycle.mail.mail_dir](const std::string& id) {
            workers::forget_mail(mail_dir, [&](const std::string& owner) { return owner == id; });
        };
        auto key = link_key(app);
        if (!key) return fail("cannot read the server's link key: " + key.error().message);
        app.link_key = *key;
        auto identity = server_id(app);
        if (!identity)
            return fail("cannot read the server's identity: " + identity.error().message);
        lifecycle.server_id = *identity;
        if (auto file = args.get("worker-keys-file")) {
            // Servers sharing one cluster share its workers, and so one set of keys.
            std::ifstream in(*file);
            std::string text;
            std::getline(in, text);
            auto given = workers::WorkerKeys::from_text(text);
            if (!given) return fail("--worker-keys-file: no worker keys in " + *file);
            lifecycle.relay.keys = std::move(*given);
            app.link_key = lifecycle.relay.keys.link_key;
        } else {
            auto mac_key = worker_mac_key(app);
            if (!mac_key) return fail("cannot read the workers' key: " + mac_key.error().message);
            lifecycle.relay.keys = workers::WorkerKeys{app.link_key, *mac_key};
        }
        if (!config.read_only) {
            // For `idledger worker` processes: the keys they share with this server (0600 under
            // the umask; they never travel through the broker).
            const fs::path key_file = fs::path(data_dir) / "worker.key";
            std::ofstream(key_file) << lifecycle.relay.keys.to_text() << "\n";
            ::chmod(key_file.c_str(), 0600);
        }
        if (config.test_hooks)
            app.advance_clock = [&clock](domain::Millis ms) { clock.advance(ms); };

        Dispatcher dispatcher(app);
        ServerConfig sc;
        sc.host = listen.substr(0, colon);
        sc.port = uint16_t(*port);
        if (auto v = args.get("io-threads")) sc.io_threads = int(to_number(*v).value_or(2));
        sc.on_bound = [&app, host = sc.host,
                       explicit_url = public_url.has_value()](uint16_t bound_port) {
            if (!explicit_url)
                app.config.public_url = "http://" + host + ":" + std::to_string(bound_port);
        };
        if (auto v = args.get("max-connections"))
            sc.max_connections = size_t(std::max<long long>(1, to_number(*v).value_or(0)));
        HttpServer server(
            sc, [&dispatcher](HttpRequest&& req, std::function<void(HttpResponse &&)> respond) {
                dispatcher.handle(std::move(req), std::move(respond));
            });
        app.io_post = [&server](std::function<void()> fn) { server.post(std::move(fn)); };
        uint16_t bound = 0;
        try {
            bound = server.start();
        } catch (const std::exception& ex) {
            return fail(std::string("cannot listen on ") + listen + ": " + ex.what());
        }
        // The asynchronous lifecycle on Kafka: a real cluster when named, otherwise the embedded
        // broker (none for read-only copies, which change nothing).
        std::unique_ptr<LifecycleRuntime> runtime;
        if (!config.read_only) {
            lifecycle.public_url = app.config.public_url;
            auto started = LifecycleRuntime::start(app, lifecycle);
            if (!started) {
                server.stop();
                app.pool.wait_idle();
                app.query_pool.wait_idle();
                app.io_post = nullptr;
                return fail("cannot start the Kafka lifecycle: " + started.error());
            }
            runtime = std::move(*started);
            if (runtime->embedded())
                std::ofstream(fs::path(data_dir) / "kafka-bootstrap")
                    << runtime->bootstrap() << "\n";
        }
        // A replica folds the primary's log topic and sends it the writes.
        std::unique_ptr<ReplicaLink> link;
        std::atomic<bool> resnapshot{false};
        if (replica) {
            ReplicaOptions ro;
            if (auto v = args.get("max-lag")) ro.max_lag = uint64_t(to_number(*v).value_or(10000));
            link = std::make_unique<ReplicaLink>(
                app, std::move(*primary), lifecycle.kafka_brokers,
                [&lifecycle](const std::string& brokers) {
                    return kafka_settings(brokers, lifecycle.kafka_fetch_wait_ms,
                                          lifecycle.kafka_properties);
                },
                ro,
                [&resnapshot, data_dir] {
                    std::ofstream(fs::path(data_dir) / std::string(kResnapshotMarker)) << "1\n";
                    resnapshot = true;
                    ::kill(::getpid(), SIGTERM);
                });
            app.replica = link.get();
            link->start();
        }
        std::cout << "idledger listening on http://" << sc.host << ":" << bound << "\n";
        if (boot->created && boot->token)
            std::cout << "admin API token (shown once, also in " << token_file.string()
                      << "): " << *boot->token << "\n";
        else if (boot->created)
            std::cout << "admin API token: the value of IDLEDGER_BOOTSTRAP_TOKEN\n";
        else if (fs::exists(token_file))
            std::cout << "admin API token: see " << token_file.string() << "\n";
        if (runtime)
            std::cout << "kafka bootstrap: " << runtime->bootstrap()
                      << (runtime->embedded() ? " (embedded)" : "") << "\n";
        std::cout << "data directory: " << data_dir
                  << (replica            ? " (replica)"
                      : config.read_only ? " (read-only)"
                                         : "")
                  << std::endl;

        server.wait_for_shutdown_signal();
        std::cout << "idledger: shutting down" << std::endl;
        server.stop();
        // Handlers still running finish (a scan, a write waiting for its commit) and drop
        // their connections while the server's I/O context still exists.
        app.pool.wait_idle();
        app.query_pool.wait_idle();
        if (link) link->stop();
        app.replica = nullptr;
        link.reset();
        runtime.reset();
        app.io_post = nullptr;
        if (resnapshot) code = 75;
    }
    (*store)->close();
    if (code == 75 && replica) {
        // The log topic moved past this store: start again, which takes a fresh snapshot.
        std::cout << "idledger replica: starting again from a fresh snapshot" << std::endl;
        saved_argv().push_back(nullptr);
        ::execv("/proc/self/exe", saved_argv().data());
        return fail("cannot start again for a fresh snapshot");
    }
    return code;
}

/// `idledger worker`: lifecycle workers in their own process.
int worker_cmd(const Args& args) {
    auto brokers = args.get("kafka-brokers");
    if (!brokers) return fail("worker needs --kafka-brokers");
    workers::MailSettings mail;
    mail.smtp_url = args.get("smtp-url").value_or("");
    mail.mail_dir =
        args.get("mail-dir")
            .value_or((fs::path(args.get("data-dir").value_or("./data")) / "mail").string());
    if (auto v = args.get("mail-from")) mail.from = *v;
    // The keys shared with the server: --key-file, IDLEDGER_WORKER_KEYS, or DATA_DIR/worker.key.
    std::string key_text;
    if (const char* env = std::getenv("IDLEDGER_WORKER_KEYS"); env && *env) key_text = env;
    const auto key_file =
        args.get("key-file")
            .value_or(args.get("data-dir")
                          ? (fs::path(*args.get("data-dir")) / "worker.key").string()
                          : "");
    if (args.get("key-file") || (key_text.empty() && !key_file.empty())) {
        std::ifstream in(key_file);
        if (!in) return fail("cannot read the worker keys from " + key_file);
        std::getline(in, key_text);
    }
    auto keys = workers::WorkerKeys::from_text(key_text);
    if (!keys)
        return fail(
            "worker needs the server's worker keys: --key-file DATA_DIR/worker.key, --data-dir "
            "DATA_DIR, or IDLEDGER_WORKER_KEYS");
    const int threads = int(to_number(args.get("threads").value_or("1")).value_or(1));
    auto mailer = workers::make_mailer(mail);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
    const int fetch_wait =
        int(to_number(args.get("kafka-fetch-wait-ms").value_or("0")).value_or(0));
    auto properties = kafka_properties(args);
    if (!properties) return fail("--kafka-property takes NAME=VALUE");
    workers::WorkerPool pool(kafka_settings(*brokers, fetch_wait, std::move(*properties)), *keys,
                             *mailer, std::max(1, threads),
                             "idledger-worker-" + std::to_string(::getpid()));
    if (auto s = pool.start(); !s) return fail("cannot start the workers: " + s.error());
    std::cout << "idledger worker: " << threads << " consumer(s) in group " << workers::kWorkerGroup
              << " on " << *brokers << std::endl;
    int sig = 0;
    sigwait(&signals, &sig);
    pool.stop();
    std::cout << "idledger worker: stopped after " << pool.processed() << " requests" << std::endl;
    return 0;
}

/// A position (digits) or an ISO-8601 time, as the last position to include.
std::optional<uint64_t> resolve_point(eventstore::EventStore& store, const std::string& point,
                                      bool inclusive_end) {
    if (auto n = to_number(point); n && *n >= 0) return uint64_t(*n);
    auto t = domain::parse_iso8601(point);
    if (!t) return std::nullopt;
    auto p = inclusive_end ? store.position_at(*t + 1) : store.position_at(*t);
    if (!p) return std::nullopt;
    return inclusive_end ? *p - 1 : *p;
}

int replay_until(const std::string& data_dir, const std::string& until,
                 const std::string& target_dir) {
    domain::SystemClock clock;
    auto source = open_store(data_dir, clock, /*read_only=*/true);
    if (!source) return fail("cannot open the store: " + source.error().message);
    auto last = resolve_point(**source, until, /*inclusive_end=*/true);
    if (!last) return fail("--until takes a log position or an ISO-8601 time");
    if (fs::exists(fs::path(target_dir) / "store"))
        return fail(target_dir + " already holds a store");
    auto target = open_store(target_dir, clock);
    if (!target) return fail("cannot create the target store: " + target.error().message);
    auto started = std::chrono::steady_clock::now();
    for (uint64_t from = 1; from <= *last;) {
        auto chunk = (*source)->read_all(from, std::min<uint64_t>(4096, *last - from + 1));
        if (!chunk) return fail(chunk.error().message);
        if (chunk->empty()) break;
        if (auto r = (*target)->import_events(*chunk); !r) return fail(r.error().message);
        from = chunk->back().position + 1;
    }
    // Data keys as they are now: users deleted since stay unreadable (shredding is forever).
    std::vector<std::pair<std::string, std::string>> keys;
    auto scanned = (*source)->scan(projections::cf::kUserKeys, "", "",
                                   [&](std::string_view k, std::string_view v) {
                                       keys.emplace_back(std::string(k), std::string(v));
                                       return true;
                                   });
    if (!scanned) return fail(scanned.error().message);
    auto copied = (*target)->write_direct(
        [&](eventstore::Transaction& tx) {
            for (const auto& [k, v] : keys) tx.put(projections::cf::kUserKeys, k, v);
        },
        /*sync=*/true);
    if (!copied) return fail(copied.error().message);
    auto report = projections::rebuild_in_place(**target);
    if (!report) return fail("replay failed: " + report.error().message);
    if (auto m = projections::mark_read_models_current(**target); !m)
        return fail(m.error().message);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "replayed " << report->events << " events up to position " << *last << " into "
              << target_dir << " in " << secs
              << " s; serve it with: idledger serve --read-only --data-dir " << target_dir << "\n";
    (*target)->close();
    return 0;
}

int export_cmd(const Args& args) {
    auto data_dir = args.get("data-dir");
    if (!data_dir) return fail("export needs --data-dir");
    domain::SystemClock clock;
    auto store = open_store(*data_dir, clock, /*read_only=*/true);
    if (!store) return fail("cannot open the store: " + store.error().message);
    uint64_t from = 1;
    if (auto since = args.get("since")) {
        auto p = resolve_point(**store, *since, /*inclusive_end=*/false);
        if (!p) return fail("--since takes a log position or an ISO-8601 time");
        from = *p;
    }
    projections::Reader reader(**store);
    auto last = export_log(**store, reader, from, std::cout);
    if (!last) return fail(last.error().message);
    std::cerr << "exported up to position " << *last << "; resume with --since " << *last + 1
              << "\n";
    return 0;
}

void print_replay(const projections::ReplayReport& r) {
    std::cout << "replayed " << r.events << " events in " << r.seconds << " s ("
              << (r.seconds > 0 ? uint64_t(double(r.events) / r.seconds) : 0) << " events/s)\n";
}

int replay(const Args& args) {
    auto data_dir = args.get("data-dir");
    if (!data_dir) return fail("replay needs --data-dir");
    if (auto until = args.get("until")) {
        auto target = args.get("target");
        if (!target)
            return fail("replay --until needs --target DIR (the live data is never rewritten)");
        return replay_until(*data_dir, *until, *target);
    }
    domain::SystemClock clock;
    auto store = open_store(*data_dir, clock);
    if (!store) return fail("cannot open the store: " + store.error().message);
    if (args.flag("verify")) {
        fs::path scratch = fs::path(*data_dir) / "replay-verify.tmp";
        fs::remove_all(scratch);
        eventstore::Options o;
        o.path = scratch.string();
        projections::configure_store(o);
        auto target = eventstore::EventStore::open(std::move(o));
        if (!target) return fail("cannot open scratch store: " + target.error().message);
        projections::ReplayReport report;
        auto diffs = projections::verify_against(**store, **target, report);
        (*target)->close();
        fs::remove_all(scratch);
        if (!diffs) return fail("replay failed: " + diffs.error().message);
        print_replay(report);
        if (!diffs->empty()) {
            for (const auto& d : *diffs) std::cout << "DIFFERENT " << d << "\n";
            return 2;
        }
        std::cout << "verify: every read model matches the live one\n";
        return 0;
    }
    auto report = projections::rebuild_in_place(**store);
    if (!report) return fail("replay failed: " + report.error().message);
    if (auto m = projections::mark_read_models_current(**store); !m) return fail(m.error().message);
    print_replay(*report);
    (*store)->close();
    return 0;
}

/// `idledger admin-token`: the way back in when every admin token is lost (server stopped).
int admin_token_cmd(const Args& args) {
    auto data_dir = args.get("data-dir");
    if (!data_dir) return fail("admin-token needs --data-dir");
    if (!fs::exists(fs::path(*data_dir) / "store")) return fail(*data_dir + " holds no store");
    domain::SystemClock clock;
    domain::RandomIdSource ids;
    auto store = open_store(*data_dir, clock);
    if (!store)
        return fail("cannot open the store (is a server running on it? stop it first): " +
                    store.error().message);
    if (auto r = projections::ensure_read_models_current(**store); !r)
        return fail("cannot bring the read models up to date: " + r.error().message);
    AppConfig config;
    config.data_dir = *data_dir;
    config.handler_threads = 1;
    auto issued = [&]() -> eventstore::Result<AdminToken> {
        App app(**store, clock, ids, config);
        return issue_admin_token(app);
    }();
    (*store)->close();
    if (!issued) return fail("cannot issue a token: " + issued.error().message);
    if (issued->created_admin)
        std::cout << "no super administrator could act: created a recovery super administrator "
                  << issued->user_id << "\n";
    std::cout << "API token for super administrator " << issued->user_id
              << " (shown once): " << issued->token << std::endl;
    return 0;
}

int compact(const Args& args) {
    auto data_dir = args.get("data-dir");
    if (!data_dir) return fail("compact needs --data-dir");
    domain::SystemClock clock;
    auto store = open_store(*data_dir, clock);
    if (!store) return fail("cannot open the store: " + store.error().message);
    // E-mail files of users that no longer exist (deleted while a worker was still writing, or
    // by an older version) go before the compaction: no personal data outlives its user.
    projections::Reader reader(**store);
    const size_t swept = workers::forget_mail((fs::path(*data_dir) / "mail").string(),
                                              [&](const std::string& user_id) {
                                                  auto row = reader.user(user_id);
                                                  return row && !*row;
                                              });
    if (swept) std::cout << "removed " << swept << " e-mail file(s) of deleted users\n";
    if (auto r = (*store)->compact_all(); !r)
        return fail("compaction failed: " + r.error().message);
    (*store)->close();
    std::cout << "compacted\n";
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    auto args = parse_args(argc, argv);
    if (!args || args->flag("help") || args->command == "--help" || args->command == "help") {
        std::cout << kUsage;
        return args ? 0 : 2;
    }
    // Everything this process creates (store files, e-mails, tokens) is the owner's alone.
    ::umask(077);
    // A rebuild of the read models (replay, or a server finding an older shape) says how it goes.
    projections::set_replay_progress([](uint64_t folded, uint64_t total, double seconds) {
        std::cerr << "idledger: " << projections::replay_progress_line(folded, total, seconds)
                  << std::endl;
    });
    try {
        saved_argv().assign(argv, argv + argc);
        if (args->command == "serve" || args->command == "replica") return serve(*args);
        if (args->command == "admin-token") return admin_token_cmd(*args);
        if (args->command == "replay") return replay(*args);
        if (args->command == "compact") return compact(*args);
        if (args->command == "export") return export_cmd(*args);
        if (args->command == "worker") return worker_cmd(*args);
    } catch (const std::exception& ex) {
        return fail(ex.what());
    }
    std::cerr << kUsage;
    return 2;
}

}  // namespace idledger::api
