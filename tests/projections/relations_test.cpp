// The kit's relations fed with events: links that keep their data (an assignment), a left side
// named by a field with one left per right (a linked object), counts, and removal.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "idledger/domain/api_token.hpp"
#include "idledger/domain/app.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/linked_object.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/registry.hpp"

using namespace idledger;
namespace pj = idledger::projections;
using domain::Json;

namespace {

struct Dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("idledger-rel-" + std::to_string(std::random_device{}()));
    ~Dir() { std::filesystem::remove_all(path); }
};

class Relations : public ::testing::Test {
  protected:
    void SetUp() override {
        eventstore::Options o;
        o.path = dir.path.string();
        pj::configure_store(o);
        store = std::move(*eventstore::EventStore::open(std::move(o)));
    }

    /// Runs `decide` on document `id` of `kind` the way the API's runner does.
    void run(const domain::ResourceKind& kind, const std::string& id,
             const std::function<std::vector<domain::Event>(const std::optional<pj::Document>&,
                                                            eventstore::Transaction&)>& decide) {
        auto r = store
                     ->submit([&](eventstore::Transaction& tx) {
                         auto current = pj::load_document(tx, kind, id);
                         EXPECT_TRUE(current);
                         auto after = pj::append_document_events(tx, kind, id, *current,
                                                                 decide(*current, tx), "{}");
                         EXPECT_TRUE(after);
                         return eventstore::Outcome::Commit;
                     })
                     .get();
        ASSERT_TRUE(r);
    }

    Dir dir;
    std::unique_ptr<eventstore::EventStore> store;
};

}  // namespace

TEST_F(Relations, AnAssignmentKeepsItsDataAndPlaceWhenMadeAgain) {
    auto draft = domain::app_from_body(Json(*domain::parse_json(R"({"name":"bookmark","label":"B",
             "settings":{"app":{"url":"https://b.example.com"}}})")));
    ASSERT_TRUE(draft);
    run(domain::kApps, "0oa1",
        [&](auto&, auto&) { return domain::decide_app_create("0oa1", *draft, true, "00u9"); });
    for (const char* g : {"00g1", "00g2"})
        run(domain::kApps, "0oa1", [&](auto&, auto&) {
            return domain::decide_app_group_assign(g, std::nullopt, int64_t{1}, "0ua1", "00u9");
        });
    pj::DocumentReader reader(*store);
    auto before = reader.link_data(domain::kAppGroups, "0oa1", "00g1");
    ASSERT_TRUE(before && *before);
    EXPECT_EQ((*before)->find("priority")->as_int(), 1);
    EXPECT_EQ((*before)->find("by"), nullptr) << "who acted stays in the event";
    EXPECT_TRUE((*before)->find("created")->is_int());

    run(domain::kApps, "0oa1", [&](auto&, eventstore::Transaction& tx) {
        auto held = pj::link_data(tx, domain::kAppGroups, "0oa1", "00g1");
        return domain::decide_app_group_assign("00g1", *held, int64_t{7}, "0ua9", "00u9");
    });
    auto after = reader.link_data(domain::kAppGroups, "0oa1", "00g1");
    ASSERT_TRUE(after && *after);
    EXPECT_EQ((*after)->find("priority")->as_int(), 7);
    EXPECT_EQ((*after)->string_at("assignmentId"), "0ua1");
    EXPECT_EQ(*(*after)->find("created"), *(*before)->find("created"));
    std::vector<std::string> order;
    ASSERT_TRUE(reader.related_ids(domain::kAppGroups, true, "0oa1", 0, [&](uint64_t, auto g) {
        order.emplace_back(g);
        return true;
    }));
    EXPECT_EQ(order, (std::vector<std::string>{"00g1", "00g2"})) << "the link kept its place";
    EXPECT_EQ(*reader.relation_count(domain::kAppGroups, "0oa1"), 2u);

    run(domain::kApps, "0oa1", [&](auto&, auto&) {
        return domain::decide_app_unassign(domain::kAppGroups, "00g1", true, "00u9");
    });
    EXPECT_FALSE(*reader.link_data(domain::kAppGroups, "0oa1", "00g1"));
    EXPECT_EQ(*reader.relation_count(domain::kAppGroups, "0oa1"), 1u);
}

TEST_F(Relations, ALinkedObjectSideHasOneLeftThatAReplacementMoves) {
    auto def = domain::linked_object_definition(
        *domain::parse_json(R"({"primary":{"name":"manager","title":"M"},
                                "associated":{"name":"report","title":"R"}})"),
        [](auto, auto) { return std::optional<std::string>(); });
    ASSERT_TRUE(def);
    run(domain::kLinkedObjects, "manager",
        [&](auto&, auto&) { return domain::decide_linked_object_create(*def, "00u9"); });
    const std::string a = domain::link_side("manager", 1, "00ua");
    const std::string p = domain::link_side("manager", 1, "00up");
    const std::string q = domain::link_side("manager", 1, "00uq");
    auto link_to = [&](const std::string& primary) {
        run(domain::kLinkedObjects, "manager", [&](auto&, eventstore::Transaction& tx) {
            auto now = pj::left_of(tx, domain::kObjectLinks, a);
            return domain::decide_link(primary, a, *now, "00u9");
        });
    };
    pj::DocumentReader reader(*store);
    link_to(p);
    EXPECT_EQ(*reader.left_of(domain::kObjectLinks, a), p);
    EXPECT_TRUE(*reader.related(domain::kObjectLinks, p, a));
    link_to(q);
    EXPECT_EQ(*reader.left_of(domain::kObjectLinks, a), q);
    EXPECT_FALSE(*reader.related(domain::kObjectLinks, p, a));
    EXPECT_EQ(*reader.relation_count(domain::kObjectLinks, p), 0u);
    EXPECT_EQ(*reader.relation_count(domain::kObjectLinks, q), 1u);
    run(domain::kLinkedObjects, "manager",
        [&](auto&, auto&) { return domain::decide_unlink(q, a, true, "00u9"); });
    EXPECT_FALSE(*reader.left_of(domain::kObjectLinks, a));
}

