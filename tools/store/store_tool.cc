#include "tools/store/store_tool.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "engine/store/log_store.h"
#include "engine/subject/subject.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/store/store_inspector.h"

namespace na::store_tool {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitProblems = 1;
constexpr int kExitUsage = 2;

constexpr absl::string_view kUsage =
    "natrium-store: read-only inspector of a Natrium stream store (RocksDB directory)\n"
    "\n"
    "usage: natrium-store --dir DIR COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  ls                     list streams with their message counts and sizes\n"
    "  info STREAM            a stream's config and state\n"
    "  dump STREAM            print messages ([--from SEQ] [--to SEQ] [--subject FILTER] "
    "[--json])\n"
    "  subjects STREAM        per-subject message counts and first/last sequences\n"
    "  consumers STREAM       consumers with delivered, ack floor and pending counts\n"
    "  verify                 check every record, the subject index and the state counters;\n"
    "                         exits 1 if anything is wrong\n"
    "  stats                  RocksDB sizes per column family\n"
    "\n"
    "STREAM is a stream name or its numeric id. The store is opened read-only and never\n"
    "written, even when corrupt. `natrium-store COMMAND --help` describes one command.\n";

struct CommandHelp {
  absl::string_view name;
  absl::string_view text;
};

constexpr CommandHelp kCommandHelp[] = {
    {"ls",
     "usage: natrium-store --dir DIR ls\n"
     "Lists every stream: id, name, messages, bytes, first and last sequence, consumers.\n"},
    {"info",
     "usage: natrium-store --dir DIR info STREAM\n"
     "Prints the stream's config (subjects, limits, discard, storage) and its persisted state\n"
     "(messages, bytes, first/last sequence and time, deleted count, subjects, consumers).\n"},
    {"dump",
     "usage: natrium-store --dir DIR dump STREAM [--from SEQ] [--to SEQ] [--subject FILTER] "
     "[--json]\n"
     "Prints the stream's messages in sequence order.\n"
     "  --from SEQ        start at this sequence (default: the first)\n"
     "  --to SEQ          stop after this sequence (default: the last)\n"
     "  --subject FILTER  only subjects matching FILTER (wildcards * and > allowed)\n"
     "  --json            one JSON object per line: stream, seq, ts (ns), time (RFC 3339),\n"
     "                    subject, headers, data (base64); a record that does not decode is\n"
     "                    printed as {\"stream\",\"seq\",\"error\"}\n"},
    {"subjects",
     "usage: natrium-store --dir DIR subjects STREAM\n"
     "Prints each subject of the stream with its message count and first/last sequence.\n"},
    {"consumers",
     "usage: natrium-store --dir DIR consumers STREAM\n"
     "Prints each consumer: delivered (consumer/stream seq), ack floor, pending and redelivered\n"
     "counts.\n"},
    {"verify",
     "usage: natrium-store --dir DIR verify\n"
     "Reads every record of every stream and checks: record checksums and decoding, that the\n"
     "subject index and the messages agree both ways, that each stream's counters (messages,\n"
     "bytes, first/last sequence and time, per-subject counts) equal a recount, and that no data\n"
     "belongs to an unknown stream. Draws a progress bar when stderr is a terminal. Exits 1 and\n"
     "lists each problem if anything is wrong.\n"},
    {"stats",
     "usage: natrium-store --dir DIR stats\n"
     "Prints per column family: estimated keys, SST files and bytes, memtable bytes, estimated\n"
     "live data; and the total size of the directory.\n"},
};

absl::string_view HelpFor(absl::string_view command) {
  for (const CommandHelp& h : kCommandHelp) {
    if (h.name == command) return h.text;
  }
  return {};
}

struct Args {
  std::string dir;
  std::string command;
  std::vector<std::string> positional;
  bool help = false;
  bool json = false;
  uint64_t from_seq = 0;
  uint64_t to_seq = std::numeric_limits<uint64_t>::max();
  std::string subject;
};

// Parses flags anywhere on the line, "--flag value" or "--flag=value", one or two dashes.
bool ParseArgs(const std::vector<std::string>& args, Args* out, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (out->command.empty()) {
        out->command = arg;
      } else {
        out->positional.push_back(arg);
      }
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "help" || name == "h") {
      out->help = true;
      continue;
    }
    if (name == "json") {
      out->json = true;
      continue;
    }
    if (name != "dir" && name != "from" && name != "to" && name != "subject") {
      *error = absl::StrCat("unknown flag '", arg, "'");
      return false;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *error = absl::StrCat("flag --", name, " needs a value");
        return false;
      }
      value = args[++i];
    }
    if (name == "dir") {
      out->dir = value;
    } else if (name == "subject") {
      out->subject = value;
    } else {
      uint64_t seq = 0;
      if (!absl::SimpleAtoi(value, &seq)) {
        *error = absl::StrCat("--", name, " wants a sequence number, got '", value, "'");
        return false;
      }
      (name == "from" ? out->from_seq : out->to_seq) = seq;
    }
  }
  return true;
}

