#include "replica/snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "idledger/domain/json_parse.hpp"

namespace idledger::api {
namespace {

namespace fs = std::filesystem;

std::expected<void, std::string> fsync_path(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) return std::unexpected("cannot open " + p.string());
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return std::unexpected("cannot sync " + p.string());
    return {};
}

std::expected<void, std::string> copy_file(const PrimaryClient& primary, const std::string& id,
                                           const std::string& name, uint64_t size,
                                           const fs::path& to) {
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return std::unexpected("cannot create " + to.string());
    uint64_t offset = 0;
    std::string error;
    while (offset < size) {
        auto piece = primary.admin("GET", "/api/v1/_replication/snapshots/" + id + "/files/" +
                                              name + "?offset=" + std::to_string(offset));
        if (!piece) {
            error = piece.error();
            break;
        }
        if (piece->status != 200 || piece->body.empty()) {
            error =
                "snapshot file " + name + ": the primary answered " + std::to_string(piece->status);
            break;
        }
        const char* p = piece->body.data();
        size_t left = piece->body.size();
        while (left > 0) {
            const ssize_t n = ::write(fd, p, left);
            if (n <= 0) {
                error = "cannot write " + to.string();
                break;
            }
            p += n;
            left -= size_t(n);
        }
        if (!error.empty()) break;
        offset += piece->body.size();
    }
    if (error.empty() && ::fsync(fd) != 0) error = "cannot sync " + to.string();
    ::close(fd);
    if (!error.empty()) return std::unexpected(error);
    return {};
}

}  // namespace

std::expected<void, std::string> prepare_replica_store(const std::string& data_dir,
                                                       const PrimaryClient& primary) {
    const fs::path dir(data_dir), store = dir / "store", partial = dir / "store.partial";
    const fs::path marker = dir / std::string(kResnapshotMarker);
    std::error_code ec;
    if (fs::exists(store / "CURRENT", ec) && !fs::exists(marker, ec)) return {};
    fs::create_directories(dir, ec);
    fs::remove_all(partial, ec);
    fs::create_directories(partial, ec);
    if (ec) return std::unexpected("cannot create " + partial.string() + ": " + ec.message());
    auto made = primary.admin("POST", "/api/v1/_replication/snapshots", "{}");
    if (!made) return std::unexpected(made.error());
    if (made->status != 201)
        return std::unexpected("the primary refused a snapshot (" + std::to_string(made->status) +
                               "): " + made->body.substr(0, 300));
    auto doc = domain::parse_json(made->body);
    if (!doc || !doc->is_object())
        return std::unexpected(std::string("the primary's snapshot answer is not JSON"));
    const std::string id = doc->string_at("id");
    const domain::Json* position = doc->find("position");
    const domain::Json* files = doc->find("files");
    if (id.empty() || !position || !position->is_int() || !files || !files->is_array())
        return std::unexpected(
            std::string("the primary's snapshot answer lacks id, position or files"));
    std::cout << "idledger replica: copying snapshot " << id << " (log position "
              << position->as_int() << ", " << files->as_array().size() << " files)" << std::endl;
    for (const domain::Json& f : files->as_array()) {
        const std::string name = f.string_at("name");
        const domain::Json* size = f.find("size");
        if (name.empty() || name.find('/') != std::string::npos || !size || !size->is_int())
            return std::unexpected(std::string("a snapshot file without a plain name or size"));
        if (auto c = copy_file(primary, id, name, uint64_t(size->as_int()), partial / name); !c)
            return c;
    }
    // The primary keeps nothing for us any more (it also drops snapshots left for an hour).
    (void)primary.admin("DELETE", "/api/v1/_replication/snapshots/" + id);
    if (auto s = fsync_path(partial); !s) return s;
    fs::remove_all(store, ec);
    fs::rename(partial, store, ec);
    if (ec) return std::unexpected("cannot move the snapshot into place: " + ec.message());
    if (auto s = fsync_path(dir); !s) return s;
    fs::remove(marker, ec);
    return {};
}

}  // namespace idledger::api
