// An Effects sink that records what the engine asked for, for tests that drive a Node through
// Step() with scripted inputs and assert on bytes, closes, timers, read pauses and logs.
#ifndef NATRIUM_ENGINE_IO_TESTING_RECORDING_EFFECTS_H_
#define NATRIUM_ENGINE_IO_TESTING_RECORDING_EFFECTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/io/io.h"

namespace na::io {

class RecordingEffects final : public Effects {
 public:
  void Send(ConnId conn, absl::string_view bytes) override {
    out[conn].append(bytes.data(), bytes.size());
  }
  void Close(ConnId conn, CloseMode mode) override {
    closes[conn] = mode;
    closed.push_back(conn);
  }
  void ArmTimer(TimerId id, int64_t deadline_mono_ns) override { timers[id] = deadline_mono_ns; }
  void CancelTimer(TimerId id) override { timers.erase(id); }
  void PauseReading(ConnId conn, int64_t deadline_mono_ns) override {
    paused[conn] = deadline_mono_ns;
  }
  void ResumeReading(ConnId conn) override {
    paused.erase(conn);
    resumed.push_back(conn);
  }
  void Log(LogLevel level, absl::string_view message) override {
    logs.emplace_back(message.data(), message.size());
  }

  std::map<ConnId, std::string> out;   // everything sent, per connection
  std::map<ConnId, CloseMode> closes;  // how each closed connection was closed
  std::vector<ConnId> closed;          // closes in order
  std::map<TimerId, int64_t> timers;   // armed timers and their deadlines
  std::map<ConnId, int64_t> paused;    // connections whose reading is paused, until when
  std::vector<ConnId> resumed;         // ResumeReading calls in order
  std::vector<std::string> logs;
};

}  // namespace na::io

#endif  // NATRIUM_ENGINE_IO_TESTING_RECORDING_EFFECTS_H_