std::string FormatTime(int64_t ns) {
  if (ns == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixNanos(ns), absl::UTCTimeZone());
}

std::string Limit(int64_t v) { return v <= 0 ? "unlimited" : absl::StrCat(v); }

std::string Printable(absl::string_view bytes, size_t max_bytes) {
  std::string out = absl::CHexEscape(bytes.substr(0, max_bytes));
  if (bytes.size() > max_bytes) out += "...";
  return out;
}

class Tool {
 public:
  Tool(const Args& args, ToolOutput& out, StoreInspector& store)
      : args_(args), out_(out), store_(store) {}

  int Ls();
  int Info();
  int Dump();
  int Subjects();
  int Consumers();
  int Verify();
  int Stats();

 private:
  // Resolves positional[0]; prints the error and returns false if it fails.
  bool ResolveStream(StreamEntry* entry);
  void Progress(uint64_t done, uint64_t total, bool final);

  const Args& args_;
  ToolOutput& out_;
  StoreInspector& store_;
  int last_progress_permille_ = -1;
};

bool Tool::ResolveStream(StreamEntry* entry) {
  if (args_.positional.empty()) {
    out_.Err(absl::StrCat("natrium-store ", args_.command, ": missing STREAM\n",
                          HelpFor(args_.command)));
    return false;
  }
  absl::StatusOr<StreamEntry> found = store_.FindStream(args_.positional[0]);
  if (!found.ok()) {
    out_.Err(absl::StrCat("natrium-store: ", found.status().message(), "\n"));
    return false;
  }
  *entry = std::move(*found);
  return true;
}

int Tool::Ls() {
  std::vector<std::string> problems;
  std::vector<StreamEntry> streams = store_.Streams(&problems);
  out_.Out(absl::StrFormat("%-6s %-24s %12s %14s %12s %12s %9s\n", "ID", "NAME", "MESSAGES",
                           "BYTES", "FIRST_SEQ", "LAST_SEQ", "CONSUMERS"));
  int rc = kExitOk;
  for (const StreamEntry& s : streams) {
    std::vector<StoreInspector::ConsumerEntry> consumers;
    store_.Consumers(s.id, &consumers).IgnoreError();  // a count; verify reports errors
    if (!s.status.ok()) {
      out_.Out(absl::StrFormat("%-6d %-24s unreadable: %s\n", s.id, "?", s.status.message()));
      rc = kExitProblems;
      continue;
    }
    const store::StreamRecord& r = s.record;
    out_.Out(absl::StrFormat("%-6d %-24s %12d %14d %12d %12d %9d\n", s.id, r.config.name, r.msgs,
                             r.bytes, r.first_seq, r.last_seq, consumers.size()));
  }
  for (const std::string& p : problems) out_.Err(absl::StrCat("problem: ", p, "\n"));
  return problems.empty() ? rc : kExitProblems;
}

