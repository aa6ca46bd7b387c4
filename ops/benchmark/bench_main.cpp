// idledger-bench: the project's benchmark. `run` measures, in one run on this machine,
// idledger's durable creates and reads next to the two ceilings they stand on: raw RocksDB
// synced WriteBatch appends (same record sizes, same batch size) and a minimal Beast server.

#include <rocksdb/db.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/ids.hpp"
#include "idledger/domain/user_decide.hpp"
#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/replay.hpp"
#include "lifecycle_bench.hpp"
#include "load.hpp"
#include "process.hpp"

extern char** environ;

namespace idledger::bench {
int serve_http_ceiling(int threads);
int run_scale(const std::map<std::string, std::string>& opt);
int run_relations(const std::map<std::string, std::string>& opt);
int run_auth(const std::map<std::string, std::string>& opt);
int run_peers(const std::map<std::string, std::string>& opt);
int run_replicas(const std::map<std::string, std::string>& opt);
int run_idle(const std::map<std::string, std::string>& opt);
void write_scale_chart(const std::string& csv_path, const std::string& svg_path);
}  // namespace idledger::bench

using namespace idledger::bench;
namespace fs = std::filesystem;
using Options = std::map<std::string, std::string>;

namespace {

struct SeededUser {
    std::string user_id;
    uint64_t first_position = 0;
    uint64_t last_position = 0;
};

/// A store holding one user with `n` events, written through the same domain and projection code
/// the server uses (sealed payloads, read models, snapshots), in large batches.
SeededUser seed_long_history(const fs::path& dir, int n) {
    namespace dm = idledger::domain;
    namespace pj = idledger::projections;
    fs::create_directories(dir);
    idledger::eventstore::Options o;
    o.path = (dir / "store").string();
    idledger::projections::configure_store(o);
    auto store = idledger::eventstore::EventStore::open(std::move(o));
    if (!store) throw std::runtime_error(store.error().message);
    SeededUser out;
    out.user_id = "00uBenchLongHistory1";
    const std::string stream = pj::user_stream(out.user_id);
    const std::string key = dm::new_data_key();
    int written = 0;
    while (written < n) {
        auto r =
            (*store)
                ->submit([&](idledger::eventstore::Transaction& tx) {
                    auto row = *pj::load_user(tx, out.user_id);
                    std::vector<dm::Event> events;
                    dm::Json profile = dm::Json::object();
                    if (!row) {
                        tx.put(pj::cf::kUserKeys, out.user_id, key);
                        dm::CreateUserCommand c;
                        c.id = out.user_id;
                        c.type_id = std::string(dm::kDefaultUserTypeId);
                        c.profile.set("login", "long.history@example.com");
                        c.profile.set("email", "long.history@example.com");
                        c.profile.set("firstName", "Long");
                        c.profile.set("lastName", "History");
                        profile = c.profile;
                        events = *dm::decide_create(c, false);
                    } else {
                        profile = row->user.profile;
                    }
                    while (int(events.size()) < 1000 && written + int(events.size()) < n) {
                        profile.set("title", "Title " + std::to_string(written + events.size()));
                        dm::Json d = dm::Json::object();
                        d.set("profile", profile);
                        events.push_back(
                            dm::Event{std::string(dm::user_event::kProfileReplaced), std::move(d)});
                    }
                    std::vector<idledger::eventstore::EventData> data;
                    for (const auto& e : events)
                        data.push_back({e.type, dm::encode_payload_sealed(e.data, key, stream),
                                        R"({"actor":"system"})"});
                    auto appended =
                        tx.append(stream, row ? row->user.version : idledger::eventstore::kNoStream,
                                  std::move(data));
                    if (!appended) return idledger::eventstore::Outcome::Abort;
                    if (!out.first_position) out.first_position = appended->first_position;
                    out.last_position = appended->last_position;
                    std::optional<pj::UserRow> state = row;
                    pj::apply_user_events(tx, state, tx.appended(), events);
                    written += int(events.size());
                    return idledger::eventstore::Outcome::Commit;
                })
                .get();
        if (!r || r->aborted) throw std::runtime_error("seeding failed");
    }
    (*store)->close();
    return out;
}

struct StorageCeiling {
    double records_per_s = 0;
};

std::unique_ptr<rocksdb::DB> open_raw(const fs::path& dir) {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    auto s = rocksdb::DB::Open(o, dir.string(), &raw);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    return std::unique_ptr<rocksdb::DB>(raw);
}

/// Writes batches from `fill` (which returns how many operations it put in) until `duration`
/// has passed; returns operations per second.
double write_for(rocksdb::DB& db, bool sync, std::chrono::milliseconds duration,
                 const std::function<uint64_t(rocksdb::WriteBatch&)>& fill) {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    uint64_t ops = 0;
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        rocksdb::WriteBatch wb;
        ops += fill(wb);
        if (!db.Write(wo, &wb).ok()) throw std::runtime_error("write failed");
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return double(ops) / secs;
}

std::string random_text(size_t bytes, std::mt19937_64& rng) {
    std::string value(bytes, 'v');
    for (auto& ch : value) ch = char('a' + rng() % 26);
    return value;
}

/// Raw RocksDB: batches of `batch` records of `record_bytes` each, WriteBatch with sync=true.
StorageCeiling measure_storage(const fs::path& dir, size_t record_bytes, size_t batch,
                               std::chrono::milliseconds duration) {
    auto db = open_raw(dir);
    std::mt19937_64 rng(42);
    const std::string value = random_text(record_bytes, rng);
    uint64_t key = 0;
    return {write_for(*db, /*sync=*/true, duration, [&](rocksdb::WriteBatch& wb) {
        for (size_t i = 0; i < batch; ++i) {
            uint64_t k = ++key;
            char kb[8];
            for (int b = 7; b >= 0; --b) kb[b] = char(k >> (8 * (7 - b)));
            wb.Put(rocksdb::Slice(kb, 8), value);
        }
        return uint64_t(batch);
    })};
}

/// Raw RocksDB shaped like idledger's writes: each operation (a create, or a replayed event)
/// writes `records` records at random keys, `batch` operations per WriteBatch. The bound that
/// storage alone puts on creates or replay, with the store's own count of records per operation.
double measure_shaped_storage(const fs::path& dir, size_t records, size_t record_bytes,
                              size_t batch, bool sync, std::chrono::milliseconds duration) {
    auto db = open_raw(dir);
    const size_t key_bytes = 24;
    std::mt19937_64 rng(42);
    const std::string value =
        random_text(record_bytes > key_bytes ? record_bytes - key_bytes : 8, rng);
    std::string key(key_bytes, '\0');
    return write_for(*db, sync, duration, [&](rocksdb::WriteBatch& wb) {
        for (size_t i = 0; i < batch * records; ++i) {
            for (size_t b = 0; b < key_bytes; b += 8) {
                const uint64_t r = rng();
                std::memcpy(key.data() + b, &r, 8);
            }
            wb.Put(key, value);
        }
        return uint64_t(batch);
    });
}

int run(const std::map<std::string, std::string>& opt) {
    const std::string idledger = opt.count("idledger") ? opt.at("idledger") : "build/idledger";
    const std::string self = opt.at("self");
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 5;
    const int connections = opt.count("connections") ? std::stoi(opt.at("connections")) : 64;
    const size_t batch = opt.count("batch") ? std::stoul(opt.at("batch")) : 64;
    const auto duration = std::chrono::milliseconds(seconds * 1000);
    fs::path work = fs::temp_directory_path() / ("idledger-bench-" + std::to_string(getpid()));
    fs::remove_all(work);
    fs::create_directories(work);
    const std::string token = "bench-token-0123456789";

    // 1. idledger: durable creates, then reads of the created users.
    std::cerr << "idledger: creating users for " << seconds << " s on " << connections
              << " connections...\n";
    Child server =
        spawn_and_wait_port({idledger, "serve", "--listen", "127.0.0.1:0", "--metrics-public",
                             "--data-dir", (work / "idledger").string()},
                            {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
    // --preload N: the rows measured on a store that already holds N users (issue #14 §3).
    const uint64_t preload = opt.count("preload") ? std::stoull(opt.at("preload")) : 0;
    if (preload > 0) {
        std::cerr << "idledger: preloading " << preload << " users (activate=false)...\n";
        LoadSpec grow;
        grow.port = server.port;
        grow.connections = connections;
        grow.duration = std::chrono::hours(4);
        grow.max_requests = preload;
        grow.make_request = [&](uint64_t n) {
            return create_user_request(token, "pre" + std::to_string(n) + "@example.com",
                                       "Pre" + std::to_string(n % 10000), "?activate=false");
        };
        const LoadResult grown = run_load(grow);
        std::cerr << "idledger: preloaded at " << grown.rate() << " users/s\n";
    }
    LoadSpec create;
    create.port = server.port;
    create.connections = connections;
    create.duration = duration;
    create.keep_bodies = true;
    create.make_request = [&](uint64_t n) {
        return create_user_request(token, "bench" + std::to_string(n) + "@example.com",
                                   "User" + std::to_string(n));
    };
    LoadResult created = run_load(create);
    const std::vector<std::string> ids = created_ids(created.bodies);
    created.bodies.clear();
    if (ids.empty()) throw std::runtime_error("no user was created");

    // Each of those creates (activated, no password: PROVISIONED) also sent an activation e-mail
    // through the workers; let that work finish before the next measurement.
    auto drain = [&] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        int quiet = 0;
        while (std::chrono::steady_clock::now() < until && quiet < 3) {
            const std::string m = fetch_once(server.port, "/metrics");
            quiet = metric(m, "idledger_lifecycle_requests_in_flight") == 0 ? quiet + 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    };
    std::cerr << "idledger: waiting for the activation e-mails to drain...\n";
    drain();

    // The same creates without activation (STAGED: no e-mail, one event each).
    std::cerr << "idledger: creating users with activate=false for " << seconds << " s...\n";
    LoadSpec staged_create = create;
    staged_create.keep_bodies = false;
    staged_create.make_request = [&](uint64_t n) {
        return create_user_request(token, "staged" + std::to_string(n) + "@example.com",
                                   "User" + std::to_string(n), "?activate=false");
    };
    LoadResult staged = run_load(staged_create);

    std::cerr << "idledger: reading users for " << seconds << " s...\n";
    LoadSpec get;
    get.port = server.port;
    get.connections = connections;
    get.duration = duration;
    get.make_request = [&](uint64_t n) {
        return http_request("GET", "/api/v1/users/" + ids[n % ids.size()], token, "");
    };
    LoadResult read = run_load(get);

    // Org configuration on the kit: trusted-origin creates (unique name and origin checked in
    // the writer), list pages, and CORS preflights answered from the trusted-origin read model.
    std::cerr << "idledger: trusted origins and CORS preflights for " << seconds << " s each...\n";
    LoadSpec origins = get;
    origins.make_request = [&](uint64_t n) {
        const std::string i = std::to_string(n);
        return http_request("POST", "/api/v1/trustedOrigins", token,
                            R"({"name":"bench )" + i + R"(","origin":"https://b)" + i +
                                R"(.example.com","scopes":[{"type":"CORS"}]})");
    };
    LoadResult origin_creates = run_load(origins);
    LoadSpec origin_list = get;
    origin_list.make_request = [&](uint64_t) {
        return http_request("GET", "/api/v1/trustedOrigins?limit=20", token, "");
    };
    LoadResult origin_lists = run_load(origin_list);
    LoadSpec preflight = get;
    preflight.make_request = [&](uint64_t n) {
        return http_request("OPTIONS", "/api/v1/users/" + ids[n % ids.size()], "", "",
                            "Origin: https://b0.example.com\r\nAccess-Control-Request-Method: "
                            "GET\r\nAccess-Control-Request-Headers: authorization\r\n");
    };
    LoadResult preflights = run_load(preflight);
    for (const auto* r : {&origin_creates, &origin_lists, &preflights})
        if (r->non_2xx) throw std::runtime_error("org configuration rows: non-2xx answers");
    std::string metrics = fetch_once(server.port, "/metrics");
    stop(server);
    double fsyncs = metric(metrics, "idledger_eventstore_fsyncs_total");
    double batched = metric(metrics, "idledger_eventstore_batched_commands_total");

    // Mean event size and events per create, from the log itself.
    size_t event_bytes = 0, events = 0;
    // Every record the store holds (log, stream index, read models, indexes), for the shaped
    // storage ceilings below.
    size_t records = 0, record_bytes = 0, users = 0;
    double raw_iteration_rate = 0, replay_rate = 0;
    {
        idledger::eventstore::Options o;
        o.path = (work / "idledger" / "store").string();
        idledger::projections::configure_store(o);
        std::vector<std::string> families = o.extra_column_families;
        for (const char* core : {"events", "streams", "stream_heads"}) families.push_back(core);
        auto store = idledger::eventstore::EventStore::open(std::move(o));
        if (!store) throw std::runtime_error(store.error().message);
        auto all = (*store)->read_all(1, 1'000'000'000);
        for (const auto& e : *all) {
            event_bytes +=
                e.payload.size() + e.metadata.size() + e.type.size() + e.stream.size() + 17;
            ++events;
        }
        all->clear();
        for (const auto& family : families)
            (void)(*store)->scan(family, "", "", [&](std::string_view k, std::string_view v) {
                ++records;
                record_bytes += k.size() + v.size();
                if (family == "users") ++users;
                return true;
            });
        // Raw iteration over the same log (the replay ceiling), then the replay itself.
        std::cerr
            << "replay: raw RocksDB iteration over the log, then rebuilding every read model...\n";
        auto t0 = std::chrono::steady_clock::now();
        uint64_t raw_count = 0;
        (void)(*store)->scan("events", "", "", [&](std::string_view, std::string_view) {
            ++raw_count;
            return true;
        });
        double raw_secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        raw_iteration_rate = raw_secs > 0 ? double(raw_count) / raw_secs : 0;
        auto replayed = idledger::projections::rebuild_in_place(**store);
        if (!replayed) throw std::runtime_error(replayed.error().message);
        replay_rate = replayed->seconds > 0 ? double(replayed->events) / replayed->seconds : 0;
        (*store)->close();
    }
    const size_t mean_event = events ? event_bytes / events : 256;

    // 2. Storage ceiling.
    std::cerr << "storage ceiling: raw RocksDB, " << batch << " records of " << mean_event
              << " bytes per synced batch...\n";
    StorageCeiling storage = measure_storage(work / "raw-rocksdb", mean_event, batch, duration);
    // The same storage shaped like idledger's writes: as many records per create as the store
    // holds per user (synced, `batch` creates per batch), and per event for replay (unsynced,
    // 4096 events per batch as replay writes them).
    const size_t per_user = users ? (records + users / 2) / users : 1;
    const size_t per_event =
        events ? std::max<size_t>(1, (records - events + events / 2) / events) : 1;
    const size_t mean_record = records ? record_bytes / records : 64;
    std::cerr << "shaped storage: " << per_user << " records per user, " << per_event
              << " per event, " << mean_record << " bytes each...\n";
    const double shaped_creates = measure_shaped_storage(
        work / "raw-shaped-creates", per_user, mean_record, batch, /*sync=*/true, duration);
    const double shaped_replay = measure_shaped_storage(
        work / "raw-shaped-replay", per_event, mean_record, 4096, /*sync=*/false, duration);

    // 3. HTTP ceiling.
    std::cerr << "HTTP ceiling: minimal Beast server, fixed 200-byte JSON...\n";
    Child ceiling = spawn_and_wait_port({self, "http-ceiling"}, {});
    LoadSpec fixed;
    fixed.port = ceiling.port;
    fixed.connections = connections;
    fixed.duration = duration;
    fixed.make_request = [&](uint64_t) { return http_request("GET", "/fixed", "", ""); };
    LoadResult http = run_load(fixed);
    stop(ceiling, SIGKILL);
    fs::remove_all(work);

    // 4. As-of reads of a user with a 10,000-event history.
    std::cerr << "as-of: a user with 10,000 events...\n";
    const fs::path asof_dir = work / "asof";
    const auto seeded = seed_long_history(asof_dir, 10'000);
    Child asof_server = spawn_and_wait_port({idledger, "serve", "--listen", "127.0.0.1:0",
                                             "--metrics-public", "--data-dir", asof_dir.string()},
                                            {"IDLEDGER_BOOTSTRAP_TOKEN=" + token});
    LoadSpec asof;
    asof.port = asof_server.port;
    asof.connections = 1;
    asof.max_requests = 1000;
    asof.duration = std::chrono::milliseconds(60'000);
    std::mt19937_64 pick(7);
    asof.make_request = [&](uint64_t) {
        uint64_t p =
            seeded.first_position + pick() % (seeded.last_position - seeded.first_position + 1);
        return http_request("GET", "/api/v1/users/" + seeded.user_id + "?asOf=" + std::to_string(p),
                            token, "");
    };
    LoadResult asof_result = run_load(asof);
    stop(asof_server);
    fs::remove_all(work / "asof");

    // 5. The asynchronous lifecycle.
    const size_t lifecycle_users =
        opt.count("lifecycle-users") ? std::stoul(opt.at("lifecycle-users")) : 5000;
    const LifecycleFigures lc =
        measure_lifecycle(idledger, work / "lifecycle", token, connections, lifecycle_users);
    fs::remove_all(work);

    const double create_ceiling = std::min(storage.records_per_s, http.rate());
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    std::printf("\n");
    std::printf(
        "| measure (%d connections, %d s each, store preloaded with %llu users) | idledger | "
        "baseline | ratio | target |\n",
        connections, seconds, static_cast<unsigned long long>(preload));
    std::printf("|---|---|---|---|---|\n");
    std::printf(
        "| durable POST /api/v1/users, activated: PROVISIONED + activation e-mail (creates/s) | "
        "%.0f "
        "| %.0f (min of the two ceilings) | %.2f | >= 0.50 |\n",
        created.rate(), create_ceiling, ratio(created.rate(), create_ceiling));
    std::printf(
        "| durable POST /api/v1/users?activate=false: STAGED, no e-mail (creates/s) | %.0f | %.0f "
        "| "
        "%.2f | |\n",
        staged.rate(), create_ceiling, ratio(staged.rate(), create_ceiling));
    std::printf(
        "| GET /api/v1/users/{id} (requests/s) | %.0f | %.0f (HTTP ceiling) | %.2f | >= 0.60 |\n",
        read.rate(), http.rate(), ratio(read.rate(), http.rate()));
    std::printf(
        "| POST /api/v1/trustedOrigins (creates/s; p99 ms) | %.0f; %.2f | %.0f (min of the "
        "two ceilings) | %.2f | |\n",
        origin_creates.rate(), origin_creates.percentile(99), create_ceiling,
        ratio(origin_creates.rate(), create_ceiling));
    std::printf(
        "| GET /api/v1/trustedOrigins?limit=20 (requests/s; p99 ms) | %.0f; %.2f | %.0f (HTTP "
        "ceiling) | %.2f | |\n",
        origin_lists.rate(), origin_lists.percentile(99), http.rate(),
        ratio(origin_lists.rate(), http.rate()));
    std::printf(
        "| CORS preflight, trusted origin (requests/s; p99 ms) | %.0f; %.2f | %.0f (HTTP "
        "ceiling) | %.2f | |\n",
        preflights.rate(), preflights.percentile(99), http.rate(),
        ratio(preflights.rate(), http.rate()));
    std::printf("| create latency p50 / p99 (ms) | %.2f / %.2f | | | p99 < 20 |\n",
                created.percentile(50), created.percentile(99));
    std::printf("| GET latency p50 / p99 (ms) | %.2f / %.2f | | | |\n", read.percentile(50),
                read.percentile(99));
    std::printf(
        "| replay, every read model from the log (events/s) | %.0f | %.0f (raw RocksDB iteration "
        "of the log) | %.2f | >= 0.30 |\n",
        replay_rate, raw_iteration_rate, ratio(replay_rate, raw_iteration_rate));
    std::printf(
        "| GET ?asOf= on a 10,000-event user, p50 / p99 (ms) | %.2f / %.2f | | | p99 < 5 |\n",
        asof_result.percentile(50), asof_result.percentile(99));
    std::printf(
        "| activation end to end, request to ACTIVE (1 caller, %zu calls), p50 / p99 (ms) | %.2f / "
        "%.2f | | | p99 < 25 |\n",
        lc.activations, lc.activation_p50_ms, lc.activation_p99_ms);
    std::printf("| async deactivations accepted (202/s, %zu requests) | %.0f | | | |\n",
                lc.deactivations, lc.accepted_per_s);
    std::printf(
        "| async deactivations completed (/s) | %.0f | %.0f (raw two-hop produce-consume, same "
        "broker) | %.2f | >= 0.50 |\n",
        lc.completed_per_s, lc.raw_round_trips_per_s,
        ratio(lc.completed_per_s, lc.raw_round_trips_per_s));
    {
        // The four ratio rows, for ops/pictures.
        std::ofstream csv(opt.count("csv") ? opt.at("csv") : "bench.csv");
        csv << "measure,idledger,baseline,ratio,target\n"
            << "creates (activated)," << created.rate() << "," << create_ceiling << ","
            << ratio(created.rate(), create_ceiling) << ",0.5\n"
            << "creates (activate=false)," << staged.rate() << "," << create_ceiling << ","
            << ratio(staged.rate(), create_ceiling) << ",0.5\n"
            << "GET /users/{id}," << read.rate() << "," << http.rate() << ","
            << ratio(read.rate(), http.rate()) << ",0.6\n"
            << "replay," << replay_rate << "," << raw_iteration_rate << ","
            << ratio(replay_rate, raw_iteration_rate) << ",0.3\n"
            << "async completions," << lc.completed_per_s << "," << lc.raw_round_trips_per_s << ","
            << ratio(lc.completed_per_s, lc.raw_round_trips_per_s) << ",0.5\n";
    }
    std::printf("\n");
    std::printf("| ceiling | measured |\n|---|---|\n");
    std::printf(
        "| storage: raw RocksDB synced WriteBatch, %zu records of %zu bytes | %.0f records/s |\n",
        batch, mean_event, storage.records_per_s);
    std::printf("| HTTP: minimal Beast server, fixed 200-byte JSON | %.0f requests/s |\n",
                http.rate());
    std::printf(
        "| create-shaped storage: %zu random-key records of %zu bytes per create (the store's "
        "records per user), %zu creates per synced batch | %.0f creates/s (activated creates "
        "reach %.2f of it, staged %.2f) |\n",
        per_user, mean_record, batch, shaped_creates, ratio(created.rate(), shaped_creates),
        ratio(staged.rate(), shaped_creates));
    std::printf(
        "| replay-shaped storage: %zu random-key records per event, 4096 events per unsynced "
        "batch | %.0f events/s (replay reaches %.2f of it) |\n",
        per_event, shaped_replay, ratio(replay_rate, shaped_replay));
    std::printf("\n");
    std::printf(
        "idledger details: %llu activated + %llu staged creates (%llu non-2xx), %llu reads (%llu "
        "non-2xx), %llu events in the log (e-mail completions included), mean group commit %.1f "
        "commands per fsync\n",
        (unsigned long long)created.requests, (unsigned long long)staged.requests,
        (unsigned long long)(created.non_2xx + staged.non_2xx), (unsigned long long)read.requests,
        (unsigned long long)read.non_2xx, (unsigned long long)events,
        fsyncs > 0 ? batched / fsyncs : 0.0);
    return 0;
}

/// Load against a server already running (for profiling): creates, or reads of created users.
int load(const std::map<std::string, std::string>& opt) {
    const uint16_t port = uint16_t(std::stoi(opt.at("port")));
    const std::string token = opt.at("token");
    const std::string mode = opt.count("mode") ? opt.at("mode") : "create";
    const int seconds = opt.count("seconds") ? std::stoi(opt.at("seconds")) : 5;
    LoadSpec spec;
    spec.port = port;
    spec.connections = opt.count("connections") ? std::stoi(opt.at("connections")) : 64;
    spec.duration = std::chrono::milliseconds(seconds * 1000);
    const std::string tag = std::to_string(getpid());
    auto create_request = [&](uint64_t n) {
        return create_user_request(token, "load" + tag + "-" + std::to_string(n) + "@example.com",
                                   "User", mode == "staged" ? "?activate=false" : "");
    };
    std::vector<std::string> ids;
    if (mode == "get") {
        LoadSpec seed = spec;
        seed.max_requests = 2000;
        seed.duration = std::chrono::milliseconds(60000);
        seed.keep_bodies = true;
        seed.make_request = create_request;
        ids = created_ids(run_load(seed).bodies);
        spec.make_request = [&](uint64_t n) {
            return http_request("GET", "/api/v1/users/" + ids[n % ids.size()], token, "");
        };
    } else {
        spec.make_request = create_request;
    }
    auto r = run_load(spec);
    std::printf("%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %llu non-2xx\n", mode.c_str(),
                r.rate(), r.percentile(50), r.percentile(99), (unsigned long long)r.non_2xx);
    return 0;
}

int scale_chart(const Options& opt) {
    write_scale_chart(opt.count("csv") ? opt.at("csv") : "scale.csv",
                      opt.count("svg") ? opt.at("svg") : "scale.svg");
    return 0;
}

int http_ceiling(const Options& opt) {
    return serve_http_ceiling(opt.count("threads") ? std::stoi(opt.at("threads")) : 2);
}

/// The lifecycle rows alone.
int lifecycle_only(const Options& opt) {
    fs::path dir = fs::temp_directory_path() / ("idledger-bench-lc-" + std::to_string(getpid()));
    fs::remove_all(dir);
    auto f = measure_lifecycle(
        opt.count("idledger") ? opt.at("idledger") : "build/idledger", dir,
        "bench-token-0123456789", 64,
        opt.count("lifecycle-users") ? std::stoul(opt.at("lifecycle-users")) : 5000);
    fs::remove_all(dir);
    std::printf(
        "activation p50 %.2f ms p99 %.2f ms; accepted %.0f/s; completed %.0f/s; raw "
        "two-hop %.0f/s; ratio %.3f\n",
        f.activation_p50_ms, f.activation_p99_ms, f.accepted_per_s, f.completed_per_s,
        f.raw_round_trips_per_s,
        f.raw_round_trips_per_s > 0 ? f.completed_per_s / f.raw_round_trips_per_s : 0);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // The data directories made here are the servers' own: private, as `serve` requires.
    ::umask(077);
    if (argc < 2) {
        std::cerr
            << "usage: idledger-bench run [--idledger PATH] [--seconds N] [--connections N] "
               "[--batch N] [--preload N] [--csv FILE]\n"
               "       idledger-bench load --port P --token T [--mode create|staged|get] "
               "[--seconds "
               "N] [--connections N]\n"
               "       idledger-bench lifecycle [--lifecycle-users N]\n"
               "       idledger-bench scale [--idledger PATH] [--max N] [--csv FILE] [--svg FILE]\n"
               "       idledger-bench scale-chart --csv FILE --svg FILE\n"
               "       idledger-bench relations [--idledger PATH] [--max N] [--seconds N]\n"
               "       idledger-bench auth [--idledger PATH] [--seconds N] [--connections N]\n"
               "       idledger-bench peers [--idledger PATH] [--users N] [--connections N] "
               "[--seconds N] [--csv FILE]\n"
               "       idledger-bench replicas [--idledger PATH] [--users N] [--connections N] "
               "[--seconds N]\n"
               "       idledger-bench idle [--idledger PATH] [--seconds N] [--settle N]\n"
               "       idledger-bench http-ceiling [--threads N]\n";
        return 2;
    }
    std::string cmd = argv[1];
    std::map<std::string, std::string> opt;
    for (int i = 2; i + 1 < argc; i += 2) opt[std::string(argv[i]).substr(2)] = argv[i + 1];
    opt["self"] = fs::canonical("/proc/self/exe").string();
    using Command = int (*)(const Options&);
    static const std::map<std::string, Command> kCommands = {
        {"run", run},
        {"load", load},
        {"scale", run_scale},
        {"scale-chart", scale_chart},
        {"relations", run_relations},
        {"auth", run_auth},
        {"peers", run_peers},
        {"replicas", run_replicas},
        {"idle", run_idle},
        {"lifecycle", lifecycle_only},
        {"http-ceiling", http_ceiling},
    };
    const auto command = kCommands.find(cmd);
    if (command == kCommands.end()) return 2;
    try {
        return command->second(opt);
    } catch (const std::exception& ex) {
        std::cerr << "idledger-bench: " << ex.what() << "\n";
        return 1;
    }
}
