// The single writer: group commit of queued commands into one synced WriteBatch.

#include <rocksdb/utilities/write_batch_with_index.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "record_codec.hpp"
#include "rocks_store.hpp"

namespace idledger::eventstore::detail {
namespace {

/// The column families a batch writes to.
class FamiliesOf final : public rocksdb::WriteBatch::Handler {
  public:
    std::vector<uint32_t> ids;
    rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice&, const rocksdb::Slice&) override {
        return note(id);
    }
    rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice&) override { return note(id); }
    bool other = false;  // an entry of another kind than put or delete

  private:
    rocksdb::Status note(uint32_t id) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override { return mark(); }
    rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
        return mark();
    }
    rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
        return mark();
    }
    rocksdb::Status mark() {
        other = true;
        return rocksdb::Status::OK();
    }
};

/// The group's writes as a WriteBatch sorted by key within each column family (the batch's own
/// index is sorted already): the memtables' skiplists insert a run of nearby keys far faster than
/// the same keys in the order the commands wrote them (random digests of the indexes), since each
/// insert starts from where the previous one ended. The last write of a key wins either way, as
/// it does in the batch. False (write the batch as it is) when the batch holds another kind of
/// entry than put and delete, or a family not among `handles`.
bool sorted_batch(rocksdb::WriteBatchWithIndex& wb,
                  const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                  rocksdb::WriteBatch& out) {
    FamiliesOf families;
    if (!wb.GetWriteBatch()->Iterate(&families).ok() || families.other) return false;
    for (uint32_t id : families.ids) {
        auto h = std::find_if(handles.begin(), handles.end(),
                              [id](rocksdb::ColumnFamilyHandle* c) { return c->GetID() == id; });
        if (h == handles.end()) return false;
        std::unique_ptr<rocksdb::WBWIIterator> it(wb.NewIterator(*h));
        for (it->SeekToFirst(); it->Valid(); it->Next()) {
            const rocksdb::WriteEntry e = it->Entry();
            rocksdb::Status s;
            if (e.type == rocksdb::kPutRecord)
                s = out.Put(*h, e.key, e.value);
            else if (e.type == rocksdb::kDeleteRecord)
                s = out.Delete(*h, e.key);
            else
                return false;
            if (!s.ok()) return false;
        }
    }
    return true;
}

class BatchTransaction final : public Transaction {
  public:
    BatchTransaction(RocksStore& store, rocksdb::WriteBatchWithIndex& wb, uint64_t& next_position,
                     int64_t now, bool allow_append)
        : store_(store),
          wb_(wb),
          next_position_(next_position),
          now_(now),
          allow_append_(allow_append) {}

    Result<std::optional<std::string>> get(std::string_view cf_name,
                                           std::string_view key) override {
        auto* h = handle(cf_name);
        std::string value;
        auto s = wb_.GetFromBatchAndDB(store_.db(), {}, h, rocksdb::Slice(key.data(), key.size()),
                                       &value);
        if (s.IsNotFound()) return std::optional<std::string>{};
        if (!s.ok()) return std::unexpected(to_error(s));
        return std::optional<std::string>(std::move(value));
    }

    void put(std::string_view cf_name, std::string_view key, std::string_view value) override {
        wb_.Put(handle(cf_name), rocksdb::Slice(key.data(), key.size()),
                rocksdb::Slice(value.data(), value.size()))
            .PermitUncheckedError();
    }

    void del(std::string_view cf_name, std::string_view key) override {
        wb_.Delete(handle(cf_name), rocksdb::Slice(key.data(), key.size())).PermitUncheckedError();
    }

