#pragma once
// The event log on RocksDB. One writer thread owns every append and runs each command's decision
// inside a group-committed WriteBatch (sync=true): many commands per fsync, nothing acknowledged
// before it is durable. Knows nothing about users: events, keys and values are opaque bytes.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace idledger::eventstore {

/// Unavailable: the store cannot write now (a write failed, e.g. the disk is full) and refuses
/// writes until it has recovered; reads go on.
enum class Errc {
    Io,
    Corruption,
    WrongExpectedVersion,
    Closed,
    InvalidArgument,
    ReadOnly,
    Unavailable
};

struct Error {
    Errc code = Errc::Io;
    std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

/// Stream versions start at 1; a stream that does not exist has version 0.
inline constexpr uint64_t kNoStream = 0;
/// Expected version that skips the concurrency check.
inline constexpr uint64_t kAnyVersion = UINT64_MAX;

struct EventData {
    std::string type;
    std::string payload;   // opaque (the domain's codec)
    std::string metadata;  // opaque (actor, request id, client)
};

struct RecordedEvent {
    uint64_t position = 0;  // global, gap-free, commit order, starting at 1
    std::string stream;
    uint64_t version = 0;      // per stream, gap-free, starting at 1
    int64_t timestamp_ms = 0;  // never decreases along the log
    std::string type;
    std::string payload;
    std::string metadata;
};

struct AppendResult {
    uint64_t first_position = 0;
    uint64_t last_position = 0;
    uint64_t stream_version = 0;  // after the append
    bool duplicate = false;       // idempotency key seen before: nothing was written
};

class Transaction;

struct Options {
    std::string path;
    /// Column families for read models kept in the same database (written in the same batch).
    std::vector<std::string> extra_column_families;
    /// Of those, the ones whose keys are written in increasing order (tuned for that).
    std::vector<std::string> append_ordered_column_families;
    size_t max_batch_commands = 1024;
    bool read_only = false;
    /// A read replica's store: commands are refused (ReadOnly), and the log grows only by
    /// append_replicated() with the primary's events, so it never forks from the primary's.
    bool follower = false;
    std::function<int64_t()> clock;  // ms since epoch; defaults to the system clock
    /// Space the writer keeps free on the store's file system for RocksDB's own flushes and
    /// compactions: a batch that would eat into it is refused (503) instead of written, so a
    /// full disk never fails a RocksDB write. Writing resumes once this much is free again.
    uint64_t write_reserve_bytes = 64ull << 20;
    /// RocksDB's block cache, shared by every column family (uncompressed data, index and filter
    /// blocks): reads of a hot set larger than the OS page cache keeps decoded stay in memory.
    uint64_t block_cache_bytes = 256ull << 20;
    /// Derived entries every appended event adds in the same batch (the System Log's indexes):
    /// called on the writer thread for each event as it is appended.
    std::function<void(Transaction&, const RecordedEvent&)> index_event;
};

/// The view a command gets on the writer thread: reads see the committed database plus every
/// write made earlier in the same group commit. Valid only during the command's call.
class Transaction {
  public:
    virtual ~Transaction() = default;
    virtual Result<std::optional<std::string>> get(std::string_view cf, std::string_view key) = 0;
    virtual void put(std::string_view cf, std::string_view key, std::string_view value) = 0;
    virtual void del(std::string_view cf, std::string_view key) = 0;
    /// Visits the keys of `cf` that begin with `prefix`, in key order, as this transaction sees
    /// them (its own writes included), until `visit` returns false.
    virtual Result<void> scan(
        std::string_view cf, std::string_view prefix,
        const std::function<bool(std::string_view key, std::string_view value)>& visit) = 0;
    virtual Result<uint64_t> stream_version(std::string_view stream) = 0;
    /// Appends events to `stream` if its version equals `expected` (or kAnyVersion). With an
    /// idempotency key already recorded, writes nothing and reports duplicate with the first
    /// position it was recorded at.
    virtual Result<AppendResult> append(std::string_view stream, uint64_t expected,
                                        std::vector<EventData> events,
                                        std::string_view idempotency_key = {}) = 0;
    /// The timestamp every event of this group commit carries.
    virtual int64_t now_ms() const = 0;
    /// Events appended so far by this command (positions assigned).
    virtual const std::vector<RecordedEvent>& appended() const = 0;
};

enum class Outcome { Commit, Abort };
using Command = std::function<Outcome(Transaction&)>;

struct CommitInfo {
    uint64_t last_position = 0;         // log head after the batch that carried the command
    bool aborted = false;               // the command chose Abort: none of its writes happened
    std::vector<RecordedEvent> events;  // what the command appended
};

struct Stats {
    std::atomic<uint64_t> appended_events{0};
    std::atomic<uint64_t> commands{0};
    std::atomic<uint64_t> fsyncs{0};
    std::atomic<uint64_t> batch_commands_total{0};
};

class EventStore {
  public:
    static Result<std::unique_ptr<EventStore>> open(Options options);
    virtual ~EventStore() = default;

