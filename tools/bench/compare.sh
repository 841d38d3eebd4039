#!/usr/bin/env bash
# Runs natrium-bench against natrium-server and nats-server on loopback, alternating A B A B,
# and prints the median of each scenario and the ratio natrium/nats-server.
#
#   tools/bench/compare.sh [--rounds N] [--quick] [--bin DIR] [--out FILE]
#
# --quick runs small counts (a CI smoke run: it checks counts, not speed).
# Servers are pinned to core 0 and the load generator to the other cores when there are at
# least two, so both servers get the same single core.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="$root/build/release/bin"
rounds=3
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
natrium="$bin/natrium-server"
bench="$bin/natrium-bench"
nats=$(command -v nats-server || echo /usr/sbin/nats-server)
for b in "$natrium" "$bench" "$nats"; do
  [ -x "$b" ] || { echo "missing $b" >&2; exit 2; }
done

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

cores=$(nproc)
server_pin=""
bench_pin=""
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
  server_pin="taskset -c 0"
  bench_pin="taskset -c 1-$((cores - 1))"
fi

# start_server NAME BINARY PORT -> writes $work/NAME.pid
start_server() {
  local name=$1 binary=$2 port=$3
  $server_pin "$binary" -a 127.0.0.1 -p "$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "$name did not start" >&2
  cat "$work/$name.log" >&2
  exit 2
}
stop_server() {
  local name=$1
  if [ -f "$work/$name.pid" ]; then
    kill "$(cat "$work/$name.pid")" 2>/dev/null || true
    wait "$(cat "$work/$name.pid")" 2>/dev/null || true
    rm -f "$work/$name.pid"
  fi
}

# Below the ephemeral range, so that the 10k client sockets (and their TIME_WAIT) of the memory
# scenario never hold a port a server must bind next.
low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
span=$(( (low > 12000 ? low - 12000 : 10000) ))
port_a=$((10000 + RANDOM % span))
port_b=$((port_a + 1))

if [ "$quick" = 1 ]; then
  n_small=20000; n_big=5000; n_req=2000; n_warm=100; n_subj=2000; n_conns=200; n_subs=5000
else
  # Large enough that every run lasts about a second or more on both servers.
  n_small=5000000; n_big=1000000; n_req=20000; n_warm=2000; n_subj=100000; n_conns=10000
  n_subs=100000
fi

# scenario name | bench args
scenarios=(
  "pub_16|--scenario pub --size 16 --msgs $((n_small * 2))"
  "pubsub_16|--scenario pubsub --size 16 --msgs $n_small"
  "pubsub_1k|--scenario pubsub --size 1024 --msgs $n_big"
  "fanout_10|--scenario fanout --subs 10 --size 16 --msgs $((n_small / 10))"
  "fanin_4|--scenario fanin --pubs 4 --size 16 --msgs $n_small"
  "queue_5|--scenario queue --subs 5 --size 16 --msgs $n_small"
  "reqrep_16|--scenario reqrep --size 16 --msgs $n_req --warmup $n_warm"
  "reqrep_16_block|--scenario reqrep --block --size 16 --msgs $n_req --warmup $n_warm"
  "subjects_100k|--scenario subjects --subjects $n_subj --size 16 --msgs $((n_small / 4))"
)

results="$work/results.jsonl"
: >"$results"
failed=0
run_one() {  # label server_name port args...
  local label=$1 server=$2 port=$3; shift 3
  local pid
  pid=$(cat "$work/$server.pid")
  if ! $bench_pin "$bench" --port "$port" --json --label "$label|$server" --server-pid "$pid" "$@" \
      >>"$results"; then
    echo "counts wrong or bench failed: $label on $server" >&2
    failed=1
  fi
}

