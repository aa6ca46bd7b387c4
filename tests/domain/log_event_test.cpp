#include "idledger/domain/log_event.hpp"

#include <gtest/gtest.h>

#include "idledger/domain/api_token.hpp"
#include "idledger/domain/user.hpp"

using namespace idledger::domain;

// The mapping is one table: a new event type without a row would vanish from the System Log.
TEST(LogMapping, EveryAuditedEventTypeHasARow) {
    namespace ev = user_event;
    for (std::string_view t :
         {ev::kCreated, ev::kProfileReplaced, ev::kTypeChanged, ev::kPasswordSet,
          ev::kRecoveryQuestionSet, ev::kActivated, ev::kReactivated, ev::kDeactivated,
          ev::kSuspended, ev::kUnsuspended, ev::kUnlocked, ev::kPasswordReset, ev::kPasswordExpired,
          ev::kFactorsReset, ev::kForgotPasswordRequested, ev::kRoleGranted, ev::kDeleted,
          token_event::kCreated, token_event::kRevoked})
        EXPECT_NE(log_mapping(t), nullptr) << t;
    EXPECT_EQ(log_mapping("OrgBootstrapped"), nullptr);
    EXPECT_EQ(log_mapping(ev::kSuspended)->okta_event_type, "user.lifecycle.suspend");
}

TEST(LogEvent, ShapeAndStableUuid) {
    LogEventInput in;
    in.position = 42;
    in.published = 1'700'000'000'123;
    in.mapping = log_mapping(user_event::kCreated);
    in.metadata = EventMetadata{"00u1", "req1", "00T1", "10.0.0.1", "curl/8"};
    in.actor = LogSubject{"00u1", "User", "admin@example.com", "Ad Min"};
    in.target = LogSubject{"00u2", "User", "isaac@example.com", "Isaac Brock"};
    Json e = to_log_event(in);
    EXPECT_EQ(e.find("uuid")->as_string(), log_uuid(42));
    EXPECT_NE(log_uuid(42), log_uuid(43));
    EXPECT_EQ(e.find("published")->as_string(), "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(e.find("eventType")->as_string(), "user.lifecycle.create");
    EXPECT_EQ(e.find("transaction")->find("id")->as_string(), "req1");
    EXPECT_EQ(e.find("transaction")->find("type")->as_string(), "WEB");
    EXPECT_EQ(e.find("transaction")->find("detail")->find("requestApiTokenId")->as_string(),
              "00T1");
    EXPECT_EQ(e.find("target")->as_array().at(0).find("alternateId")->as_string(),
              "isaac@example.com");
    EXPECT_EQ(e.find("outcome")->find("result")->as_string(), "SUCCESS");
    in.metadata.actor_id = "system";
    EXPECT_EQ(to_log_event(in).find("transaction")->find("type")->as_string(), "JOB");
}
