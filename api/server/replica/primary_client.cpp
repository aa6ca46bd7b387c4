#include "replica/primary_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace idledger::api {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

std::expected<PrimaryClient, std::string> PrimaryClient::make(const std::string& url,
                                                              std::string token) {
    std::string_view rest(url);
    if (!rest.starts_with("http://"))
        return std::unexpected("--primary takes http://HOST:PORT (TLS: put a proxy in front)");
    rest.remove_prefix(7);
    while (rest.ends_with('/')) rest.remove_suffix(1);
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
        return std::unexpected("--primary takes http://HOST:PORT");
    PrimaryClient c;
    c.host_ = std::string(rest.substr(0, colon));
    c.port_ = std::string(rest.substr(colon + 1));
    c.token_ = std::move(token);
    return c;
}

std::expected<HttpResponse, std::string> PrimaryClient::call(
    const std::string& method, const std::string& target, const std::vector<Header>& headers,
    const std::string& body, std::chrono::milliseconds timeout) const {
    try {
        boost::asio::io_context io;
        tcp::resolver resolver(io);
        beast::tcp_stream stream(io);
        stream.expires_after(timeout);
        stream.connect(resolver.resolve(host_, port_));
        http::request<http::string_body> req;
        req.method_string(method);
        req.target(target);
        req.version(11);
        bool has_host = false;
        for (const auto& h : headers) {
            has_host = has_host || beast::iequals(h.name, "host");
            req.insert(h.name, h.value);
        }
        if (!has_host) req.set(http::field::host, host_ + ":" + port_);
        req.set(http::field::connection, "close");
        req.body() = body;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64ull << 20);
        http::read(stream, buffer, parser);
        auto& res = parser.get();
        HttpResponse out;
        out.status = int(res.result_int());
        out.json = false;
        for (const auto& f : res)
            out.headers.push_back({std::string(f.name_string()), std::string(f.value())});
        out.body = std::move(res.body());
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        return out;
    } catch (const std::exception& ex) {
        return std::unexpected(std::string("the primary at ") + host_ + ":" + port_ +
                               " did not answer: " + ex.what());
    }
}

std::expected<HttpResponse, std::string> PrimaryClient::admin(const std::string& method,
                                                              const std::string& target,
                                                              const std::string& body) const {
    std::vector<Header> headers = {{"Authorization", "SSWS " + token_},
                                   {"Accept", "application/json"}};
    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
    return call(method, target, headers, body, std::chrono::seconds(120));
}

}  // namespace idledger::api
