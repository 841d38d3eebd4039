// Randomized differential test: both LogStores against a naive model of nats' stream rules.
//
// The model keeps a plain ordered map of messages and recomputes everything (per-subject
// counts, first/last, bytes) by scanning, so it shares no incremental bookkeeping with
// BackedLogStore. Random operations (appends under random limits and discard policies, deletes,
// every purge variant, compaction, expiry, config updates, syncs and crashes) must give the same
// results and the same full state in the store and in the model. A crash rolls the model back
// to its copy at the last sync. Seeds are fixed, so a failure replays.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/random.h"
#include "engine/store/log_store.h"
#include "engine/store/log_store_test_harness.h"
#include "engine/subject/subject.h"
#include "gtest/gtest.h"

namespace na::store {
namespace {

struct ModelMessage {
  std::string subject;
  std::string headers;
  std::string payload;
  int64_t ts = 0;
};

class Model {
 public:
  StreamConfig config;

  uint64_t Size(const ModelMessage& m) const {
    return MessageSizeBytes(config.storage, m.subject.size(), m.headers.size(), m.payload.size());
  }
  uint64_t Bytes() const {
    uint64_t total = 0;
    for (const auto& [seq, m] : msgs_) total += Size(m);
    return total;
  }
  uint64_t CountSubject(const std::string& subject) const {
    uint64_t n = 0;
    for (const auto& [seq, m] : msgs_) n += m.subject == subject;
    return n;
  }
  std::optional<uint64_t> FirstOfSubject(const std::string& subject) const {
    for (const auto& [seq, m] : msgs_) {
      if (m.subject == subject) return seq;
    }
    return std::nullopt;
  }
  static bool Matches(const std::string& subject, const std::string& filter) {
    return filter.empty() || subject::SubjectMatchesFilter(subject, filter);
  }

  AppendResult Append(const ModelMessage& m) {
    const uint64_t body = m.headers.size() + m.payload.size();
    if (config.max_msg_size_bytes > 0 && body > static_cast<uint64_t>(config.max_msg_size_bytes)) {
      return {0, absl::InvalidArgumentError(kErrMessageTooLarge)};
    }
    if (config.discard == DiscardPolicy::kNew) {
      bool replaces = false;
      if (config.max_msgs_per_subject > 0 &&
          CountSubject(m.subject) >= static_cast<uint64_t>(config.max_msgs_per_subject)) {
        if (config.discard_new_per_subject) {
          return {0, absl::ResourceExhaustedError(kErrMaxMsgsPerSubject)};
        }
        replaces = true;
      }
      if (config.max_msgs > 0 && msgs_.size() >= static_cast<uint64_t>(config.max_msgs) &&
          !replaces) {
        return {0, absl::ResourceExhaustedError(kErrMaxMsgs)};
      }
      if (config.max_bytes > 0 && Bytes() + body >= static_cast<uint64_t>(config.max_bytes)) {
        if (!replaces) return {0, absl::ResourceExhaustedError(kErrMaxBytes)};
        const uint64_t freed = Size(msgs_.at(*FirstOfSubject(m.subject)));
        const bool room = config.storage == StorageKind::kFile ? freed > body : freed >= body;
        if (!room) return {0, absl::ResourceExhaustedError(kErrMaxBytes)};
      }
    }
    const uint64_t seq = ++last_seq_;
    last_ts_ = m.ts;
    msgs_[seq] = m;
    Enforce();
    return {seq, absl::OkStatus()};
  }

  void Enforce() {
    if (config.max_msgs_per_subject > 0) {
      std::map<std::string, uint64_t> counts;
      for (const auto& [seq, m] : msgs_) counts[m.subject]++;
      for (const auto& [subject, count] : counts) {
        for (uint64_t i = count; i > static_cast<uint64_t>(config.max_msgs_per_subject); --i) {
          Remove(*FirstOfSubject(subject));
        }
      }
    }
    while (config.max_msgs > 0 && msgs_.size() > static_cast<uint64_t>(config.max_msgs)) {
      Remove(msgs_.begin()->first);
    }
    while (config.max_bytes > 0 && Bytes() > static_cast<uint64_t>(config.max_bytes)) {
      Remove(msgs_.begin()->first);
    }
  }

