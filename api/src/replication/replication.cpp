#include "replication/replication.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/json_io.hpp"
#include "core/lifecycle_port.hpp"
#include "idledger/domain/jwt.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::api::replication {
namespace {

namespace fs = std::filesystem;
using domain::Json;

/// Bytes one file request answers at most: a snapshot of any size travels in bounded pieces.
constexpr uint64_t kChunkBytes = 8ull << 20;
/// A snapshot nobody removed (its replica died while copying) is removed after this long.
constexpr auto kAbandonedAfter = std::chrono::hours(1);

fs::path snapshots_dir(const App& app) { return fs::path(app.config.data_dir) / "replication"; }

bool plain_name(std::string_view s) {
    if (s.empty() || s.size() > 100 || s == "." || s == "..") return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

domain::Error not_found(std::string_view what) {
    return domain::Error{domain::ErrorCode::NotFound, std::string(what), {}};
}

void remove_abandoned(const fs::path& dir) {
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto written = fs::last_write_time(entry.path(), ec);
        if (!ec && now - written > kAbandonedAfter) fs::remove_all(entry.path(), ec);
    }
}

/// POST /api/v1/_replication/snapshots: a RocksDB checkpoint of the whole store (hard links to
/// its table files), its log position and its files.
domain::Result<HttpResponse> create_snapshot(RequestContext& ctx, const HttpRequest&) {
    const fs::path root = snapshots_dir(ctx.app);
    std::error_code ec;
    fs::create_directories(root, ec);
    remove_abandoned(root);
    const std::string id = "snap" + ctx.app.ids.next("", 16);
    const fs::path dir = root / id;
    if (auto r = ctx.app.store.checkpoint(dir.string()); !r)
        return std::unexpected(store_failure(r.error()));
    uint64_t position = 0;
    {
        // The copy's own last event: the position a replica folds the log topic from.
        eventstore::Options o;
        o.path = dir.string();
        o.read_only = true;
        projections::configure_store(o);
        auto copy = eventstore::EventStore::open(std::move(o));
        if (!copy) {
            fs::remove_all(dir, ec);
            return std::unexpected(store_failure(copy.error()));
        }
        position = (*copy)->head();
        (*copy)->close();
    }
    Json files = Json::array();
    uint64_t total = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || name == "LOCK" || name.starts_with("LOG")) continue;
        Json f = Json::object();
        f.add("name", name);
        f.add("size", int64_t(entry.file_size()));
        total += entry.file_size();
        files.push(std::move(f));
    }
    Json body = Json::object();
    body.add("id", id);
    body.add("position", int64_t(position));
    body.add("bytes", int64_t(total));
    body.add("files", std::move(files));
    return json_response(201, body);
}

/// GET /api/v1/_replication/snapshots/{snapshotId}/files/{fileName}?offset=N: up to 8 MB of
/// the file from N (an empty body past its end).
domain::Result<HttpResponse> read_snapshot_file(RequestContext& ctx, const HttpRequest& req) {
    const std::string& id = ctx.param("snapshotId");
    const std::string& name = ctx.param("fileName");
    if (!plain_name(id) || !plain_name(name)) return std::unexpected(not_found("snapshot file"));
    const fs::path file = snapshots_dir(ctx.app) / id / name;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(not_found("snapshot file"));
    uint64_t offset = 0;
    if (const std::string* o = req.param("offset")) {
        auto [p, e] = std::from_chars(o->data(), o->data() + o->size(), offset);
        if (e != std::errc() || p != o->data() + o->size())
            return std::unexpected(domain::Error{
                domain::ErrorCode::ValidationFailed, {}, {{"offset: a number of bytes"}}});
    }
    HttpResponse r;
    r.status = 200;
    r.json = false;
    in.seekg(std::streamoff(offset));
    if (in) {
        r.body.resize(kChunkBytes);
        in.read(r.body.data(), std::streamsize(kChunkBytes));
        r.body.resize(size_t(in.gcount()));
    }
    r.add_header("Content-Type", "application/octet-stream");
    return r;
}

domain::Result<HttpResponse> delete_snapshot(RequestContext& ctx, const HttpRequest&) {
    const std::string& id = ctx.param("snapshotId");
    const fs::path dir = snapshots_dir(ctx.app) / id;
    std::error_code ec;
    if (!plain_name(id) || !fs::is_directory(dir, ec))
        return std::unexpected(not_found("snapshot"));
    fs::remove_all(dir, ec);
    return empty_response(204);
}

/// POST /api/v1/_replication/keys {"userIds": [...]}: the data keys the primary still holds
/// (base64url); a shredded user's is absent, so the replica's copy stays unreadable too.
domain::Result<HttpResponse> read_keys(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    const Json* ids = body->find("userIds");
    if (!ids || !ids->is_array() || ids->as_array().size() > 10'000)
        return std::unexpected(domain::Error{domain::ErrorCode::ValidationFailed,
                                             {},
                                             {{"userIds: an array of at most 10000 user ids"}}});
    Json keys = Json::object();
    for (const Json& id : ids->as_array()) {
        if (!id.is_string()) continue;
        auto key = ctx.app.store.get(projections::cf::kUserKeys, id.as_string());
        if (!key) return std::unexpected(store_failure(key.error()));
        if (*key) keys.add(id.as_string(), domain::base64url(**key));
    }
    Json out = Json::object();
    out.add("keys", std::move(keys));
    return json_response(200, out);
}

/// GET /api/v1/_replication/log: where the log topic is read (a replica asks again when it has
/// heard nothing for a while: the embedded broker's address changes when the primary restarts).
domain::Result<HttpResponse> read_log_topic(RequestContext& ctx, const HttpRequest&) {
    Json out = Json::object();
    out.add("topic", "idledger.log");
    out.add("position", int64_t(ctx.app.store.head()));
    if (ctx.app.lifecycle) {
        const LifecyclePort::LogTopic t = ctx.app.lifecycle->log_topic();
        out.add("published", t.published);
        out.add("brokers", t.brokers);
        out.add("embeddedBroker", t.embedded);
    } else {
        out.add("published", false);
    }
    return json_response(200, out);
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    constexpr Access kReplication = need("idledger.replication");
    return {
        {"POST", "/api/v1/_replication/snapshots", "replication_createSnapshot", "other",
         kReplication, Blocking, create_snapshot},
        {"GET", "/api/v1/_replication/snapshots/{snapshotId}/files/{fileName}",
         "replication_readSnapshotFile", "other", kReplication, Blocking, read_snapshot_file},
        {"DELETE", "/api/v1/_replication/snapshots/{snapshotId}", "replication_deleteSnapshot",
         "other", kReplication, Blocking, delete_snapshot},
        {"GET", "/api/v1/_replication/log", "replication_readLogTopic", "other", kReplication,
         Inline, read_log_topic},
        {"POST", "/api/v1/_replication/keys", "replication_readKeys", "other", kReplication,
         Blocking, read_keys},
    };
}

}  // namespace idledger::api::replication
