#include "core/user_removal.hpp"

#include "groups/groups.hpp"
#include "idps/idps.hpp"
#include "linked_objects/linked_objects.hpp"

namespace idledger::api {

domain::Result<void> remove_user_relationships(RequestContext& ctx, const std::string& user_id) {
    for (auto remove : {groups::remove_from_all_groups, linked_objects::remove_links_of_user,
                        idps::unlink_user_everywhere})
        if (auto done = remove(ctx, user_id); !done) return done;
    return {};
}

}  // namespace idledger::api
