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

TEST(RenderCache, ACommittedVersionWithdrawsTheOlderRenderingAndRefusesALateOne) {
    RenderCache cache;
    cache.put("u1", 1, "\"v1\"");
    ASSERT_EQ(cache.find_current("u1", "o").value_or(RenderCache::Current{}).version, 1u);
    // The writer commits version 2: version 1 is not served any more.
    cache.committed("u1", 2);
    EXPECT_FALSE(cache.find_current("u1", "o"));
    // A GET that read version 1 before the write and renders it afterwards is refused.
    cache.put("u1", 1, "\"v1\"");
    EXPECT_FALSE(cache.find_current("u1", "o"));
    // The rendering of version 2 is served.
    cache.put("u1", 2, "\"v2\"");
    auto hit = cache.find_current("u1", "o");
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->version, 2u);
    EXPECT_EQ(hit->body, "\"v2\"");
}

TEST(RenderCache, ACommitOfAUserNeverCachedStillRefusesAnOlderRendering) {
    RenderCache cache;
    cache.committed("u9", 5);  // the write lands while a GET holds version 4
    cache.put("u9", 4, "\"v4\"");
    EXPECT_FALSE(cache.find_current("u9", "o"));
    // A rendering of the committed version that arrived first is kept by a late commit notice.
    cache.put("u8", 3, "\"v3\"");
    cache.committed("u8", 3);
    EXPECT_EQ(cache.find_current("u8", "o").value_or(RenderCache::Current{}).body, "\"v3\"");
}

TEST(RenderCache, AVersionKnownOnlyFromACommitIsNoRendering) {
    RenderCache cache;
    cache.committed("u7", 3);
    EXPECT_FALSE(cache.find("u7", 3, "o"));
    EXPECT_FALSE(cache.find_current("u7", "o"));
}
