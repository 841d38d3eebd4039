#!/usr/bin/env python3
"""Synced-append results of store_benchmark as fractions of this disk's physical limit.

1. Prints the device's limits (tools/bench_store/disk_limits.sh: fsync latency for 128 B and
   4 KiB writes, sequential write bandwidth).
2. Runs store_benchmark's synced-append cases (batch 1/16/256 x 128 B/4 KiB). Each store case runs
   right after BM_RawSyncedAppend with the same bytes (write + fdatasync on a plain file in the
   same directory), three repetitions each, medians kept. The fraction is the store's synced
   batches per second over the raw file's: the share of the physical limit the store reaches at
   that moment on that device, which matters on a shared, noisy disk.
3. Runs BM_Reopen/1000000 (time to open a store of 1,000,000 messages and recover its state).

usage: store_bench_report.py BENCHMARK_BINARY [DIR] [--quick]
"""
import json
import os
import re
import subprocess
import sys


def run_bench(binary, directory, flt, extra):
    env = dict(os.environ, NA_BENCH_DIR=directory)
    res = subprocess.run([binary, "--benchmark_filter=" + flt, "--benchmark_format=json"] + extra,
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(res.stdout)["benchmarks"]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    binary = os.path.abspath(args[0])
    directory = os.path.abspath(args[1] if len(args) > 1 else "./natrium-store-bench")
    os.makedirs(directory, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    print(subprocess.run(["sh", os.path.join(here, "disk_limits.sh"), directory], check=True,
                         capture_output=True, text=True).stdout, end="")

    reps = "1" if quick else "3"
    results = run_bench(binary, directory, "BM_(Raw)?(SyncedAppend|AppendSynced)",
                        ["--benchmark_repetitions=" + reps,
                         "--benchmark_report_aggregates_only=" + ("false" if quick else "true")])
    table = {}
    for b in results:
        if not quick and b.get("aggregate_name") != "median":
            continue
        m = re.match(r"BM_(RawSyncedAppend|AppendSynced)/batch:(\d+)/bytes:(\d+)", b["name"])
        if m:
            table[(m.group(1), int(m.group(2)), int(m.group(3)))] = b
    print("\nsynced appends (median of %s runs; raw = write+fdatasync of the same bytes)" % reps)
    print("%-18s %11s %9s %9s | %9s %9s | %8s" % ("case", "msgs/s", "MB/s", "syncs/s",
                                                  "raw syncs", "raw MB/s", "fraction"))
    for batch in (1, 16, 256):
        for size in (128, 4096):
            store = table.get(("AppendSynced", batch, size))
            raw = table.get(("RawSyncedAppend", batch, size))
            if store is None or raw is None:
                continue
            print("%-18s %11.0f %9.2f %9.0f | %9.0f %9.2f | %7.1f%%" % (
                "%d x %d B" % (batch, size), store["items_per_second"],
                store["bytes_per_second"] / 1e6, store["syncs_per_s"], raw["syncs_per_s"],
                raw["bytes_per_second"] / 1e6, 100.0 * store["syncs_per_s"] / raw["syncs_per_s"]))
    if not quick:
        for b in run_bench(binary, directory, "BM_Reopen/1000000", []):
            print("\nreopen of a %d-message store: %.1f ms (mean of %d)" % (
                int(b["messages"]), b["real_time"], b["iterations"]))


if __name__ == "__main__":
    main()