int Tool::Info() {
  StreamEntry s;
  if (!ResolveStream(&s)) return kExitProblems;
  if (!s.status.ok()) {
    out_.Out(absl::StrCat("stream ", s.DisplayName(), ": record unreadable: ", s.status.message(),
                          "\n"));
    return kExitProblems;
  }
  const store::StreamConfig& c = s.record.config;
  const store::StreamRecord& r = s.record;
  std::vector<StoreInspector::ConsumerEntry> consumers;
  store_.Consumers(s.id, &consumers).IgnoreError();  // a count only
  const uint64_t span = r.msgs > 0 ? r.last_seq - r.first_seq + 1 : 0;
  std::string text = absl::StrCat(
      "stream:            ", c.name, "\n",                           //
      "id:                ", s.id, "\n",                             //
      "subjects:          ", absl::StrJoin(c.subjects, ", "), "\n",  //
      "storage:           ", c.storage == store::StorageKind::kFile ? "file" : "memory", "\n",
      "discard:           ", c.discard == store::DiscardPolicy::kOld ? "old" : "new",
      c.discard_new_per_subject ? " (per subject)" : "", "\n",  //
      "max_msgs:          ", Limit(c.max_msgs), "\n",           //
      "max_bytes:         ", Limit(c.max_bytes), "\n",          //
      "max_age:           ",
      c.max_age_ns <= 0 ? "unlimited" : absl::FormatDuration(absl::Nanoseconds(c.max_age_ns)),
      "\n",                                                                        //
      "max_msgs_per_subj: ", Limit(c.max_msgs_per_subject), "\n",                  //
      "max_msg_size:      ", Limit(c.max_msg_size_bytes), "\n",                    //
      "messages:          ", r.msgs, "\n",                                         //
      "bytes:             ", r.bytes, "\n",                                        //
      "first:             ", r.first_seq, " @ ", FormatTime(r.first_ts_ns), "\n",  //
      "last:              ", r.last_seq, " @ ", FormatTime(r.last_ts_ns), "\n",    //
      "deleted:           ", span - std::min(span, r.msgs), "\n",                  //
      "subjects stored:   ", s.subjects.size(), "\n",                              //
      "consumers:         ", consumers.size(), "\n");
  out_.Out(text);
  for (const std::string& p : s.subject_problems) out_.Err(absl::StrCat("problem: ", p, "\n"));
  return s.subject_problems.empty() ? kExitOk : kExitProblems;
}

int Tool::Dump() {
  StreamEntry s;
  if (!ResolveStream(&s)) return kExitProblems;
  if (!args_.subject.empty() && !subject::IsValidSubject(args_.subject)) {
    out_.Err(absl::StrCat("natrium-store dump: invalid --subject '", args_.subject, "'\n"));
    return kExitUsage;
  }
  const std::string name = s.status.ok() ? s.record.config.name : absl::StrCat(s.id);
  int bad = 0;
  absl::Status scan = store_.ForEachMessage(
      s.id, args_.from_seq, args_.to_seq,
      [&](uint64_t seq, const absl::Status& status, const store::StoredMessage& m) {
        if (!status.ok()) {
          ++bad;
          if (args_.json) {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> w(buf);
            w.StartObject();
            w.Key("stream");
            w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
            w.Key("seq");
            w.Uint64(seq);
            w.Key("error");
            w.String(std::string(status.message()));
            w.EndObject();
            out_.Out(absl::StrCat(buf.GetString(), "\n"));
          } else {
            out_.Out(absl::StrCat("#", seq, " UNREADABLE: ", status.message(), "\n"));
          }
          return true;
        }
        if (!args_.subject.empty() && !subject::SubjectMatchesFilter(m.subject, args_.subject)) {
          return true;
        }
        if (args_.json) {
          rapidjson::StringBuffer buf;
          rapidjson::Writer<rapidjson::StringBuffer> w(buf);
          w.StartObject();
          w.Key("stream");
          w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
          w.Key("seq");
          w.Uint64(seq);
          w.Key("ts");
          w.Int64(m.timestamp_ns);
          w.Key("time");
          w.String(FormatTime(m.timestamp_ns));
          w.Key("subject");
          w.String(m.subject.data(), static_cast<rapidjson::SizeType>(m.subject.size()));
          w.Key("headers");
          w.String(m.headers.data(), static_cast<rapidjson::SizeType>(m.headers.size()));
          w.Key("data");
          w.String(absl::Base64Escape(m.payload));
          w.EndObject();
          out_.Out(absl::StrCat(buf.GetString(), "\n"));
        } else {
          out_.Out(absl::StrCat("#", seq, " ", FormatTime(m.timestamp_ns), " ", m.subject,
                                m.headers.empty() ? "" : absl::StrCat(" hdr=", m.headers.size()),
                                " ", m.payload.size(), "B: ", Printable(m.payload, 64), "\n"));
        }
        return true;
      });
  if (!scan.ok()) {
    out_.Err(absl::StrCat("natrium-store dump: stopped: ", scan.message(), "\n"));
    return kExitProblems;
  }
  if (bad > 0) out_.Err(absl::StrCat("natrium-store dump: ", bad, " unreadable record(s)\n"));
  return bad > 0 ? kExitProblems : kExitOk;
}

