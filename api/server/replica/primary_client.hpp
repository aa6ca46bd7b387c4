#pragma once
// A replica's HTTP client for its primary: snapshot files, data keys and forwarded writes. One
// connection per call (Beast, plain HTTP), so no call ever meets a connection the primary
// closed meanwhile and a write is never sent twice.

#include <chrono>
#include <expected>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace idledger::api {

class PrimaryClient {
  public:
    /// `url`: http://HOST:PORT of the primary; `token`: a super administrator's API token.
    static std::expected<PrimaryClient, std::string> make(const std::string& url,
                                                          std::string token);

    /// One request with exactly these headers (a forwarded write).
    std::expected<HttpResponse, std::string> call(const std::string& method,
                                                  const std::string& target,
                                                  const std::vector<Header>& headers,
                                                  const std::string& body,
                                                  std::chrono::milliseconds timeout) const;
    /// A request of the replica's own (snapshot, keys), with its token and a JSON body.
    std::expected<HttpResponse, std::string> admin(const std::string& method,
                                                   const std::string& target,
                                                   const std::string& body = {}) const;
    const std::string& host() const { return host_; }

  private:
    std::string host_;
    std::string port_;
    std::string token_;
};

}  // namespace idledger::api
