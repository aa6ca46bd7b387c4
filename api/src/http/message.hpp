#pragma once
// HTTP messages as the handlers see them: plain structs, no Beast, so handler files stay light.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace idledger::api {

struct Header {
    std::string name;  // lower-case for requests
    std::string value;
};

struct HttpRequest {
    std::string method;                                      // "GET", "POST", ...
    std::string target;                                      // as received: path and query
    std::string path;                                        // raw (still percent-encoded) path
    std::vector<std::pair<std::string, std::string>> query;  // decoded
    std::vector<Header> headers;
    std::string body;
    bool has_body = false;  // Content-Length or chunked body present
    std::string remote_ip;
    /// Set by the transport, never from the client's bytes: the body was over the limit (413),
    /// or the request could not be parsed and is answered with this status, then closed
    /// (400 bad syntax, 414 request line too long, 431 headers too large, 505 version).
    bool body_too_large = false;
    int transport_error = 0;

    /// First header with this lower-case name.
    const std::string* header(std::string_view lower_name) const;
    /// First query parameter with this name.
    const std::string* param(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::vector<Header> headers;
    std::string body;
    bool json = true;  // body is JSON (Content-Type set); false: no body, no Content-Type

    void add_header(std::string name, std::string value) {
        headers.push_back({std::move(name), std::move(value)});
    }
};

/// Splits the query string into decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
/// Percent-decodes (and '+' to space when `plus_is_space`). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
/// Percent-encodes everything outside RFC 3986's unreserved set.
std::string percent_encode(std::string_view s);

}  // namespace idledger::api