int Tool::Subjects() {
  StreamEntry s;
  if (!ResolveStream(&s)) return kExitProblems;
  out_.Out(
      absl::StrFormat("%-40s %12s %12s %12s\n", "SUBJECT", "MESSAGES", "FIRST_SEQ", "LAST_SEQ"));
  for (const auto& [subject, st] : s.subjects) {
    out_.Out(
        absl::StrFormat("%-40s %12d %12d %12d\n", subject, st.msgs, st.first_seq, st.last_seq));
  }
  for (const std::string& p : s.subject_problems) out_.Err(absl::StrCat("problem: ", p, "\n"));
  return s.subject_problems.empty() ? kExitOk : kExitProblems;
}

int Tool::Consumers() {
  StreamEntry s;
  if (!ResolveStream(&s)) return kExitProblems;
  std::vector<StoreInspector::ConsumerEntry> consumers;
  absl::Status scan = store_.Consumers(s.id, &consumers);
  out_.Out(absl::StrFormat("%-24s %21s %21s %8s %11s\n", "NAME", "DELIVERED(cons/strm)",
                           "ACK_FLOOR(cons/strm)", "PENDING", "REDELIVERED"));
  int rc = kExitOk;
  for (const StoreInspector::ConsumerEntry& c : consumers) {
    if (!c.status.ok()) {
      out_.Out(absl::StrFormat("%-24s unreadable: %s\n", c.key_name, c.status.message()));
      rc = kExitProblems;
      continue;
    }
    const store::ConsumerState& st = c.record.state;
    out_.Out(absl::StrFormat("%-24s %21s %21s %8d %11d\n", c.record.name,
                             absl::StrCat(st.delivered.consumer_seq, "/", st.delivered.stream_seq),
                             absl::StrCat(st.ack_floor.consumer_seq, "/", st.ack_floor.stream_seq),
                             st.pending.size(), st.redelivered.size()));
  }
  if (!scan.ok()) {
    out_.Err(absl::StrCat("natrium-store consumers: stopped: ", scan.message(), "\n"));
    rc = kExitProblems;
  }
  return rc;
}

void Tool::Progress(uint64_t done, uint64_t total, bool final) {
  if (!out_.progress()) return;
  const int permille =
      total == 0
          ? 1000
          : static_cast<int>(std::min<uint64_t>(1000, done * 1000 / std::max<uint64_t>(total, 1)));
  if (!final && permille / 5 == last_progress_permille_ / 5) return;
  last_progress_permille_ = permille;
  constexpr int kWidth = 40;
  const int filled = permille * kWidth / 1000;
  out_.Err(absl::StrCat("\rverify [", std::string(static_cast<size_t>(filled), '#'),
                        std::string(static_cast<size_t>(kWidth - filled), '.'), "] ", permille / 10,
                        "% ", done, "/", total, " messages", final ? "\n" : ""));
}

