#include "idledger/domain/linked_object.hpp"

#include <cctype>

namespace idledger::domain {

namespace {

namespace ev = linked_object_event;

constexpr size_t kMaxName = 64;
constexpr size_t kMaxTitle = 64;
constexpr size_t kMaxDescription = 1024;

Json with_actor(Json data, const std::string& actor) {
    data.set("by", actor);
    return data;
}

}  // namespace

// Okta logs no documented event type for setting a link value: these two are idledger's own,
// named after Okta's directory.linked_object.* definitions events.
const RelationKind kObjectLinks{
    .family = "linked_object_links",
    .added = {ev::kLinked, "directory.linked_object.link.add", "Set linked object value"},
    .removed = {ev::kUnlinked, "directory.linked_object.link.remove", "Remove linked object value"},
    .other_field = "associated",
    .left_field = "primary",
    .one_left = true,
};

namespace {

constexpr EventType kEvents[] = {
    {ev::kCreated, "directory.linked_object.create", "Create linked object definition"},
    {ev::kDeleted, "directory.linked_object.delete", "Delete linked object definition"},
    kObjectLinks.added,
    kObjectLinks.removed,
};

constexpr const RelationKind* kRelations[] = {&kObjectLinks};

void evolve(std::optional<Json>& state, const Event& e, Millis at) {
    if (e.type == ev::kCreated) {
        Json s = Json::object();
        s.set("id", e.data.string_at("id"));
        for (const char* side : {"primary", "associated"})
            if (const Json* v = e.data.find(side)) s.set(side, *v);
        s.set("created", at);
        s.set("lastUpdated", at);
        state = std::move(s);
        return;
    }
    if (e.type == ev::kDeleted) state.reset();
}

std::string side_name(const Json& state, const char* side) {
    const Json* s = state.find(side);
    return s ? s->string_at("name") : std::string();
}

std::vector<IndexKey> unique_keys(const Json& s) {
    return {{"name", side_name(s, "primary")}, {"name", side_name(s, "associated")}};
}

bool valid_name(std::string_view n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

Json side_of(const Json& body, const std::string& side, Causes& causes) {
    Json out = Json::object();
    const Json* s = body.find(side);
    if (!s || s->is_null()) {
        causes.add(side, "The field is required");
        return out;
    }
    if (!s->is_object()) {
        causes.add(side, "The field must be an object");
        return out;
    }
    const Json* name = s->find("name");
    if (!name || !name->is_string() || name->as_string().empty())
        causes.add(side + ".name", "The field cannot be left blank");
    else if (name->as_string().size() > kMaxName || !valid_name(name->as_string()))
        causes.add(side + ".name",
                   "A name has at most 64 letters, digits or underscores and does not start "
                   "with a digit");
    const Json* title = s->find("title");
    if (!title || !title->is_string() || title->as_string().empty())
        causes.add(side + ".title", "The field cannot be left blank");
    else if (utf8_length(title->as_string()) > kMaxTitle)
        causes.add(side + ".title", "The field cannot exceed 64 characters");
    const Json* description = s->find("description");
    if (description && !description->is_null() &&
        (!description->is_string() || utf8_length(description->as_string()) > kMaxDescription))
        causes.add(side + ".description", "The field must be a string of at most 1024 characters");
    const Json* type = s->find("type");
    if (type && !type->is_null() && *type != Json("USER"))
        causes.add(side + ".type", "The only type is USER");
    out.set("name", name && name->is_string() ? *name : Json(""));
    out.set("title", title && title->is_string() ? *title : Json(""));
    out.set("description", description && description->is_string() ? *description : Json(nullptr));
    out.set("type", "USER");
    return out;
}

}  // namespace

const ResourceKind kLinkedObjects{
    .name = "LinkedObject",
    .stream_prefix = "linkedobject-",
    .family = "linked_objects",
    .id_prefix = "",
    .schema_version = 1,
    .events = kEvents,
    .evolve = evolve,
    .unique_keys = unique_keys,
    .relations = kRelations,
    .log_target_type = "LinkedObject",
    .log_name_field = "primary.name",
};

Result<Json> linked_object_definition(const Json& body, const UniqueLookup& owner_of) {
    if (!body.is_object()) return fail(ErrorCode::MalformedBody);
    Causes causes;
    Json def = Json::object();
    def.set("primary", side_of(body, "primary", causes));
    def.set("associated", side_of(body, "associated", causes));
    const std::string primary = side_name(def, "primary");
    const std::string associated = side_name(def, "associated");
    if (!primary.empty() && primary == associated)
        causes.add("associated.name", "The associated name must differ from the primary name");
    if (auto r = causes.result(); !r) return std::unexpected(r.error());
    std::vector<ErrorCause> taken;
    for (const char* side : {"primary", "associated"})
        if (owner_of("name", side_name(def, side)))
            taken.push_back(
                {"Linked object identifier for " + std::string(side) + " is already in use.",
                 "UNIQUE_CONSTRAINT", "body", "linkedObjects"});
    if (!taken.empty()) {
        std::string first = taken.front().summary;
        return fail(ErrorCode::LinkedObjectConflict, std::move(first), std::move(taken));
    }
    return def;
}

std::vector<Event> decide_linked_object_create(const Json& definition, const std::string& actor) {
    Json data = definition;
    data.set("id", side_name(definition, "primary"));
    return {make_event(ev::kCreated, with_actor(std::move(data), actor))};
}

std::vector<Event> decide_linked_object_delete(const std::string& actor) {
    return {make_event(ev::kDeleted, with_actor(Json::object(), actor))};
}

std::string link_side(const std::string& definition_id, uint64_t seq, std::string_view user_id) {
    return definition_id + "#" + std::to_string(seq) + "/" + std::string(user_id);
}

std::string user_of_side(std::string_view side) {
    const size_t slash = side.rfind('/');
    return std::string(slash == std::string_view::npos ? side : side.substr(slash + 1));
}

namespace {

Event link_event(std::string_view type, const std::string& primary_side,
                 const std::string& associated_side, const std::string& actor) {
    Json data = Json::object();
    data.set("primary", primary_side);
    data.set("associated", associated_side);
    data.set("primaryUserId", user_of_side(primary_side));
    data.set("associatedUserId", user_of_side(associated_side));
    return make_event(type, with_actor(std::move(data), actor));
}

}  // namespace

std::vector<Event> decide_link(const std::string& primary_side, const std::string& associated_side,
                               const std::optional<std::string>& current,
                               const std::string& actor) {
    if (current == primary_side) return {};
    std::vector<Event> out;
    if (current) out.push_back(link_event(ev::kUnlinked, *current, associated_side, actor));
    out.push_back(link_event(ev::kLinked, primary_side, associated_side, actor));
    return out;
}

std::vector<Event> decide_unlink(const std::string& primary_side,
                                 const std::string& associated_side, bool linked,
                                 const std::string& actor) {
    if (!linked) return {};
    return {link_event(ev::kUnlinked, primary_side, associated_side, actor)};
}

}  // namespace idledger::domain
