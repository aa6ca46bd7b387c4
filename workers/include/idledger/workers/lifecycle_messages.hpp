#pragma once
// What travels on the lifecycle topics (JSON values, keyed by user id). A request names the log
// position of its requesting event and its request id; a result repeats both, so the server
// can apply it at most once. No secret travels: an e-mail's one-time link is completed by the
// worker, which derives the token from the request id with the link key (WorkerKeys), and every
// message is signed with the MAC key, so a forged or altered message is dropped.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idledger::workers {

/// The keys a server shares with its workers (never on a topic): the key one-time link tokens are
/// derived with, and the key messages are signed with.
struct WorkerKeys {
    std::string link_key;
    std::string mac_key;

    /// "<link key hex>:<mac key hex>", the form of DATA_DIR/worker.key and IDLEDGER_WORKER_KEYS.
    std::string to_text() const;
    static std::optional<WorkerKeys> from_text(std::string_view text);
};

struct EmailOrder {
    std::string template_name;  // domain::email_template
    std::string to;
    std::string name;  // the recipient's display name
    std::string login;
    std::string link;         // the page the e-mail links to (the one-time token is not part of it)
    bool link_token = false;  // the worker appends the request's one-time token to `link`
    std::string expires;      // password-expiry warnings: when the password expires (ISO-8601)
    std::string user_id = {};  // set by the worker from the request (names the e-mail's file)
    std::string about = {};    // admin notifications: what happened, one line
};

struct RequestMessage {
    std::string request_id;
    uint64_t position = 0;
    std::string user_id;
    std::string kind;  // domain::request_kind
    std::optional<EmailOrder> email;
    std::optional<int64_t> password_changed;  // expire_password: the age the request is for
};

struct EmailOutcome {
    std::string template_name;
    bool delivered = false;
    std::string message_id;
    std::string transport;  // "smtp" or "file"
    std::string error;
    /// A failure that may pass (no descriptors or disk for the file, SMTP server unreachable):
    /// the server publishes the request again instead of recording the failure, a few times.
    bool transient = false;
};

struct ResultMessage {
    std::string request_id;
    uint64_t position = 0;
    std::string user_id;
    std::string kind;
    std::optional<EmailOutcome> email;
    std::optional<int64_t> password_changed;
};

/// Signed encodings (with `keys.mac_key`); decoding checks the signature first.
std::string encode(const RequestMessage& m, const WorkerKeys& keys);
std::string encode(const ResultMessage& m, const WorkerKeys& keys);

/// Why a message was not decoded: not signed with our key (forged, altered, replayed from
/// another cluster's key), or signed but not a message of ours.
enum class Refused { Forged, Malformed };
std::expected<RequestMessage, Refused> decode_request(std::string_view text,
                                                      const WorkerKeys& keys);
std::expected<ResultMessage, Refused> decode_result(std::string_view text, const WorkerKeys& keys);

}  // namespace idledger::workers