    Result<void> scan(
        std::string_view cf_name, std::string_view prefix,
        const std::function<bool(std::string_view, std::string_view)>& visit) override {
        auto* h = handle(cf_name);
        // The batch's own writes over the database's committed state.
        std::unique_ptr<rocksdb::Iterator> it(
            wb_.NewIteratorWithBase(h, store_.db()->NewIterator(rocksdb::ReadOptions(), h)));
        const rocksdb::Slice p(prefix.data(), prefix.size());
        for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next())
            if (!visit(std::string_view(it->key().data(), it->key().size()),
                       std::string_view(it->value().data(), it->value().size())))
                break;
        if (!it->status().ok()) return std::unexpected(to_error(it->status()));
        return {};
    }

    Result<uint64_t> stream_version(std::string_view stream) override {
        auto v = get(kHeadsCf, stream);
        if (!v) return std::unexpected(v.error());
        return *v ? decode_u64(**v) : kNoStream;
    }

    Result<AppendResult> append(std::string_view stream, uint64_t expected,
                                std::vector<EventData> events,
                                std::string_view idempotency_key) override {
        if (!allow_append_)
            return std::unexpected(Error{Errc::ReadOnly, "append not allowed here"});
        if (stream.empty() || stream.find('\0') != std::string_view::npos)
            return std::unexpected(Error{Errc::InvalidArgument, "bad stream name"});
        if (!idempotency_key.empty()) {
            auto seen = get(kIdempotencyCf, idempotency_key);
            if (!seen) return std::unexpected(seen.error());
            if (*seen) {
                AppendResult r;
                r.duplicate = true;
                r.first_position = r.last_position = decode_u64(**seen);
                return r;
            }
        }
        auto version = stream_version(stream);
        if (!version) return std::unexpected(version.error());
        if (expected != kAnyVersion && expected != *version)
            return std::unexpected(Error{Errc::WrongExpectedVersion,
                                         "expected version " + std::to_string(expected) +
                                             ", stream is at " + std::to_string(*version)});
        AppendResult result;
        result.stream_version = *version;
        for (auto& ev : events) {
            RecordedEvent rec;
            rec.position = next_position_++;
            rec.stream.assign(stream);
            rec.version = ++result.stream_version;
            rec.timestamp_ms = now_;
            rec.type = std::move(ev.type);
            rec.payload = std::move(ev.payload);
            rec.metadata = std::move(ev.metadata);
            put(kEventsCf, encode_u64(rec.position), encode_record(rec));
            put(kStreamsCf, stream_key(stream, rec.version), encode_u64(rec.position));
            if (result.first_position == 0) result.first_position = rec.position;
            result.last_position = rec.position;
            appended_.push_back(std::move(rec));
            if (const auto& index = store_.options().index_event) index(*this, appended_.back());
        }
        if (!events.empty()) put(kHeadsCf, stream, encode_u64(result.stream_version));
        if (!idempotency_key.empty() && result.first_position != 0)
            put(kIdempotencyCf, idempotency_key, encode_u64(result.first_position));
        return result;
    }

    int64_t now_ms() const override { return now_; }
    const std::vector<RecordedEvent>& appended() const override { return appended_; }
    std::vector<RecordedEvent> take_appended() { return std::move(appended_); }

  private:
    rocksdb::ColumnFamilyHandle* handle(std::string_view cf_name) {
        auto* h = store_.cf(cf_name);
        if (!h) throw std::logic_error("unknown column family: " + std::string(cf_name));
        return h;
    }

    RocksStore& store_;
    rocksdb::WriteBatchWithIndex& wb_;
    uint64_t& next_position_;
    int64_t now_;
    bool allow_append_;
    std::vector<RecordedEvent> appended_;
};

}  // namespace

}  // namespace idledger::eventstore::detail

namespace idledger::eventstore {

std::future<Result<CommitInfo>> EventStore::submit(Command command) {
    auto promise = std::make_shared<std::promise<Result<CommitInfo>>>();
    auto fut = promise->get_future();
    submit(std::move(command),
           [promise](Result<CommitInfo> r) { promise->set_value(std::move(r)); });
    return fut;
}

}  // namespace idledger::eventstore

namespace idledger::eventstore::detail {

void RocksStore::submit(Command command, Done done) {
    if (options_.read_only)
        return done(std::unexpected(Error{Errc::ReadOnly, "the store is open read-only"}));
    if (options_.follower)
        return done(std::unexpected(
            Error{Errc::ReadOnly, "a replica's store takes the primary's events only"}));
    {
        std::lock_guard lock(queue_mu_);
        if (!stopping_) {
            queue_.push_back(Pending{std::move(command), std::move(done)});
            queue_cv_.notify_one();
            return;
        }
    }
    done(std::unexpected(Error{Errc::Closed, "store is closing"}));
}

void RocksStore::writer_loop() {
    std::deque<Pending> batch;
    for (;;) {
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything queued is written
            size_t n = std::min(queue_.size(), options_.max_batch_commands);
            for (size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
        batch.clear();
    }
}

std::optional<std::string> RocksStore::write_failure() const {
    if (!write_failed_.load(std::memory_order_acquire)) return std::nullopt;
    std::lock_guard lock(failure_mu_);
    return failure_;
}

uint64_t RocksStore::free_bytes() const {
    struct statvfs fs {};
    if (::statvfs(options_.path.c_str(), &fs) != 0) return 0;
    return uint64_t(fs.f_bavail) * fs.f_frsize;
}

void RocksStore::refuse_writes(std::string reason, bool rocksdb) {
    {
        std::lock_guard lock(failure_mu_);
        failure_ = std::move(reason);
    }
    rocksdb_failed_ = rocksdb_failed_ || rocksdb;
    write_failed_.store(true, std::memory_order_release);
    next_resume_try_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
}

bool RocksStore::try_resume() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_resume_try_) return false;
    next_resume_try_ = now + std::chrono::milliseconds(500);
    if (free_bytes() < options_.write_reserve_bytes) return false;
    if (rocksdb_failed_) {
        const rocksdb::Status s = db_->Resume();
        if (!s.ok()) {
            std::lock_guard lock(failure_mu_);
            failure_ = "cannot resume writing: " + s.ToString();
            return false;
        }
        rocksdb_failed_ = false;
    }
    write_failed_.store(false, std::memory_order_release);
    return true;
}

