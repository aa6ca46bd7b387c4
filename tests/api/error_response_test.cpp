// Error responses: Okta's table, and the log line every 5xx leaves.

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "core/json_io.hpp"
#include "idledger/domain/json_parse.hpp"

using namespace idledger;

// Every 5xx is logged with its errorId and cause, so a client's report matches a log line.
TEST(ErrorResponses, AServerErrorLogsItsErrorIdWithTheCause) {
    std::stringstream captured;
    auto* old = std::cerr.rdbuf(captured.rdbuf());
    const auto res = api::error_response(
        domain::Error{domain::ErrorCode::InternalError, "store: disk on fire", {}});
    std::cerr.rdbuf(old);
    const auto body = domain::parse_json(res.body);
    ASSERT_TRUE(body);
    const std::string id = body->string_at("errorId");
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(body->string_at("errorSummary"), "Internal Server Error");  // the cause stays inside
    EXPECT_NE(captured.str().find("errorId=" + id + ": store: disk on fire"), std::string::npos)
        << captured.str();
    // A client error is not logged.
    std::stringstream quiet;
    old = std::cerr.rdbuf(quiet.rdbuf());
    api::error_response(domain::Error{domain::ErrorCode::NotFound, "x", {}});
    std::cerr.rdbuf(old);
    EXPECT_EQ(quiet.str(), "");
}

// The texts of Okta's error table (okta-api-notes 1.4) for the codes the review found differing.
TEST(ErrorResponses, SummariesFollowOktasTable) {
    auto summary = [](domain::ErrorCode c) { return domain::error_summary({c, {}, {}}); };
    EXPECT_EQ(summary(domain::ErrorCode::ResetPasswordFailed), "Password reset failed");
    EXPECT_EQ(summary(domain::ErrorCode::NextLoginNeedsPassword),
              "Could not create user. To create a user and expire their password immediately, a "
              "password must be specified");
    EXPECT_EQ(summary(domain::ErrorCode::NextLoginNeedsActivate),
              "Could not create user. To create a user and expire their password immediately, "
              "\"activate\" must be true");
    EXPECT_TRUE(summary(domain::ErrorCode::UserInTransition)
                    .starts_with("Cannot update this user because they are still being activated"));
    EXPECT_EQ(domain::catalogue(domain::ErrorCode::UnsupportedMediaType).http_status, 400);
    EXPECT_EQ(summary(domain::ErrorCode::TargetCountExceeded), "Target count limit exceeded");
}
