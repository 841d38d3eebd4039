// Test support: a ClientOpHandler that writes each operation it receives as one text line, so
// that two parses can be compared as strings. Used by the parser tests and the fuzz target.
//
// Each line names the callback and its fields, with payloads and JSON written in full
// (escaped with absl::CEscape so that a line never contains a raw newline):
//   CONNECT {"verbose":false}
//   PUBARGS foo r -1 5
//   PUB foo r -1 5 hello
//   SUB foo q 1
//   UNSUB 1 -1
//   PING | PONG | OK | ERR 'x' | INFO {}
#ifndef NATRIUM_ENGINE_PROTOCOL_OP_RECORDER_H_
#define NATRIUM_ENGINE_PROTOCOL_OP_RECORDER_H_

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/protocol/client_parser.h"

namespace na::protocol {

class OpRecorder : public ClientOpHandler {
 public:
  // Returns kStop from the stop_after-th callback (1-based); 0 never stops.
  explicit OpRecorder(int stop_after = 0) : stop_after_(stop_after) {}

  const std::vector<std::string>& ops() const { return ops_; }
  std::string Joined() const {
    std::string out;
    for (const std::string& op : ops_) absl::StrAppend(&out, op, "\n");
    return out;
  }

  Next OnConnect(absl::string_view json) override {
    return Record(absl::StrCat("CONNECT ", absl::CEscape(json)));
  }
  Next OnPubArgs(const PubOp& op) override {
    return Record(absl::StrCat("PUBARGS ", PubFields(op), op.payload.empty() ? "" : " !payload"));
  }
  Next OnPub(const PubOp& op) override {
    std::string line = absl::StrCat("PUB ", PubFields(op), " ", absl::CEscape(op.payload));
    if (static_cast<int64_t>(op.payload.size()) != op.total_bytes) line += " !size";
    return Record(std::move(line));
  }
  Next OnSub(const SubOp& op) override {
    return Record(absl::StrCat("SUB ", absl::CEscape(op.subject), " ", absl::CEscape(op.queue), " ",
                               absl::CEscape(op.sid)));
  }
  Next OnUnsub(const UnsubOp& op) override {
    return Record(absl::StrCat("UNSUB ", absl::CEscape(op.sid), " ", op.max_msgs));
  }
  Next OnPing() override { return Record("PING"); }
  Next OnPong() override { return Record("PONG"); }
  Next OnInfo(absl::string_view json) override {
    return Record(absl::StrCat("INFO ", absl::CEscape(json)));
  }
  Next OnOk() override { return Record("OK"); }
  Next OnErr(absl::string_view message) override {
    return Record(absl::StrCat("ERR ", absl::CEscape(message)));
  }

 private:
  static std::string PubFields(const PubOp& op) {
    return absl::StrCat(absl::CEscape(op.subject), " ", absl::CEscape(op.reply), " ",
                        op.header_bytes, " ", op.total_bytes);
  }
  Next Record(std::string op) {
    ops_.push_back(std::move(op));
    return static_cast<int>(ops_.size()) == stop_after_ ? Next::kStop : Next::kContinue;
  }

  int stop_after_;
  std::vector<std::string> ops_;
};

}  // namespace na::protocol

#endif  // NATRIUM_ENGINE_PROTOCOL_OP_RECORDER_H_
