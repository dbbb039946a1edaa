#!/usr/bin/env bash
# The one command: builds the benchmarks jar, starts a throw-away Redis on loopback, and runs the
# cross-process load generator against Concurrent-KVS, Redis (Lettuce) and Chronicle Map side by side.
#
#   benchmarks/run.sh            full run (~7-10 min)
#   benchmarks/run.sh --quick    quick run (~2-3 min)
#   benchmarks/run.sh --jmh [JMH args]   the in-process JMH benchmarks instead (e.g. --jmh Ring -f 1)
#   benchmarks/run.sh --large [args]     the store at 10 M entries (-Xmx64m server) vs 100 k, and adoption
#                                        after kill -9 (~10 min; needs ~2 GB free in /dev/shm)
#   benchmarks/run.sh --churn [args]     fragmentation of the shared-memory store under churn (~2 min)
#   benchmarks/run.sh --persistence [--quick] [args]   set throughput with no persistence and each fsync
#                                        policy beside Redis with appendfsync everysec and always, and this
#                                        disk's fsync latency (~3 min; --quick ~1.5 min)
#   Any other arguments go to the load generator (see its --help text in Settings.usage()).
#
# Redis: installed from Debian if redis-server is missing (needs root), started on 127.0.0.1 on a free
# port with persistence off (with --persistence also two more, with --appendonly yes and appendfsync
# everysec / always, each in its own directory under benchmarks/target), and stopped by its pid when this
# script exits, however it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/kvs-benchmarks.jar
JAVA=${JAVA:-java}

if [[ ! -f $JAR || ${REBUILD:-1} == 1 ]]; then
  # -am: the jar bundles this checkout's kvs-core/reactive/blocking-adapter, not whatever another build
  # last installed in the shared local Maven repository (nothing is installed here).
  mvn -B -q -ntp -pl benchmarks -am package -DskipTests
fi

if [[ ${1:-} == --jmh ]]; then
  shift
  exec "$JAVA" -Dchronicle.analytics.disable=true -jar "$JAR" "$@"
fi
if [[ ${1:-} == --large ]]; then
  shift
  exec "$JAVA" -cp "$JAR" io.concurrentkvs.bench.load.LargeStoreBenchmark "$@"
fi
if [[ ${1:-} == --churn ]]; then
  shift
  exec "$JAVA" -Xmx1g -cp "$JAR" io.concurrentkvs.bench.store.StoreChurn "$@"
fi

REDIS_PIDS=()
REDIS_DIRS=()
cleanup() {
  for pid in "${REDIS_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" && wait "$pid" 2>/dev/null || true
    fi
  done
  for dir in "${REDIS_DIRS[@]}"; do
    rm -rf "$dir"
  done
  rm -f /dev/shm/kvs-bench-* 2>/dev/null || true
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null; then
  echo "installing redis-server from Debian..."
  if [[ $(id -u) == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  for candidate in $(shuf -i 20000-60000 -n 50); do
    if port_free "$candidate"; then echo "$candidate"; return; fi
  done
  echo "no free port for redis" >&2
  exit 1
}

# start_redis LABEL [redis-server options...]: starts one on a free loopback port, sets PORT.
# Not daemonized, so $! is redis-server's own pid and the trap stops exactly it.
start_redis() {
  local label=$1
  shift
  PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$PORT" --save '' --protected-mode yes --logfile "" --daemonize no \
    "$@" >"benchmarks/target/redis-$label.log" 2>&1 &
  REDIS_PIDS+=($!)
  for _ in $(seq 50); do
    if ! port_free "$PORT"; then break; fi
    sleep 0.1
  done
  echo "redis-server $(redis-server --version | awk '{print $3}') pid $! on 127.0.0.1:$PORT ($label)"
}

if [[ ${1:-} == --persistence ]]; then
  shift
  start_redis "no-persistence" --appendonly no
  PLAIN_PORT=$PORT
  ports=()
  for policy in everysec always; do
    # The AOF goes to the same filesystem as KVS's persistence directories (the work directory's).
    dir=$(mktemp -d "$PWD/benchmarks/target/redis-aof-$policy.XXXXXX")
    REDIS_DIRS+=("$dir")
    start_redis "appendfsync-$policy" --appendonly yes --appendfsync "$policy" --dir "$dir"
    ports+=("$PORT")
  done
  "$JAVA" -cp "$JAR" io.concurrentkvs.bench.load.PersistenceBenchmark --redis-port "$PLAIN_PORT" \
    --redis-everysec-port "${ports[0]}" --redis-always-port "${ports[1]}" "$@"
  exit
fi

start_redis "no-persistence" --appendonly no
"$JAVA" -cp "$JAR" -Dchronicle.analytics.disable=true io.concurrentkvs.bench.load.LoadGenerator \
  --redis-port "$PORT" "$@"
