#include "idledger/eventstore/event_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "temp_dir.hpp"

using namespace idledger::eventstore;

namespace {

std::unique_ptr<EventStore> open_at(const std::string& path) {
    Options o;
    o.path = path;
    o.extra_column_families = {"model"};
    auto s = EventStore::open(std::move(o));
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return std::move(*s);
}

Result<AppendResult> append(EventStore& s, const std::string& stream, uint64_t expected, int n,
                            const std::string& key = {}) {
    std::optional<Result<AppendResult>> out;
    auto done = s.submit([&](Transaction& tx) {
                     std::vector<EventData> events;
                     for (int i = 0; i < n; ++i)
                         events.push_back({"Happened", "payload-" + std::to_string(i), "meta"});
                     out = tx.append(stream, expected, std::move(events), key);
                     return *out ? Outcome::Commit : Outcome::Abort;
                 }).get();
    EXPECT_TRUE(done);
    return *out;
}

}  // namespace

TEST(EventStore, AppendsAndReadsStreamsAndTheLog) {
    TempDir dir;
    auto s = open_at(dir.str());
    auto a = append(*s, "a", kNoStream, 2);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->first_position, 1u);
    EXPECT_EQ(a->last_position, 2u);
    EXPECT_EQ(a->stream_version, 2u);
    ASSERT_TRUE(append(*s, "b", kNoStream, 1));
    ASSERT_TRUE(append(*s, "a", 2, 1));
    auto stream = s->read_stream("a", 1, 100);
    ASSERT_TRUE(stream);
    ASSERT_EQ(stream->size(), 3u);
    EXPECT_EQ((*stream)[2].version, 3u);
    EXPECT_EQ((*stream)[2].position, 4u);
    EXPECT_EQ((*stream)[0].payload, "payload-0");
    auto all = s->read_all(2, 100);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].position, 2u);
    EXPECT_EQ(s->head(), 4u);
}

TEST(EventStore, DetectsWrongExpectedVersion) {
    TempDir dir;
    auto s = open_at(dir.str());
    ASSERT_TRUE(append(*s, "a", kNoStream, 1));
    auto r = append(*s, "a", kNoStream, 1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::WrongExpectedVersion);
    EXPECT_TRUE(append(*s, "a", kAnyVersion, 1));
    EXPECT_EQ(s->head(), 2u);
}

TEST(EventStore, IdempotencyKeysWriteOnce) {
    TempDir dir;
    auto s = open_at(dir.str());
    auto first = append(*s, "a", kAnyVersion, 1, "req-1");
    auto again = append(*s, "a", kAnyVersion, 1, "req-1");
    ASSERT_TRUE(first && again);
    EXPECT_FALSE(first->duplicate);
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->first_position, first->first_position);
    EXPECT_EQ(s->head(), 1u);
}

TEST(EventStore, AbortedCommandsLeaveNoTraceEvenInsideABatch) {
    TempDir dir;
    auto s = open_at(dir.str());
    std::vector<std::future<Result<CommitInfo>>> futures;
    for (int i = 0; i < 50; ++i) {
        futures.push_back(s->submit([i](Transaction& tx) {
            tx.put("model", "k" + std::to_string(i), "v");
            auto r = tx.append("s" + std::to_string(i), kNoStream, {{"E", "p", "m"}});
            return r && i % 2 == 0 ? Outcome::Commit : Outcome::Abort;
        }));
    }
    for (auto& f : futures) ASSERT_TRUE(f.get());
    EXPECT_EQ(s->head(), 25u);
    auto all = s->read_all(1, 1000);
    ASSERT_TRUE(all);
    for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].position, i + 1);
    EXPECT_TRUE(*s->get("model", "k0"));
    EXPECT_FALSE(*s->get("model", "k1"));
}

TEST(EventStore, LaterCommandsInABatchSeeEarlierWrites) {
    TempDir dir;
    auto s = open_at(dir.str());
    // Uniqueness checked inside the writer cannot race: exactly one claim wins.
    std::vector<std::future<Result<CommitInfo>>> futures;
    std::atomic<int> winners{0};
    for (int i = 0; i < 64; ++i) {
        futures.push_back(s->submit([&, i](Transaction& tx) {
            auto taken = tx.get("model", "login:isaac");
            if (!taken || *taken) return Outcome::Abort;
            tx.put("model", "login:isaac", std::to_string(i));
            ++winners;
            return Outcome::Commit;
        }));
    }
    for (auto& f : futures) ASSERT_TRUE(f.get());
    EXPECT_EQ(winners.load(), 1);
}

