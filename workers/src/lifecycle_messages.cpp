#include "idledger/workers/lifecycle_messages.hpp"

#include "idledger/domain/ids.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/message_auth.hpp"

namespace idledger::workers {

using domain::Json;

namespace {

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

std::string WorkerKeys::to_text() const {
    return domain::to_hex(link_key) + ":" + domain::to_hex(mac_key);
}

std::optional<WorkerKeys> WorkerKeys::from_text(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto link = domain::from_hex(text.substr(0, colon));
    auto mac = domain::from_hex(text.substr(colon + 1));
    if (!link || !mac || link->size() < 16 || mac->size() < 16) return std::nullopt;
    return WorkerKeys{std::move(*link), std::move(*mac)};
}

std::string encode(const RequestMessage& m, const WorkerKeys& keys) {
    Json j = Json::object();
    put_header(j, m.request_id, m.position, m.user_id, m.kind, m.password_changed);
    if (m.email) {
        Json e = Json::object();
        e.set("template", m.email->template_name);
        e.set("to", m.email->to);
        e.set("name", m.email->name);
        e.set("login", m.email->login);
        e.set("link", m.email->link);
        if (m.email->link_token) e.set("linkToken", true);
        if (!m.email->expires.empty()) e.set("expires", m.email->expires);
        if (!m.email->about.empty()) e.set("about", m.email->about);
        j.set("email", std::move(e));
    }
    return domain::sign_json(j.dump(), keys.mac_key);
}

std::expected<RequestMessage, Refused> decode_request(std::string_view text,
                                                      const WorkerKeys& keys) {
    auto body = domain::verify_json(text, keys.mac_key);
    if (!body) return std::unexpected(Refused::Forged);
    RequestMessage m;
    auto j = read_header(*body, m);
    if (!j) return std::unexpected(Refused::Malformed);
    if (const Json* e = j->find("email"); e && e->is_object()) {
        const Json* t = e->find("linkToken");
        m.email = EmailOrder{e->string_at("template"), e->string_at("to"),
                             e->string_at("name"),     e->string_at("login"),
                             e->string_at("link"),     t && t->is_bool() && t->as_bool(),
                             e->string_at("expires")};
        m.email->about = e->string_at("about");
    }
    return m;
}

std::string encode(const ResultMessage& m, const WorkerKeys& keys) {
    Json j = Json::object();
    put_header(j, m.request_id, m.position, m.user_id, m.kind, m.password_changed);
    if (m.email) {
        Json e = Json::object();
        e.set("template", m.email->template_name);
        e.set("delivered", m.email->delivered);
        e.set("messageId", m.email->message_id);
        e.set("transport", m.email->transport);
        if (!m.email->error.empty()) e.set("error", m.email->error);
        if (m.email->transient) e.set("transient", true);
        j.set("email", std::move(e));
    }
    return domain::sign_json(j.dump(), keys.mac_key);
}

std::expected<ResultMessage, Refused> decode_result(std::string_view text, const WorkerKeys& keys) {
    auto body = domain::verify_json(text, keys.mac_key);
    if (!body) return std::unexpected(Refused::Forged);
    ResultMessage m;
    auto j = read_header(*body, m);
    if (!j) return std::unexpected(Refused::Malformed);
    if (const Json* e = j->find("email"); e && e->is_object()) {
        const Json* d = e->find("delivered");
        const Json* t = e->find("transient");
        m.email = EmailOutcome{e->string_at("template"),  d && d->is_bool() && d->as_bool(),
                               e->string_at("messageId"), e->string_at("transport"),
                               e->string_at("error"),     t && t->is_bool() && t->as_bool()};
    }
    return m;
}

}  // namespace idledger::workers
