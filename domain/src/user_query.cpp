#include "idledger/domain/user_query.hpp"

#include <cctype>
#include <charconv>

#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/user_rules.hpp"

namespace idledger::domain {
namespace {

constexpr std::string_view kDateAttributes[] = {"created",     "activated",       "statusChanged",
                                                "lastUpdated", "passwordChanged", "lastLogin"};

bool is_date_attribute(std::string_view a) {
    for (auto d : kDateAttributes)
        if (d == a) return true;
    return false;
}

std::unexpected<Error> invalid(std::string cause) {
    return fail(ErrorCode::InvalidSearch, {}, {{std::move(cause)}});
}

class Parser {
  public:
    Parser(std::string_view text, QueryMode mode) : s_(text), mode_(mode) {}

    Result<QueryNode> parse() {
        auto node = parse_or();
        if (!node) return node;
        skip_ws();
        if (pos_ != s_.size())
            return invalid("Unexpected text at position " + std::to_string(pos_));
        return node;
    }

  private:
    void skip_ws() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }

    /// Reads a bare word (attribute, operator, keyword).
    std::string_view word() {
        skip_ws();
        size_t start = pos_;
        while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                    s_[pos_] == '.' || s_[pos_] == '_'))
            ++pos_;
        return s_.substr(start, pos_ - start);
    }

    bool keyword(std::string_view kw) {
        skip_ws();
        size_t save = pos_;
        auto w = word();
        if (w.size() == kw.size() && normalize_login(w) == kw) return true;
        pos_ = save;
        return false;
    }

    Result<QueryNode> parse_or() {
        return parse_chain(QueryNode::Kind::Or, "or", &Parser::parse_and);
    }
    Result<QueryNode> parse_and() {
        return parse_chain(QueryNode::Kind::And, "and", &Parser::parse_factor);
    }

    /// operand (keyword operand)*: `and` binds tighter than `or` by nesting the two chains.
    Result<QueryNode> parse_chain(QueryNode::Kind kind, std::string_view kw,
                                  Result<QueryNode> (Parser::*operand)()) {
        auto left = (this->*operand)();
        if (!left) return left;
        if (!keyword(kw)) return left;
        QueryNode node;
        node.kind = kind;
        node.children.push_back(std::move(*left));
        do {
            auto right = (this->*operand)();
            if (!right) return right;
            node.children.push_back(std::move(*right));
        } while (keyword(kw));
        return node;
    }

    Result<QueryNode> parse_factor() {
        if (++depth_ > 32) return invalid("Expression nested too deeply");
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == '(') {
            ++pos_;
            auto inner = parse_or();
            if (!inner) return inner;
            skip_ws();
            if (pos_ >= s_.size() || s_[pos_] != ')') return invalid("Missing closing parenthesis");
            ++pos_;
            --depth_;
            return inner;
        }
        auto r = parse_comparison();
        --depth_;
        return r;
    }

    Result<QueryNode> parse_comparison() {
        QueryNode node;
        node.attribute = std::string(word());
        if (node.attribute.empty())
            return invalid("Expected an attribute at position " + std::to_string(pos_));
        std::string op = normalize_login(word());
        static const std::pair<std::string_view, QueryOp> kOps[] = {
            {"eq", QueryOp::Eq}, {"ne", QueryOp::Ne}, {"gt", QueryOp::Gt}, {"ge", QueryOp::Ge},
            {"lt", QueryOp::Lt}, {"le", QueryOp::Le}, {"sw", QueryOp::Sw}, {"co", QueryOp::Co},
            {"ew", QueryOp::Ew}, {"pr", QueryOp::Pr}};
        bool found = false;
        for (auto [name, o] : kOps)
            if (op == name) node.op = o, found = true;
        if (!found) return invalid("Unknown operator '" + op + "'");
        if (node.op != QueryOp::Pr) {
            auto v = literal();
            if (!v) return std::unexpected(v.error());
            node.value = std::move(*v);
        }
        if (auto r = check(node); !r) return std::unexpected(r.error());
        return node;
    }

    Result<Json> literal() {
        skip_ws();
        if (pos_ >= s_.size()) return invalid("Expected a value");
        if (s_[pos_] == '"') {
            // A JSON string literal: its escapes (\uXXXX included) are JSON's, checked by the
            // JSON parser, so `\u12` or a lone surrogate is an invalid query, not a value.
            const size_t start = pos_++;
            while (pos_ < s_.size() && s_[pos_] != '"') {
                if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
                ++pos_;
            }
            if (pos_ >= s_.size()) return invalid("Unterminated string");
            ++pos_;
            auto value = parse_json(s_.substr(start, pos_ - start));
            if (!value || !value->is_string()) return invalid("Invalid escape in a string");
            return std::move(*value);
        }
        auto w = word();
        std::string lw = normalize_login(w);
        if (lw == "true") return Json(true);
        if (lw == "false") return Json(false);
        if (lw == "null") return Json(nullptr);
        if (!w.empty() && (std::isdigit(static_cast<unsigned char>(w[0])) || w[0] == '-')) {
            double d = 0;
            auto res = std::from_chars(w.data(), w.data() + w.size(), d);
            if (res.ec == std::errc() && res.ptr == w.data() + w.size()) return Json(d);
        }
        return invalid("Values must be quoted strings, numbers or booleans");
    }

    Result<void> check(QueryNode& node) {
        const std::string& a = node.attribute;
        if (mode_ == QueryMode::Log) return {};
        const bool is_profile = a.starts_with("profile.") && a.size() > 8;
        if (mode_ == QueryMode::Filter) {
            // Okta's documented filter attributes, plus the dates and type.id the indexes
            // answer as well.
            static const std::string_view kAllowed[] = {
                "status",           "lastUpdated",     "id",
                "profile.login",    "profile.email",   "profile.firstName",
                "profile.lastName", "created",         "activated",
                "statusChanged",    "passwordChanged", "type.id"};
            bool ok = false;
            for (auto k : kAllowed) ok = ok || a == k;
            if (!ok) return invalid("The attribute '" + a + "' is not supported in a filter");
            bool range = node.op == QueryOp::Gt || node.op == QueryOp::Ge ||
                         node.op == QueryOp::Lt || node.op == QueryOp::Le;
            if (node.op != QueryOp::Eq && !(range && is_date_attribute(a)))
                return invalid("The operator is not supported for '" + a + "' in a filter");
        } else {
            static const std::string_view kTop[] = {
                "id",          "status",          "created", "activated", "statusChanged",
                "lastUpdated", "passwordChanged", "type.id"};
            bool ok = is_profile;
            for (auto k : kTop) ok = ok || a == k;
            if (!ok) return invalid("The attribute '" + a + "' is not searchable");
            if (node.op == QueryOp::Ne || node.op == QueryOp::Ew)
                return invalid("The operator is not supported in a search");
            if (node.op == QueryOp::Co && a != "profile.firstName" && a != "profile.lastName" &&
                a != "profile.email" && a != "profile.login")
                return invalid(
                    "'co' is supported only on profile.firstName, lastName, email and login");
        }
        if (is_date_attribute(a) && node.op != QueryOp::Pr) {
            if (!node.value.is_string()) return invalid("'" + a + "' takes a date");
            node.date = parse_iso8601(node.value.as_string());
            if (!node.date) return fail(ErrorCode::InvalidDate);
        }
        if (a == "status" && node.value.is_string() && !parse_user_status(node.value.as_string()))
            return invalid("Unknown status '" + node.value.as_string() + "'");
        return {};
    }

    std::string_view s_;
    QueryMode mode_;
    size_t pos_ = 0;
    int depth_ = 0;
};

