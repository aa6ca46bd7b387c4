// The HTTP ceiling: a minimal Beast server (same threading as idledger's front end) answering
// every request with a fixed 200-byte JSON body.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace idledger::bench {
namespace {

const std::string& fixed_body() {
    static const std::string body = [] {
        std::string b =
            R"({"id":"00u0000000000000000","status":"ACTIVE","profile":{"login":"ceiling@example.com","padding":")";
        b += std::string(200 - b.size() - 3, 'x');
        b += "\"}}";
        return b;
    }();
    return body;
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    explicit Session(tcp::socket s) : stream_(std::move(s)) {}
    void read() {
        req_ = {};
        http::async_read(stream_, buffer_, req_,
                         [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) return;
                             self->write();
                         });
    }

  private:
    void write() {
        res_ = {};
        res_.version(req_.version());
        res_.result(http::status::ok);
        res_.set(http::field::content_type, "application/json");
        res_.body() = fixed_body();
        res_.keep_alive(req_.keep_alive());
        res_.prepare_payload();
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return;
            self->read();
        });
    }
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor, asio::io_context& ioc) {
    acceptor.async_accept(asio::make_strand(ioc), [&](beast::error_code ec, tcp::socket s) {
        if (!ec) {
            s.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(s))->read();
        }
        accept(acceptor, ioc);
    });
}

}  // namespace

int serve_http_ceiling(int threads) {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::cout << "listening on " << acceptor.local_endpoint().port() << std::endl;
    accept(acceptor, ioc);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    for (auto& t : pool) t.join();
    return 0;
}

}  // namespace idledger::bench
