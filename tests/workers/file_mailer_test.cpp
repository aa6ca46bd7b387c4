// The file transport and the worker's batch: every e-mail of a batch is in place and durable
// before any is reported delivered, outcomes stay with their requests, and a directory that
// cannot be written reports a transient failure (the request is published again).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "idledger/workers/mailer.hpp"
#include "idledger/workers/worker.hpp"

namespace fs = std::filesystem;
using namespace idledger::workers;

namespace {

fs::path scratch(const std::string& name) {
    fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(p);
    return p;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

EmailOrder order_for(const std::string& who) {
    EmailOrder o;
    o.template_name = "activation";
    o.to = who + "@example.com";
    o.name = "Zoë " + who;
    o.login = who + "@example.com";
    o.link = "https://idledger.local/activate?token=";
    o.link_token = true;
    return o;
}

RequestMessage request(const std::string& id, const std::string& user, bool email) {
    RequestMessage r;
    r.request_id = id;
    r.user_id = user;
    r.kind = "activate";
    if (email) r.email = order_for(user);
    return r;
}

}  // namespace

TEST(FileMailer, BatchLeavesEveryMessageInPlaceAndNoTemporaryFile) {
    const fs::path dir = scratch("mailer-batch");
    auto mailer = make_mailer({.smtp_url = {}, .mail_dir = dir.string()});
    std::vector<MailJob> jobs;
    for (int i = 0; i < 5; ++i) {
        EmailOrder o = order_for("u" + std::to_string(i));
        o.user_id = "00u" + std::to_string(i);
        jobs.push_back({o, "req" + std::to_string(i)});
    }
    auto out = mailer->send_all(jobs);
    ASSERT_EQ(out.size(), jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
        EXPECT_TRUE(out[i].delivered) << out[i].error;
        EXPECT_EQ(out[i].transport, "file");
        EXPECT_EQ(out[i].message_id, jobs[i].request_id + "@idledger.local");
        const fs::path file = dir / mail_file_name(jobs[i].order.user_id, jobs[i].request_id);
        ASSERT_TRUE(fs::exists(file)) << file;
        const std::string text = read(file);
        EXPECT_NE(text.find("To: <" + jobs[i].order.to + ">"), std::string::npos);
        EXPECT_NE(text.find("Message-ID: <" + out[i].message_id + ">"), std::string::npos);
    }
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        EXPECT_NE(e.path().extension(), ".tmp") << e.path();
        ++files;
    }
    EXPECT_EQ(files, jobs.size());
    fs::remove_all(dir);
}

TEST(FileMailer, UnwritableDirectoryIsATransientFailureForEveryMessage) {
    const fs::path blocker = scratch("mailer-blocker");
    std::ofstream(blocker) << "a file where the directory should be";
    auto mailer = make_mailer({.smtp_url = {}, .mail_dir = (blocker / "mail").string()});
    auto out = mailer->send_all({{order_for("a"), "r1"}, {order_for("b"), "r2"}});
    ASSERT_EQ(out.size(), 2u);
    for (const auto& o : out) {
        EXPECT_FALSE(o.delivered);
        EXPECT_TRUE(o.transient);
        EXPECT_FALSE(o.error.empty());
    }
    fs::remove(blocker);
}

TEST(Worker, BatchKeepsEachOutcomeWithItsRequest) {
    const fs::path dir = scratch("worker-batch");
    auto mailer = make_mailer({.smtp_url = {}, .mail_dir = dir.string()});
    WorkerKeys keys{std::string(32, 'k'), std::string(32, 'm')};
    // Requests with and without an e-mail, interleaved.
    std::vector<RequestMessage> requests = {
        request("r1", "00ua", true), request("r2", "00ub", false), request("r3", "00uc", true)};
    auto results = perform_all(requests, *mailer, keys);
    ASSERT_EQ(results.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(results[i].request_id, requests[i].request_id);
        EXPECT_EQ(results[i].user_id, requests[i].user_id);
        EXPECT_EQ(results[i].email.has_value(), requests[i].email.has_value());
    }
    ASSERT_TRUE(results[0].email && results[2].email);
    EXPECT_EQ(results[0].email->message_id, "r1@idledger.local");
    EXPECT_EQ(results[2].email->message_id, "r3@idledger.local");
    // The link's one-time token is derived per request, and only in the e-mail's file.
    const std::string first = read(dir / mail_file_name("00ua", "r1"));
    const std::string third = read(dir / mail_file_name("00uc", "r3"));
    auto token_of = [](const std::string& text) {
        const size_t at = text.find("token=");
        return at == std::string::npos ? std::string() : text.substr(at + 6, 20);
    };
    EXPECT_FALSE(token_of(first).empty());
    EXPECT_NE(token_of(first), token_of(third));
    // One request alone gives what it gives in a batch.
    auto alone = perform(requests[0], *mailer, keys);
    EXPECT_EQ(alone.email->message_id, results[0].email->message_id);
    EXPECT_EQ(token_of(read(dir / mail_file_name("00ua", "r1"))), token_of(first));
    fs::remove_all(dir);
}
