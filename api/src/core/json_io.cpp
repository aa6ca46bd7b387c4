#include "core/json_io.hpp"

#include <iostream>

#include "idledger/domain/json_parse.hpp"

namespace idledger::api {

using domain::Json;

domain::Result<Json> parse_body(const HttpRequest& req, bool allow_empty) {
    bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank) {
        if (allow_empty) return Json::object();
        return domain::fail(domain::ErrorCode::MalformedBody);
    }
    auto j = domain::parse_json(req.body);
    if (!j && j.error() == domain::kNumberOutOfRange)
        return domain::validation("body",
                                  "A number is out of range (the largest is about 1.8e308)");
    if (!j || !j->is_object()) return domain::fail(domain::ErrorCode::MalformedBody);
    return std::move(*j);
}

HttpResponse json_response(int status, const Json& body) {
    HttpResponse r;
    r.status = status;
    body.dump_to(r.body);
    return r;
}

HttpResponse empty_response(int status) {
    HttpResponse r;
    r.status = status;
    r.json = false;
    return r;
}

HttpResponse error_response(const domain::Error& e) {
    const auto& entry = domain::catalogue(e.code);
    Json body = Json::object();
    body.set("errorCode", entry.okta_code);
    body.set("errorSummary", domain::error_summary(e));
    body.set("errorLink", entry.okta_code);
    const std::string error_id = domain::RandomIdSource().next(domain::id_prefix::kErrorId, 22);
    body.set("errorId", error_id);
    // A server-side failure: the errorId a client reports leads to this line and its cause
    // (the detail of a 5xx never reaches the client: its summaries have no placeholder).
    if (entry.http_status >= 500)
        std::cerr << "idledger: " << entry.http_status << " " << entry.okta_code
                  << " errorId=" << error_id << ": " << (e.detail.empty() ? "-" : e.detail)
                  << std::endl;
    Json causes = Json::array();
    for (const auto& c : e.causes) {
        Json cause = Json::object();
        cause.set("errorSummary", c.summary);
        if (!c.reason.empty()) cause.set("reason", c.reason);
        if (!c.location_type.empty()) cause.set("locationType", c.location_type);
        if (!c.domain.empty()) cause.set("domain", c.domain);
        causes.push(std::move(cause));
    }
    body.set("errorCauses", std::move(causes));
    HttpResponse res = json_response(entry.http_status, body);
    // Unavailable is temporary (a full disk being freed, a store closing): say when to retry.
    if (entry.http_status == 503) res.add_header("Retry-After", "5");
    return res;
}

domain::Result<bool> bool_param(const HttpRequest& req, std::string_view name, bool fallback) {
    const std::string* v = req.param(name);
    if (!v || v->empty()) return fallback;
    if (*v == "true" || *v == "TRUE" || *v == "True") return true;
    if (*v == "false" || *v == "FALSE" || *v == "False") return false;
    return domain::fail(domain::ErrorCode::TypeMismatch,
                        "Query parameter '" + std::string(name) + "' must be a boolean");
}

domain::Error store_failure(const eventstore::Error& e) {
    const bool unavailable =
        e.code == eventstore::Errc::Closed || e.code == eventstore::Errc::Unavailable;
    return domain::Error{
        unavailable ? domain::ErrorCode::Unavailable : domain::ErrorCode::InternalError,
        "store: " + e.message,
        {}};
}

}  // namespace idledger::api