    /// Queues `command` for the writer thread. The future resolves once the batch holding it is
    /// durable (or failed: then nothing of the command was written). Thread-safe.
    std::future<Result<CommitInfo>> submit(Command command);
    /// Callback form: `done` runs on the writer thread once the batch is durable (or failed). It
    /// must be quick — hand real work to another thread. Thread-safe.
    using Done = std::function<void(Result<CommitInfo>)>;
    virtual void submit(Command command, Done done) = 0;

    /// Runs on the writer thread after every durable batch, before its commands' `done`
    /// callbacks, once per committed command with the events it appended (a cache that must
    /// never serve what a write replaced learns of it here). Must be quick. Set it before the
    /// first command that should be seen; null stops it.
    using CommitObserver = std::function<void(const std::vector<RecordedEvent>& events)>;
    virtual void observe_commits(CommitObserver observer) = 0;

    /// Committed reads. Thread-safe.
    virtual Result<std::optional<std::string>> get(std::string_view cf, std::string_view key) = 0;
    /// Visits keys >= start that begin with `prefix`, in key order, until `visit` returns false.
    virtual Result<void> scan(
        std::string_view cf, std::string_view prefix, std::string_view start,
        const std::function<bool(std::string_view key, std::string_view value)>& visit,
        bool reverse = false) = 0;
    virtual Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                           uint64_t from_version,
                                                           size_t max_count) = 0;
    virtual Result<std::vector<RecordedEvent>> read_all(uint64_t from_position,
                                                        size_t max_count) = 0;
    /// Events at positions <= `from_position`, newest first.
    virtual Result<std::vector<RecordedEvent>> read_all_backwards(uint64_t from_position,
                                                                  size_t max_count) = 0;
    /// The first position whose timestamp is >= `timestamp_ms` (head() + 1 if none). Event
    /// timestamps never decrease along the log, so this is a binary search.
    virtual Result<uint64_t> position_at(int64_t timestamp_ms) = 0;
    /// Position of the last durable event (0 for an empty log).
    virtual uint64_t head() const = 0;
    /// Blocks until head() >= position or the deadline passes. Returns head().
    virtual uint64_t wait_for(uint64_t position,
                              std::chrono::steady_clock::time_point deadline) = 0;

    /// Replay support: write directly, without appending events and without the writer queue.
    /// Not to be used while commands are submitted. `sync` controls the final fsync.
    virtual Result<void> write_direct(const std::function<void(Transaction&)>& fill, bool sync) = 0;
    /// Copies recorded events into this (empty or trailing) log keeping their positions, stream
    /// versions and timestamps: building a point-in-time copy. Not while commands are submitted.
    virtual Result<void> import_events(const std::vector<RecordedEvent>& events) = 0;
    /// A read replica's write: appends `events` (the primary's, continuing this log: positions,
    /// stream versions and timestamps kept) and, in the same batch, whatever `fold` writes (their
    /// read models; `fold` returning false writes nothing). Then commit observers learn of them and
    /// wait_for() wakes, as for a commit. The batch reaches the write-ahead log unsynced: a replica
    /// that loses it folds it again. Not while commands are submitted.
    virtual Result<void> append_replicated(const std::vector<RecordedEvent>& events,
                                           const std::function<bool(Transaction&)>& fold) = 0;
    /// Writes a consistent copy of the whole database (log, read models, sources of truth) into
    /// `dir`, which must not exist yet (on the same file system, files are hard links).
    /// Thread-safe beside the writer.
    virtual Result<void> checkpoint(const std::string& dir) = 0;
    /// Drops and recreates the given column families (a rebuild target).
    virtual Result<void> clear_column_family(std::string_view cf) = 0;
    /// Flushes memtables and compacts every column family down to the bottom level, so deleted
    /// data leaves the files on disk.
    virtual Result<void> compact_all() = 0;

    virtual const Stats& stats() const = 0;
    /// Stops the writer after the queued commands are written; closes the database.
    virtual void close() = 0;
    /// Why the store refuses writes now (a write failed and it has not recovered yet); nullopt
    /// while it writes normally. Thread-safe.
    virtual std::optional<std::string> write_failure() const = 0;
};

/// One recorded event as bytes that carry everything, position included: the stored record
/// behind its position (how the log travels to replicas).
std::string encode_event(const RecordedEvent& e);
/// nullopt when the bytes are not an encoded event.
std::optional<RecordedEvent> decode_event(std::string_view bytes);

/// Big-endian fixed-width encoding: keys built with it sort numerically.
std::string encode_u64(uint64_t v);
uint64_t decode_u64(std::string_view s);

}  // namespace idledger::eventstore
