#pragma once
// The users `filter` and `search` expression languages (Okta's SCIM subset): parsing into an
// expression tree, validation per mode, and evaluation against a User.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idledger/domain/error.hpp"
#include "idledger/domain/json.hpp"
#include "idledger/domain/user.hpp"

namespace idledger::domain {

/// Filter/Search: the users endpoints' two languages. Log: the System Log's SCIM filter (any
/// attribute path of a LogEvent, every operator, case-sensitive values).
enum class QueryMode { Filter, Search, Log };
enum class QueryOp { Eq, Ne, Gt, Ge, Lt, Le, Sw, Co, Ew, Pr };

struct QueryNode {
    enum class Kind { And, Or, Compare } kind = Kind::Compare;
    std::vector<QueryNode> children;  // And / Or
    std::string attribute;            // Compare
    QueryOp op = QueryOp::Eq;
    Json value;                  // Compare (null for pr)
    std::optional<Millis> date;  // value parsed, for date attributes
};

/// Parses and validates. Errors: 400 E0000031 (Invalid search criteria) with a cause.
Result<QueryNode> parse_user_query(std::string_view text, QueryMode mode);

/// Whether `user` satisfies the expression.
bool matches(const QueryNode& node, const User& user, QueryMode mode);

/// Evaluates against a JSON document by dotted attribute paths; where a path crosses an array,
/// any element may match (`target.id eq "..."`).
bool matches_json(const QueryNode& node, const Json& document);

/// The value of an attribute path (`status`, `profile.lastName`, `type.id`, ...) for sorting
/// and comparison; null when absent. Dates come back as ISO-8601 strings (they sort correctly).
Json user_attribute(const User& user, std::string_view attribute);
/// A date attribute of a user (`created`, `activated`, ...) as epoch ms; nullopt when the user
/// has none (or `attribute` is not a date).
std::optional<Millis> user_date(const User& user, std::string_view attribute);

}  // namespace idledger::domain
