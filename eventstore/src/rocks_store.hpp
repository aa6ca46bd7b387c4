#pragma once
// RocksDB implementation of EventStore (private).

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "idledger/eventstore/event_store.hpp"

namespace idledger::eventstore::detail {

Error to_error(const rocksdb::Status& s);

class RocksStore final : public EventStore {
  public:
    explicit RocksStore(Options options) : options_(std::move(options)) {}
    ~RocksStore() override { close(); }

    Result<void> open();

    using EventStore::submit;
    void submit(Command command, Done done) override;
    void observe_commits(CommitObserver observer) override;
    Result<std::optional<std::string>> get(std::string_view cf, std::string_view key) override;
    Result<void> scan(std::string_view cf, std::string_view prefix, std::string_view start,
                      const std::function<bool(std::string_view, std::string_view)>& visit,
                      bool reverse = false) override;
    Result<std::vector<RecordedEvent>> read_stream(std::string_view stream, uint64_t from_version,
                                                   size_t max_count) override;
    Result<std::vector<RecordedEvent>> read_all(uint64_t from_position, size_t max_count) override;
    Result<std::vector<RecordedEvent>> read_all_backwards(uint64_t from_position,
                                                          size_t max_count) override;
    Result<uint64_t> position_at(int64_t timestamp_ms) override;
    uint64_t head() const override { return head_.load(std::memory_order_acquire); }
    uint64_t wait_for(uint64_t position, std::chrono::steady_clock::time_point deadline) override;
    Result<void> write_direct(const std::function<void(Transaction&)>& fill, bool sync) override;
    Result<void> clear_column_family(std::string_view cf) override;
    Result<void> import_events(const std::vector<RecordedEvent>& events) override;
    Result<void> compact_all() override;
    Result<void> append_replicated(const std::vector<RecordedEvent>& events,
                                   const std::function<bool(Transaction&)>& fold) override;
    Result<void> checkpoint(const std::string& dir) override;
    const Stats& stats() const override { return stats_; }
    void close() override;
    std::optional<std::string> write_failure() const override;

    /// nullptr for an unknown name (a programming error the callers check).
    rocksdb::ColumnFamilyHandle* cf(std::string_view name) const;
    rocksdb::DB* db() const { return db_.get(); }
    bool append_ordered(std::string_view cf_name) const;
    int64_t clock_now() const { return options_.clock(); }
    const Options& options() const { return options_; }

  private:
    struct Pending {
        Command command;
        Done done;
    };

    Result<std::vector<RecordedEvent>> read_log(uint64_t start, size_t max_count, bool backwards);
    void writer_loop();
    void run_batch(std::deque<Pending>& batch);
    /// Writes a transaction's batch sorted by key within each column family (see writer.cpp).
    rocksdb::Status write_sorted(const rocksdb::WriteOptions& wo, rocksdb::WriteBatchWithIndex& wb);
    /// After a failed write: whether writing works again (space freed and RocksDB resumed).
    /// Tried at most every 500 ms; writer thread only.
    bool try_resume();
    /// Space available to us on the store's file system (0 when it cannot be read).
    uint64_t free_bytes() const;
    /// Enters the refusing state with `reason`; `rocksdb` when RocksDB itself failed.
    void refuse_writes(std::string reason, bool rocksdb);

    Options options_;
    std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by every column family
    std::unique_ptr<rocksdb::DB> db_;
    std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> cfs_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;
    mutable std::mutex cf_mu_;  // guards cfs_ against clear_column_family
    std::mutex observer_mu_;
    CommitObserver observer_;

    std::atomic<uint64_t> head_{0};
    uint64_t next_position_ = 1;  // writer thread only
    int64_t last_timestamp_ = 0;  // writer thread only: keeps event time monotonic

    std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<Pending> queue_;
    bool stopping_ = false;
    std::thread writer_;

    std::mutex head_mu_;
    std::condition_variable head_cv_;

    Stats stats_;
    bool closed_ = false;

    // The store refuses writes after a failed one until it has recovered (no retries on a
    // failed WAL: RocksDB stops writing after such an error and needs Resume()).
    std::atomic<bool> write_failed_{false};
    bool rocksdb_failed_ = false;  // RocksDB itself failed (needs Resume()); writer thread only
    mutable std::mutex failure_mu_;
    std::string failure_;
    std::chrono::steady_clock::time_point next_resume_try_{};
};

}  // namespace idledger::eventstore::detail