hv=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p')
echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')${hv:+, VM ($hv)}, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "natrium: $natrium"
echo "nats-server: $($nats --version 2>&1 | head -1)"
echo "rounds: $rounds (A B alternating), server pin: ${server_pin:-none}, bench pin: ${bench_pin:-none}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Memory first, each on a fresh pair of servers.
for mem in "conns_10k|--scenario conns --conns $n_conns" "subs_100k|--scenario subjects --subjects $n_subs --msgs 1"; do
  label=${mem%%|*}; args=${mem#*|}
  for r in $(seq 1 "$rounds"); do
    for s in natrium nats; do
      if [ $s = natrium ]; then start_server natrium "$natrium" $port_a; p=$port_a; else start_server nats "$nats" $port_b; p=$port_b; fi
      # shellcheck disable=SC2086
      run_one "$label" $s $p $args
      stop_server $s
    done
  done
done

start_server natrium "$natrium" $port_a
start_server nats "$nats" $port_b
for sc in "${scenarios[@]}"; do
  label=${sc%%|*}; args=${sc#*|}
  for r in $(seq 1 "$rounds"); do
    # shellcheck disable=SC2086
    run_one "$label" natrium $port_a $args
    # shellcheck disable=SC2086
    run_one "$label" nats $port_b $args
  done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    label, server = r["label"].split("|")
    by.setdefault(label, {}).setdefault(server, []).append(r)
def med(rs, key):
    return statistics.median(r[key] for r in rs)
def cpu(rs):
    # Median server CPU-seconds per second of run and bench CPU share: which side bounded it.
    srv = statistics.median(r["server_cpu_s"] / r["elapsed_s"] for r in rs if r["elapsed_s"] > 0)
    gen = statistics.median(r["bench_cpu_s"] / r["elapsed_s"] for r in rs if r["elapsed_s"] > 0)
    return srv, gen
lines = []
def spread(rs, key):
    # (max - min) / median over the rounds: how steady the figure was.
    vals = [r[key] for r in rs]
    m = statistics.median(vals)
    return (max(vals) - min(vals)) / m if m else 0.0
lines.append("| scenario | metric | natrium (median) | nats-server (median) "
             "| ratio natrium/nats (median of rounds) | counts ok "
             "| spread natrium / nats | server CPU per msg, ratio "
             "| CPU use natrium (server/bench) | CPU use nats (server/bench) |")
lines.append("|---|---|---|---|---|---|---|---|---|---|")
for label, servers in by.items():
    a, b = servers.get("natrium", []), servers.get("nats", [])
    if not a or not b:
        continue
    ok = all(r["ok"] for r in a + b)
    if label.startswith("conns"):
        metrics = [("rss MiB (after)", "rss_after_bytes", 1 / 2**20)]
    elif label.startswith("subs_"):
        metrics = [("rss MiB (after subs)", "rss_after_bytes", 1 / 2**20)]
    elif label.startswith("reqrep"):
        metrics = [("p50 us", "p50_us", 1), ("p99 us", "p99_us", 1), ("p99.9 us", "p999_us", 1)]
    else:
        metrics = [("msgs/s", "msgs_per_s", 1)]
    extra = "| | | |"
    if not label.startswith(("conns", "subs_")):
        # Server CPU-seconds per message, natrium over nats: the figure that load on the
        # machine disturbs least (a busy box slows both servers' clocks, not their work).
        ca = med(a, "server_cpu_s") / max(a[0]["msgs"], 1)
        cb = med(b, "server_cpu_s") / max(b[0]["msgs"], 1)
        sa, ga = cpu(a)
        sb, gb = cpu(b)
        cr = ca / cb if cb > 0 else float("nan")
        extra = f"| {cr:.2f} | {sa:.0%} / {ga:.0%} | {sb:.0%} / {gb:.0%} |"
    for i, (name, key, scale) in enumerate(metrics):
        va, vb = med(a, key) * scale, med(b, key) * scale
        # The ratio is the median of per-round ratios: each round runs natrium and nats-server
        # back to back, so a pair shares the machine's load of that moment.
        pairs = [x[key] / y[key] for x, y in zip(a, b) if y[key]]
        ratio = statistics.median(pairs) if pairs else float("nan")
        tail = extra if i == 0 else "| | | |"
        sp = f"{spread(a, key):.0%} / {spread(b, key):.0%}"
        lines.append(f"| {label} | {name} | {va:,.1f} | {vb:,.1f} | {ratio:.2f} | "
                     f"{'yes' if ok else 'NO'} | {sp} {tail}")
text = "\n".join(lines)
print(text)
if len(sys.argv) > 2 and sys.argv[2]:
    open(sys.argv[2], "w").write(text + "\n")
PY
exit $failed
