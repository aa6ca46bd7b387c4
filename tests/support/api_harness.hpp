#pragma once
// The in-memory API harness: a whole App (real RocksDB in a temporary directory, the route table,
// the dispatcher's stages) answering requests without a socket, so each endpoint's rules get fast
// tests beside the end-to-end ones. No lifecycle runtime runs: asynchronous transitions stay
// requested (calls without Prefer wait `sync_wait`, 50 ms here, then answer).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::testing {

struct ApiReply {
    int status = 0;
    std::vector<api::Header> headers;
    std::string text;
    domain::Json body;  // parsed when the reply is JSON, null otherwise

    /// First header with this name (case-insensitive); nullptr when absent.
    const std::string* header(std::string_view name) const;
};

class ApiHarness {
  public:
    /// Bootstraps an org whose super administrator's token is `admin_token()`.
    ApiHarness();
    ~ApiHarness();
    ApiHarness(const ApiHarness&) = delete;
    ApiHarness& operator=(const ApiHarness&) = delete;

    /// Routes one request through the dispatcher and waits (bounded) for its answer. `token`:
    /// the SSWS token to send (the admin's by default; empty: no Authorization header).
    /// `headers` use lower-case names; a body is sent as application/json unless they name a
    /// content-type.
    ApiReply request(const std::string& method, const std::string& target,
                     const std::string& body = {}, std::optional<std::string> token = std::nullopt,
                     std::vector<api::Header> headers = {});
    ApiReply get(const std::string& target) { return request("GET", target); }
    ApiReply post(const std::string& target, const std::string& body = {}) {
        return request("POST", target, body);
    }

    const std::string& admin_token() const;
    /// The committed read models, for tests that compare answers with a brute-force fold.
    projections::Reader& reader();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace idledger::testing
