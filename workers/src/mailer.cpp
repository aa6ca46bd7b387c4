#include "idledger/workers/mailer.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "idledger/domain/clock.hpp"

namespace idledger::workers {
namespace {

namespace fs = std::filesystem;

/// Header values never carry a line break (no header injection through profile data).
std::string header_safe(std::string s) {
    for (auto& c : s)
        if (c == '\r' || c == '\n') c = ' ';
    return s;
}

/// Profile text in the body: control characters (line breaks included) become spaces, so a
/// name can neither forge lines of the message nor end it early on an SMTP connection.
std::string text_safe(std::string s) {
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return s;
}

struct Template {
    const char* subject;
    const char* lead;
};

Template template_for(const std::string& name) {
    if (name == "admin-notification")
        return {"Okta administrator notification",
                "This is a notification you are subscribed to as an administrator:"};
    if (name == "password-reset")
        return {"Reset your password",
                "An administrator has reset the password of your account. Choose a new one "
                "with this link:"};
    if (name == "password-expiry-warning")
        return {"Your password expires soon",
                "The password of your account expires soon. Change it before then; sign in at:"};
    if (name == "forgot-password")
        return {"Password reset requested",
                "Someone (hopefully you) asked to reset the password of your account. If it was "
                "you, choose a new one with this link:"};
    return {"Activate your account",
            "An account has been created for you. Activate it with this link:"};
}

std::string message_id(const std::string& request_id) { return request_id + "@idledger.local"; }

class FileMailer final : public Mailer {
  public:
    explicit FileMailer(MailSettings s) : s_(std::move(s)) {}

    EmailOutcome send(const EmailOrder& order, const std::string& request_id) override {
        return send_all({MailJob{order, request_id}}).front();
    }

    /// Each message is written to a temporary file; one syncfs makes them all durable, they are
    /// renamed into place, and one fsync of the directory makes the names durable. An fsync per
    /// message (a device flush each) held a worker to about a thousand e-mails a second.
    std::vector<EmailOutcome> send_all(const std::vector<MailJob>& jobs) override {
        std::vector<EmailOutcome> out;
        out.reserve(jobs.size());
        std::error_code ec;
        fs::create_directories(s_.mail_dir, ec);
        struct Pending {
            fs::path tmp, final_path;
            int fd = -1;
        };
        std::vector<Pending> files(jobs.size());
        bool any = false;
        for (size_t i = 0; i < jobs.size(); ++i) {
            const auto& [order, request_id] = jobs[i];
            out.push_back({order.template_name, false, message_id(request_id), "file", {}});
            const std::string name = mail_file_name(order.user_id, request_id);
            files[i].final_path = fs::path(s_.mail_dir) / name;
            files[i].tmp = fs::path(s_.mail_dir) / (name + ".tmp");
            const std::string text =
                compose_email(order, s_.from, request_id, domain::SystemClock().now_ms());
            int fd = ::open(files[i].tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size())) {
                files[i].fd = fd;
                any = true;
            } else if (fd >= 0) {
                ::close(fd);
            }
        }
        const int dir = any ? ::open(s_.mail_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        // One flush for the whole batch; per file where the file system refuses it.
        const bool synced_all = dir >= 0 && ::syncfs(dir) == 0;
        for (size_t i = 0; i < jobs.size(); ++i) {
            Pending& f = files[i];
            bool ok = f.fd >= 0 && (synced_all || ::fsync(f.fd) == 0);
            if (f.fd >= 0) ::close(f.fd);
            std::error_code rename_error;
            if (ok) fs::rename(f.tmp, f.final_path, rename_error);
            if (!ok || rename_error) {
                // No descriptor or no space now may be there later: worth another try.
                out[i].error = "cannot write " + f.final_path.string();
                out[i].transient = true;
                continue;
            }
            out[i].delivered = true;
        }
        if (dir >= 0) {
            if (::fsync(dir) != 0)
                for (auto& o : out)
                    if (o.delivered) {
                        o.delivered = false;
                        o.error = "cannot sync " + s_.mail_dir;
                        o.transient = true;
                    }
            ::close(dir);
        }
        return out;
    }

