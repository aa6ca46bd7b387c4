// Projections fed with events: the read model, and replay reproducing it byte for byte.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "idledger/domain/data_key.hpp"
#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/user_decide.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/replay.hpp"

using namespace idledger;
namespace pj = idledger::projections;

namespace {

struct Dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("idledger-proj-" + std::to_string(std::random_device{}()));
    ~Dir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<eventstore::EventStore> open_store(const std::filesystem::path& p) {
    eventstore::Options o;
    o.path = p.string();
    pj::configure_store(o);
    return std::move(*eventstore::EventStore::open(std::move(o)));
}

/// Appends user events the way the API does (sealed with the user's key) and projects them.
void record(eventstore::EventStore& s, const std::string& id,
            const std::vector<domain::Event>& events) {
    auto r = s.submit([&](eventstore::Transaction& tx) {
                  auto row = pj::load_user(tx, id);
                  EXPECT_TRUE(row) << (row ? "" : row.error().message);
                  if (!row) return eventstore::Outcome::Abort;
                  auto existing = pj::data_key(tx, id);
                  EXPECT_TRUE(existing) << (existing ? "" : existing.error().message);
                  if (!existing) return eventstore::Outcome::Abort;
                  std::string key = *existing;
                  if (key.empty()) {
                      key = domain::new_data_key();
                      tx.put(pj::cf::kUserKeys, id, key);
                  }
                  std::vector<eventstore::EventData> data;
                  for (const auto& e : events)
                      data.push_back(
                          {e.type,
                           e.type == domain::user_event::kDeleted
                               ? domain::encode_payload_plain(e.data)
                               : domain::encode_payload_sealed(e.data, key, pj::user_stream(id)),
                           "{}"});
                  auto a = tx.append(pj::user_stream(id), eventstore::kAnyVersion, std::move(data));
                  EXPECT_TRUE(a);
                  std::optional<pj::UserRow> state = *row;
                  for (size_t i = 0; i < events.size(); ++i)
                      pj::apply_user_event(tx, state, tx.appended()[i], events[i]);
                  return eventstore::Outcome::Commit;
              }).get();
    ASSERT_TRUE(r);
}

domain::CreateUserCommand user(const std::string& id, const std::string& login) {
    domain::CreateUserCommand c;
    c.id = id;
    c.type_id = "oty1";
    c.profile.set("login", login);
    c.profile.set("email", login);
    c.profile.set("firstName", "F");
    c.profile.set("lastName", "L");
    return c;
}

}  // namespace

TEST(UserProjection, IndexesByIdLoginAndCreationOrder) {
    Dir dir;
    auto s = open_store(dir.path);
    auto zed = domain::decide_create(user("00u1", "Zed@example.com"), false);
    auto amy = domain::decide_create(user("00u2", "amy@example.com"), false);
    ASSERT_TRUE(zed && amy);
    record(*s, "00u1", *zed);
    record(*s, "00u2", *amy);
    pj::Reader reader(*s);
    auto by_login = reader.find_user("zed@EXAMPLE.com");
    ASSERT_TRUE(by_login && *by_login);
    EXPECT_EQ((*by_login)->user.id, "00u1");
    EXPECT_EQ((*by_login)->user.status, domain::UserStatus::Provisioned);
    std::vector<std::string> order;
    ASSERT_TRUE(reader.scan_users(0, [&](const pj::UserRow& r) {
        order.push_back(r.user.id);
        return true;
    }));
    EXPECT_EQ(order, (std::vector<std::string>{"00u1", "00u2"}));

    // A login change moves the index entry.
    domain::Event renamed{std::string(domain::user_event::kProfileReplaced),
                          domain::Json::object()};
    domain::Json p = (*by_login)->user.profile;
    p.set("login", "zed2@example.com");
    renamed.data.set("profile", p);
    record(*s, "00u1", {renamed});
    EXPECT_FALSE(*reader.find_user("zed@example.com"));
    EXPECT_TRUE(*reader.find_user("zed2@example.com"));
}

