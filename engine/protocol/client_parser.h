// The client protocol parser: a byte-level state machine over what a client sends.
//
// Feed it bytes as they arrive, split anywhere; it resumes where it stopped. It calls the handler
// once per complete operation, in order. It never copies a payload that arrived whole in one
// Feed() call; it copies (into a buffer bounded by max_control_line + max_payload + 2) only the
// parts of an operation that straddle two calls.
//
// The grammar and the errors are nats-server 2.9.10's (nats-reference.md §1.1, §1.4, §1.5):
// verbs are case-insensitive, fields are separated by runs of spaces or tabs, control lines may
// end in "\r\n" or a bare "\n", and the byte after a payload must be '\r' followed by '\n'.
//
// Determinism: the parser holds no clock and no randomness; the same bytes, however split, give
// the same sequence of handler calls and the same error.
#ifndef NATRIUM_ENGINE_PROTOCOL_CLIENT_PARSER_H_
#define NATRIUM_ENGINE_PROTOCOL_CLIENT_PARSER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace na::protocol {

// A PUB or HPUB. For PUB, header_bytes is -1 and payload holds the message. For HPUB, payload
// holds headers followed by the message body, and header_bytes says where the body starts.
// Views are valid only during the handler call.
struct PubOp {
  absl::string_view subject;
  absl::string_view reply;  // empty when absent
  int64_t header_bytes = -1;
  int64_t total_bytes = 0;
  absl::string_view payload;  // total_bytes long; empty in OnPubArgs
  // The argument text as received (after the verb's separators, without the line end), which
  // is what the reference's trace log quotes: "<<- [PUB foo  2]".
  absl::string_view args;
  // The size fields as the client wrote them ("01" for 1): the reference relays them verbatim in
  // MSG/HMSG lines. header_bytes_text is empty for PUB.
  absl::string_view header_bytes_text;
  absl::string_view total_bytes_text;
};

struct SubOp {
  absl::string_view subject;
  absl::string_view queue;  // empty when absent
  absl::string_view sid;
  absl::string_view args;  // as in PubOp
};

struct UnsubOp {
  absl::string_view sid;
  int64_t max_msgs = -1;   // -1 when absent
  absl::string_view args;  // as in PubOp
};

// What the handler tells the parser after an operation.
enum class Next : uint8_t {
  kContinue,  // keep parsing
  kStop,      // the connection is being closed; parse nothing more
};

// Errors the parser itself detects. Each maps to one reference behaviour, applied by the
// connection (engine/client), not by the parser:
enum class ParseError : uint8_t {
  kNone,
  kUnknownOperation,      // -ERR 'Unknown Protocol Operation', close
  kControlLineTooLong,    // -ERR 'maximum control line exceeded', close
  kBadPubArgs,            // silent close (log "processPub Bad or Missing Size" etc.)
  kBadHpubArgs,           // silent close
  kBadSubArgs,            // silent close (log "processSub Parse Error")
  kBadUnsubArgs,          // silent close ("UNSUB" with no separator at all is kUnknownOperation)
  kBadPayloadTerminator,  // -ERR 'Unknown Protocol Operation', close
};

// Human-readable name for logs ("processPub Bad or Missing Size", ...).
absl::string_view ParseErrorText(ParseError error);

class ClientOpHandler {
 public:
  virtual ~ClientOpHandler() = default;

  virtual Next OnConnect(absl::string_view json) = 0;
  // Called when a PUB/HPUB control line is complete, before its payload is read, so the
  // connection can enforce max_payload, header support and pedantic subject checks exactly when
  // the reference does. Returning kStop abandons the operation.
  virtual Next OnPubArgs(const PubOp& op) = 0;
  // Called when the payload and its "\r\n" have arrived.
  virtual Next OnPub(const PubOp& op) = 0;
  virtual Next OnSub(const SubOp& op) = 0;
  virtual Next OnUnsub(const UnsubOp& op) = 0;
  virtual Next OnPing() = 0;
  virtual Next OnPong() = 0;
  // INFO from a client is accepted and ignored when its JSON is valid; the handler decides.
  virtual Next OnInfo(absl::string_view json) = 0;
  // "+OK" and "-ERR ..." from a client (the reference tolerates them).
  virtual Next OnOk() = 0;
  virtual Next OnErr(absl::string_view message) = 0;
};

