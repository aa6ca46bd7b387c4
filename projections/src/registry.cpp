// The projection registry: one line per read model. Column families, replay and the read-model
// version are derived from this list (registry.hpp).

#include "idledger/projections/registry.hpp"

#include "idledger/domain/resource.hpp"
#include "idledger/projections/documents.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::projections {

namespace {

/// Server-wide secrets: a source of truth with no events.
Projection server_secrets() {
    Projection p;
    p.name = "server";
    p.sources_of_truth = {std::string(cf::kServerSecrets)};
    return p;
}

}  // namespace

const std::vector<const Projection*>& projection_registry() {
    // Every kit resource (domain::resource_kinds()) gets its document projection.
    static const std::vector<Projection> kProjections = [] {
        std::vector<Projection> out = {server_secrets(), users_projection(),
                                       log_index_projection()};
        for (const domain::ResourceKind* k : domain::resource_kinds())
            out.push_back(document_projection(*k));
        return out;
    }();
    static const std::vector<const Projection*> kPointers = [] {
        std::vector<const Projection*> out;
        for (const auto& p : kProjections) out.push_back(&p);
        return out;
    }();
    return kPointers;
}

const Projection* projection_for_stream(std::string_view stream) {
    for (const Projection* p : projection_registry())
        if (!p->stream_prefix.empty() && stream.starts_with(p->stream_prefix)) return p;
    return nullptr;
}

std::string stream_subject(std::string_view stream) {
    const Projection* p = projection_for_stream(stream);
    return p ? std::string(stream.substr(p->stream_prefix.size())) : std::string();
}

std::string read_model_version() {
    std::string v;
    for (const Projection* p : projection_registry()) {
        if (p->families.empty()) continue;
        if (!v.empty()) v += ';';
        v += std::string(p->name) + "=" + std::to_string(p->schema_version);
    }
    return v;
}

void configure_store(eventstore::Options& o) {
    o.extra_column_families = all_column_families();
    o.append_ordered_column_families = append_ordered_column_families();
    o.index_event = index_log_event;
}

std::vector<std::string> projection_column_families() {
    std::vector<std::string> out;
    for (const Projection* p : projection_registry())
        out.insert(out.end(), p->families.begin(), p->families.end());
    return out;
}

std::vector<std::string> append_ordered_column_families() {
    std::vector<std::string> out;
    for (const Projection* p : projection_registry())
        out.insert(out.end(), p->append_ordered.begin(), p->append_ordered.end());
    return out;
}

std::vector<std::string> source_of_truth_column_families() {
    std::vector<std::string> out;
    for (const Projection* p : projection_registry())
        out.insert(out.end(), p->sources_of_truth.begin(), p->sources_of_truth.end());
    return out;
}

std::vector<std::string> all_column_families() {
    auto all = projection_column_families();
    auto truth = source_of_truth_column_families();
    all.insert(all.end(), truth.begin(), truth.end());
    return all;
}

}  // namespace idledger::projections