int Tool::Verify() {
  std::vector<std::string> problems = store_.open_problems();
  std::vector<StreamEntry> streams = store_.Streams(&problems);
  uint64_t total = 0;
  for (const StreamEntry& s : streams) total += s.status.ok() ? s.record.msgs : 0;
  uint64_t done = 0;
  uint64_t messages = 0;
  std::set<store::StreamId> known;

  for (const StreamEntry& s : streams) {
    known.insert(s.id);
    const std::string who = absl::StrCat("stream ", s.DisplayName());
    if (!s.status.ok()) {
      problems.push_back(absl::StrCat(who, ": stream record: ", s.status.message()));
    }
    for (const std::string& p : s.subject_problems) problems.push_back(absl::StrCat(who, ": ", p));
    const store::StreamRecord& r = s.record;

    // Recount from the messages themselves.
    uint64_t msgs = 0;
    uint64_t bytes = 0;
    uint64_t first = 0;
    uint64_t last = 0;
    int64_t first_ts = 0;
    int64_t last_ts = 0;
    absl::btree_map<std::string, store::SubjectState> subjects;
    std::set<std::pair<std::string, uint64_t>> in_msgs;
    absl::Status scan = store_.ForEachMessage(
        s.id, 0, std::numeric_limits<uint64_t>::max(),
        [&](uint64_t seq, const absl::Status& status, const store::StoredMessage& m) {
          Progress(++done, total, false);
          if (!status.ok()) {
            problems.push_back(absl::StrCat(who, " seq ", seq, ": ", status.message()));
            return true;
          }
          ++messages;
          ++msgs;
          bytes += store::MessageSizeBytes(r.config.storage, m.subject.size(), m.headers.size(),
                                           m.payload.size());
          if (first == 0) {
            first = seq;
            first_ts = m.timestamp_ns;
          }
          last = seq;
          last_ts = m.timestamp_ns;
          store::SubjectState& ss = subjects[m.subject];
          if (ss.msgs == 0) ss.first_seq = seq;
          ++ss.msgs;
          ss.last_seq = seq;
          in_msgs.insert({m.subject, seq});
          return true;
        });
    if (!scan.ok()) problems.push_back(absl::StrCat(who, ": message scan: ", scan.message()));

    if (s.status.ok()) {
      auto expect = [&](absl::string_view what, uint64_t stored, uint64_t counted) {
        if (stored != counted) {
          problems.push_back(absl::StrCat(who, ": ", what, " is ", stored,
                                          " in the stream record but ", counted, " recounted"));
        }
      };
      expect("msgs", r.msgs, msgs);
      expect("bytes", r.bytes, bytes);
      if (msgs > 0) {
        expect("first_seq", r.first_seq, first);
        expect("first_ts", static_cast<uint64_t>(r.first_ts_ns), static_cast<uint64_t>(first_ts));
        if (last > r.last_seq) expect("last_seq", r.last_seq, last);
        if (last == r.last_seq) {
          expect("last_ts", static_cast<uint64_t>(r.last_ts_ns), static_cast<uint64_t>(last_ts));
        }
      } else if (r.msgs == 0 && r.last_seq != 0 && r.first_seq != r.last_seq + 1) {
        problems.push_back(absl::StrCat(who, ": empty but first_seq ", r.first_seq,
                                        " != last_seq + 1 (", r.last_seq + 1, ")"));
      }
      for (const auto& [subject, counted] : subjects) {
        auto it = s.subjects.find(subject);
        if (it == s.subjects.end()) {
          problems.push_back(absl::StrCat(who, ": subject '", subject, "' has ", counted.msgs,
                                          " message(s) but no subject summary"));
        } else if (!(it->second == counted)) {
          problems.push_back(absl::StrCat(who, ": subject '", subject, "' summary says ",
                                          it->second.msgs, " msgs [", it->second.first_seq, "..",
                                          it->second.last_seq, "], recount ", counted.msgs, " [",
                                          counted.first_seq, "..", counted.last_seq, "]"));
        }
      }
      for (const auto& [subject, stored] : s.subjects) {
        if (subjects.find(subject) == subjects.end() && stored.msgs > 0) {
          problems.push_back(absl::StrCat(who, ": subject summary '", subject, "' counts ",
                                          stored.msgs, " message(s) but none are stored"));
        }
      }
    }

    // The per-subject index and the messages must agree both ways.
    std::set<std::pair<std::string, uint64_t>> in_index;
    absl::Status index = store_.ForEachIndexEntry(
        s.id,
        [&](absl::string_view subject, uint64_t seq) {
          in_index.insert({std::string(subject), seq});
        },
        &problems);
    if (!index.ok()) problems.push_back(absl::StrCat(who, ": index scan: ", index.message()));
    if (scan.ok() && index.ok()) {
      int reported = 0;
      for (const auto& e : in_msgs) {
        if (in_index.count(e) == 0 && reported++ < 20) {
          problems.push_back(absl::StrCat(who, " seq ", e.second, ": message on '", e.first,
                                          "' missing from the subject index"));
        }
      }
      for (const auto& e : in_index) {
        if (in_msgs.count(e) == 0 && reported++ < 20) {
          problems.push_back(absl::StrCat(who, " seq ", e.second, ": index entry for '", e.first,
                                          "' has no such message"));
        }
      }
    }

    std::vector<StoreInspector::ConsumerEntry> consumers;
    absl::Status cs = store_.Consumers(s.id, &consumers);
    if (!cs.ok()) problems.push_back(absl::StrCat(who, ": consumer scan: ", cs.message()));
    for (const StoreInspector::ConsumerEntry& c : consumers) {
      if (!c.status.ok()) {
        problems.push_back(absl::StrCat(who, " consumer '", c.key_name, "': ", c.status.message()));
      } else if (c.record.state.ack_floor.stream_seq > c.record.state.delivered.stream_seq) {
        problems.push_back(
            absl::StrCat(who, " consumer '", c.key_name, "': ack floor above delivered"));
      }
    }
  }

  std::map<store::StreamId, std::string> with_data;
  absl::Status ids = store_.StreamIdsWithData(&with_data);
  if (!ids.ok()) problems.push_back(absl::StrCat("orphan scan: ", ids.message()));
  for (const auto& [id, where] : with_data) {
    if (known.count(id) == 0) {
      problems.push_back(absl::StrCat("id ", id, ": data in ", where, " but no stream record"));
    }
  }
  Progress(done, total, true);

  for (const std::string& p : problems) out_.Out(absl::StrCat("problem: ", p, "\n"));
  out_.Out(absl::StrCat("verify: ", streams.size(), " stream(s), ", messages,
                        " message(s) checked, ", problems.size(), " problem(s)\n"));
  return problems.empty() ? kExitOk : kExitProblems;
}

