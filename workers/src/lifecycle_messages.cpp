#include "idledger/workers/lifecycle_messages.hpp"

#include "idledger/domain/json.hpp"
#include "idledger/domain/json_parse.hpp"

namespace idledger::workers {

using domain::Json;

namespace {

Json strings(const std::vector<std::string>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push(s);
    return a;
}

std::vector<std::string> strings_at(const Json& j, std::string_view key) {
    std::vector<std::string> out;
    if (const Json* a = j.find(key); a && a->is_array())
        for (const auto& e : a->as_array())
            if (e.is_string()) out.push_back(e.as_string());
    return out;
}

void put_header(Json& j, const std::string& id, uint64_t position, const std::string& user,
                const std::string& kind, const std::optional<int64_t>& password_changed) {
    j.set("requestId", id);
    j.set("position", int64_t(position));
    j.set("userId", user);
    j.set("kind", kind);
    if (password_changed) j.set("passwordChanged", *password_changed);
}

template <class M>
std::optional<Json> read_header(std::string_view text, M& m) {
    auto j = domain::parse_json(text);
    if (!j || !j->is_object()) return std::nullopt;
    m.request_id = j->string_at("requestId");
    m.user_id = j->string_at("userId");
    m.kind = j->string_at("kind");
    const Json* p = j->find("position");
    if (m.request_id.empty() || m.user_id.empty() || !p || !p->is_int() || p->as_int() <= 0)
        return std::nullopt;
    m.position = uint64_t(p->as_int());
    if (const Json* c = j->find("passwordChanged"); c && c->is_int())
        m.password_changed = c->as_int();
    return std::move(*j);
}

}  // namespace

std::string encode(const RequestMessage& m) {
    Json j = Json::object();
    put_header(j, m.request_id, m.position, m.user_id, m.kind, m.password_changed);
    if (m.email) {
        Json e = Json::object();
        e.set("template", m.email->template_name);
        e.set("to", m.email->to);
        e.set("name", m.email->name);
        e.set("login", m.email->login);
        e.set("link", m.email->link);
        if (!m.email->expires.empty()) e.set("expires", m.email->expires);
        j.set("email", std::move(e));
    }
    if (!m.api_token_ids.empty()) j.set("apiTokenIds", strings(m.api_token_ids));
    return j.dump();
}

std::optional<RequestMessage> decode_request(std::string_view text) {
    RequestMessage m;
    auto j = read_header(text, m);
    if (!j) return std::nullopt;
    if (const Json* e = j->find("email"); e && e->is_object())
        m.email =
            EmailOrder{e->string_at("template"), e->string_at("to"),   e->string_at("name"),
                       e->string_at("login"),    e->string_at("link"), e->string_at("expires")};
    m.api_token_ids = strings_at(*j, "apiTokenIds");
    return m;
}

std::string encode(const ResultMessage& m) {
    Json j = Json::object();
    put_header(j, m.request_id, m.position, m.user_id, m.kind, m.password_changed);
    if (m.email) {
        Json e = Json::object();
        e.set("template", m.email->template_name);
        e.set("delivered", m.email->delivered);
        e.set("messageId", m.email->message_id);
        e.set("transport", m.email->transport);
        if (!m.email->error.empty()) e.set("error", m.email->error);
        j.set("email", std::move(e));
    }
    if (!m.revoked_api_token_ids.empty())
        j.set("revokedApiTokenIds", strings(m.revoked_api_token_ids));
    return j.dump();
}

std::optional<ResultMessage> decode_result(std::string_view text) {
    ResultMessage m;
    auto j = read_header(text, m);
    if (!j) return std::nullopt;
    if (const Json* e = j->find("email"); e && e->is_object()) {
        const Json* d = e->find("delivered");
        m.email = EmailOutcome{e->string_at("template"), d && d->is_bool() && d->as_bool(),
                               e->string_at("messageId"), e->string_at("transport"),
                               e->string_at("error")};
    }
    m.revoked_api_token_ids = strings_at(*j, "revokedApiTokenIds");
    return m;
}

}  // namespace idledger::workers