  bool Remove(uint64_t seq) {
    if (msgs_.erase(seq) == 0) return false;
    if (msgs_.empty()) empty_first_ = last_seq_ + 1;
    return true;
  }

  uint64_t RemoveBelow(uint64_t seq) {
    uint64_t n = 0;
    while (!msgs_.empty() && msgs_.begin()->first < seq) {
      Remove(msgs_.begin()->first);
      n++;
    }
    return n;
  }

  uint64_t Compact(uint64_t seq) {
    if (seq == 0 || seq > last_seq_) {
      const uint64_t n = msgs_.size();
      msgs_.clear();
      empty_first_ = last_seq_ + 1;
      if (seq > empty_first_) {
        empty_first_ = seq;
        last_seq_ = seq - 1;
      }
      return n;
    }
    return RemoveBelow(seq);
  }

  absl::StatusOr<uint64_t> Purge(const PurgeRequest& r) {
    if (r.up_to_seq > 1 && r.keep > 0) return absl::InvalidArgumentError(kErrPurgeArgMismatch);
    if (r.filter.empty() || r.filter == ">") {
      if (r.keep == 0 && r.up_to_seq <= 1) return Compact(0);
      if (r.up_to_seq > 1) return Compact(r.up_to_seq);
      if (r.keep >= msgs_.size()) return 0;
      return Compact(last_seq_ - r.keep + 1);
    }
    std::vector<uint64_t> matching;
    for (const auto& [seq, m] : msgs_) {
      if (!Matches(m.subject, r.filter)) continue;
      if (r.up_to_seq > 1 && seq >= r.up_to_seq) continue;
      matching.push_back(seq);
    }
    size_t remove = matching.size();
    if (r.keep > 0) {
      if (r.keep >= matching.size()) return 0;
      remove = matching.size() - r.keep;
    }
    for (size_t i = 0; i < remove; ++i) Remove(matching[i]);
    return remove;
  }

  ExpireResult Expire(int64_t now) {
    ExpireResult result;
    if (config.max_age_ns <= 0) return result;
    while (!msgs_.empty() && msgs_.begin()->second.ts <= now - config.max_age_ns) {
      Remove(msgs_.begin()->first);
      result.removed++;
    }
    if (!msgs_.empty()) result.next_expiry_ns = msgs_.begin()->second.ts + config.max_age_ns;
    return result;
  }

  StreamState State() const {
    StreamState s;
    s.msgs = msgs_.size();
    s.bytes = Bytes();
    s.last_seq = last_seq_;
    s.last_ts_ns = last_ts_;
    if (msgs_.empty()) {
      s.first_seq = empty_first_;
    } else {
      s.first_seq = msgs_.begin()->first;
      s.first_ts_ns = msgs_.begin()->second.ts;
      s.num_deleted = last_seq_ - s.first_seq + 1 - s.msgs;
      for (uint64_t seq = s.first_seq; seq <= last_seq_; ++seq) {
        if (!msgs_.contains(seq)) s.deleted.push_back(seq);
      }
    }
    for (const auto& [seq, m] : msgs_) s.subjects[m.subject]++;
    s.num_subjects = s.subjects.size();
    return s;
  }

  absl::btree_map<std::string, SubjectState> Subjects() const {
    absl::btree_map<std::string, SubjectState> out;
    for (const auto& [seq, m] : msgs_) {
      SubjectState& s = out[m.subject];
      if (s.msgs == 0) s.first_seq = seq;
      s.msgs++;
      s.last_seq = seq;
    }
    return out;
  }

  // The first stored seq >= start matching filter, or 0.
  uint64_t Next(const std::string& filter, uint64_t start) const {
    for (auto it = msgs_.lower_bound(start); it != msgs_.end(); ++it) {
      if (Matches(it->second.subject, filter)) return it->first;
    }
    return 0;
  }
  SubjectState Filtered(const std::string& filter, uint64_t start) const {
    SubjectState out;
    for (auto it = msgs_.lower_bound(start); it != msgs_.end(); ++it) {
      if (!Matches(it->second.subject, filter)) continue;
      if (out.msgs == 0) out.first_seq = it->first;
      out.msgs++;
      out.last_seq = it->first;
    }
    return out;
  }
  uint64_t SeqForTime(int64_t ts) const {
    for (const auto& [seq, m] : msgs_) {
      if (m.ts >= ts) return seq;
    }
    return last_seq_ + 1;
  }
  uint64_t Last(const std::string& filter) const {
    for (auto it = msgs_.rbegin(); it != msgs_.rend(); ++it) {
      if (Matches(it->second.subject, filter)) return it->first;
    }
    return 0;
  }
  const ModelMessage* Get(uint64_t seq) const {
    auto it = msgs_.find(seq);
    return it == msgs_.end() ? nullptr : &it->second;
  }
  uint64_t last_seq() const { return last_seq_; }

