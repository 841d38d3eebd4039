#include "tests/store/store_workload.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/base/status_macros.h"
#include "xxhash.h"

namespace na::store_testing {
namespace {

using store::StreamId;

std::string StatusText(const absl::Status& s) {
  if (s.ok()) return "OK";
  return absl::StrCat(absl::StatusCodeToString(s.code()), ":", s.message());
}

std::string Describe(const std::string& bytes) {
  const uint64_t h = XXH3_64bits(bytes.data(), bytes.size());
  return absl::StrCat(bytes.size(), "/", absl::Hex(h, absl::kZeroPad16), "/\"",
                      absl::CEscape(bytes.substr(0, 24)), "\"");
}

std::string RandomBytes(Prng& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>('a' + rng.Below(26));
  return out;
}

std::string SubjectFor(Prng& rng, StreamId stream) {
  switch (stream) {
    case 1:
      return absl::StrCat("orders.", std::string(1, static_cast<char>('a' + rng.Below(3))), ".",
                          rng.Below(5));
    case 2:
      return absl::StrCat("events.", std::string(1, static_cast<char>('w' + rng.Below(4))));
    default:
      return absl::StrCat("aged.", rng.Below(3));
  }
}

std::string FilterFor(Prng& rng, StreamId stream) {
  switch (rng.Below(5)) {
    case 0:
      return "";
    case 1:
      return ">";
    case 2:
      return stream == 1 ? "orders.a.*" : (stream == 2 ? "events.*" : "aged.*");
    default:
      return SubjectFor(rng, stream);
  }
}

store::ConsumerRecord RandomConsumer(Prng& rng, const store::StreamState& state) {
  store::ConsumerRecord c;
  c.name = absl::StrCat("c", rng.Below(3));
  c.config = absl::StrCat("{\"durable_name\":\"", c.name, "\"}");
  const uint64_t d = rng.Below(state.last_seq + 1);
  c.state.delivered = {d + rng.Below(5), d};
  const uint64_t a = rng.Below(d + 1);
  c.state.ack_floor = {std::min(a, c.state.delivered.consumer_seq), a};
  const int pending = static_cast<int>(rng.Below(4));
  for (int i = 0; i < pending && d > a; ++i) {
    const uint64_t seq = a + 1 + rng.Below(d - a);
    const uint64_t cseq = c.state.delivered.consumer_seq;
    c.state.pending[seq] = store::PendingDelivery{cseq, static_cast<int64_t>(rng.Below(1000000))};
    if (rng.Chance(1, 2)) c.state.redelivered[seq] = 1 + rng.Below(3);
  }
  return c;
}

}  // namespace

std::string StoreOp::ToString() const {
  switch (kind) {
    case Kind::kAppend: {
      std::vector<std::string> subjects;
      for (const OwnedMessage& m : messages) subjects.push_back(m.subject);
      return absl::StrCat("append s", stream, " [", absl::StrJoin(subjects, ","), "]");
    }
    case Kind::kDelete:
      return absl::StrCat("delete s", stream, " seq=", seq, erase ? " erase" : "");
    case Kind::kPurge:
      return absl::StrCat("purge s", stream, " filter='", purge.filter, "' up_to=", purge.up_to_seq,
                          " keep=", purge.keep);
    case Kind::kCompact:
      return absl::StrCat("compact s", stream, " seq=", seq);
    case Kind::kExpire:
      return absl::StrCat("expire s", stream, " now=", now_ns);
    case Kind::kPutConsumer:
      return absl::StrCat("put-consumer s", stream, " ", consumer.name);
    case Kind::kDeleteConsumer:
      return absl::StrCat("delete-consumer s", stream, " ", consumer.name);
    case Kind::kSync:
      return "sync";
  }
  return "?";
}

std::vector<store::StreamInfo> WorkloadStreams() {
  std::vector<store::StreamInfo> streams(3);
  streams[0].id = 1;
  streams[0].config.name = "ORDERS";
  streams[0].config.subjects = {"orders.>"};
  streams[0].config.max_msgs_per_subject = 12;
  streams[1].id = 2;
  streams[1].config.name = "EVENTS";
  streams[1].config.subjects = {"events.*"};
  streams[1].config.max_msgs = 120;
  streams[1].config.max_bytes = 40000;
  streams[2].id = 3;
  streams[2].config.name = "AGED";
  streams[2].config.subjects = {"aged.*"};
  streams[2].config.max_age_ns = 2'000'000'000;
  streams[2].config.storage = store::StorageKind::kMemory;
  return streams;
}

absl::Status CreateWorkloadStreams(store::LogStore& store) {
  for (const store::StreamInfo& s : WorkloadStreams()) {
    NA_RETURN_IF_ERROR(store.CreateStream(s.id, s.config));
  }
  return store.Sync();
}

StoreOp NextOp(Prng& rng, const store::LogStore& model, int64_t* clock_ns, int sync_per_mille) {
  *clock_ns += 1'000'000 + static_cast<int64_t>(rng.Below(200'000'000));
  StoreOp op;
  op.stream = 1 + rng.Below(3);
  store::StreamState state;
  auto st = model.GetStreamState(op.stream, store::StateOptions());
  if (st.ok()) state = *st;
  const uint64_t lo = state.first_seq > 2 ? state.first_seq - 2 : 0;
  const uint64_t hi = state.last_seq + 2;

  const uint64_t roll = rng.Below(1000);
  if (roll < static_cast<uint64_t>(sync_per_mille)) {
    op.kind = StoreOp::Kind::kSync;
    return op;
  }
  const uint64_t r = rng.Below(100);
  if (r < 58) {
    op.kind = StoreOp::Kind::kAppend;
    const uint64_t n = rng.Chance(1, 5) ? 1 + rng.Below(8) : 1;
    for (uint64_t i = 0; i < n; ++i) {
      OwnedMessage m;
      m.subject = SubjectFor(rng, op.stream);
      if (rng.Chance(1, 4)) m.headers = "NATS/1.0\r\nk: v\r\n\r\n";
      m.payload = RandomBytes(rng, rng.Chance(1, 20) ? 1500 : rng.Below(300));
      m.timestamp_ns = *clock_ns;
      op.messages.push_back(std::move(m));
    }
  } else if (r < 70) {
    op.kind = StoreOp::Kind::kDelete;
    op.seq = lo + rng.Below(hi - lo + 1);
    op.erase = rng.Chance(1, 3);
  } else if (r < 75) {
    op.kind = StoreOp::Kind::kPurge;
    op.purge.filter = FilterFor(rng, op.stream);
    switch (rng.Below(3)) {
      case 0:
        op.purge.up_to_seq = lo + rng.Below(hi - lo + 1);
        break;
      case 1:
        op.purge.keep = rng.Below(6);
        break;
      default:
        if (op.purge.filter.empty() || op.purge.filter == ">") op.purge.keep = 3;
        break;
    }
  } else if (r < 77) {
    op.kind = StoreOp::Kind::kCompact;
    op.seq = state.first_seq + rng.Below(std::max<uint64_t>(1, hi - state.first_seq));
  } else if (r < 83) {
    op.kind = StoreOp::Kind::kExpire;
    op.stream = 3;
    op.now_ns = *clock_ns;
  } else if (r < 95) {
    op.kind = StoreOp::Kind::kPutConsumer;
    op.consumer = RandomConsumer(rng, state);
  } else {
    op.kind = StoreOp::Kind::kDeleteConsumer;
    op.consumer.name = absl::StrCat("c", rng.Below(3));
  }
  return op;
}

std::string ApplyOp(store::LogStore& store, const StoreOp& op) {
  switch (op.kind) {
    case StoreOp::Kind::kAppend: {
      std::vector<store::Message> messages;
      for (const OwnedMessage& m : op.messages) {
        store::Message msg;
        msg.subject = m.subject;
        msg.headers = m.headers;
        msg.payload = m.payload;
        msg.timestamp_ns = m.timestamp_ns;
        messages.push_back(msg);
      }
      std::vector<store::AppendResult> results;
      absl::Status s = store.Append(op.stream, messages, &results);
      std::string out = StatusText(s);
      for (const store::AppendResult& r : results) {
        absl::StrAppend(&out, " ", r.seq, r.status.ok() ? "" : "/" + StatusText(r.status));
      }
      return out;
    }
    case StoreOp::Kind::kDelete: {
      auto r = store.DeleteMessage(op.stream, op.seq, op.erase);
      return r.ok() ? (*r ? "deleted" : "absent") : StatusText(r.status());
    }
    case StoreOp::Kind::kPurge: {
      auto r = store.Purge(op.stream, op.purge);
      return r.ok() ? absl::StrCat("purged ", *r) : StatusText(r.status());
    }
    case StoreOp::Kind::kCompact: {
      auto r = store.Compact(op.stream, op.seq);
      return r.ok() ? absl::StrCat("compacted ", *r) : StatusText(r.status());
    }
    case StoreOp::Kind::kExpire: {
      auto r = store.ExpireMessages(op.stream, op.now_ns);
      return r.ok() ? absl::StrCat("expired ", r->removed, " next ", r->next_expiry_ns)
                    : StatusText(r.status());
    }
    case StoreOp::Kind::kPutConsumer:
      return StatusText(store.PutConsumer(op.stream, op.consumer));
    case StoreOp::Kind::kDeleteConsumer:
      return StatusText(store.DeleteConsumer(op.stream, op.consumer.name));
    case StoreOp::Kind::kSync:
      return StatusText(store.Sync());
  }
  return "?";
}

std::string DumpStore(const store::LogStore& store) {
  std::string out;
  for (const store::StreamInfo& info : store.ListStreams()) {
    const store::StreamConfig& c = info.config;
    absl::StrAppend(&out, "stream ", info.id, " name=", c.name,
                    " subjects=", absl::StrJoin(c.subjects, ","), " max_msgs=", c.max_msgs,
                    " max_bytes=", c.max_bytes, " max_age_ns=", c.max_age_ns,
                    " max_per_subject=", c.max_msgs_per_subject,
                    " storage=", static_cast<int>(c.storage), "\n");
    store::StateOptions options;
    options.deleted_details = true;
    options.subjects_filter = ">";
    auto st = store.GetStreamState(info.id, options);
    if (!st.ok()) {
      absl::StrAppend(&out, "  state error ", StatusText(st.status()), "\n");
      continue;
    }
    absl::StrAppend(&out, "  state msgs=", st->msgs, " bytes=", st->bytes, " first=", st->first_seq,
                    "@", st->first_ts_ns, " last=", st->last_seq, "@", st->last_ts_ns,
                    " num_subjects=", st->num_subjects, " num_deleted=", st->num_deleted,
                    " deleted=", absl::StrJoin(st->deleted, ","), "\n");
    for (const auto& [subject, n] : st->subjects) {
      absl::StrAppend(&out, "  subject-count ", subject, "=", n, "\n");
    }
    auto subjects = store.GetSubjectsState(info.id, ">");
    if (subjects.ok()) {
      for (const auto& [subject, ss] : *subjects) {
        absl::StrAppend(&out, "  subject ", subject, " msgs=", ss.msgs, " first=", ss.first_seq,
                        " last=", ss.last_seq, "\n");
      }
    } else {
      absl::StrAppend(&out, "  subjects error ", StatusText(subjects.status()), "\n");
    }
    store::StoredMessage m;
    uint64_t seq = std::max<uint64_t>(st->first_seq, 1);
    for (uint64_t guard = 0; guard <= st->msgs; ++guard) {
      absl::Status s = store.LoadNextMessage(info.id, ">", seq, &m);
      if (absl::IsOutOfRange(s)) break;
      if (!s.ok()) {
        absl::StrAppend(&out, "  msg error at ", seq, " ", StatusText(s), "\n");
        break;
      }
      absl::StrAppend(&out, "  msg ", m.seq, " ts=", m.timestamp_ns, " ", m.subject,
                      " hdr=", Describe(m.headers), " data=", Describe(m.payload), "\n");
      seq = m.seq + 1;
    }
    auto consumers = store.ListConsumers(info.id);
    if (!consumers.ok()) {
      absl::StrAppend(&out, "  consumers error ", StatusText(consumers.status()), "\n");
      continue;
    }
    for (const std::string& name : *consumers) {
      auto rec = store.LoadConsumer(info.id, name);
      if (!rec.ok()) {
        absl::StrAppend(&out, "  consumer ", name, " error ", StatusText(rec.status()), "\n");
        continue;
      }
      const store::ConsumerState& cs = rec->state;
      absl::StrAppend(&out, "  consumer ", rec->name, " config=", rec->config,
                      " delivered=", cs.delivered.consumer_seq, "/", cs.delivered.stream_seq,
                      " ack_floor=", cs.ack_floor.consumer_seq, "/", cs.ack_floor.stream_seq);
      for (const auto& [sseq, p] : cs.pending) {
        absl::StrAppend(&out, " p", sseq, "=", p.consumer_seq, "@", p.timestamp_ns);
      }
      for (const auto& [sseq, n] : cs.redelivered) absl::StrAppend(&out, " r", sseq, "=", n);
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

std::string FirstDifference(const std::string& a, const std::string& b) {
  std::vector<std::string> la = absl::StrSplit(a, '\n');
  std::vector<std::string> lb = absl::StrSplit(b, '\n');
  for (size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
    const std::string x = i < la.size() ? la[i] : "<end>";
    const std::string y = i < lb.size() ? lb[i] : "<end>";
    if (x != y) return absl::StrCat("line ", i + 1, ":\n    got:      ", x, "\n    expected: ", y);
  }
  return "identical";
}

}  // namespace na::store_testing
