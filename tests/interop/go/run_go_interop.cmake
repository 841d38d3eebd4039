# ctest driver for the Go interop program: builds it offline against Debian's nats.go in GOPATH
# mode, then runs it against SERVER. Invoked as
#   cmake -DGO=<go> -DSRC=<this dir> -DWORK=<build dir> -DSERVER=<binary> -DLABEL=<name>
#         -P run_go_interop.cmake
# Each LABEL builds its own executable so that the registrations can run in parallel; they share
# the Go build cache, which is safe for concurrent use.
foreach(var GO SRC WORK SERVER LABEL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_go_interop.cmake needs -D${var}=...")
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK}/gopath ${WORK}/cache)
set(ENV{GO111MODULE} off)
set(ENV{GOPATH} "${WORK}/gopath:/usr/share/gocode")
set(ENV{GOCACHE} ${WORK}/cache)
set(ENV{GOFLAGS} "")
set(ENV{CGO_ENABLED} 0)

execute_process(
  COMMAND ${GO} build -o ${WORK}/natrium-interop-${LABEL} ${SRC}/main.go
  RESULT_VARIABLE build_result)
if(NOT build_result EQUAL 0)
  message(FATAL_ERROR "go build of the interop program failed (${build_result})")
endif()

execute_process(
  COMMAND ${WORK}/natrium-interop-${LABEL} -server ${SERVER}
  RESULT_VARIABLE run_result)
if(NOT run_result EQUAL 0)
  message(FATAL_ERROR "Go interop scenarios failed against ${SERVER}")
endif()
