#include "idledger/domain/sms_template.hpp"

#include <algorithm>
#include <array>

namespace idledger::domain {

namespace {

namespace ev = sms_template_event;

constexpr EventType kEvents[] = {
    {ev::kCreated, "system.sms_template.create", "Create SMS template"},
    {ev::kUpdated, "system.sms_template.update", "Update SMS template"},
    {ev::kDeleted, "system.sms_template.delete", "Delete SMS template"},
};

constexpr size_t kMaxName = 50;
constexpr size_t kMaxSms = 160;  // one SMS, after substitution
constexpr std::string_view kOrgName = "idledger";
constexpr std::string_view kSampleCode = "123456";

// ISO 639-1: the two-letter language codes.
constexpr std::array<std::string_view, 183> kLanguages = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu"};

bool is_language(std::string_view code) {
    return std::binary_search(kLanguages.begin(), kLanguages.end(), code);
}

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == ev::kCreated) {
        state = e.data;
        stamp(*state, at, true);
    } else if (e.type == ev::kUpdated && state) {
        for (const char* k : {"name", "type", "template"})
            if (const Json* v = e.data.find(k)) state->set(k, *v);
        if (const Json* t = e.data.find("translations"))
            state->set("translations", *t);
        else
            state->erase("translations");
        stamp(*state, at, false);
    } else if (e.type == ev::kDeleted) {
        state.reset();
    }
}

/// Checks one SMS text (the template or a translation) into `causes`.
void check_text(Causes& causes, const std::string& field, const Json& v) {
    if (!v.is_string()) return causes.add(field, "The value must be a string");
    const std::string& s = v.as_string();
    if (s.empty()) return causes.add(field, "The field cannot be left blank");
    if (s.find("${code}") == std::string::npos)
        return causes.add(field, "The template must contain the ${code} expression");
    if (utf8_length(render_sms(s, kSampleCode)) > kMaxSms)
        causes.add(field, "The message exceeds " + std::to_string(kMaxSms) +
                              " characters once ${code} and ${org.name} are substituted");
}

void check_word(Causes& causes, const std::string& field, const Json* v) {
    if (!v || v->is_null()) return causes.add(field, "The field cannot be left blank");
    if (!v->is_string()) return causes.add(field, "The value must be a string");
    const size_t n = utf8_length(v->as_string());
    if (n == 0) return causes.add(field, "The field cannot be left blank");
    if (n > kMaxName)
        causes.add(field, "The field cannot exceed " + std::to_string(kMaxName) + " characters");
}

}  // namespace

const ResourceKind kSmsTemplates{
    .name = "SmsTemplate",
    .stream_prefix = "smstemplate-",
    .family = "sms_templates",
    .id_prefix = "cst",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .log_target_type = "SmsTemplate",
};

std::string render_sms(std::string_view text, std::string_view code) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text.substr(i).starts_with("${code}")) {
            out += code;
            i += 7;
        } else if (text.substr(i).starts_with("${org.name}")) {
            out += kOrgName;
            i += 11;
        } else {
            out += text[i++];
        }
    }
    return out;
}

Result<Json> sms_template_content(const Json& body, const std::optional<Json>& current,
                                  SmsTemplateWrite mode) {
    Causes causes;
    Json out = Json::object();
    const bool merge = mode == SmsTemplateWrite::Merge && current;
    for (const char* k : {"name", "type", "template"}) {
        const Json* v = body.find(k);
        if (merge && (!v || v->is_null())) {
            if (const Json* old = current->find(k)) out.set(k, *old);
            continue;
        }
        if (std::string_view(k) == "template") {
            if (!v || v->is_null())
                causes.add(k, "The field cannot be left blank");
            else
                check_text(causes, k, *v);
        } else {
            check_word(causes, k, v);
        }
        if (v) out.set(k, *v);
    }
    Json translations = Json::object();
    if (merge)
        if (const Json* old = current->find("translations"); old && old->is_object())
            translations = *old;
    if (const Json* t = body.find("translations"); t && !t->is_null()) {
        if (!t->is_object()) {
            causes.add("translations", "The value must be an object of language codes");
        } else {
            for (const auto& [lang, text] : t->as_object()) {
                const std::string field = "translations." + lang;
                if (!is_language(lang)) {
                    causes.add(field, "'" + lang + "' is not an ISO 639-1 language code");
                    continue;
                }
                if (text.is_null() || (text.is_string() && text.as_string().empty())) {
                    translations.erase(lang);  // removes the language (merge) or is ignored
                    continue;
                }
                check_text(causes, field, text);
                translations.set(lang, text);
            }
        }
    }
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    if (!translations.as_object().empty()) out.set("translations", std::move(translations));
    return out;
}

std::vector<Event> decide_sms_template_create(const std::string& id, const Json& content) {
    return {make_event(ev::kCreated, with_id(id, content))};
}

std::vector<Event> decide_sms_template_update(const Json& current, const Json& content) {
    if (same_fields(current, content, {"name", "type", "template", "translations"})) return {};
    return {make_event(ev::kUpdated, content)};
}

std::vector<Event> decide_sms_template_delete() {
    return {make_event(ev::kDeleted, Json::object())};
}

}  // namespace idledger::domain
