# The commands people type. CMake presets do the work; see README.md.
JOBS ?= $(shell nproc)
PORT ?= 4222

.PHONY: deps build run test debug asan fuzz-smoke clean

deps:
	@./tools/install_deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@mkdir -p build/release/bin

run: build
	./build/release/bin/natrium-server -p $(PORT) -js -sd ./data

test: build
	cd build/release && ctest -j $(JOBS) --output-on-failure

debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build --preset asan-ubsan -j $(JOBS)
	cd build/asan-ubsan && ctest -j $(JOBS) --output-on-failure -L unit

clean:
	rm -rf build
