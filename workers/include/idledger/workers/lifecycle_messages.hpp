#pragma once
// What travels on the lifecycle topics (JSON values, keyed by user id). A request names the log
// position of its requesting event and its request id; a result repeats both, so the server
// can apply it at most once. No secret travels except an e-mail's one-time link, which the
// worker needs to write the e-mail (the events keep only its digest).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idledger::workers {

struct EmailOrder {
    std::string template_name;  // domain::email_template
    std::string to;
    std::string name;  // the recipient's display name
    std::string login;
    std::string link;     // the one-time link the e-mail carries (or the sign-in page)
    std::string expires;  // password-expiry warnings: when the password expires (ISO-8601)
};

struct RequestMessage {
    std::string request_id;
    uint64_t position = 0;
    std::string user_id;
    std::string kind;  // domain::request_kind
    std::optional<EmailOrder> email;
    std::vector<std::string> api_token_ids;   // deactivate: the user's tokens to revoke
    std::optional<int64_t> password_changed;  // expire_password: the age the request is for
};

struct EmailOutcome {
    std::string template_name;
    bool delivered = false;
    std::string message_id;
    std::string transport;  // "smtp" or "file"
    std::string error;
};

struct ResultMessage {
    std::string request_id;
    uint64_t position = 0;
    std::string user_id;
    std::string kind;
    std::optional<EmailOutcome> email;
    std::vector<std::string> revoked_api_token_ids;
    std::optional<int64_t> password_changed;
};

std::string encode(const RequestMessage& m);
std::optional<RequestMessage> decode_request(std::string_view json);
std::string encode(const ResultMessage& m);
std::optional<ResultMessage> decode_result(std::string_view json);

}  // namespace idledger::workers
