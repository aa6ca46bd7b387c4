// Lifecycle messages are signed: only a holder of the key can make one the other side accepts.
#include "idledger/domain/message_auth.hpp"

#include <gtest/gtest.h>

using namespace idledger::domain;

TEST(MessageAuth, SignedBodiesVerifyAndNothingElseDoes) {
    const std::string key(32, 'k');
    const std::string body = R"({"requestId":"lrq1","position":7,"kind":"deactivate"})";
    const std::string signed_text = sign_json(body, key);
    EXPECT_TRUE(
        signed_text.starts_with(R"({"requestId":"lrq1","position":7,"kind":"deactivate","mac":")"));
    EXPECT_EQ(verify_json(signed_text, key), body);
    EXPECT_EQ(verify_json(sign_json("{}", key), key), "{}");

    EXPECT_FALSE(verify_json(body, key));                          // unsigned
    EXPECT_FALSE(verify_json(signed_text, std::string(32, 'x')));  // another key
    EXPECT_FALSE(verify_json(signed_text, ""));                    // no key
    std::string altered = signed_text;
    altered.replace(altered.find("deactivate"), 10, "activate!!");
    EXPECT_FALSE(verify_json(altered, key));  // the body changed
    std::string bad_mac = signed_text;
    bad_mac[bad_mac.size() - 3] = bad_mac[bad_mac.size() - 3] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(verify_json(bad_mac, key));
    EXPECT_FALSE(verify_json("", key));
    EXPECT_FALSE(verify_json(R"({"mac":"zz"})", key));
}