void RocksStore::observe_commits(CommitObserver observer) {
    std::lock_guard lock(observer_mu_);
    observer_ = std::move(observer);
}

rocksdb::Status RocksStore::write_sorted(const rocksdb::WriteOptions& wo,
                                         rocksdb::WriteBatchWithIndex& wb) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    {
        std::lock_guard lock(cf_mu_);
        handles = handles_;
    }
    rocksdb::WriteBatch sorted(size_t(wb.GetWriteBatch()->GetDataSize()) + 64);
    return db_->Write(wo, sorted_batch(wb, handles, sorted) ? &sorted : wb.GetWriteBatch());
}

void RocksStore::run_batch(std::deque<Pending>& batch) {
    if (write_failed_.load(std::memory_order_acquire) && !try_resume()) {
        // Refuse at once, without touching RocksDB: callers answer 503 and reads go on.
        const Error err{Errc::Unavailable, "the store cannot write: " + *write_failure()};
        for (auto& p : batch) p.done(std::unexpected(err));
        return;
    }
    rocksdb::WriteBatchWithIndex wb(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
    const uint64_t batch_start = next_position_;
    // Event time never goes backwards along the log, even if the wall clock does.
    const int64_t now = std::max(options_.clock(), last_timestamp_);
    std::vector<Result<CommitInfo>> results;
    results.reserve(batch.size());
    size_t committed_commands = 0;

    for (auto& p : batch) {
        wb.SetSavePoint();
        const uint64_t saved_position = next_position_;
        BatchTransaction tx(*this, wb, next_position_, now, /*allow_append=*/true);
        Outcome outcome = Outcome::Abort;
        try {
            outcome = p.command(tx);
        } catch (const std::exception& ex) {
            wb.RollbackToSavePoint().PermitUncheckedError();
            next_position_ = saved_position;
            results.push_back(std::unexpected(Error{Errc::InvalidArgument, ex.what()}));
            continue;
        }
        CommitInfo info;
        if (outcome == Outcome::Abort) {
            wb.RollbackToSavePoint().PermitUncheckedError();
            next_position_ = saved_position;
            info.aborted = true;
        } else {
            wb.PopSavePoint().PermitUncheckedError();
            info.events = tx.take_appended();
            ++committed_commands;
        }
        results.push_back(std::move(info));
    }

    rocksdb::Status s = rocksdb::Status::OK();
    if (wb.GetWriteBatch()->Count() > 0) {
        // Keep the reserve: a batch that would eat into it is refused, never half-written.
        const uint64_t free = free_bytes();
        const uint64_t need = options_.write_reserve_bytes + wb.GetWriteBatch()->GetDataSize();
        if (free < need) {
            next_position_ = batch_start;
            refuse_writes("the disk is nearly full: " + std::to_string(free >> 20) + " MB free, " +
                              std::to_string(options_.write_reserve_bytes >> 20) +
                              " MB kept in reserve",
                          /*rocksdb=*/false);
            // A write-ahead log file is deleted only once every column family written in it
            // has flushed; a family that gets a few bytes per write (an index) would pin the
            // logs until max_total_wal_size. Flushing them all now (out of the reserve) gives
            // that space back, so freeing a little on the disk is enough to resume.
            rocksdb::FlushOptions fo;
            fo.wait = false;
            fo.allow_write_stall = true;
            db_->Flush(fo, handles_).PermitUncheckedError();
            const Error err{Errc::Unavailable, "the store cannot write: " + *write_failure()};
            for (auto& p : batch) p.done(std::unexpected(err));
            return;
        }
        rocksdb::WriteOptions wo;
        wo.sync = true;
        s = write_sorted(wo, wb);
        stats_.fsyncs.fetch_add(1, std::memory_order_relaxed);
        stats_.batch_commands_total.fetch_add(committed_commands, std::memory_order_relaxed);
    }
    if (!s.ok()) {
        // Nothing of this batch is acknowledged. The store stops writing until it recovers.
        next_position_ = batch_start;
        refuse_writes(s.ToString(), /*rocksdb=*/true);
        const Error err{Errc::Unavailable, "the store cannot write: " + s.ToString()};
        for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::unexpected(err));
        return;
    }
    const uint64_t last = next_position_ - 1;
    if (last >= batch_start) last_timestamp_ = now;
    stats_.appended_events.fetch_add(last + 1 - batch_start, std::memory_order_relaxed);
    stats_.commands.fetch_add(batch.size(), std::memory_order_relaxed);
    {
        std::lock_guard lock(head_mu_);
        head_.store(last, std::memory_order_release);
    }
    head_cv_.notify_all();
    {
        std::lock_guard lock(observer_mu_);
        if (observer_)
            for (const auto& r : results)
                if (r && !r->aborted && !r->events.empty()) observer_(r->events);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
        if (results[i]) results[i]->last_position = last;
        batch[i].done(std::move(results[i]));
    }
}

