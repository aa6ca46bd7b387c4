// A replica's side of the store: events travel as encode_event() bytes, a follower's log grows
// only by append_replicated() (events and their read models in one batch, observers told, waiters
// woken), and a checkpoint is a consistent copy to start a follower from.

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "idledger/eventstore/event_store.hpp"
#include "temp_dir.hpp"

using namespace idledger::eventstore;

namespace {

std::unique_ptr<EventStore> open_at(const std::string& path, bool follower = false) {
    Options o;
    o.path = path;
    o.extra_column_families = {"model"};
    o.follower = follower;
    auto s = EventStore::open(std::move(o));
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return std::move(*s);
}

void append(EventStore& s, const std::string& stream, int n) {
    auto done = s.submit([&](Transaction& tx) {
                     std::vector<EventData> events;
                     for (int i = 0; i < n; ++i)
                         events.push_back({"Happened", "payload-" + std::to_string(i), "meta"});
                     auto r = tx.append(stream, kAnyVersion, std::move(events));
                     tx.put("model", stream, std::to_string(n));
                     return r ? Outcome::Commit : Outcome::Abort;
                 }).get();
    ASSERT_TRUE(done);
}

bool same(const RecordedEvent& a, const RecordedEvent& b) {
    return a.position == b.position && a.stream == b.stream && a.version == b.version &&
           a.timestamp_ms == b.timestamp_ms && a.type == b.type && a.payload == b.payload &&
           a.metadata == b.metadata;
}

}  // namespace

TEST(Replication, EncodedEventsRoundTripAndRejectGarbage) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 500; ++i) {
        RecordedEvent e;
        e.position = rng();
        e.version = rng() % 1000 + 1;
        e.timestamp_ms = int64_t(rng() >> 2);
        e.stream = std::string(rng() % 40, char('a' + rng() % 26));
        e.type = "T" + std::to_string(rng());
        for (size_t n = rng() % 300; n > 0; --n) e.payload.push_back(char(rng()));  // any bytes
        e.metadata = std::string(rng() % 20, '\0');
        auto back = decode_event(encode_event(e));
        ASSERT_TRUE(back);
        EXPECT_TRUE(same(*back, e));
        const std::string bytes = encode_event(e);
        EXPECT_FALSE(decode_event(bytes.substr(0, rng() % 17)));  // cut inside the header
    }
}

TEST(Replication, AFollowerTakesThePrimarysEventsOnlyAndTellsObserversAndWaiters) {
    TempDir primary_dir, follower_dir;
    auto primary = open_at(primary_dir.str());
    append(*primary, "user-a", 2);
    append(*primary, "user-b", 1);
    auto follower = open_at(follower_dir.str(), /*follower=*/true);
    // Its own commands are refused: its log never forks from the primary's.
    auto refused = follower->submit([](Transaction&) { return Outcome::Commit; }).get();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::ReadOnly);

    std::vector<uint64_t> observed;
    follower->observe_commits([&](const std::vector<RecordedEvent>& events) {
        for (const auto& e : events) observed.push_back(e.position);
    });
    auto log = primary->read_all(1, 100);
    ASSERT_TRUE(log);
    std::vector<RecordedEvent> travelled;
    for (const auto& e : *log) travelled.push_back(*decode_event(encode_event(e)));

    std::thread waiter([&] {
        EXPECT_EQ(
            follower->wait_for(3, std::chrono::steady_clock::now() + std::chrono::seconds(10)), 3u);
    });
    ASSERT_TRUE(follower->append_replicated(travelled, [](Transaction& tx) {
        tx.put("model", "folded", "3");
        return true;
    }));
    waiter.join();
    EXPECT_EQ(follower->head(), 3u);
    EXPECT_EQ(observed, (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(**follower->get("model", "folded"), "3");
    auto stream = follower->read_stream("user-a", 1, 10);
    ASSERT_TRUE(stream);
    ASSERT_EQ(stream->size(), 2u);
    EXPECT_TRUE(same((*stream)[1], (*log)[1]));

    // A gap, a repeat, or a fold that fails writes nothing.
    append(*primary, "user-a", 1);
    append(*primary, "user-c", 1);
    auto more = primary->read_all(4, 100);
    ASSERT_TRUE(more);
    ASSERT_EQ(more->size(), 2u);
    EXPECT_FALSE(follower->append_replicated({(*more)[1]}, [](Transaction&) { return true; }));
    EXPECT_FALSE(follower->append_replicated({(*log)[2]}, [](Transaction&) { return true; }));
    EXPECT_FALSE(follower->append_replicated(*more, [](Transaction& tx) {
        tx.put("model", "half", "x");
        return false;
    }));
    EXPECT_EQ(follower->head(), 3u);
    EXPECT_FALSE(*follower->get("model", "half"));
    ASSERT_TRUE(follower->append_replicated(*more, [](Transaction&) { return true; }));
    EXPECT_EQ(follower->head(), 5u);

    // Reopened, the follower continues where it stopped.
    follower->close();
    follower.reset();
    auto again = open_at(follower_dir.str(), /*follower=*/true);
    EXPECT_EQ(again->head(), 5u);
    auto all = again->read_all(1, 100);
    auto theirs = primary->read_all(1, 100);
    ASSERT_TRUE(all && theirs);
    ASSERT_EQ(all->size(), theirs->size());
    for (size_t i = 0; i < all->size(); ++i) EXPECT_TRUE(same((*all)[i], (*theirs)[i]));
}

TEST(Replication, ACheckpointIsAConsistentCopyWhileWritesGoOn) {
    TempDir dir, copies;
    auto s = open_at(dir.str());
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; !stop; ++i) append(*s, "user-" + std::to_string(i % 7), 1 + i % 3);
    });
    for (int c = 0; c < 3; ++c) {
        const std::string at = (copies.path / ("copy" + std::to_string(c))).string();
        ASSERT_TRUE(s->checkpoint(at));
        Options o;
        o.path = at;
        o.extra_column_families = {"model"};
        o.read_only = true;
        auto copy = EventStore::open(std::move(o));
        ASSERT_TRUE(copy);
        // Every event up to the copy's head is there, in order, and nothing after it.
        const uint64_t head = (*copy)->head();
        auto events = (*copy)->read_all(1, 1'000'000);
        ASSERT_TRUE(events);
        ASSERT_EQ(events->size(), head);
        for (uint64_t i = 0; i < head; ++i) EXPECT_EQ((*events)[i].position, i + 1);
        EXPECT_FALSE(s->checkpoint(at));  // never over an existing directory
    }
    stop = true;
    writer.join();
}
