#pragma once
// Reading stored events for people: unsealing payloads with the subject's data key (shredded ones
// stay unreadable), naming actors and targets, and the profile before a change. One instance per
// request; it caches what it looks up.

#include <map>
#include <optional>
#include <string>

#include "idledger/domain/event_codec.hpp"
#include "idledger/domain/log_event.hpp"
#include "idledger/domain/resource.hpp"
#include "idledger/eventstore/event_store.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::api {

class EventView {
  public:
    EventView(projections::Reader& reader, eventstore::EventStore& store)
        : reader_(reader), documents_(store), store_(store) {}

    domain::DecodedPayload payload(const eventstore::RecordedEvent& e);
    domain::LogSubject actor(const domain::EventMetadata& m);
    std::optional<domain::LogSubject> target(const eventstore::RecordedEvent& e,
                                             const domain::DecodedPayload& p);
    /// The user's profile just before event `e` (null when unknown or shredded).
    domain::Json profile_before(const eventstore::RecordedEvent& e);
    /// The LogEvent for a stored event; nullopt for events that are not audit events.
    std::optional<domain::Json> log_event(const eventstore::RecordedEvent& e);

  private:
    domain::LogSubject user_subject(const std::string& user_id);
    /// A user event's target (users are the one projection that is not a kit resource).
    domain::LogSubject user_target(const std::string& id, const domain::DecodedPayload& p);
    /// A kit document's target: named by the event, else by its current state.
    domain::LogSubject document_target(const domain::ResourceKind& kind, const std::string& id,
                                       const domain::DecodedPayload& p);
    std::string key_for(const std::string& stream);

    projections::Reader& reader_;
    projections::DocumentReader documents_;
    eventstore::EventStore& store_;
    std::map<std::string, std::string> keys_;
    std::map<std::string, domain::LogSubject> users_;
    std::map<std::string, std::string> document_names_;  // kit documents' current names
};

}  // namespace idledger::api