std::optional<Millis> date_of(const User& u, std::string_view a) {
    if (a == "created") return u.created;
    if (a == "lastUpdated") return u.last_updated;
    if (a == "activated") return u.activated;
    if (a == "statusChanged") return u.status_changed;
    if (a == "passwordChanged") return u.password_changed;
    if (a == "lastLogin") return u.last_login;
    return std::nullopt;
}

/// eq ne gt ge lt le on any ordered type; nullopt for the other operators.
template <class T>
std::optional<bool> ordered(QueryOp op, const T& a, const T& b) {
    switch (op) {
        case QueryOp::Eq:
            return a == b;
        case QueryOp::Ne:
            return a != b;
        case QueryOp::Gt:
            return a > b;
        case QueryOp::Ge:
            return a >= b;
        case QueryOp::Lt:
            return a < b;
        case QueryOp::Le:
            return a <= b;
        default:
            return std::nullopt;
    }
}

bool compare_scalar(const Json& actual, const QueryNode& n, bool case_insensitive) {
    if (actual.is_null()) return false;
    if (actual.is_number() && n.value.is_number())
        return ordered(n.op, actual.as_double(), n.value.as_double()).value_or(false);
    if (actual.is_bool() && n.value.is_bool())
        return (n.op == QueryOp::Eq || n.op == QueryOp::Ne) &&
               ordered(n.op, actual.as_bool(), n.value.as_bool()).value_or(false);
    if (!actual.is_string() || !n.value.is_string()) return false;
    std::string a = actual.as_string(), b = n.value.as_string();
    if (case_insensitive) {
        a = normalize_login(a);
        b = normalize_login(b);
    }
    if (auto r = ordered(n.op, a, b)) return *r;
    switch (n.op) {
        case QueryOp::Sw:
            return a.starts_with(b);
        case QueryOp::Ew:
            return a.ends_with(b);
        case QueryOp::Co:
            return a.find(b) != std::string::npos;
        case QueryOp::Pr:
            return true;
        default:
            return false;
    }
}