int Tool::Stats() {
  out_.Out(absl::StrFormat("%-12s %14s %10s %16s %16s %16s\n", "CF", "EST_KEYS", "SST_FILES",
                           "SST_BYTES", "MEMTABLE_BYTES", "LIVE_DATA_BYTES"));
  for (const CfStats& st : store_.Stats()) {
    out_.Out(absl::StrFormat("%-12s %14d %10d %16d %16d %16d\n", st.name, st.estimated_keys,
                             st.sst_files, st.sst_bytes, st.memtable_bytes, st.live_data_bytes));
  }
  out_.Out(absl::StrCat("directory: ", store_.DirectoryBytes(), " bytes on disk\n"));
  return kExitOk;
}

}  // namespace

int RunStoreTool(const std::vector<std::string>& argv, ToolOutput& output, rocksdb::Env* env) {
  Args args;
  std::string error;
  if (!ParseArgs(argv, &args, &error)) {
    output.Err(absl::StrCat("natrium-store: ", error, "\n", kUsage));
    return kExitUsage;
  }
  if (args.command.empty() || args.command == "help") {
    absl::string_view topic;  // (a ?: with "" would view a destroyed temporary string)
    if (!args.positional.empty()) topic = args.positional[0];
    if (!HelpFor(topic).empty()) {
      output.Out(HelpFor(topic));
    } else if (args.help || args.command == "help") {
      output.Out(kUsage);
    } else {
      output.Err(kUsage);
      return kExitUsage;
    }
    return kExitOk;
  }
  const absl::string_view help = HelpFor(args.command);
  if (help.empty()) {
    output.Err(absl::StrCat("natrium-store: unknown command '", args.command, "'\n", kUsage));
    return kExitUsage;
  }
  if (args.help) {
    output.Out(help);
    return kExitOk;
  }
  if (args.dir.empty()) {
    output.Err(absl::StrCat("natrium-store ", args.command, ": --dir DIR is required\n", help));
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<StoreInspector>> store = StoreInspector::Open(args.dir, env);
  if (!store.ok()) {
    output.Err(absl::StrCat("natrium-store: cannot open ", args.dir, ": ", store.status().message(),
                            "\n"));
    return kExitProblems;
  }
  Tool tool(args, output, **store);
  if (args.command == "ls") return tool.Ls();
  if (args.command == "info") return tool.Info();
  if (args.command == "dump") return tool.Dump();
  if (args.command == "subjects") return tool.Subjects();
  if (args.command == "consumers") return tool.Consumers();
  if (args.command == "verify") return tool.Verify();
  return tool.Stats();
}

}  // namespace na::store_tool
