#include "idledger/workers/worker.hpp"

#include <iostream>

#include "idledger/domain/ids.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::workers {

namespace {
/// How long a consumer loop sleeps in one poll when nothing comes (stop() interrupts it).
constexpr int kPollMs = 1000;
}  // namespace

std::vector<ResultMessage> perform_all(const std::vector<RequestMessage>& requests, Mailer& mailer,
                                       const WorkerKeys& keys) {
    std::vector<ResultMessage> out;
    std::vector<MailJob> mail;
    std::vector<size_t> mailed;  // which result each e-mail belongs to
    out.reserve(requests.size());
    for (const auto& r : requests) {
        ResultMessage& result = out.emplace_back();
        result.request_id = r.request_id;
        result.position = r.position;
        result.user_id = r.user_id;
        result.kind = r.kind;
        result.password_changed = r.password_changed;
        if (!r.email) continue;
        // The one-time token never travels: derived here from the request id and the link key.
        EmailOrder order = *r.email;
        order.user_id = r.user_id;
        if (order.link_token) order.link += domain::derived_token(keys.link_key, r.request_id);
        mail.push_back({std::move(order), r.request_id});
        mailed.push_back(out.size() - 1);
    }
    if (mail.empty()) return out;
    auto outcomes = mailer.send_all(mail);
    for (size_t i = 0; i < mailed.size() && i < outcomes.size(); ++i)
        out[mailed[i]].email = std::move(outcomes[i]);
    return out;
}

ResultMessage perform(const RequestMessage& r, Mailer& mailer, const WorkerKeys& keys) {
    return perform_all({r}, mailer, keys).front();
}

WorkerPool::WorkerPool(KafkaSettings kafka, WorkerKeys keys, Mailer& mailer, int threads,
                       std::string client_id, Producer* results)
    : kafka_(std::move(kafka)),
      keys_(std::move(keys)),
      mailer_(mailer),
      threads_(threads),
      client_id_(std::move(client_id)),
      producer_(results) {}

WorkerPool::~WorkerPool() { stop(); }

std::expected<void, std::string> WorkerPool::start() {
    if (!producer_) {
        auto p = Producer::create(kafka_, client_id_ + "-results");
        if (!p) return std::unexpected(p.error());
        own_producer_ = std::move(*p);
        producer_ = own_producer_.get();
    }
    for (int i = 0; i < threads_; ++i) {
        auto c = Consumer::create(kafka_, kWorkerGroup, {std::string(kRequestTopic)},
                                  client_id_ + "-" + std::to_string(i));
        if (!c) return std::unexpected(c.error());
        consumers_.push_back(std::move(*c));
    }
    for (auto& c : consumers_) running_.emplace_back([this, &c] { run(*c); });
    return {};
}

void WorkerPool::stop() {
    stop_ = true;
    for (auto& c : consumers_) c->interrupt();
    for (auto& t : running_)
        if (t.joinable()) t.join();
    running_.clear();
    if (own_producer_) {
        // Flushes results still queued; their callbacks reach live consumers.
        own_producer_.reset();
        producer_ = nullptr;
    }
    {
        // A shared producer reports every delivery within its message timeout (30 s at most).
        std::unique_lock lock(unsettled_mu_);
        unsettled_cv_.wait_for(lock, std::chrono::seconds(40), [&] { return unsettled_ == 0; });
    }
    consumers_.clear();
}

void WorkerPool::run(Consumer& consumer) {
    std::vector<KafkaMessage> batch;
    std::vector<RequestMessage> requests;
    // Takes one message: a request joins the batch, anything else is dropped (and counted).
    auto take = [&](KafkaMessage m) {
        auto request = decode_request(m.value, keys_);
        if (!request) {
            (request.error() == Refused::Forged ? forged_ : malformed_) += 1;
            std::cerr << "idledger worker: dropping "
                      << (request.error() == Refused::Forged ? "an unauthenticated"
                                                             : "an undecodable")
                      << " request at " << m.topic << "/" << m.partition << "@" << m.offset << "\n";
            consumer.done(m);
            return;
        }
        requests.push_back(std::move(*request));
        batch.push_back(std::move(m));
    };
    while (!stop_) {
        auto m = consumer.poll(kPollMs);
        if (!m) continue;
        take(std::move(*m));
        // Whatever else has arrived is performed with it (one flush for a batch of e-mails).
        while (batch.size() < kBatch)
            if (auto more = consumer.poll(0))
                take(std::move(*more));
            else
                break;
        if (requests.empty()) continue;
        std::vector<ResultMessage> results = perform_all(requests, mailer_, keys_);
        processed_ += results.size();
        {
            std::lock_guard lock(unsettled_mu_);
            unsettled_ += results.size();
        }
        for (size_t i = 0; i < results.size(); ++i)
            producer_->produce(
                std::string(kResultTopic), results[i].user_id, encode(results[i], keys_),
                [this, &consumer, msg = std::move(batch[i])](bool ok, const std::string&) {
                    // Not acknowledged: leave the offset, the request comes back.
                    if (ok) consumer.done(msg);
                    std::lock_guard lock(unsettled_mu_);
                    if (--unsettled_ == 0) unsettled_cv_.notify_all();
                });
        batch.clear();
        requests.clear();
    }
}

ResultConsumer::ResultConsumer(KafkaSettings kafka, WorkerKeys keys, std::string group, Apply apply)
    : kafka_(std::move(kafka)),
      keys_(std::move(keys)),
      group_(std::move(group)),
      apply_(std::move(apply)) {}

ResultConsumer::~ResultConsumer() { stop(); }

std::expected<void, std::string> ResultConsumer::start() {
    auto c =
        Consumer::create(kafka_, group_, {std::string(kResultTopic)}, "idledger-server-results");
    if (!c) return std::unexpected(c.error());
    consumer_ = std::move(*c);
    thread_ = std::thread([this] {
        while (!stop_) {
            auto m = consumer_->poll(kPollMs);
            if (!m) continue;
            auto result = decode_result(m->value, keys_);
            if (!result) {
                // A forged or altered result changes nothing: counted, logged, skipped.
                (result.error() == Refused::Forged ? forged_ : malformed_) += 1;
                std::cerr << "idledger: dropping "
                          << (result.error() == Refused::Forged ? "an unauthenticated"
                                                                : "an undecodable")
                          << " lifecycle result at " << m->topic << "/" << m->partition << "@"
                          << m->offset << "\n";
                consumer_->done(*m);
                continue;
            }
            Consumer* self = consumer_.get();
            outstanding_ += 1;
            apply_(std::move(*result), [this, self, msg = std::move(*m)] {
                self->done(msg);
                outstanding_ -= 1;
            });
        }
    });
    return {};
}

void ResultConsumer::stop() {
    stop_ = true;
    if (consumer_) consumer_->interrupt();
    if (thread_.joinable()) thread_.join();
    // Results handed to the store are acknowledged when durable: wait for them (bounded).
    for (int i = 0; outstanding_ > 0 && i < 1000; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    consumer_.reset();
}

}  // namespace idledger::workers
