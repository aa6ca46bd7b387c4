#pragma once
// Rendered users by (id, version): a GET of an unchanged user skips reading its row, parsing
// its state and rendering it. Bodies are stored with a placeholder origin and given the
// request's origin when served. Bounded: a full shard evicts its least recently used entry.
// Thread-safe.
//
// The writer tells the cache of every committed version (committed(), from the store's commit
// observer, before the write is acknowledged): an entry then drops its body until a rendering of
// that version arrives, and a rendering of an older version (a read that raced the write) is
// refused. So a body in the cache is always the user's current one, and a GET by id needs no
// read of the store at all.

#include <array>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace idledger::api {

class RenderCache {
  public:
    /// Stands for scheme://host while rendering. Control characters in data are always escaped by
    /// the JSON writer, so in a rendered body this marker appears only as kOriginEscaped, and only
    /// where the renderer put it (a profile value holding these exact bytes would be escaped the
    /// same way; it would show the origin instead — harmless).
    static constexpr std::string_view kOrigin = "\x01\x02idledger-origin\x02\x01";
    static constexpr std::string_view kOriginEscaped =
        "\\u0001\\u0002idledger-origin\\u0002\\u0001";

    /// `body` with every placeholder replaced by `origin`.
    static std::string with_origin(std::string_view body, std::string_view origin);

    std::optional<std::string> find(const std::string& id, uint64_t version,
                                    std::string_view origin) const;
    struct Current {
        std::string body;
        uint64_t version = 0;
    };
    /// The user's current rendering, if the cache holds it.
    std::optional<Current> find_current(const std::string& id, std::string_view origin) const;
    void put(const std::string& id, uint64_t version, std::string body_with_placeholder);
    /// Version `version` of user `id` is committed: an older rendering is no longer served.
    void committed(const std::string& id, uint64_t version);

  private:
    struct Entry {
        uint64_t version;
        std::string body;  // empty: only the version is known (no rendering of it yet)
        std::list<std::string>::iterator recency;  // position in Shard::order
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Entry> entries;
        std::list<std::string> order;  // most recently used first
    };
    static constexpr size_t kShards = 16;
    static constexpr size_t kPerShard = 16'384;
    /// Inserts or updates `id`'s entry to `version` (a body only if `body` is given).
    void upsert(const std::string& id, uint64_t version, std::string* body);
    Shard& shard(const std::string& id) const {
        return shards_[std::hash<std::string>{}(id) % kShards];
    }
    mutable std::array<Shard, kShards> shards_;
};

}  // namespace idledger::api