// A group key (a user's API tokens) holds one key per member: members list in the order they
// were created and a revoked one leaves; joining writes one small key however large the group.
TEST_F(Relations, AGroupListsItsMembersInCreationOrderAndDropsTheRevoked) {
    auto token = [](const std::string& id, const std::string& user) {
        Json data = Json::object();
        data.set("id", id);
        data.set("name", "t");
        data.set("userId", user);
        data.set("clientName", "c");
        data.set("digest", "d-" + id);
        return domain::make_event(domain::token_event::kCreated, std::move(data));
    };
    std::vector<std::string> created;
    for (int i = 0; i < 300; ++i) {
        // Ids in no particular order: the list follows creation, not the ids.
        const std::string id = "00T" + std::to_string((i * 7919) % 300 + 1000);
        created.push_back(id);
        run(domain::kApiTokens, id, [&](auto&, auto&) {
            return std::vector<domain::Event>{token(id, i % 10 ? "00ua" : "00ub")};
        });
    }
    for (const auto& id : {created[1], created[150]})
        run(domain::kApiTokens, id, [&](auto&, auto&) {
            return std::vector<domain::Event>{
                domain::make_event(domain::token_event::kRevoked, Json::object())};
        });
    std::vector<std::string> expected_a, expected_b;
    for (size_t i = 0; i < created.size(); ++i) {
        if (i == 1 || i == 150) continue;
        (i % 10 ? expected_a : expected_b).push_back(created[i]);
    }
    pj::DocumentReader reader(*store);
    EXPECT_EQ(*reader.grouped(domain::kApiTokens, "user", "00ua"), expected_a);
    EXPECT_EQ(*reader.grouped(domain::kApiTokens, "user", "00ub"), expected_b);
    EXPECT_TRUE(reader.grouped(domain::kApiTokens, "user", "00u")->empty()) << "no prefix match";
    // The writer's view inside a command agrees.
    run(domain::kApiTokens, "00Tnew", [&](auto&, eventstore::Transaction& tx) {
        EXPECT_EQ(*pj::group_members(tx, domain::kApiTokens, "user", "00ub"), expected_b);
        return std::vector<domain::Event>{token("00Tnew", "00ub")};
    });
    expected_b.push_back("00Tnew");
    EXPECT_EQ(*reader.grouped(domain::kApiTokens, "user", "00ub"), expected_b);
}