TEST(EventStoreProperty, ATransactionScanSeesCommittedKeysAndItsOwnWrites) {
    TempDir dir;
    auto s = open_at(dir.str());
    // A model of the column family; random puts and deletes under prefixes that share bytes,
    // each command scanning one prefix after its own writes.
    std::map<std::string, std::string> model;
    std::mt19937 rng(11);
    const std::vector<std::string> prefixes = {std::string("g\0a\0", 4), std::string("g\0ab\0", 5),
                                               std::string("g\0b\0", 4)};
    auto key = [&] { return prefixes[rng() % 3] + std::to_string(rng() % 40); };
    for (int round = 0; round < 200; ++round) {
        std::vector<std::pair<std::string, std::optional<std::string>>> writes;
        for (int i = 0; i < 4; ++i)
            writes.emplace_back(key(), rng() % 3 ? std::optional<std::string>(std::to_string(round))
                                                 : std::nullopt);
        const std::string prefix = prefixes[rng() % 3];
        bool matched = true;
        auto done =
            s->submit([&](Transaction& tx) {
                 for (const auto& [k, v] : writes) {
                     if (v)
                         tx.put("model", k, *v);
                     else
                         tx.del("model", k);
                 }
                 std::map<std::string, std::string> seen;
                 auto r = tx.scan("model", prefix, [&](std::string_view k, std::string_view v) {
                     seen.emplace(k, v);
                     return true;
                 });
                 std::map<std::string, std::string> expected = model;
                 for (const auto& [k, v] : writes) {
                     if (v)
                         expected[k] = *v;
                     else
                         expected.erase(k);
                 }
                 std::erase_if(expected,
                               [&](const auto& kv) { return !kv.first.starts_with(prefix); });
                 matched = r && seen == expected;
                 return Outcome::Commit;
             }).get();
        ASSERT_TRUE(done);
        ASSERT_TRUE(matched) << "round " << round;
        for (const auto& [k, v] : writes) {
            if (v)
                model[k] = *v;
            else
                model.erase(k);
        }
    }
}

TEST(EventStoreProperty, AGroupsWritesLandAsTheCommandsMadeThemInTheirOrder) {
    // The writer writes each group sorted by key (faster memtable inserts); the last write of a
    // key within a group must still win, aborted commands must leave nothing, and the same must
    // hold after a reopen (the write-ahead log). Commands submitted together form groups; each
    // records, when it runs (one at a time, on the writer), what it wrote.
    TempDir dir;
    std::map<std::pair<std::string, std::string>, std::string> model;
    const std::vector<std::string> families = {"model", "model2"};
    auto expect_model = [&](EventStore& store, const char* when) {
        for (const auto& cf : families) {
            for (int k = 0; k < 60; ++k) {
                const std::string key = "k" + std::to_string(k);
                auto got = store.get(cf, key);
                ASSERT_TRUE(got);
                const auto want = model.find({cf, key});
                ASSERT_EQ(got->has_value(), want != model.end()) << when << " " << cf << "/" << key;
                if (want != model.end()) {
                    EXPECT_EQ(**got, want->second) << when << " " << cf << "/" << key;
                }
            }
        }
    };
    {
        Options o;
        o.path = dir.str();
        o.extra_column_families = families;
        auto s = EventStore::open(std::move(o));
        ASSERT_TRUE(s);
        std::mt19937 rng(7);
        struct Ran {
            std::vector<std::tuple<std::string, std::string, std::optional<std::string>>> writes;
            bool committed = false;
        };
        std::vector<Ran> ran;  // in the order the writer ran the commands
        for (int wave = 0; wave < 20; ++wave) {
            std::vector<std::future<Result<CommitInfo>>> futures;
            for (int c = 0; c < 50; ++c) {
                Ran plan;
                for (int i = 0; i < 6; ++i) {
                    const std::string cf = families[rng() % 2];
                    const std::string key = "k" + std::to_string(rng() % 60);
                    plan.writes.emplace_back(
                        cf, key,
                        rng() % 4
                            ? std::optional<std::string>(std::to_string(wave * 1000 + c * 10 + i))
                            : std::nullopt);
                }
                plan.committed = rng() % 5 != 0;
                futures.push_back((*s)->submit([&ran, plan](Transaction& tx) {
                    for (const auto& [cf, key, value] : plan.writes) {
                        if (value)
                            tx.put(cf, key, *value);
                        else
                            tx.del(cf, key);
                    }
                    ran.push_back(plan);
                    return plan.committed ? Outcome::Commit : Outcome::Abort;
                }));
            }
            for (auto& f : futures) ASSERT_TRUE(f.get());
        }
        for (const auto& r : ran) {
            if (!r.committed) continue;
            for (const auto& [cf, key, value] : r.writes) {
                if (value)
                    model[{cf, key}] = *value;
                else
                    model.erase({cf, key});
            }
        }
        expect_model(**s, "live");
    }
    Options o;
    o.path = dir.str();
    o.extra_column_families = families;
    auto reopened = EventStore::open(std::move(o));
    ASSERT_TRUE(reopened);
    expect_model(**reopened, "after reopen");
}

