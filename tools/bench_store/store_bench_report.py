#!/usr/bin/env python3
"""Synced-append results of store_benchmark as fractions of this disk's physical limit.

Runs tools/bench_store/disk_limits.sh on the benchmark directory, then store_benchmark's
BM_AppendSynced (batch 1/16/256, 128 B and 4 KiB) and BM_Reopen/1000000, and prints for each
append case: msgs/s, MB/s of payload, syncs/s, and the fraction of the physical limit for a
batch of that many bytes, modelled as one fdatasync plus the batch at sequential bandwidth:
    limit_batches_per_s = 1 / (fsync_latency + batch_bytes / sequential_bandwidth)

usage: store_bench_report.py BENCHMARK_BINARY [DIR] [--quick]
"""
import json
import os
import re
import subprocess
import sys


def disk_limits(script, directory):
    out = subprocess.run(["sh", script, directory], check=True, capture_output=True,
                         text=True).stdout
    print(out, end="")
    lat = {}
    for m in re.finditer(r"^(\w+)\s+synced\s+(\d+) B writes:\s+([\d.]+) us", out, re.M):
        lat[(m.group(1), int(m.group(2)))] = float(m.group(3)) * 1e-6
    bw = float(re.search(r"sequential write .*?:\s+([\d.]+) MB/s", out).group(1)) * 1e6
    return lat, bw


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    binary = args[0]
    directory = os.path.abspath(args[1] if len(args) > 1 else "./natrium-store-bench")
    os.makedirs(directory, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    lat, bw = disk_limits(os.path.join(here, "disk_limits.sh"), directory)
    # A growing file (RocksDB's WAL grows) needs its size synced too: the "append" latency.
    fsync_s = lat[("append", 4096)]
    flt = "BM_AppendSynced" + ("" if quick else "|BM_Reopen/1000000")
    env = dict(os.environ, NA_BENCH_DIR=directory)
    res = subprocess.run([binary, "--benchmark_filter=" + flt, "--benchmark_format=json"] +
                         (["--benchmark_min_time=0.5"] if quick else []),
                         check=True, capture_output=True, text=True, env=env)
    data = json.loads(res.stdout)
    print("\nfsync limit used: %.1f us per synced write (append, 4 KiB), sequential %.1f MB/s"
          % (fsync_s * 1e6, bw / 1e6))
    print("%-28s %12s %10s %10s %14s %9s" % ("case", "msgs/s", "MB/s", "syncs/s",
                                             "limit batch/s", "fraction"))
    for b in data["benchmarks"]:
        name = b["name"]
        m = re.match(r"BM_AppendSynced/batch:(\d+)/bytes:(\d+)", name)
        if m:
            batch, size = int(m.group(1)), int(m.group(2))
            syncs = b["syncs_per_s"]
            limit = 1.0 / (fsync_s + batch * size / bw)
            print("%-28s %12.0f %10.2f %10.0f %14.0f %8.1f%%" % (
                "batch %d x %d B" % (batch, size), b["items_per_second"],
                b["bytes_per_second"] / 1e6, syncs, limit, 100.0 * syncs / limit))
        elif name.startswith("BM_Reopen"):
            print("reopen of a %d-message store: %.1f ms" % (int(b["messages"]), b["real_time"]))


if __name__ == "__main__":
    main()
