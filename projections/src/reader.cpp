#include <iostream>

#include "idledger/domain/json_parse.hpp"
#include "idledger/domain/user_rules.hpp"
#include "idledger/projections/read_model.hpp"

namespace idledger::projections {

using eventstore::decode_u64;
using eventstore::encode_u64;

namespace {
eventstore::Error corrupt_error(std::string what) {
    return eventstore::Error{eventstore::Errc::Corruption, std::move(what)};
}
}  // namespace

Result<std::optional<UserRow>> Reader::user(std::string_view id) const {
    auto v = store_.get(cf::kUsers, id);
    if (!v) return std::unexpected(v.error());
    if (!*v) return std::optional<UserRow>{};
    auto row = decode_user_row(**v);
    if (!row) return std::unexpected(corrupt_error("bad user row"));
    return std::optional<UserRow>(std::move(*row));
}

Result<std::optional<Reader::RawUserRow>> Reader::find_user_row(
    std::string_view id_or_login) const {
    using Out = std::optional<RawUserRow>;
    if (id_or_login.size() == 20 && id_or_login.starts_with("00u")) {
        auto r = store_.get(cf::kUsers, id_or_login);
        if (!r) return std::unexpected(r.error());
        if (*r) return Out(RawUserRow{std::string(id_or_login), std::move(**r)});
    }
    auto id = store_.get(cf::kUsersByLogin, login_key(id_or_login));
    if (!id) return std::unexpected(id.error());
    if (!*id) {
        id = unambiguous_short_name(id_or_login);
        if (!id) return std::unexpected(id.error());
        if (!*id) return Out{};
    }
    auto r = store_.get(cf::kUsers, **id);
    if (!r) return std::unexpected(r.error());
    if (!*r) return Out{};
    return Out(RawUserRow{std::move(**id), std::move(**r)});
}

Result<std::optional<UserRow>> Reader::find_user(std::string_view id_or_login) const {
    if (id_or_login.size() == 20 && id_or_login.starts_with("00u")) {
        auto r = user(id_or_login);
        if (!r || *r) return r;
    }
    auto id = store_.get(cf::kUsersByLogin, login_key(id_or_login));
    if (!id) return std::unexpected(id.error());
    if (!*id) {
        id = unambiguous_short_name(id_or_login);
        if (!id) return std::unexpected(id.error());
        if (!*id) return std::optional<UserRow>{};
    }
    return user(**id);
}

Result<std::optional<std::string>> Reader::unambiguous_short_name(std::string_view name) const {
    if (name.find('@') != std::string_view::npos) return std::optional<std::string>{};
    auto ids = store_.get(cf::kUsersByShortName, login_key(name));
    if (!ids) return std::unexpected(ids.error());
    if (!*ids || (*ids)->size() != 20) return std::optional<std::string>{};  // none, or ambiguous
    return ids;
}

Result<void> Reader::scan_users(uint64_t after_seq,
                                const std::function<bool(const UserRow&)>& visit) const {
    std::optional<eventstore::Error> inner;
    auto r = store_.scan(cf::kUsersBySeq, "", encode_u64(after_seq + 1),
                         [&](std::string_view, std::string_view id) {
                             auto row = user(id);
                             if (!row && row.error().code == eventstore::Errc::Corruption) {
                                 // One unreadable row must not take every page down: skip it
                                 // and say which, so an operator can replay or repair it.
                                 std::cerr << "list: user row " << id
                                           << " cannot be decoded; left out of the page\n";
                                 return true;
                             }
                             if (!row) {
                                 inner = row.error();
                                 return false;
                             }
                             if (!*row) return true;  // deleted between index and row read
                             return visit(**row);
                         });
    if (!r) return r;
    if (inner) return std::unexpected(*inner);
    return {};
}

Result<std::optional<Reader::Snapshot>> Reader::user_snapshot_before(std::string_view id,
                                                                     uint64_t position) const {
    std::string prefix(id);
    prefix.push_back('\0');
    std::optional<Snapshot> found;
    bool corrupt = false;
    auto r = store_.scan(
        cf::kUserSnapshots, prefix, "",
        [&](std::string_view, std::string_view v) {
            if (v.size() < 16) return corrupt = true, false;
            const uint64_t at = decode_u64(v.substr(0, 8));
            if (at > position) return true;  // newer than asked: keep walking back
            auto j = domain::parse_json(v.substr(16));
            auto u = j ? domain::User::from_state_json(*j) : std::nullopt;
            if (!u) return corrupt = true, false;
            found = Snapshot{std::move(*u), at, int64_t(decode_u64(v.substr(8, 8)))};
            return false;
        },
        /*reverse=*/true);
    if (!r) return std::unexpected(r.error());
    if (corrupt) return std::unexpected(corrupt_error("bad user snapshot"));
    return found;
}

Result<std::string> Reader::data_key(std::string_view user_id) const {
    auto v = store_.get(cf::kUserKeys, user_id);
    if (!v) return std::unexpected(v.error());
    return v->value_or(std::string());
}

}  // namespace idledger::projections