 private:
  std::map<uint64_t, ModelMessage> msgs_;
  uint64_t last_seq_ = 0;
  int64_t last_ts_ = 0;
  uint64_t empty_first_ = 0;
};

const char* const kSubjects[] = {"a.1", "a.2", "b.1", "b.2.x", "c"};
const char* const kFilters[] = {"", ">", "a.*", "*.1", "b.>", "a.1", "c", "zz"};

StreamConfig RandomConfig(Prng& rng) {
  StreamConfig c;
  c.name = "S";
  const int64_t msgs[] = {-1, 4, 12};
  const int64_t bytes[] = {-1, 300, 1200};
  const int64_t per[] = {-1, 1, 3};
  c.max_msgs = msgs[rng.Below(3)];
  c.max_bytes = bytes[rng.Below(3)];
  c.max_msgs_per_subject = per[rng.Below(3)];
  c.max_msg_size_bytes = rng.Chance(1, 4) ? 30 : -1;
  c.max_age_ns = rng.Chance(1, 3) ? 60 : 0;
  c.discard = rng.Chance(1, 2) ? DiscardPolicy::kNew : DiscardPolicy::kOld;
  c.discard_new_per_subject = rng.Chance(1, 2);
  return c;
}

template <typename Harness>
class LogStoreModelTest : public ::testing::Test {
 protected:
  void Compare(const Model& model, const std::string& where) {
    StateOptions options;
    options.deleted_details = true;
    options.subjects_filter = ">";
    auto state = harness_.store().GetStreamState(1, options);
    ASSERT_TRUE(state.ok()) << state.status();
    ASSERT_EQ(*state, model.State()) << where;
    auto subjects = harness_.store().GetSubjectsState(1, "");
    ASSERT_TRUE(subjects.ok());
    ASSERT_EQ(*subjects, model.Subjects()) << where;
  }

  void CheckReads(Prng& rng, const Model& model, const std::string& where) {
    StoredMessage message;
    const std::string filter = kFilters[rng.Below(8)];
    const uint64_t start = rng.Below(model.last_seq() + 3);
    const uint64_t next = model.Next(filter, start);
    absl::Status status = harness_.store().LoadNextMessage(1, filter, start, &message);
    if (next == 0) {
      ASSERT_TRUE(absl::IsOutOfRange(status)) << where << " " << status;
    } else {
      ASSERT_TRUE(status.ok()) << where << " " << status;
      ASSERT_EQ(message.seq, next) << where << " filter '" << filter << "' start " << start;
      const ModelMessage* m = model.Get(next);
      ASSERT_EQ(message.payload, m->payload);
      ASSERT_EQ(message.headers, m->headers);
      ASSERT_EQ(message.timestamp_ns, m->ts);
    }
    auto filtered = harness_.store().GetFilteredState(1, filter, start);
    ASSERT_TRUE(filtered.ok()) << filtered.status();
    ASSERT_EQ(*filtered, model.Filtered(filter, start)) << where << " filtered '" << filter << "'";
    const int64_t ts = static_cast<int64_t>(rng.Below(4000));
    ASSERT_EQ(*harness_.store().SeqForTime(1, ts), model.SeqForTime(ts)) << where << " ts " << ts;
    const uint64_t last = model.Last(filter);
    status = harness_.store().LoadLastMessage(1, filter, &message);
    if (last == 0) {
      ASSERT_TRUE(absl::IsNotFound(status)) << where;
    } else {
      ASSERT_TRUE(status.ok()) << where << " " << status;
      ASSERT_EQ(message.seq, last) << where << " last '" << filter << "'";
    }
  }

