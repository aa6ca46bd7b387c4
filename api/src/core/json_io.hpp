#pragma once
// Request bodies in, JSON responses out: the one place handlers go through for both.

#include <optional>
#include <string>

#include "core/context.hpp"
#include "idledger/domain/json.hpp"

namespace idledger::api {

/// Parses the body as a JSON object. Empty body -> empty object when `allow_empty`.
/// Malformed or not an object -> 400 E0000003.
domain::Result<domain::Json> parse_body(const HttpRequest& req, bool allow_empty = false);

HttpResponse json_response(int status, const domain::Json& body);
/// A 2xx without a body and without Content-Type (what Okta's SDKs expect for bodiless answers).
HttpResponse empty_response(int status);

/// The Okta error object for `e`, with a fresh errorId.
HttpResponse error_response(const domain::Error& e);

/// Reads a boolean query parameter ("true"/"false"); default when absent; E0000037 otherwise.
domain::Result<bool> bool_param(const HttpRequest& req, std::string_view name, bool fallback);

/// An internal failure of the store, as a logged 500.
domain::Error store_failure(const eventstore::Error& e);

}  // namespace idledger::api
