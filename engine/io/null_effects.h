// An Effects sink that drops everything, for calls that take a sink but whose effects the caller
// does not need (an accessor outside Step, a test of JSON shapes).
#ifndef NATRIUM_ENGINE_IO_NULL_EFFECTS_H_
#define NATRIUM_ENGINE_IO_NULL_EFFECTS_H_

#include "engine/io/io.h"

namespace na::io {

class NullEffects final : public Effects {
 public:
  void Send(ConnId, absl::string_view) override {}
  void Close(ConnId, CloseMode) override {}
  void ArmTimer(TimerId, int64_t) override {}
  void CancelTimer(TimerId) override {}
  void PauseReading(ConnId, int64_t) override {}
  void ResumeReading(ConnId) override {}
  void Log(LogLevel, absl::string_view) override {}
};

}  // namespace na::io

#endif  // NATRIUM_ENGINE_IO_NULL_EFFECTS_H_
