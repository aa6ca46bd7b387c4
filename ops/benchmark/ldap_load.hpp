#pragma once
// A closed-loop LDAP load for `ops/bench peers`: N persistent connections, one thread each with
// one operation in flight (libldap's synchronous calls), measured like load.hpp's HTTP load.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "load.hpp"

namespace idledger::bench {

struct LdapTarget {
    std::string uri;  // ldap://127.0.0.1:PORT
    std::string bind_dn;
    std::string password;
};

/// One person entry, the same attributes idledger's benchmark users carry.
struct PeerUser {
    std::string login;  // uid and mail
    std::string first_name;
    std::string last_name;
};

/// A bound connection (an LDAP*, kept opaque so ldap.h stays in ldap_load.cpp).
class LdapConnection {
  public:
    explicit LdapConnection(const LdapTarget& target);  // throws when it cannot bind
    ~LdapConnection();
    LdapConnection(const LdapConnection&) = delete;
    LdapConnection& operator=(const LdapConnection&) = delete;

    /// Adds an entry; false when the server refused it.
    bool add(const std::string& dn,
             const std::vector<std::pair<std::string, std::vector<std::string>>>& attributes);
    /// Adds a person under `base` (uid=login,base).
    bool add_person(const std::string& base, const PeerUser& u);
    /// The number of entries a search finds (base scope when `filter` is empty), -1 on error.
    int count(const std::string& base, const std::string& filter);

  private:
    void* ld_ = nullptr;
};

/// Runs `op(connection, n)` for n = 0, 1, ... on `connections` connections until `duration`
/// has passed or `max_requests` were issued (0: no limit). An op that returns false counts as
/// a non-2xx answer.
LoadResult ldap_measure(const LdapTarget& target, int connections,
                        std::chrono::milliseconds duration, uint64_t max_requests,
                        const std::function<bool(LdapConnection&, uint64_t)>& op);

}  // namespace idledger::bench
