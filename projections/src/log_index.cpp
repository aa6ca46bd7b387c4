// The System Log's indexes (cf::kLogIndex): for every audit event, one entry per value clients
// filter on,
//
//   tag(1) + value + '\0' + position(8)  ->  ""
//
// tag 'e': the Okta event type; 'a': actor.id; 't': target.id. Ids and event types are not
// personal data, so they are kept in clear. Entries of one value sort in log order, so a filter
// walks them forwards or backwards like the log itself. Written by the event store's index hook
// in the batch that appends the event, and rebuilt by replay.

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/log_event.hpp"
#include "idledger/projections/read_model.hpp"
#include "idledger/projections/registry.hpp"

namespace idledger::projections {

using eventstore::encode_u64;

void index_log_event(Transaction& tx, const eventstore::RecordedEvent& rec) {
    for (const auto& prefix : log_index_prefixes(rec))
        tx.put(cf::kLogIndex, prefix + encode_u64(rec.position), "");
}

std::string log_index_prefix(char tag, std::string_view value) {
    std::string k(1, tag);
    k += value;
    k.push_back('\0');
    return k;
}

std::vector<std::string> log_index_prefixes(const eventstore::RecordedEvent& rec) {
    const domain::LogMapping* mapping = domain::log_mapping(rec.type);
    if (!mapping) return {};
    std::vector<std::string> out;
    out.push_back(log_index_prefix('e', mapping->okta_event_type));
    out.push_back(
        log_index_prefix('a', domain::log_actor_id(domain::EventMetadata::decode(rec.metadata))));
    if (projection_for_stream(rec.stream)) {
        const std::string target = stream_subject(rec.stream);
        if (!target.empty()) out.push_back(log_index_prefix('t', target));
    }
    return out;
}

Projection log_index_projection() {
    Projection p;
    p.name = "log_index";
    p.all_streams = true;
    p.families = {std::string(cf::kLogIndex)};
    p.replay = [](Transaction& tx, std::vector<eventstore::RecordedEvent>& events, ReplayCache&) {
        for (const auto& rec : events) index_log_event(tx, rec);
        return Result<void>{};
    };
    return p;
}

Result<void> Reader::scan_log_index(std::string_view prefix, uint64_t from, bool descending,
                                    const std::function<bool(uint64_t)>& visit) const {
    std::string start(prefix);
    start += encode_u64(from);
    return store_.scan(
        cf::kLogIndex, prefix, start,
        [&](std::string_view k, std::string_view) {
            return visit(eventstore::decode_u64(k.substr(k.size() - 8)));
        },
        descending);
}

}  // namespace idledger::projections