TEST(EventStore, SurvivesReopenAndContinuesPositions) {
    TempDir dir;
    {
        auto s = open_at(dir.str());
        ASSERT_TRUE(append(*s, "a", kNoStream, 3));
        s->close();
    }
    auto s = open_at(dir.str());
    EXPECT_EQ(s->head(), 3u);
    auto r = append(*s, "a", 3, 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first_position, 4u);
}

TEST(EventStore, WaitForWakesTailingReaders) {
    TempDir dir;
    auto s = open_at(dir.str());
    std::thread writer([&] { append(*s, "a", kAnyVersion, 1); });
    auto head = s->wait_for(1, std::chrono::steady_clock::now() + std::chrono::seconds(30));
    writer.join();
    EXPECT_GE(head, 1u);
}

// Property: many concurrent appenders with random expected versions. Global positions are
// gap-free and monotonic, every stream's versions are gap-free, and every expected-version
// conflict is detected (the number of successful appends per stream equals its final version).
TEST(EventStoreProperty, ConcurrentAppendersKeepTheInvariants) {
    TempDir dir;
    auto s = open_at(dir.str());
    constexpr int kThreads = 16, kOpsPerThread = 150, kStreams = 8;
    std::atomic<uint64_t> committed_events{0};
    std::vector<std::atomic<int>> successes(kStreams);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(unsigned(t) * 7919u);
            for (int i = 0; i < kOpsPerThread; ++i) {
                int stream = int(rng() % kStreams);
                std::string name = "s" + std::to_string(stream);
                int n = 1 + int(rng() % 3);
                // Read the version outside the writer, as a client would, and race for it.
                auto current = s->read_stream(name, 1, 100000);
                uint64_t expected = current->empty() ? kNoStream : current->back().version;
                if (rng() % 5 == 0) expected = kAnyVersion;
                auto r = append(*s, name, expected, n);
                if (r) {
                    committed_events += uint64_t(n);
                    successes[size_t(stream)] += n;
                } else {
                    EXPECT_EQ(r.error().code, Errc::WrongExpectedVersion);
                }
            }
        });
    }
    for (auto& t : threads) t.join();

    auto all = s->read_all(1, 1'000'000);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), committed_events.load());
    std::map<std::string, uint64_t> last_version;
    for (size_t i = 0; i < all->size(); ++i) {
        const auto& e = (*all)[i];
        ASSERT_EQ(e.position, i + 1) << "gap in global positions";
        ASSERT_EQ(e.version, last_version[e.stream] + 1) << "gap in " << e.stream;
        last_version[e.stream] = e.version;
    }
    for (int k = 0; k < kStreams; ++k) {
        std::string name = "s" + std::to_string(k);
        EXPECT_EQ(last_version[name], uint64_t(successes[size_t(k)].load()));
    }
    const auto& st = s->stats();
    EXPECT_LT(st.fsyncs.load(), st.commands.load()) << "group commit never batched";
}

TEST(EventStore, RetiredColumnFamiliesAreDroppedOnOpen) {
    TempDir dir;
    {
        Options o;
        o.path = dir.str();
        o.extra_column_families = {"model", "retired"};
        auto s = EventStore::open(std::move(o));
        ASSERT_TRUE(s);
        ASSERT_TRUE((*s)->write_direct([](Transaction& tx) { tx.put("retired", "k", "v"); }, true));
        ASSERT_TRUE(append(**s, "a", kNoStream, 1));
        (*s)->close();
    }
    // A newer version no longer names "retired": it opens, keeps the log, and the family is gone.
    auto s = open_at(dir.str());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->head(), 1u);
    EXPECT_FALSE(s->get("retired", "k"));
    s->close();
    auto again = open_at(dir.str());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->head(), 1u);
}