  private:
    MailSettings s_;
};

struct Upload {
    const std::string* text;
    size_t offset = 0;
};

size_t read_upload(char* buf, size_t size, size_t n, void* userp) {
    auto* u = static_cast<Upload*>(userp);
    size_t len = std::min(size * n, u->text->size() - u->offset);
    std::copy_n(u->text->data() + u->offset, len, buf);
    u->offset += len;
    return len;
}

class SmtpMailer final : public Mailer {
  public:
    explicit SmtpMailer(MailSettings s) : s_(std::move(s)) {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    }
    EmailOutcome send(const EmailOrder& order, const std::string& request_id) override {
        EmailOutcome out{order.template_name, false, message_id(request_id), "smtp", {}};
        const std::string text =
            compose_email(order, s_.from, request_id, domain::SystemClock().now_ms());
        int backoff = s_.first_backoff_ms;
        for (int attempt = 1; attempt <= s_.attempts; ++attempt) {
            const CURLcode code = try_once(order.to, text);
            if (code == CURLE_OK) {
                out.delivered = true;
                out.error.clear();
                return out;
            }
            out.error = curl_easy_strerror(code);
            // Refused for good (bad configuration, credentials, or the recipient): no retry
            // helps. Anything else (unreachable, timed out, reset) may pass.
            out.transient = code != CURLE_LOGIN_DENIED && code != CURLE_REMOTE_ACCESS_DENIED &&
                            code != CURLE_URL_MALFORMAT && code != CURLE_UNSUPPORTED_PROTOCOL &&
                            code != CURLE_SEND_FAIL_REWIND;
            if (!out.transient) return out;
            if (attempt < s_.attempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
                backoff *= 2;
            }
        }
        return out;
    }

  private:
    CURLcode try_once(const std::string& to, const std::string& text) {
        CURL* c = curl_easy_init();
        if (!c) return CURLE_FAILED_INIT;
        Upload upload{&text};
        const std::string from = "<" + s_.from + ">";
        curl_slist* rcpt = curl_slist_append(nullptr, ("<" + header_safe(to) + ">").c_str());
        curl_easy_setopt(c, CURLOPT_URL, s_.smtp_url.c_str());
        curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
        curl_easy_setopt(c, CURLOPT_READDATA, &upload);
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        CURLcode r = curl_easy_perform(c);
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(c);
        return r;
    }
    MailSettings s_;
};

}  // namespace

std::vector<EmailOutcome> Mailer::send_all(const std::vector<MailJob>& jobs) {
    std::vector<EmailOutcome> out;
    out.reserve(jobs.size());
    for (const auto& j : jobs) out.push_back(send(j.order, j.request_id));
    return out;
}

std::string compose_email(const EmailOrder& order, const std::string& from,
                          const std::string& request_id, long long now_ms) {
    const Template t = template_for(order.template_name);
    std::string date = domain::format_rfc1123(now_ms);  // "Sun, 29 Nov 2026 20:57:41 GMT"
    if (date.ends_with(" GMT")) date.replace(date.size() - 3, 3, "+0000");
    std::string m;
    m += "From: idledger <" + header_safe(from) + ">\r\n";
    m += "To: <" + header_safe(order.to) + ">\r\n";
    m += std::string("Subject: ") + t.subject + "\r\n";
    m += "Date: " + date + "\r\n";
    m += "Message-ID: <" + message_id(request_id) + ">\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n";
    m += "X-Idledger-Template: " + header_safe(order.template_name) + "\r\n";
    m += "\r\n";
    m += "Hello " + text_safe(order.name.empty() ? order.login : order.name) + ",\r\n\r\n";
    m += std::string(t.lead) + "\r\n\r\n";
    if (!order.about.empty()) m += "  " + text_safe(order.about) + "\r\n\r\n";
    if (!order.expires.empty()) m += "  It expires at " + order.expires + ".\r\n\r\n";
    m += "  " + text_safe(order.link) + "\r\n\r\n";
    m += "Your sign-in name is " + text_safe(order.login) + ".\r\n";
    return m;
}

std::string mail_file_name(const std::string& user_id, const std::string& request_id) {
    return (user_id.empty() ? std::string() : user_id + ".") + request_id + ".eml";
}

size_t forget_mail(const std::string& mail_dir,
                   const std::function<bool(const std::string& user_id)>& forget) {
    size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(mail_dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const size_t dot = name.find('.');
        if (dot == std::string::npos || !name.ends_with(".eml")) continue;
        if (!forget(name.substr(0, dot))) continue;
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
    }
    return removed;
}

std::unique_ptr<Mailer> make_mailer(const MailSettings& s) {
    if (!s.smtp_url.empty()) return std::make_unique<SmtpMailer>(s);
    return std::make_unique<FileMailer>(s);
}

}  // namespace idledger::workers