struct ParserLimits {
  int64_t max_control_line_bytes = 4096;
  // The parser does not enforce max_payload itself (the connection does, in OnPubArgs, because
  // the reference's message depends on connection state); it only refuses sizes beyond this
  // hard bound so that its buffer stays bounded whatever the handler decides.
  int64_t max_payload_hard_bytes = 64 << 20;
};

class ClientParser {
 public:
  explicit ClientParser(ParserLimits limits);

  // Parses `bytes`, calling the handler for each complete operation. Returns kNone when all
  // bytes were consumed (a partial operation is kept for the next call) or when the handler
  // returned kStop. Returns the error otherwise; after an error the parser must not be fed again.
  // Once stopped, later calls return kNone and call nothing; once failed, they return the same
  // error. The handler must not call Feed() from inside a callback.
  ParseError Feed(absl::string_view bytes, ClientOpHandler& handler);

  void set_max_control_line_bytes(int64_t v) { limits_.max_control_line_bytes = v; }

  // Bytes held for an operation that straddles Feed() calls (for monitoring and tests).
  size_t buffered_bytes() const;

 private:
  enum class State : uint8_t {
    kOpStart,       // expecting the first byte of a verb
    kVerb,          // matching the rest of verb_
    kVerbSpace,     // the verb needs at least one space or tab after it
    kArgStart,      // skipping separators; the next byte starts the arguments
    kArg,           // reading arguments up to '\n'
    kLineEnd,       // PING, PONG, +OK: ignoring bytes up to '\n'
    kPayload,       // reading payload bytes
    kPayloadEndCr,  // the byte after the payload must be '\r'
    kPayloadEndLf,  // ... and then '\n'
    kStopped,       // the handler returned kStop; input is ignored
    kFailed,        // a parse error was returned; it is returned again
  };
  enum class Verb : uint8_t { kConnect, kPub, kHpub, kSub, kUnsub, kPing, kPong, kInfo, kOk, kErr };

  ParseError Fail(ParseError error);
  // Handles a complete argument line (without its line end). Returns kNone and sets state_.
  ParseError DispatchLine(absl::string_view line, ClientOpHandler& handler);
  ParseError DispatchPubLine(absl::string_view line, ClientOpHandler& handler);
  ParseError DispatchLineEnd(ClientOpHandler& handler);
  ParseError FinishPub(ClientOpHandler& handler);
  ParseError FinishPub(ClientOpHandler& handler, absl::string_view payload);
  // Copies whatever the pending operation still references in the caller's bytes, so that the
  // operation can resume in the next Feed() call.
  void SaveSplitState(absl::string_view bytes);
  bool Stopped(Next next);

  ParserLimits limits_;
  State state_ = State::kOpStart;
  Verb verb_ = Verb::kPing;
  ParseError error_ = ParseError::kNone;
  int verb_pos_ = 0;  // verb bytes matched so far

  // Arguments: either a view into the current Feed() bytes from arg_start_, or (once they
  // straddle a call) a copy in arg_buf_. arg_bytes_ counts every argument byte seen;
  // arg_saw_cr_ says a '\r' came after the first one, so the byte before '\n' is dropped.
  std::string arg_buf_;
  size_t arg_start_ = 0;
  bool arg_split_ = false;
  int64_t arg_bytes_ = 0;
  bool arg_saw_cr_ = false;

  // PUB/HPUB: subject and reply view pub_line_, which lives in the caller's bytes, in arg_buf_,
  // or (after a split) in pub_args_.
  PubOp pending_pub_;
  absl::string_view pub_line_;
  std::string pub_args_;
  bool pub_line_owned_ = false;
  std::string payload_buf_;         // payload bytes that straddle calls
  absl::string_view payload_view_;  // a payload that arrived whole in this Feed()
  int64_t payload_needed_ = 0;
  bool payload_is_split_ = false;
};

}  // namespace na::protocol

#endif  // NATRIUM_ENGINE_PROTOCOL_CLIENT_PARSER_H_
