#include "http/server.hpp"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <iostream>
#include <list>
#include <mutex>
#include <thread>

namespace idledger::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

struct Shared {
    ServerConfig config;
    RequestHandler handler;
    std::atomic<bool> stopping{false};
    std::atomic<int> in_flight{0};
    std::atomic<size_t> open_connections{0};
    std::mutex sessions_mu;
    std::list<std::weak_ptr<Session>> sessions;  // oldest first
    std::mutex drain_mu;
    std::condition_variable drain_cv;
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
        shared_.open_connections.fetch_add(1);
        // Asked once per connection, not once per request (a system call each time).
        beast::error_code ignore;
        auto ep = stream_.socket().remote_endpoint(ignore);
        remote_ip_ = ignore ? "" : ep.address().to_string();
    }
    ~Session() { shared_.open_connections.fetch_sub(1); }

    /// Waiting for a request and never answered one that carried a working token: the first to
    /// go when descriptors run short (an idle flood costs the flooder, not the clients).
    bool evictable() const { return !busy_.load() && !trusted_.load(); }

    void start() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
    }

    void close_from_outside() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            if (!self->busy_) {
                beast::error_code ignore;
                self->stream_.socket().close(ignore);
            }
        });
    }

  private:
    void read() {
        if (shared_.stopping) return close();
        parser_.emplace();
        parser_->body_limit(shared_.config.body_limit);
        parser_->header_limit(64 * 1024);
        stream_.expires_after(shared_.config.idle_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    /// The status a parse failure is answered with (then the connection closes); 0: close
    /// silently (the peer went away or timed out).
    int status_for(beast::error_code ec) const {
        if (ec.category() != http::make_error_code(http::error::bad_target).category()) return 0;
        switch (static_cast<http::error>(ec.value())) {
            case http::error::end_of_stream:
            case http::error::partial_message:
            case http::error::need_more:
            case http::error::need_buffer:
            case http::error::stale_parser:
                return 0;
            case http::error::header_limit: {
                // The request line alone too long is 414; otherwise the header block is: 431.
                const auto data = buffer_.cdata();
                std::string_view head(static_cast<const char*>(data.data()), data.size());
                return head.find('\n') == std::string_view::npos ? 414 : 431;
            }
            case http::error::bad_version:
                return 505;
            default:
                return 400;
        }
    }

    void on_read(beast::error_code ec, size_t) {
        if (ec == http::error::end_of_stream) return close();
        bool too_large = ec == http::error::body_limit;
        int transport_error = too_large ? 0 : status_for(ec);
        if (ec && !too_large && !transport_error) return close();
        if (transport_error) {
            // Nothing of the message can be trusted: answer from an empty request and close.
            HttpRequest req;
            req.transport_error = transport_error;
            req.method = "GET";
            req.remote_ip = remote_ip_;
            return dispatch(std::move(req), /*keep_alive=*/false, 11, /*head=*/false);
        }
        auto& msg = parser_->get();
        HttpRequest req;
        req.method = std::string(msg.method_string());
        req.target = std::string(msg.target());
        auto qpos = req.target.find('?');
        req.path = req.target.substr(0, qpos);
        if (qpos != std::string::npos)
            req.query = parse_query(std::string_view(req.target).substr(qpos + 1));
        for (const auto& f : msg) {
            std::string name(f.name_string());
            for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
            req.headers.push_back({std::move(name), std::string(f.value())});
        }
        req.has_body = msg.has_content_length() || msg.chunked();
        if (too_large) {
            req.has_body = true;
            req.body_too_large = true;
        } else {
            req.body = std::move(msg.body());
        }
        // Only HTTP/1.0 and 1.1 are spoken here; HTTP/1.1 requires Host (RFC 9112 section 3.2).
        if (msg.version() != 10 && msg.version() != 11)
            req.transport_error = 505;
        else if (msg.version() == 11 && msg.find(http::field::host) == msg.end())
            req.transport_error = 400;
        req.remote_ip = remote_ip_;
        const bool keep_alive = msg.keep_alive() && !too_large && !req.transport_error;
        const bool head = msg.method() == http::verb::head;
        dispatch(std::move(req), keep_alive, msg.version(), head);
    }

    void dispatch(HttpRequest&& req, bool keep_alive, unsigned version, bool head) {
        keep_alive_ = keep_alive;
        version_ = version;
        head_ = head;
        with_token_ = req.header("authorization") != nullptr;
        busy_ = true;
        shared_.in_flight.fetch_add(1);
        stream_.expires_never();
        auto self = shared_from_this();
        // dispatch: an inline handler answers on this strand at once; a pool thread's answer is
        // queued to the strand.
        shared_.handler(std::move(req), [self](HttpResponse&& res) {
            asio::dispatch(self->stream_.get_executor(),
                           [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
        });
    }

    void write(HttpResponse&& res) {
        if (with_token_ && res.status < 400) trusted_ = true;
        auto msg = std::make_shared<http::response<http::string_body>>();
        msg->version(version_);
        msg->result(static_cast<unsigned>(res.status));
        for (auto& h : res.headers) msg->insert(h.name, h.value);
        // Bodiless answers carry no Content-Type (Okta's SDKs parse any JSON-typed body).
        if (res.json) msg->set(http::field::content_type, "application/json");
        msg->body() = std::move(res.body);
        msg->keep_alive(keep_alive_ && !shared_.stopping);
        msg->prepare_payload();
        // HEAD: the GET's headers (Content-Length included), never a body.
        if (head_) msg->body().clear();
        stream_.expires_after(shared_.config.read_timeout);
        http::async_write(stream_, *msg,
                          [self = shared_from_this(), msg](beast::error_code ec, size_t) {
                              self->on_write(ec, msg->keep_alive());
                          });
    }

    void on_write(beast::error_code ec, bool keep_alive) {
        busy_ = false;
        if (shared_.in_flight.fetch_sub(1) == 1) shared_.drain_cv.notify_all();
        if (ec) return close();
        if (!keep_alive) return linger();
        read();
    }

    /// A lingering close: stop sending, then read and discard whatever the client is still
    /// sending (a refused oversized body) for a bounded time, so that it reads our answer
    /// instead of a reset connection.
    void linger() {
        beast::error_code ignore;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignore);
        stream_.expires_after(std::chrono::seconds(2));
        drain();
    }

    void drain() {
        stream_.async_read_some(asio::buffer(discard_),
                                [self = shared_from_this()](beast::error_code ec, size_t) {
                                    if (ec) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignore;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignore);
        stream_.socket().close(ignore);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::array<char, 16384> discard_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Shared& shared_;
    bool keep_alive_ = true;
    std::atomic<bool> busy_{false};
    std::atomic<bool> trusted_{false};
    bool with_token_ = false;
    bool head_ = false;
    unsigned version_ = 11;
    std::string remote_ip_;
};

}  // namespace

struct HttpServer::Impl {
    Shared shared;
    asio::io_context ioc;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::thread> threads;
    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool stop_requested = false;
    bool stopped = false;
    // SIGINT/SIGTERM are caught from start() on: a signal that arrives as soon as the port is
    // known (and printed) must still shut down gracefully, never kill the process.
    asio::io_context sig_ioc;
    std::optional<asio::signal_set> signals;
    std::thread sig_thread;

    std::optional<asio::steady_timer> backoff;
    size_t max_connections = 0;

    /// Closes the oldest evictable session; false when there is none.
    bool evict_one() {
        std::lock_guard lock(shared.sessions_mu);
        for (auto it = shared.sessions.begin(); it != shared.sessions.end();) {
            auto s = it->lock();
            if (!s) {
                it = shared.sessions.erase(it);
                continue;
            }
            if (s->evictable()) {
                shared.sessions.erase(it);
                s->close_from_outside();
                return true;
            }
            ++it;
        }
        return false;
    }

    void accept() {
        acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
            if (ec) {
                if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
                // Out of descriptors (EMFILE/ENFILE, or the kernel's buffers): make room by
                // closing an idle untrusted connection and try again shortly, never spin.
                if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
                    ec == asio::error::no_memory) {
                    evict_one();
                    backoff.emplace(ioc, std::chrono::milliseconds(50));
                    backoff->async_wait([this](beast::error_code) { accept(); });
                    return;
                }
                return accept();
            }
            if (shared.open_connections.load() >= max_connections && !evict_one()) {
                // Full of connections that are busy or trusted: this one cannot be served.
                beast::error_code ignore;
                s.close(ignore);
                return accept();
            }
            s.set_option(tcp::no_delay(true));
            auto session = std::make_shared<Session>(std::move(s), shared);
            {
                std::lock_guard lock(shared.sessions_mu);
                shared.sessions.remove_if([](const auto& w) { return w.expired(); });
                shared.sessions.push_back(session);
            }
            session->start();
            accept();
        });
    }
};

