#pragma once
// Custom SMS templates (/api/v1/templates/sms): okta-api-notes §6. A kit resource.

#include <optional>
#include <string>
#include <vector>

#include "idledger/domain/resource.hpp"

namespace idledger::domain {

namespace sms_template_event {
inline constexpr std::string_view kCreated = "SmsTemplateCreated";
inline constexpr std::string_view kUpdated = "SmsTemplateUpdated";
inline constexpr std::string_view kDeleted = "SmsTemplateDeleted";
}  // namespace sms_template_event

extern const ResourceKind kSmsTemplates;

/// How a request body is read: create and PUT need every property (omitted translations are
/// gone); POST merges what is given, translations key by key ("" or null removes a language).
enum class SmsTemplateWrite { Create, Replace, Merge };

/// The template's content after applying `body` to `current` (none when creating): name, type,
/// template, translations, validated as Okta does (400 E0000001 with a cause per field).
Result<Json> sms_template_content(const Json& body, const std::optional<Json>& current,
                                  SmsTemplateWrite mode);

std::vector<Event> decide_sms_template_create(const std::string& id, const Json& content);
/// No event when nothing changes.
std::vector<Event> decide_sms_template_update(const Json& current, const Json& content);
std::vector<Event> decide_sms_template_delete();

/// The SMS as sent: `${code}` and `${org.name}` substituted.
std::string render_sms(std::string_view text, std::string_view code);

}  // namespace idledger::domain
