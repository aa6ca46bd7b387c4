#include "templates/sms_templates.hpp"

#include "core/commands.hpp"
#include "core/documents_http.hpp"
#include "core/json_io.hpp"
#include "idledger/domain/sms_template.hpp"

namespace idledger::api::sms_templates {

using domain::Json;
using domain::kSmsTemplates;
using R = domain::Result<HttpResponse>;
namespace pj = projections;

namespace {

R list(RequestContext& ctx, const HttpRequest& req) {
    const std::string* type = req.param("templateType");
    Json arr = Json::array();
    auto r = ctx.app.documents.scan(kSmsTemplates, 0, [&](const pj::Document& d) {
        if (!type || d.state.string_at("type") == *type) arr.push(document_json(d));
        return true;
    });
    if (!r) return std::unexpected(store_failure(r.error()));
    return json_response(200, arr);
}

R get(RequestContext& ctx, const HttpRequest&) {
    auto d = find_document(ctx, kSmsTemplates, ctx.param("templateId"));
    if (!d) return std::unexpected(d.error());
    return json_response(200, document_json(*d));
}

R create(RequestContext& ctx, const HttpRequest& req) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto content =
        domain::sms_template_content(*body, std::nullopt, domain::SmsTemplateWrite::Create);
    if (!content) return std::unexpected(content.error());
    auto d = create_document(
        ctx, kSmsTemplates,
        [&](const std::string& id,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            return domain::decide_sms_template_create(id, *content);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, document_json(*d));
}

R write(RequestContext& ctx, const HttpRequest& req, domain::SmsTemplateWrite mode) {
    auto body = parse_body(req);
    if (!body) return std::unexpected(body.error());
    auto d = change_document(
        ctx, kSmsTemplates, ctx.param("templateId"),
        [&](const pj::Document& current,
            eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
            auto content = domain::sms_template_content(*body, current.state, mode);
            if (!content) return std::unexpected(content.error());
            return domain::decide_sms_template_update(current.state, *content);
        });
    if (!d) return std::unexpected(d.error());
    return json_response(200, document_json(*d));
}

R update(RequestContext& ctx, const HttpRequest& req) {
    return write(ctx, req, domain::SmsTemplateWrite::Merge);
}

R replace(RequestContext& ctx, const HttpRequest& req) {
    return write(ctx, req, domain::SmsTemplateWrite::Replace);
}

R remove(RequestContext& ctx, const HttpRequest&) {
    auto done =
        delete_document(ctx, kSmsTemplates, ctx.param("templateId"),
                        [](const pj::Document&,
                           eventstore::Transaction&) -> domain::Result<std::vector<domain::Event>> {
                            return domain::decide_sms_template_delete();
                        });
    if (!done) return std::unexpected(done.error());
    return empty_response(204);
}

}  // namespace

std::vector<Route> routes() {
    using enum Exec;
    constexpr std::string_view kOne = "/api/v1/templates/sms/{templateId}";
    return {
        {"GET", "/api/v1/templates/sms", "Template_listSmsTemplates", "templates",
         need("okta.templates.read"), Inline, list},
        {"POST", "/api/v1/templates/sms", "Template_createSmsTemplate", "templates",
         need("okta.templates.manage"), Blocking, create},
        {"GET", kOne, "Template_getSmsTemplate", "templates", need("okta.templates.read"), Inline,
         get},
        {"POST", kOne, "Template_updateSmsTemplate", "templates", need("okta.templates.manage"),
         Blocking, update},
        {"PUT", kOne, "Template_replaceSmsTemplate", "templates", need("okta.templates.manage"),
         Blocking, replace},
        {"DELETE", kOne, "Template_deleteSmsTemplate", "templates", need("okta.templates.manage"),
         Blocking, remove},
    };
}

}  // namespace idledger::api::sms_templates
