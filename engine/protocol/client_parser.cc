// The grammar follows nats-server 2.9.10 (server/parser.go and the process* functions of
// server/client.go), checked byte for byte against the real server; see README.md for the few
// places where we deliberately differ and why.
#include "engine/protocol/client_parser.h"

#include <cstring>

#include "engine/base/check.h"

namespace na::protocol {
namespace {

// Upper-case spelling of each verb, indexed by ClientParser::Verb.
constexpr absl::string_view kVerbText[] = {"CONNECT", "PUB",  "HPUB", "SUB", "UNSUB",
                                           "PING",    "PONG", "INFO", "+OK", "-ERR"};

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// PUB and HPUB split their arguments on spaces and tabs only; SUB and UNSUB also on '\r' and
// '\n' (the reference's splitArg). Fills up to kFieldsMax fields and returns how many there
// were, capped at kFieldsMax + 1 so that "too many" is still visible.
constexpr int kFieldsMax = 4;

// Separator classes by byte: 1 for space and tab, 2 for '\r' and '\n'.
struct SeparatorTable {
  uint8_t kind[256] = {};
  constexpr SeparatorTable() {
    kind[static_cast<uint8_t>(' ')] = 1;
    kind[static_cast<uint8_t>('\t')] = 1;
    kind[static_cast<uint8_t>('\r')] = 2;
    kind[static_cast<uint8_t>('\n')] = 2;
  }
};
constexpr SeparatorTable kSeparators;

// One table load per byte: this runs over every PUB line.
int SplitFields(absl::string_view line, bool line_breaks_separate,
                absl::string_view (&fields)[kFieldsMax]) {
  const uint8_t mask = line_breaks_separate ? 3 : 1;
  const auto is_separator = [&](char c) {
    return (kSeparators.kind[static_cast<uint8_t>(c)] & mask) != 0;
  };
  const char* p = line.data();
  const char* const end = p + line.size();
  int count = 0;
  for (;;) {
    while (p < end && is_separator(*p)) ++p;
    if (p == end) return count;
    const char* const start = p;
    while (p < end && !is_separator(*p)) ++p;
    if (count == kFieldsMax) return kFieldsMax + 1;
    fields[count++] = absl::string_view(start, static_cast<size_t>(p - start));
  }
}

// After an operation, buffers above this capacity are released rather than kept for the next
// one, so that one large message does not pin its buffer for the life of the connection.
constexpr size_t kRetainedCapacityBytesMax = 64 * 1024;

void ClearBuffer(std::string& buf) {
  if (buf.capacity() > kRetainedCapacityBytesMax) {
    std::string().swap(buf);
  } else {
    buf.clear();
  }
}

// The reference's parseSize: 1 to 9 decimal digits, nothing else; -1 otherwise.
int64_t ParseSize(absl::string_view text) {
  constexpr size_t kDigitsMax = 9;
  if (text.empty() || text.size() > kDigitsMax) return -1;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

absl::string_view ParseErrorText(ParseError error) {
  switch (error) {
    case ParseError::kNone:
      return "no error";
    case ParseError::kUnknownOperation:
      return "Unknown Protocol Operation";
    case ParseError::kControlLineTooLong:
      return "maximum control line exceeded";
    case ParseError::kBadPubArgs:
      return "processPub Parse Error or Bad or Missing Size";
    case ParseError::kBadHpubArgs:
      return "processHeaderPub Parse Error or Bad Header or Total Size";
    case ParseError::kBadSubArgs:
      return "processSub Parse Error";
    case ParseError::kBadUnsubArgs:
      return "processUnsub Parse Error";
    case ParseError::kBadPayloadTerminator:
      return "Unknown Protocol Operation (payload not followed by CRLF)";
  }
  return "unknown parse error";
}

ClientParser::ClientParser(ParserLimits limits) : limits_(limits) {
  NA_CHECK_GE(limits_.max_control_line_bytes, 0);
  NA_CHECK_GE(limits_.max_payload_hard_bytes, 0);
}

size_t ClientParser::buffered_bytes() const {
  return arg_buf_.size() + pub_args_.size() + payload_buf_.size();
}

ParseError ClientParser::Fail(ParseError error) {
  NA_CHECK(error != ParseError::kNone);
  error_ = error;
  state_ = State::kFailed;
  return error;
}

bool ClientParser::Stopped(Next next) {
  if (next == Next::kStop) {
    state_ = State::kStopped;
    return true;
  }
  return false;
}

ParseError ClientParser::Feed(absl::string_view bytes, ClientOpHandler& handler) {
  const char* const p = bytes.data();
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const char b = p[i];
    switch (state_) {
      case State::kStopped:
        return ParseError::kNone;
      case State::kFailed:
        return error_;

      case State::kOpStart:
        // Fast path for the operation that dominates traffic: "PUB" and its separator, whole
        // in this call, go straight to the arguments (the byte-wise states below would reach
        // the same state after four steps).
        if (n - i >= 4 && ToUpper(b) == 'P' && ToUpper(p[i + 1]) == 'U' &&
            ToUpper(p[i + 2]) == 'B' && IsSpace(p[i + 3])) {
          verb_ = Verb::kPub;
          state_ = State::kArgStart;
          i += 4;
          break;
        }
        verb_pos_ = 1;
        switch (ToUpper(b)) {
          case 'C':
            verb_ = Verb::kConnect;
            break;
          case 'P':
            verb_ = Verb::kPub;  // or PING/PONG: decided by the second byte
            break;
          case 'H':
            verb_ = Verb::kHpub;
            break;
          case 'S':
            verb_ = Verb::kSub;
            break;
          case 'U':
            verb_ = Verb::kUnsub;
            break;
          case 'I':
            verb_ = Verb::kInfo;
            break;
          case '+':
            verb_ = Verb::kOk;
            break;
          case '-':
            verb_ = Verb::kErr;
            break;
          default:
            return Fail(ParseError::kUnknownOperation);
        }
        state_ = State::kVerb;
        ++i;
        break;

      case State::kVerb: {
        const char c = ToUpper(b);
        if (verb_ == Verb::kPub && verb_pos_ == 1) {
          if (c == 'I') verb_ = Verb::kPing;
          if (c == 'O') verb_ = Verb::kPong;
        }
        const absl::string_view text = kVerbText[static_cast<int>(verb_)];
        if (c != text[verb_pos_]) return Fail(ParseError::kUnknownOperation);
        ++i;
        if (++verb_pos_ < static_cast<int>(text.size())) break;
        switch (verb_) {
          case Verb::kPing:
          case Verb::kPong:
          case Verb::kOk:
            // The reference ignores anything between these verbs and '\n' ("PINGxyz" is a PING).
            state_ = State::kLineEnd;
            break;
          case Verb::kConnect:
          case Verb::kInfo:
            // These need no separator: "CONNECT{...}" is accepted.
            state_ = State::kArgStart;
            break;
          case Verb::kPub:
          case Verb::kHpub:
          case Verb::kSub:
          case Verb::kUnsub:
          case Verb::kErr:
            state_ = State::kVerbSpace;
            break;
        }
        break;
      }

      case State::kVerbSpace:
        if (!IsSpace(b)) return Fail(ParseError::kUnknownOperation);
        state_ = State::kArgStart;
        ++i;
        break;

      case State::kArgStart:
        if (IsSpace(b)) {
          ++i;
          break;
        }
        // The first argument byte is taken as it is, even '\r' or '\n', as the reference does:
        // "SUB \nfoo 1\r\n" subscribes to foo, and "CONNECT\r\n" has the argument "\r".
        arg_buf_.clear();
        arg_start_ = i;
        arg_split_ = false;
        arg_bytes_ = 1;
        arg_saw_cr_ = false;
        state_ = State::kArg;
        ++i;
        if (arg_bytes_ > limits_.max_control_line_bytes) {
          return Fail(ParseError::kControlLineTooLong);
        }
        break;

      case State::kArg: {
        const void* found = std::memchr(p + i, '\n', n - i);
        const size_t end = found ? static_cast<size_t>(static_cast<const char*>(found) - p) : n;
        arg_bytes_ += static_cast<int64_t>(end - i);
        // The reference notes "a '\r' was seen" and then drops the last byte before '\n',
        // whatever it is: "SUB a 1\r\n" loses its '\r', and so does "SUB a\rb 1\n" its '1'.
        // Real clients only ever send the first; the second is kept for byte parity.
        if (!arg_saw_cr_ && end > i && std::memchr(p + i, '\r', end - i) != nullptr) {
          arg_saw_cr_ = true;
        }
        // The reference counts only the arguments (not the verb, the separators after it or the
        // dropped byte) and fails once they exceed max_control_line. Failing at the first byte
        // over the limit, rather than at '\n', sends the same -ERR and keeps arg_buf_ bounded.
        if (arg_bytes_ - (arg_saw_cr_ ? 1 : 0) > limits_.max_control_line_bytes) {
          return Fail(ParseError::kControlLineTooLong);
        }
        if (found == nullptr) {
          if (arg_split_) arg_buf_.append(p + i, n - i);
          i = n;
          break;
        }
        absl::string_view line;
        if (arg_split_) {
          arg_buf_.append(p + i, end - i);
          line = arg_buf_;
        } else {
          line = absl::string_view(p + arg_start_, end - arg_start_);
        }
        if (arg_saw_cr_) line.remove_suffix(1);
        i = end + 1;
        if (const ParseError error = DispatchLine(line, handler); error != ParseError::kNone) {
          return error;
        }
        break;
      }

      case State::kLineEnd: {
        const void* found = std::memchr(p + i, '\n', n - i);
        if (found == nullptr) {
          i = n;
          break;
        }
        i = static_cast<size_t>(static_cast<const char*>(found) - p) + 1;
        if (const ParseError error = DispatchLineEnd(handler); error != ParseError::kNone) {
          return error;
        }
        break;
      }

      case State::kPayload: {
        const size_t available = n - i;
        const size_t needed = static_cast<size_t>(payload_needed_);
        if (!payload_is_split_ && available >= needed) {
          const absl::string_view payload(p + i, needed);
          i += needed;
          payload_needed_ = 0;
          if (n - i >= 2 && p[i] == '\r' && p[i + 1] == '\n') {
            // The terminator is here too: finish without the two byte-wise states.
            i += 2;
            if (const ParseError error = FinishPub(handler, payload); error != ParseError::kNone) {
              return error;
            }
            break;
          }
          payload_view_ = payload;
          state_ = State::kPayloadEndCr;
          break;
        }
        if (!payload_is_split_) {
          payload_buf_.clear();
          payload_buf_.reserve(static_cast<size_t>(pending_pub_.total_bytes));
          payload_is_split_ = true;
        }
        const size_t take = available < needed ? available : needed;
        payload_buf_.append(p + i, take);
        i += take;
        payload_needed_ -= static_cast<int64_t>(take);
        if (payload_needed_ == 0) state_ = State::kPayloadEndCr;
        break;
      }

      case State::kPayloadEndCr:
        if (b != '\r') return Fail(ParseError::kBadPayloadTerminator);
        state_ = State::kPayloadEndLf;
        ++i;
        break;

      case State::kPayloadEndLf:
        if (b != '\n') return Fail(ParseError::kBadPayloadTerminator);
        ++i;
        if (const ParseError error = FinishPub(handler); error != ParseError::kNone) {
          return error;
        }
        break;
    }
  }
  if (state_ == State::kFailed) return error_;
  SaveSplitState(bytes);
  return ParseError::kNone;
}

void ClientParser::SaveSplitState(absl::string_view bytes) {
  switch (state_) {
    case State::kArg:
      if (!arg_split_) {
        arg_buf_.assign(bytes.data() + arg_start_, bytes.size() - arg_start_);
        arg_split_ = true;
      }
      break;
    case State::kPayload:
    case State::kPayloadEndCr:
    case State::kPayloadEndLf:
      if (!pub_line_owned_) {
        // Re-point subject and reply at a copy of the line, keeping their offsets.
        const char* old_base = pub_line_.data();
        pub_args_.assign(pub_line_.data(), pub_line_.size());
        const auto relocate = [&](absl::string_view v) {
          if (v.empty()) return absl::string_view();
          return absl::string_view(pub_args_.data() + (v.data() - old_base), v.size());
        };
        pending_pub_.subject = relocate(pending_pub_.subject);
        pending_pub_.reply = relocate(pending_pub_.reply);
        pending_pub_.args = relocate(pending_pub_.args);
        pending_pub_.header_bytes_text = relocate(pending_pub_.header_bytes_text);
        pending_pub_.total_bytes_text = relocate(pending_pub_.total_bytes_text);
        pub_line_ = pub_args_;
        pub_line_owned_ = true;
      }
      if (state_ != State::kPayload && !payload_is_split_) {
        // The payload is complete but its "\r\n" is not: keep a copy for FinishPub. (In
        // kPayload without a split nothing of the payload has arrived yet, and it may still
        // arrive whole in the next call.)
        payload_buf_.assign(payload_view_.data(), payload_view_.size());
        payload_view_ = absl::string_view();
        payload_is_split_ = true;
      }
      break;
    case State::kOpStart:
    case State::kVerb:
    case State::kVerbSpace:
    case State::kArgStart:
    case State::kLineEnd:
    case State::kStopped:
    case State::kFailed:
      break;
  }
}

ParseError ClientParser::DispatchLineEnd(ClientOpHandler& handler) {
  state_ = State::kOpStart;
  Next next = Next::kContinue;
  switch (verb_) {
    case Verb::kPing:
      next = handler.OnPing();
      break;
    case Verb::kPong:
      next = handler.OnPong();
      break;
    case Verb::kOk:
      next = handler.OnOk();
      break;
    case Verb::kConnect:
    case Verb::kPub:
    case Verb::kHpub:
    case Verb::kSub:
    case Verb::kUnsub:
    case Verb::kInfo:
    case Verb::kErr:
      NA_UNREACHABLE();
  }
  Stopped(next);
  return ParseError::kNone;
}

ParseError ClientParser::DispatchLine(absl::string_view line, ClientOpHandler& handler) {
  if (verb_ == Verb::kPub || verb_ == Verb::kHpub) return DispatchPubLine(line, handler);

  // Every other verb is done with its line when the handler returns.
  state_ = State::kOpStart;
  absl::string_view fields[kFieldsMax];
  Next next = Next::kContinue;
  switch (verb_) {
    case Verb::kConnect:
      next = handler.OnConnect(line);
      break;
    case Verb::kInfo:
      next = handler.OnInfo(line);
      break;
    case Verb::kErr:
      next = handler.OnErr(line);
      break;
    case Verb::kSub: {
      const int count = SplitFields(line, /*line_breaks_separate=*/true, fields);
      SubOp op;
      op.args = line;
      if (count == 2) {
        op.subject = fields[0];
        op.sid = fields[1];
      } else if (count == 3) {
        op.subject = fields[0];
        op.queue = fields[1];
        op.sid = fields[2];
      } else {
        arg_buf_.clear();
        return Fail(ParseError::kBadSubArgs);
      }
      next = handler.OnSub(op);
      break;
    }
    case Verb::kUnsub: {
      const int count = SplitFields(line, /*line_breaks_separate=*/true, fields);
      UnsubOp op;
      op.args = line;
      if (count == 1 || count == 2) {
        op.sid = fields[0];
      } else {
        arg_buf_.clear();
        return Fail(ParseError::kBadUnsubArgs);
      }
      // The reference treats a malformed max like no max at all ("UNSUB 1 abc" unsubscribes).
      if (count == 2) op.max_msgs = ParseSize(fields[1]);
      next = handler.OnUnsub(op);
      break;
    }
    case Verb::kPub:
    case Verb::kHpub:
    case Verb::kPing:
    case Verb::kPong:
    case Verb::kOk:
      NA_UNREACHABLE();
  }
  arg_buf_.clear();
  Stopped(next);
  return ParseError::kNone;
}

ParseError ClientParser::DispatchPubLine(absl::string_view line, ClientOpHandler& handler) {
  const bool is_hpub = verb_ == Verb::kHpub;
  const ParseError bad_args = is_hpub ? ParseError::kBadHpubArgs : ParseError::kBadPubArgs;
  absl::string_view fields[kFieldsMax];
  const int count = SplitFields(line, /*line_breaks_separate=*/false, fields);
  // Fields after the subject: [reply] size for PUB, [reply] header_size total_size for HPUB.
  const int sizes = is_hpub ? 2 : 1;
  if (count != 1 + sizes && count != 2 + sizes) {
    arg_buf_.clear();
    return Fail(bad_args);
  }
  PubOp op;
  op.args = line;
  op.subject = fields[0];
  if (count == 2 + sizes) op.reply = fields[1];
  op.total_bytes = ParseSize(fields[count - 1]);
  op.total_bytes_text = fields[count - 1];
  if (is_hpub) {
    op.header_bytes = ParseSize(fields[count - 2]);
    op.header_bytes_text = fields[count - 2];
    if (op.header_bytes < 0 || op.total_bytes < 0 || op.header_bytes > op.total_bytes) {
      arg_buf_.clear();
      return Fail(bad_args);
    }
  } else if (op.total_bytes < 0) {
    arg_buf_.clear();
    return Fail(bad_args);
  }

  pending_pub_ = op;
  pub_line_ = line;
  pub_line_owned_ = arg_split_;  // a line in arg_buf_ stays put until the next operation
  pub_args_.clear();
  payload_buf_.clear();
  payload_view_ = absl::string_view();
  payload_is_split_ = false;
  payload_needed_ = op.total_bytes;
  state_ = op.total_bytes == 0 ? State::kPayloadEndCr : State::kPayload;

  if (handler.OnPubArgs(pending_pub_) == Next::kStop) {
    arg_buf_.clear();
    state_ = State::kStopped;
    return ParseError::kNone;
  }
  // The handler enforces max_payload; this bound only keeps payload_buf_ finite whatever it
  // decided.
  if (op.total_bytes > limits_.max_payload_hard_bytes) {
    arg_buf_.clear();
    return Fail(bad_args);
  }
  return ParseError::kNone;
}

ParseError ClientParser::FinishPub(ClientOpHandler& handler) {
  return FinishPub(handler, payload_is_split_ ? absl::string_view(payload_buf_) : payload_view_);
}

ParseError ClientParser::FinishPub(ClientOpHandler& handler, absl::string_view payload) {
  pending_pub_.payload = payload;
  NA_CHECK_EQ(static_cast<int64_t>(payload.size()), pending_pub_.total_bytes);
  state_ = State::kOpStart;
  const Next next = handler.OnPub(pending_pub_);
  pending_pub_ = PubOp();
  pub_line_ = absl::string_view();
  payload_view_ = absl::string_view();
  ClearBuffer(arg_buf_);
  ClearBuffer(pub_args_);
  ClearBuffer(payload_buf_);
  payload_is_split_ = false;
  Stopped(next);
  return ParseError::kNone;
}

}  // namespace na::protocol