/// Puts recorded events (which must continue the log at `next`) into `wb` with their stream
/// index entries and stream heads, as the writer would have.
static Result<void> put_copied_events(RocksStore& store, rocksdb::WriteBatchBase& wb,
                                      const std::vector<RecordedEvent>& events, uint64_t next) {
    std::map<std::string, uint64_t> heads;
    for (const auto& e : events) {
        if (e.position != next++)
            return std::unexpected(
                Error{Errc::InvalidArgument, "copied events must continue the log"});
        wb.Put(store.cf(kEventsCf), encode_u64(e.position), encode_record(e))
            .PermitUncheckedError();
        wb.Put(store.cf(kStreamsCf), stream_key(e.stream, e.version), encode_u64(e.position))
            .PermitUncheckedError();
        heads[e.stream] = e.version;
    }
    for (const auto& [stream, version] : heads)
        wb.Put(store.cf(kHeadsCf), stream, encode_u64(version)).PermitUncheckedError();
    return {};
}

Result<void> RocksStore::import_events(const std::vector<RecordedEvent>& events) {
    if (events.empty()) return {};
    rocksdb::WriteBatch wb;
    if (auto r = put_copied_events(*this, wb, events, head() + 1); !r) return r;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    auto s = db_->Write(wo, &wb);
    if (!s.ok()) return std::unexpected(to_error(s));
    head_ = events.back().position;
    next_position_ = head_ + 1;
    last_timestamp_ = std::max(last_timestamp_, events.back().timestamp_ms);
    return {};
}

Result<void> RocksStore::append_replicated(const std::vector<RecordedEvent>& events,
                                           const std::function<bool(Transaction&)>& fold) {
    if (events.empty()) return {};
    rocksdb::WriteBatchWithIndex wb(rocksdb::BytewiseComparator(), 0, true);
    if (auto r = put_copied_events(*this, wb, events, head() + 1); !r) return r;
    uint64_t unused = 0;
    BatchTransaction tx(*this, wb, unused, events.back().timestamp_ms, /*allow_append=*/false);
    if (!fold(tx))
        return std::unexpected(Error{Errc::InvalidArgument, "the replicated events did not fold"});
    rocksdb::WriteOptions wo;
    auto s = write_sorted(wo, wb);
    if (!s.ok()) return std::unexpected(to_error(s));
    {
        std::lock_guard lock(head_mu_);
        head_.store(events.back().position, std::memory_order_release);
    }
    next_position_ = events.back().position + 1;
    last_timestamp_ = std::max(last_timestamp_, events.back().timestamp_ms);
    head_cv_.notify_all();
    std::lock_guard lock(observer_mu_);
    if (observer_) observer_(events);
    return {};
}

Result<void> RocksStore::write_direct(const std::function<void(Transaction&)>& fill, bool sync) {
    rocksdb::WriteBatchWithIndex wb(rocksdb::BytewiseComparator(), 0, true);
    uint64_t unused = 0;
    BatchTransaction tx(*this, wb, unused, options_.clock(), /*allow_append=*/false);
    fill(tx);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    wo.disableWAL = !sync;
    auto s = write_sorted(wo, wb);
    if (!s.ok()) return std::unexpected(to_error(s));
    if (sync) {
        rocksdb::FlushOptions fo;
        s = db_->Flush(fo, handles_);
        if (!s.ok()) return std::unexpected(to_error(s));
    }
    return {};
}

}  // namespace idledger::eventstore::detail
