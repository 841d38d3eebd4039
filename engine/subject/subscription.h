// A subscription as the sublist stores it. Connections own their Subscription objects; the
// sublist only holds pointers, which stay valid until Remove() is called for them.
#ifndef NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_H_
#define NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_H_

#include <cstdint>
#include <string>

namespace na::subject {

struct Subscription {
  std::string subject;
  std::string queue;  // empty = not a queue subscription
  std::string sid;
  uint64_t conn_id = 0;     // the owning connection (engine-wide id)
  void* owner = nullptr;    // the owning connection object, opaque to the sublist
  uint64_t delivered_msgs = 0;
  int64_t max_msgs = -1;    // auto-unsubscribe limit; -1 = none
};

}  // namespace na::subject

#endif  // NATRIUM_ENGINE_SUBJECT_SUBSCRIPTION_H_
