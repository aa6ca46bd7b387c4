#include "ldap_load.hpp"

#include <ldap.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace idledger::bench {

LdapConnection::LdapConnection(const LdapTarget& target) {
    LDAP* ld = nullptr;
    if (ldap_initialize(&ld, target.uri.c_str()) != LDAP_SUCCESS)
        throw std::runtime_error("ldap_initialize " + target.uri);
    ld_ = ld;
    const int version = LDAP_VERSION3;
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    berval cred{ber_len_t(target.password.size()), const_cast<char*>(target.password.data())};
    const int rc = ldap_sasl_bind_s(ld, target.bind_dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr,
                                    nullptr, nullptr);
    if (rc != LDAP_SUCCESS)
        throw std::runtime_error("LDAP bind to " + target.uri + ": " + ldap_err2string(rc));
}

LdapConnection::~LdapConnection() {
    if (ld_) ldap_unbind_ext_s(static_cast<LDAP*>(ld_), nullptr, nullptr);
}

bool LdapConnection::add(
    const std::string& dn,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& attributes) {
    std::vector<LDAPMod> mods(attributes.size());
    std::vector<std::vector<char*>> values(attributes.size());
    std::vector<LDAPMod*> list;
    for (size_t i = 0; i < attributes.size(); ++i) {
        for (const auto& v : attributes[i].second)
            values[i].push_back(const_cast<char*>(v.c_str()));
        values[i].push_back(nullptr);
        mods[i].mod_op = LDAP_MOD_ADD;
        mods[i].mod_type = const_cast<char*>(attributes[i].first.c_str());
        mods[i].mod_values = values[i].data();
        list.push_back(&mods[i]);
    }
    list.push_back(nullptr);
    return ldap_add_ext_s(static_cast<LDAP*>(ld_), dn.c_str(), list.data(), nullptr, nullptr) ==
           LDAP_SUCCESS;
}

bool LdapConnection::add_person(const std::string& base, const PeerUser& u) {
    return add("uid=" + u.login + "," + base, {{"objectClass", {"inetOrgPerson"}},
                                               {"uid", {u.login}},
                                               {"mail", {u.login}},
                                               {"givenName", {u.first_name}},
                                               {"sn", {u.last_name}},
                                               {"cn", {u.first_name + " " + u.last_name}}});
}

int LdapConnection::count(const std::string& base, const std::string& filter) {
    LDAPMessage* res = nullptr;
    char no_attributes[] = LDAP_NO_ATTRS;
    char* attrs[] = {no_attributes, nullptr};
    const int rc = ldap_search_ext_s(static_cast<LDAP*>(ld_), base.c_str(),
                                     filter.empty() ? LDAP_SCOPE_BASE : LDAP_SCOPE_SUBTREE,
                                     filter.empty() ? "(objectClass=*)" : filter.c_str(), attrs, 0,
                                     nullptr, nullptr, nullptr, LDAP_NO_LIMIT, &res);
    const int n = rc == LDAP_SUCCESS ? ldap_count_entries(static_cast<LDAP*>(ld_), res) : -1;
    if (res) ldap_msgfree(res);
    return n;
}

LoadResult ldap_measure(const LdapTarget& target, int connections,
                        std::chrono::milliseconds duration, uint64_t max_requests,
                        const std::function<bool(LdapConnection&, uint64_t)>& op) {
    using Clock = std::chrono::steady_clock;
    std::vector<std::unique_ptr<LdapConnection>> pool;
    for (int i = 0; i < connections; ++i) pool.push_back(std::make_unique<LdapConnection>(target));
    std::atomic<uint64_t> next{0}, failed{0};
    std::mutex mu;
    LoadResult result;
    const auto start = Clock::now();
    const auto deadline = start + duration;
    std::vector<std::thread> threads;
    for (int i = 0; i < connections; ++i)
        threads.emplace_back([&, i] {
            std::vector<double> latencies;
            while (Clock::now() < deadline) {
                const uint64_t n = next++;
                if (max_requests && n >= max_requests) break;
                const auto t0 = Clock::now();
                if (!op(*pool[size_t(i)], n)) ++failed;
                latencies.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
            std::lock_guard lock(mu);
            result.latencies_ms.insert(result.latencies_ms.end(), latencies.begin(),
                                       latencies.end());
        });
    for (auto& t : threads) t.join();
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.requests = result.latencies_ms.size();
    result.non_2xx = failed;
    std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
    return result;
}

}  // namespace idledger::bench