TEST(UserProjection, ReplayReproducesTheReadModelsAndDeletionShreds) {
    Dir dir, scratch1, scratch2;
    auto s = open_store(dir.path);
    for (int i = 0; i < 30; ++i) {
        std::string id = "00u" + std::to_string(100 + i);
        auto cmd = user(id, "user" + std::to_string(i) + "@example.com");
        cmd.activate = i % 2 == 0;
        auto events = domain::decide_create(cmd, false);
        ASSERT_TRUE(events);
        record(*s, id, *events);
    }
    // Deactivate and permanently delete one user.
    pj::Reader reader(*s);
    auto victim = **reader.user("00u105");
    auto deactivate = domain::decide_lifecycle(
        victim.user, {domain::LifecycleOp::Deactivate, std::nullopt, "lrqD"});
    record(*s, "00u105", *deactivate);
    // The request sits in the outbox until its completion is recorded.
    victim = **reader.user("00u105");
    ASSERT_TRUE(victim.user.request_position);
    auto pending =
        s->get(pj::cf::kLifecyclePending, eventstore::encode_u64(*victim.user.request_position));
    ASSERT_TRUE(pending && *pending);
    auto decoded = pj::decode_pending(*victim.user.request_position, **pending);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->id, "lrqD");
    EXPECT_EQ(decoded->user_id, "00u105");
    EXPECT_EQ(decoded->kind, domain::request_kind::kDeactivate);
    domain::CompletionReport completion;
    completion.request_id = "lrqD";
    completion.kind = std::string(domain::request_kind::kDeactivate);
    record(*s, "00u105", domain::decide_completion(victim.user, completion));
    EXPECT_FALSE(
        *s->get(pj::cf::kLifecyclePending, eventstore::encode_u64(*victim.user.request_position)));
    victim = **reader.user("00u105");
    EXPECT_EQ(victim.user.status, domain::UserStatus::Deprovisioned);
    auto deletion =
        domain::decide_lifecycle(victim.user, {domain::LifecycleOp::Delete, std::nullopt});
    ASSERT_TRUE(deletion);
    record(*s, "00u105", *deletion);
    EXPECT_FALSE(*reader.user("00u105"));
    EXPECT_FALSE(*s->get(pj::cf::kUserKeys, "00u105"));
    // Its events remain, unreadable.
    auto history = s->read_stream(pj::user_stream("00u105"), 1, 100);
    ASSERT_TRUE(history);
    ASSERT_FALSE(history->empty());
    EXPECT_EQ(domain::decode_payload(history->front().payload, "", history->front().stream).state,
              domain::PayloadState::Shredded);

    auto target = open_store(scratch1.path);
    pj::ReplayReport report;
    auto diffs = pj::verify_against(*s, *target, report);
    ASSERT_TRUE(diffs) << diffs.error().message;
    EXPECT_TRUE(diffs->empty()) << (*diffs)[0];
    EXPECT_EQ(report.events, s->head());

    // A tampered read model is caught.
    ASSERT_TRUE(s->write_direct(
        [](eventstore::Transaction& tx) {
            tx.put(pj::cf::kUsersByLogin, pj::login_key("ghost@example.com"), "00u999");
        },
        true));
    auto target2 = open_store(scratch2.path);
    auto diffs2 = pj::verify_against(*s, *target2, report);
    ASSERT_TRUE(diffs2);
    EXPECT_FALSE(diffs2->empty());

    // Rebuilding in place repairs it.
    ASSERT_TRUE(pj::rebuild_in_place(*s));
    EXPECT_FALSE(*s->get(pj::cf::kUsersByLogin, pj::login_key("ghost@example.com")));
    EXPECT_TRUE(*reader.find_user("user0@example.com"));
}

TEST(ReplayProgress, SaysHowFarHowFastAndHowLongIsLeft) {
    EXPECT_EQ(pj::replay_progress_line(120000, 500000, 10.0),
              "replay: 120,000 of 500,000 events, 12,000 events/s, about 32 s left");
    EXPECT_EQ(pj::replay_progress_line(500, 500, 1.0), "replay: 500 of 500 events, 500 events/s");
    EXPECT_EQ(pj::replay_progress_line(0, 10, 0.0), "replay: 0 of 10 events, 0 events/s");
}
