#!/usr/bin/env python3
"""Lint run as a test: the project's mechanical rules (docs/STYLE.md).

Checks, for every C++ source in the tree:
  - the include direction between top-level modules (DESIGN.md §1);
  - engine/ purity: no clocks, sockets, files, threads, getenv, printing or global randomness
    outside tests (a line may opt out with a trailing `// tidy:allow <reason>`);
  - 100 columns;
  - no FIXME left behind.
Exits non-zero and lists every violation.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
MODULES = ["engine", "net", "sim", "server", "tools", "fuzz", "tests"]
ALLOWED = {
    "engine": {"engine"},
    "net": {"engine", "net"},
    "sim": {"engine", "sim"},
    "server": {"engine", "net", "server"},
    "tools": {"engine", "tools"},
    "fuzz": {"engine", "sim", "fuzz"},
    "tests": set(MODULES),
}
ENGINE_BANS = [
    (re.compile(r"\bstd::thread\b|\bstd::mutex\b|<thread>|<mutex>"), "threads and locks"),
    (re.compile(r"system_clock|steady_clock|high_resolution_clock|\bclock_gettime\b|\btime\(nullptr\)"), "clocks"),
    (re.compile(r"random_device|\bmt19937|[^_a-zA-Z.>]rand\(|\bsrand\("), "global randomness"),
    (re.compile(r"\bgetenv\(|\bsetenv\("), "the environment"),
    (re.compile(r"std::cout|std::cerr|printf\(|\bf?puts\(|fopen\(|std::ifstream|std::ofstream|std::filesystem"), "printing and files"),
    (re.compile(r"<sys/socket\.h>|<sys/epoll\.h>|<netinet/|<arpa/inet\.h>|<unistd\.h>"), "sockets and syscalls"),
]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
EXTS = (".h", ".cc", ".cpp")


def main():
    problems = []
    for module in MODULES:
        base = os.path.join(ROOT, module)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "corpus"]
            for name in sorted(filenames):
                if not name.endswith(EXTS):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, ROOT)
                is_test = "_test" in name or "/testing/" in rel or "_benchmark." in name
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
                for no, line in enumerate(lines, 1):
                    where = f"{rel}:{no}"
                    if len(line) > 100:
                        problems.append(f"{where}: line is {len(line)} columns (limit 100)")
                    if "FIXME" in line:
                        problems.append(f"{where}: FIXME left in the code")
                    m = INCLUDE.match(line)
                    if m and m.group(1) in MODULES and m.group(1) not in ALLOWED[module]:
                        problems.append(f"{where}: {module}/ may not include {m.group(1)}/")
                    if module == "engine" and not is_test and "tidy:allow" not in line:
                        code = line.split("//", 1)[0]
                        for pattern, what in ENGINE_BANS:
                            if pattern.search(code):
                                problems.append(f"{where}: engine/ must not use {what}: {line.strip()}")
    for p in problems:
        print(p)
    print(f"tidy: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