void collect(const Json& at, std::string_view path, std::vector<const Json*>& out) {
    if (at.is_array()) {
        for (const auto& e : at.as_array()) collect(e, path, out);
        return;
    }
    if (path.empty()) {
        out.push_back(&at);
        return;
    }
    auto dot = path.find('.');
    const Json* next = at.find(path.substr(0, dot));
    if (!next) return;
    collect(*next, dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1), out);
}

}  // namespace

std::optional<Millis> user_date(const User& u, std::string_view attribute) {
    return date_of(u, attribute);
}

bool matches_json(const QueryNode& n, const Json& doc) {
    switch (n.kind) {
        case QueryNode::Kind::And:
            for (const auto& c : n.children)
                if (!matches_json(c, doc)) return false;
            return true;
        case QueryNode::Kind::Or:
            for (const auto& c : n.children)
                if (matches_json(c, doc)) return true;
            return false;
        case QueryNode::Kind::Compare:
            break;
    }
    std::vector<const Json*> values;
    collect(doc, n.attribute, values);
    for (const Json* v : values) {
        if (n.op == QueryOp::Pr) {
            if (!v->is_null()) return true;
            continue;
        }
        if (compare_scalar(*v, n, /*case_insensitive=*/false)) return true;
    }
    return false;
}

Result<QueryNode> parse_user_query(std::string_view text, QueryMode mode) {
    if (text.find_first_not_of(" \t") == std::string_view::npos)
        return invalid("The expression is empty");
    return Parser(text, mode).parse();
}

Json user_attribute(const User& u, std::string_view a) {
    if (a == "id") return Json(u.id);
    if (a == "status") return Json(std::string(to_string(u.status)));
    if (a == "type.id") return Json(u.type_id);
    if (auto d = date_of(u, a)) return Json(format_iso8601(*d));
    if (a.starts_with("profile.")) {
        const Json* v = u.profile.find(a.substr(8));
        return v ? *v : Json(nullptr);
    }
    return Json(nullptr);
}

bool matches(const QueryNode& n, const User& u, QueryMode mode) {
    switch (n.kind) {
        case QueryNode::Kind::And:
            for (const auto& c : n.children)
                if (!matches(c, u, mode)) return false;
            return true;
        case QueryNode::Kind::Or:
            for (const auto& c : n.children)
                if (matches(c, u, mode)) return true;
            return false;
        case QueryNode::Kind::Compare:
            break;
    }
    if (is_date_attribute(n.attribute)) {
        auto d = date_of(u, n.attribute);
        if (n.op == QueryOp::Pr) return d.has_value();
        if (!d || !n.date) return false;
        switch (n.op) {
            case QueryOp::Eq:
                return *d == *n.date;
            case QueryOp::Ne:
                return *d != *n.date;
            case QueryOp::Gt:
                return *d > *n.date;
            case QueryOp::Ge:
                return *d >= *n.date;
            case QueryOp::Lt:
                return *d < *n.date;
            case QueryOp::Le:
                return *d <= *n.date;
            default:
                return false;
        }
    }
    Json actual = user_attribute(u, n.attribute);
    if (n.op == QueryOp::Pr)
        return !actual.is_null() && !(actual.is_string() && actual.as_string().empty());
    const bool ci = mode == QueryMode::Search;
    if (actual.is_array()) {
        for (const auto& e : actual.as_array())
            if (compare_scalar(e, n, ci)) return true;
        return false;
    }
    return compare_scalar(actual, n, ci);
}

}  // namespace idledger::domain