HttpServer::HttpServer(ServerConfig config, RequestHandler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->shared.config = std::move(config);
    impl_->shared.handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

size_t raise_descriptor_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
        ::getrlimit(RLIMIT_NOFILE, &lim);
    }
    return lim.rlim_cur == RLIM_INFINITY ? size_t(1) << 20 : size_t(lim.rlim_cur);
}

uint16_t HttpServer::start() {
    auto& cfg = impl_->shared.config;
    const size_t limit = raise_descriptor_limit();
    impl_->max_connections =
        cfg.max_connections
            ? cfg.max_connections
            : std::max<size_t>(
                  64, limit > 2 * kDescriptorReserve ? limit - kDescriptorReserve : limit / 2);
    tcp::endpoint ep(asio::ip::make_address(cfg.host), cfg.port);
    impl_->acceptor.emplace(impl_->ioc);
    impl_->acceptor->open(ep.protocol());
    impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor->bind(ep);
    impl_->acceptor->listen(asio::socket_base::max_listen_connections);
    uint16_t port = impl_->acceptor->local_endpoint().port();
    if (cfg.on_bound) cfg.on_bound(port);
    impl_->signals.emplace(impl_->sig_ioc, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](beast::error_code ec, int) {
        if (ec) return;
        std::lock_guard lock(impl_->stop_mu);
        impl_->stop_requested = true;
        impl_->stop_cv.notify_all();
    });
    impl_->sig_thread = std::thread([this] { impl_->sig_ioc.run(); });
    impl_->accept();
    for (int i = 0; i < std::max(1, cfg.io_threads); ++i)
        impl_->threads.emplace_back([this] { impl_->ioc.run(); });
    return port;
}

