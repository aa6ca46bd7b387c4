// The rendered-user cache evicts its least recently used entry when a shard is full, instead of
// emptying the shard (which dropped up to 16,384 hot users at once).

#include "core/render_cache.hpp"

#include <gtest/gtest.h>

using idledger::api::RenderCache;

namespace {
/// Ids that land in the same shard as `first` (16 shards by std::hash).
std::vector<std::string> same_shard_ids(size_t n) {
    std::vector<std::string> out;
    const size_t target = std::hash<std::string>{}("u0") % 16;
    for (size_t i = 0; out.size() < n; ++i) {
        std::string id = "u" + std::to_string(i);
        if (std::hash<std::string>{}(id) % 16 == target) out.push_back(id);
    }
    return out;
}
}  // namespace

TEST(RenderCache, AFullShardEvictsOnlyItsLeastRecentlyUsedEntry) {
    RenderCache cache;
    const auto ids = same_shard_ids(16'384 + 1);
    for (size_t i = 0; i + 1 < ids.size(); ++i) cache.put(ids[i], 1, "{}");
    ASSERT_TRUE(cache.find(ids[0], 1, "http://x"));  // the oldest becomes the most recent
    cache.put(ids.back(), 1, "{}");                  // full: one entry goes
    EXPECT_TRUE(cache.find(ids[0], 1, "http://x"));
    EXPECT_FALSE(cache.find(ids[1], 1, "http://x"));  // the least recently used one
    EXPECT_TRUE(cache.find(ids[2], 1, "http://x"));
    EXPECT_TRUE(cache.find(ids.back(), 1, "http://x"));
}

TEST(RenderCache, ANewerVersionReplacesAnOlderOneButNotTheOtherWayRound) {
    RenderCache cache;
    cache.put("u1", 2, "\"v2\"");
    cache.put("u1", 1, "\"v1\"");
    EXPECT_EQ(cache.find("u1", 2, "o").value_or(""), "\"v2\"");
    EXPECT_FALSE(cache.find("u1", 1, "o"));
    cache.put("u1", 3, "\"v3\"");
    EXPECT_EQ(cache.find("u1", 3, "o").value_or(""), "\"v3\"");
}
