#include "rocks_store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <chrono>

#include "record_codec.hpp"

namespace idledger::eventstore {

Result<std::unique_ptr<EventStore>> EventStore::open(Options options) {
    if (!options.clock) {
        options.clock = [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
    }
    auto store = std::make_unique<detail::RocksStore>(std::move(options));
    if (auto r = store->open(); !r) return std::unexpected(r.error());
    return std::unique_ptr<EventStore>(std::move(store));
}

namespace detail {

Error to_error(const rocksdb::Status& s) {
    Errc code = s.IsCorruption()        ? Errc::Corruption
                : s.IsInvalidArgument() ? Errc::InvalidArgument
                                        : Errc::Io;
    return Error{code, s.ToString()};
}

namespace {
/// `append_ordered`: keys arrive in increasing order (the log itself, creation-order indexes).
rocksdb::ColumnFamilyOptions cf_options(bool append_ordered,
                                        const std::shared_ptr<rocksdb::Cache>& cache) {
    rocksdb::ColumnFamilyOptions o;
    rocksdb::BlockBasedTableOptions t;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    if (cache) {
        t.block_cache = cache;
        t.cache_index_and_filter_blocks = true;
        t.pin_l0_filter_and_index_blocks_in_cache = true;
    }
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    o.write_buffer_size = 32 << 20;
    // Commands mostly look up keys that do not exist yet (a new user's id, login, stream head):
    // a whole-key bloom filter in the memtable answers those without walking the skiplist.
    o.memtable_prefix_bloom_size_ratio = 0.05;
    o.memtable_whole_key_filtering = true;
    if (append_ordered) {
        // Inserting keys in order: remember the last insert position instead of searching from
        // the top of the skiplist (keys share their first byte for the first 2^56 positions).
        o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
    }
    return o;
}
}  // namespace

bool RocksStore::append_ordered(std::string_view cf_name) const {
    if (cf_name == kEventsCf) return true;
    for (const auto& n : options_.append_ordered_column_families)
        if (n == cf_name) return true;
    return false;
}

Result<void> RocksStore::open() {
    rocksdb::DBOptions dbo;
    dbo.create_if_missing = true;
    dbo.create_missing_column_families = true;
    dbo.max_background_jobs = 2;
    dbo.bytes_per_sync = 1 << 20;
    dbo.keep_log_file_num = 3;
    dbo.max_total_wal_size = 128 << 20;
    // After a failed write (a full disk) the writer decides when to resume (writer.cpp), once
    // there is room: RocksDB's own retry loop would hold the database busy meanwhile.
    dbo.max_bgerror_resume_count = 0;

    std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, std::string(kEventsCf),
                                      std::string(kStreamsCf), std::string(kHeadsCf),
                                      std::string(kIdempotencyCf)};
    for (const auto& n : options_.extra_column_families) names.push_back(n);
    // Families a previous version kept and this one no longer names (retired read models) must
    // be opened too, or RocksDB refuses the database; they are dropped below.
    const size_t known = names.size();
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(dbo, options_.path, &existing).ok())
        for (const auto& n : existing)
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    if (options_.block_cache_bytes) block_cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
    for (const auto& n : names) descs.emplace_back(n, cf_options(append_ordered(n), block_cache_));

    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        options_.read_only
            ? rocksdb::DB::OpenForReadOnly(dbo, options_.path, descs, &handles_, &raw)
            : rocksdb::DB::Open(dbo, options_.path, descs, &handles_, &raw);
    if (!s.ok()) return std::unexpected(to_error(s));
    db_.reset(raw);
    for (size_t i = 0; i < names.size(); ++i) cfs_[names[i]] = handles_[i];
    if (!options_.read_only)
        for (size_t i = known; i < names.size(); ++i) {
            if (auto d = db_->DropColumnFamily(handles_[i]); !d.ok())
                return std::unexpected(to_error(d));
            db_->DestroyColumnFamilyHandle(handles_[i]);
            cfs_.erase(names[i]);
        }
    if (!options_.read_only) handles_.resize(known);

    // The head is the last key of the events column family.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, cf(kEventsCf)));
    it->SeekToLast();
    if (!it->status().ok()) return std::unexpected(to_error(it->status()));
    uint64_t last = it->Valid() ? decode_u64(it->key().ToStringView()) : 0;
    if (it->Valid())
        if (auto e = decode_record(last, it->value().ToStringView()))
            last_timestamp_ = e->timestamp_ms;
    head_ = last;
    next_position_ = last + 1;

    if (!options_.read_only) writer_ = std::thread([this] { writer_loop(); });
    return {};
}

rocksdb::ColumnFamilyHandle* RocksStore::cf(std::string_view name) const {
    std::lock_guard lock(cf_mu_);
    auto it = cfs_.find(name);
    return it == cfs_.end() ? nullptr : it->second;
}

void RocksStore::close() {
    if (closed_) return;
    closed_ = true;
    {
        std::lock_guard lock(queue_mu_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    if (db_) {
        // After a failed write nothing more is synced (every acknowledged write already is):
        // flushing a WAL that failed is what aborted RocksDB on a full disk.
        if (!options_.read_only && !rocksdb_failed_) db_->FlushWAL(true).PermitUncheckedError();
        for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
        handles_.clear();
        cfs_.clear();
        db_->Close().PermitUncheckedError();
        db_.reset();
    }
    head_cv_.notify_all();
}

Result<std::optional<std::string>> RocksStore::get(std::string_view cf_name, std::string_view key) {
    auto* h = cf(cf_name);
    if (!h) return std::unexpected(Error{Errc::InvalidArgument, "unknown column family"});
    std::string value;
    auto s = db_->Get({}, h, rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return std::unexpected(to_error(s));
    return std::optional<std::string>(std::move(value));
}

Result<void> RocksStore::scan(std::string_view cf_name, std::string_view prefix,
                              std::string_view start,
                              const std::function<bool(std::string_view, std::string_view)>& visit,
                              bool reverse) {
    auto* h = cf(cf_name);
    if (!h) return std::unexpected(Error{Errc::InvalidArgument, "unknown column family"});
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, h));
    if (!reverse) {
        std::string_view from = start.empty() ? prefix : start;
        for (it->Seek(rocksdb::Slice(from.data(), from.size())); it->Valid(); it->Next()) {
            auto k = it->key().ToStringView();
            if (!k.starts_with(prefix)) break;
            if (!visit(k, it->value().ToStringView())) break;
        }
    } else {
        if (start.empty()) {
            // Seek past every key with this prefix.
            std::string upper(prefix);
            bool seeked = false;
            while (!upper.empty()) {
                if (uint8_t(upper.back()) != 0xff) {
                    upper.back() = char(uint8_t(upper.back()) + 1);
                    it->SeekForPrev(upper);
                    if (it->Valid() && it->key().ToStringView() == upper) it->Prev();
                    seeked = true;
                    break;
                }
                upper.pop_back();
            }
            if (!seeked) it->SeekToLast();
        } else {
            it->SeekForPrev(rocksdb::Slice(start.data(), start.size()));
        }
        for (; it->Valid(); it->Prev()) {
            auto k = it->key().ToStringView();
            if (!k.starts_with(prefix)) break;
            if (!visit(k, it->value().ToStringView())) break;
        }
    }
    if (!it->status().ok()) return std::unexpected(to_error(it->status()));
    return {};
}

Result<std::vector<RecordedEvent>> RocksStore::read_stream(std::string_view stream,
                                                           uint64_t from_version,
                                                           size_t max_count) {
    std::vector<uint64_t> positions;
    std::string prefix(stream);
    prefix.push_back('\0');
    auto r = scan(kStreamsCf, prefix, stream_key(stream, std::max<uint64_t>(from_version, 1)),
                  [&](std::string_view, std::string_view v) {
                      positions.push_back(decode_u64(v));
                      return positions.size() < max_count;
                  });
    if (!r) return std::unexpected(r.error());
    std::vector<RecordedEvent> out;
    out.reserve(positions.size());
    for (uint64_t p : positions) {
        auto v = get(kEventsCf, encode_u64(p));
        if (!v) return std::unexpected(v.error());
        if (!*v) return std::unexpected(Error{Errc::Corruption, "stream index points nowhere"});
        auto e = decode_record(p, **v);
        if (!e) return std::unexpected(Error{Errc::Corruption, "undecodable record"});
        out.push_back(std::move(*e));
    }
    return out;
}

Result<std::vector<RecordedEvent>> RocksStore::read_all(uint64_t from_position, size_t max_count) {
    return read_log(std::max<uint64_t>(from_position, 1), max_count, /*backwards=*/false);
}

Result<std::vector<RecordedEvent>> RocksStore::read_all_backwards(uint64_t from_position,
                                                                  size_t max_count) {
    uint64_t start = std::min(from_position, head());
    if (start == 0) return std::vector<RecordedEvent>{};
    return read_log(start, max_count, /*backwards=*/true);
}

Result<std::vector<RecordedEvent>> RocksStore::read_log(uint64_t start, size_t max_count,
                                                        bool backwards) {
    std::vector<RecordedEvent> out;
    bool corrupt = false;
    const uint64_t limit = head();  // never expose a position beyond the durable head
    auto r = scan(
        kEventsCf, "", encode_u64(start),
        [&](std::string_view k, std::string_view v) {
            const uint64_t p = decode_u64(k);
            if (p > limit) return false;
            auto e = decode_record(p, v);
            if (!e) {
                corrupt = true;
                return false;
            }
            out.push_back(std::move(*e));
            return out.size() < max_count;
        },
        backwards);
    if (!r) return std::unexpected(r.error());
    if (corrupt) return std::unexpected(Error{Errc::Corruption, "undecodable record"});
    return out;
}

Result<uint64_t> RocksStore::position_at(int64_t timestamp_ms) {
    uint64_t lo = 1, hi = head() + 1;  // answer in [lo, hi]
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        auto v = get(kEventsCf, encode_u64(mid));
        if (!v) return std::unexpected(v.error());
        if (!*v) return std::unexpected(Error{Errc::Corruption, "gap in the log"});
        auto e = decode_record(mid, **v);
        if (!e) return std::unexpected(Error{Errc::Corruption, "undecodable record"});
        if (e->timestamp_ms >= timestamp_ms)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

uint64_t RocksStore::wait_for(uint64_t position, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(head_mu_);
    head_cv_.wait_until(lock, deadline, [&] { return head() >= position || closed_; });
    return head();
}

Result<void> RocksStore::clear_column_family(std::string_view name) {
    std::lock_guard lock(cf_mu_);
    auto it = cfs_.find(name);
    if (it == cfs_.end())
        return std::unexpected(Error{Errc::InvalidArgument, "unknown column family"});
    rocksdb::ColumnFamilyHandle* old = it->second;
    auto s = db_->DropColumnFamily(old);
    if (!s.ok()) return std::unexpected(to_error(s));
    rocksdb::ColumnFamilyHandle* fresh = nullptr;
    s = db_->CreateColumnFamily(cf_options(append_ordered(name), block_cache_), std::string(name),
                                &fresh);
    if (!s.ok()) return std::unexpected(to_error(s));
    for (auto& h : handles_)
        if (h == old) h = fresh;
    db_->DestroyColumnFamilyHandle(old).PermitUncheckedError();
    it->second = fresh;
    return {};
}

Result<void> RocksStore::checkpoint(const std::string& dir) {
    rocksdb::Checkpoint* raw = nullptr;
    auto s = rocksdb::Checkpoint::Create(db_.get(), &raw);
    if (!s.ok()) return std::unexpected(to_error(s));
    std::unique_ptr<rocksdb::Checkpoint> cp(raw);
    // Flushing first (log_size_for_flush 0) leaves no write-ahead log to copy: the copy holds
    // table files (hard links) and the manifest.
    s = cp->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
    if (!s.ok()) return std::unexpected(to_error(s));
    return {};
}

Result<void> RocksStore::compact_all() {
    std::vector<rocksdb::ColumnFamilyHandle*> hs;
    {
        std::lock_guard lock(cf_mu_);
        hs = handles_;
    }
    rocksdb::FlushOptions fo;
    fo.wait = true;
    auto s = db_->Flush(fo, hs);
    if (!s.ok()) return std::unexpected(to_error(s));
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* h : hs) {
        s = db_->CompactRange(co, h, nullptr, nullptr);
        if (!s.ok()) return std::unexpected(to_error(s));
    }
    // Obsolete WAL files hold old values too; after the flush none is live.
    s = db_->FlushWAL(true);
    if (!s.ok()) return std::unexpected(to_error(s));
    return {};
}

}  // namespace detail
}  // namespace idledger::eventstore
