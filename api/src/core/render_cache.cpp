#include "core/render_cache.hpp"

namespace idledger::api {

std::optional<std::string> RenderCache::find(const std::string& id, uint64_t version,
                                             std::string_view origin) const {
    auto current = find_current(id, origin);
    if (!current || current->version != version) return std::nullopt;
    return std::move(current->body);
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

std::optional<RenderCache::Current> RenderCache::find_current(const std::string& id,
                                                              std::string_view origin) const {
    Current out;
    {
        Shard& s = shard(id);
        std::lock_guard lock(s.mu);
        auto it = s.entries.find(id);
        if (it == s.entries.end() || it->second.body.empty()) return std::nullopt;
        s.order.splice(s.order.begin(), s.order, it->second.recency);
        out.body = it->second.body;
        out.version = it->second.version;
    }
    out.body = with_origin(out.body, origin);
    return out;
}

void RenderCache::put(const std::string& id, uint64_t version, std::string body) {
    if (body.empty()) return;
    upsert(id, version, &body);
}

void RenderCache::committed(const std::string& id, uint64_t version) {
    upsert(id, version, nullptr);
}

void RenderCache::upsert(const std::string& id, uint64_t version, std::string* body) {
    Shard& s = shard(id);
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(id);
    if (it != s.entries.end()) {
        Entry& e = it->second;
        if (version > e.version) {
            e.version = version;
            e.body = body ? std::move(*body) : std::string();
        } else if (version == e.version && body && e.body.empty()) {
            e.body = std::move(*body);
        }
        s.order.splice(s.order.begin(), s.order, e.recency);
        return;
    }
    if (s.entries.size() >= kPerShard) {  // evict the least recently used entry
        s.entries.erase(s.order.back());
        s.order.pop_back();
    }
    s.order.push_front(id);
    s.entries.emplace(id, Entry{version, body ? std::move(*body) : std::string(), s.order.begin()});
}

}  // namespace idledger::api
