#pragma once
// E-mail delivery for the workers: SMTP through libcurl (retried with backoff), or, with no SMTP
// server configured, RFC 5322 files in a directory (the embedded default: DATA_DIR/mail/).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "idledger/workers/lifecycle_messages.hpp"

namespace idledger::workers {

struct MailSettings {
    std::string smtp_url;  // smtp://host:port; empty: write files
    std::string mail_dir;  // where files go without SMTP
    std::string from = "noreply@idledger.local";
    int attempts = 5;            // SMTP tries before the delivery is reported failed
    int first_backoff_ms = 200;  // doubled after each failed try
};

/// The whole message (headers and body, CRLF line ends) for `order`. The Message-ID is derived
/// from the request id, so a request processed twice produces the same message.
std::string compose_email(const EmailOrder& order, const std::string& from,
                          const std::string& request_id, long long now_ms);

/// One e-mail of a batch.
struct MailJob {
    EmailOrder order;
    std::string request_id;
};

class Mailer {
  public:
    virtual ~Mailer() = default;
    /// Delivers (with retries); the outcome says how, or why not.
    virtual EmailOutcome send(const EmailOrder& order, const std::string& request_id) = 0;
    /// Delivers several; the outcomes come in the order of `jobs`. The default sends them one
    /// after another; the file transport makes a whole batch durable with two flushes.
    virtual std::vector<EmailOutcome> send_all(const std::vector<MailJob>& jobs);
};

std::unique_ptr<Mailer> make_mailer(const MailSettings& settings);

/// The file transport's name for an e-mail: `<user id>.<request id>.eml`, so that a user's
/// e-mails can be found again when the user is deleted.
std::string mail_file_name(const std::string& user_id, const std::string& request_id);

/// Removes the e-mail files in `mail_dir` whose user `forget` says to forget (personal data
/// outside the crypto-shredded store). Returns how many went.
size_t forget_mail(const std::string& mail_dir,
                   const std::function<bool(const std::string& user_id)>& forget);

}  // namespace idledger::workers
