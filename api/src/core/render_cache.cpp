#include "core/render_cache.hpp"

namespace idledger::api {

std::optional<std::string> RenderCache::find(const std::string& id, uint64_t version,
                                             std::string_view origin) const {
    std::string body;
    {
        Shard& s = shard(id);
        std::lock_guard lock(s.mu);
        auto it = s.entries.find(id);
        if (it == s.entries.end() || it->second.version != version) return std::nullopt;
        body = it->second.body;
    }
    return with_origin(body, origin);
}

std::string RenderCache::with_origin(std::string_view body, std::string_view origin) {
    std::string out;
    out.reserve(body.size() + 8 * origin.size());
    size_t pos = 0;
    for (;;) {
        size_t hit = body.find(kOriginEscaped, pos);
        if (hit == std::string_view::npos) break;
        out.append(body, pos, hit - pos);
        out.append(origin);
        pos = hit + kOriginEscaped.size();
    }
    out.append(body, pos);
    return out;
}

void RenderCache::put(const std::string& id, uint64_t version, std::string body) {
    Shard& s = shard(id);
    std::lock_guard lock(s.mu);
    if (s.entries.size() >= kPerShard && !s.entries.count(id)) s.entries.clear();
    auto& e = s.entries[id];
    if (e.body.empty() || e.version <= version) e = Entry{version, std::move(body)};
}

}  // namespace idledger::api
