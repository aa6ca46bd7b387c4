#include "support/api_harness.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <stdexcept>

#include "core/app.hpp"
#include "core/bootstrap.hpp"
#include "core/dispatch.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::testing {

namespace fs = std::filesystem;

const std::string* ApiReply::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (h.name.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i)
            same = std::tolower(static_cast<unsigned char>(h.name[i])) ==
                   std::tolower(static_cast<unsigned char>(name[i]));
        if (same) return &h.value;
    }
    return nullptr;
}

struct ApiHarness::Impl {
    fs::path dir;
    domain::SystemClock clock;
    domain::RandomIdSource ids;
    std::unique_ptr<eventstore::EventStore> store;
    std::unique_ptr<api::App> app;
    std::unique_ptr<api::Dispatcher> dispatcher;
    std::string token = "harness-" + domain::random_base62(24);

    Impl() {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("idledger-harness-" + std::to_string(rd()));
        fs::create_directories(dir);
        eventstore::Options o;
        o.path = (dir / "store").string();
        projections::configure_store(o);
        o.write_reserve_bytes = 0;
        auto opened = eventstore::EventStore::open(std::move(o));
        if (!opened) throw std::runtime_error("harness store: " + opened.error().message);
        store = std::move(*opened);
        api::AppConfig config;
        config.data_dir = dir.string();
        config.public_url = "http://harness.test";
        config.handler_threads = 4;
        config.argon2.memory_bytes = 8192 * 1024;  // fast hashing: these are rule tests
        config.argon2.iterations = 1;
        config.sync_wait = std::chrono::milliseconds(50);
        config.scan_bound = 37;  // small: scans page early, and the tests see it
        app = std::make_unique<api::App>(*store, clock, ids, config);
        if (!api::bootstrap_org(*app, token)) throw std::runtime_error("harness bootstrap");
        auto key = api::link_key(*app);
        if (!key) throw std::runtime_error("harness link key");
        app->link_key = *key;
        dispatcher = std::make_unique<api::Dispatcher>(*app);
    }
    ~Impl() {
        dispatcher.reset();
        app.reset();
        store->close();
        fs::remove_all(dir);
    }
};

ApiHarness::ApiHarness() : impl_(std::make_unique<Impl>()) {}
ApiHarness::~ApiHarness() = default;

const std::string& ApiHarness::admin_token() const { return impl_->token; }
projections::Reader& ApiHarness::reader() { return impl_->app->reader; }

ApiReply ApiHarness::request(const std::string& method, const std::string& target,
                             const std::string& body, std::optional<std::string> token,
                             std::vector<api::Header> headers) {
    api::HttpRequest req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos)
        req.query = api::parse_query(std::string_view(target).substr(q + 1));
    req.remote_ip = "127.0.0.1";
    req.headers.push_back({"host", "harness.test"});
    req.headers.push_back({"accept", "application/json"});
    const std::string t = token.value_or(impl_->token);
    if (!t.empty()) req.headers.push_back({"authorization", "SSWS " + t});
    const bool typed = std::any_of(headers.begin(), headers.end(),
                                   [](const api::Header& h) { return h.name == "content-type"; });
    if (!body.empty()) {
        if (!typed) req.headers.push_back({"content-type", "application/json"});
        req.body = body;
        req.has_body = true;
    }
    for (auto& h : headers) req.headers.push_back(std::move(h));

    auto promise = std::make_shared<std::promise<api::HttpResponse>>();
    auto answered = promise->get_future();
    impl_->dispatcher->handle(
        std::move(req), [promise](api::HttpResponse&& res) { promise->set_value(std::move(res)); });
    if (answered.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
        throw std::runtime_error("no answer within 30 s: " + method + " " + target);
    api::HttpResponse res = answered.get();
    ApiReply reply{res.status, std::move(res.headers), std::move(res.body), nullptr};
    if (res.json)
        if (auto j = domain::parse_json(reply.text)) reply.body = std::move(*j);
    return reply;
}

}  // namespace idledger::testing