void HttpServer::post(std::function<void()> fn) { asio::post(impl_->ioc, std::move(fn)); }

void HttpServer::wait_for_shutdown_signal() {
    std::unique_lock lock(impl_->stop_mu);
    impl_->stop_cv.wait(lock, [&] { return impl_->stop_requested; });
}

void HttpServer::stop() {
    {
        std::lock_guard lock(impl_->stop_mu);
        if (impl_->stopped) return;
        impl_->stopped = true;
        impl_->stop_requested = true;
        impl_->stop_cv.notify_all();
    }
    impl_->sig_ioc.stop();
    if (impl_->sig_thread.joinable()) impl_->sig_thread.join();
    auto& shared = impl_->shared;
    shared.stopping = true;
    if (impl_->acceptor) {
        asio::post(impl_->ioc, [this] {
            beast::error_code ignore;
            impl_->acceptor->close(ignore);
        });
    }
    {
        // In-flight requests finish; their connections then close (keep-alive off).
        std::unique_lock lock(shared.drain_mu);
        shared.drain_cv.wait_for(lock, std::chrono::seconds(10),
                                 [&] { return shared.in_flight.load() == 0; });
    }
    {
        std::lock_guard lock(shared.sessions_mu);
        for (auto& w : shared.sessions)
            if (auto s = w.lock()) s->close_from_outside();
    }
    impl_->ioc.stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
}

}  // namespace idledger::api