  void Run(uint64_t seed, int ops) {
    Prng rng(seed);
    harness_.Open();
    Model model;
    model.config = RandomConfig(rng);
    model.config.storage = rng.Chance(1, 2) ? StorageKind::kFile : StorageKind::kMemory;
    ASSERT_TRUE(harness_.store().CreateStream(1, model.config).ok());
    ASSERT_TRUE(harness_.store().Sync().ok());
    Model synced = model;
    int64_t now = 0;
    for (int op = 0; op < ops; ++op) {
      const std::string where = absl::StrCat("seed ", seed, " op ", op);
      now += static_cast<int64_t>(rng.Below(10));
      const uint64_t kind = rng.Below(100);
      if (kind < 50) {
        const size_t count = 1 + rng.Below(3);
        std::vector<ModelMessage> batch(count);
        std::vector<Message> messages(count);
        for (size_t i = 0; i < count; ++i) {
          batch[i].subject = kSubjects[rng.Below(5)];
          batch[i].payload = std::string(rng.Below(40), static_cast<char>('a' + rng.Below(26)));
          if (rng.Chance(1, 4)) batch[i].headers = "NATS/1.0\r\nK: v\r\n\r\n";
          batch[i].ts = now;
          messages[i].subject = batch[i].subject;
          messages[i].payload = batch[i].payload;
          messages[i].headers = batch[i].headers;
          messages[i].timestamp_ns = now;
        }
        std::vector<AppendResult> results;
        ASSERT_TRUE(harness_.store().Append(1, messages, &results).ok()) << where;
        for (size_t i = 0; i < count; ++i) {
          AppendResult expected = model.Append(batch[i]);
          ASSERT_EQ(results[i].seq, expected.seq) << where << " " << results[i].status;
          ASSERT_EQ(results[i].status, expected.status) << where;
        }
      } else if (kind < 60) {
        const uint64_t seq = rng.Below(model.last_seq() + 2);
        auto removed = harness_.store().DeleteMessage(1, seq, rng.Chance(1, 2));
        ASSERT_TRUE(removed.ok()) << where;
        ASSERT_EQ(*removed, model.Remove(seq)) << where << " delete " << seq;
      } else if (kind < 70) {
        PurgeRequest request;
        request.filter = kFilters[rng.Below(8)];
        if (rng.Chance(1, 2)) request.keep = rng.Below(4);
        if (rng.Chance(1, 2)) request.up_to_seq = rng.Below(model.last_seq() + 3);
        auto purged = harness_.store().Purge(1, request);
        auto expected = model.Purge(request);
        ASSERT_EQ(purged.status(), expected.status()) << where;
        if (purged.ok()) {
          ASSERT_EQ(*purged, *expected) << where << " purge";
        }
      } else if (kind < 75) {
        const uint64_t seq = rng.Below(model.last_seq() + 4);
        auto compacted = harness_.store().Compact(1, seq);
        ASSERT_TRUE(compacted.ok()) << where;
        ASSERT_EQ(*compacted, model.Compact(seq)) << where << " compact " << seq;
      } else if (kind < 82) {
        auto expired = harness_.store().ExpireMessages(1, now);
        ASSERT_TRUE(expired.ok()) << where;
        ExpireResult expected = model.Expire(now);
        ASSERT_EQ(expired->removed, expected.removed) << where;
        ASSERT_EQ(expired->next_expiry_ns, expected.next_expiry_ns) << where;
      } else if (kind < 85) {
        StreamConfig config = RandomConfig(rng);
        config.storage = model.config.storage;
        ASSERT_TRUE(harness_.store().UpdateStream(1, config).ok()) << where;
        model.config = config;
        model.Enforce();
      } else if (kind < 95) {
        ASSERT_TRUE(harness_.store().Sync().ok()) << where;
        synced = model;
      } else if (kind < 97) {
        harness_.Crash();
        model = synced;
      } else {
        CheckReads(rng, model, where);
      }
      Compare(model, where);
      if (::testing::Test::HasFatalFailure()) return;
      CheckReads(rng, model, where);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  Harness harness_;
};

using Harnesses = ::testing::Types<MemHarness, RocksHarness>;
TYPED_TEST_SUITE(LogStoreModelTest, Harnesses);

TYPED_TEST(LogStoreModelTest, RandomOperationsMatchTheModel) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    this->Run(seed, 300);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace na::store
