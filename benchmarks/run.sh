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
#   Any other arguments go to the load generator (see its --help text in Settings.usage()).
#
# Redis: installed from Debian if redis-server is missing (needs root), started on 127.0.0.1 on a free
# port with persistence off, and stopped by its pid when this script exits, however it exits.
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

REDIS_PID=
cleanup() {
  if [[ -n $REDIS_PID ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" && wait "$REDIS_PID" 2>/dev/null || true
  fi
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
PORT=
for candidate in $(shuf -i 20000-60000 -n 50); do
  if port_free "$candidate"; then PORT=$candidate; break; fi
done
[[ -n $PORT ]] || { echo "no free port for redis" >&2; exit 1; }

# Not daemonized, so $! is redis-server's own pid and the trap stops exactly it.
redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --protected-mode yes \
  --logfile "" --daemonize no >benchmarks/target/redis.log 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do
  if ! port_free "$PORT"; then break; fi
  sleep 0.1
done
echo "redis-server $(redis-server --version | awk '{print $3}') pid $REDIS_PID on 127.0.0.1:$PORT (no persistence)"

"$JAVA" -cp "$JAR" -Dchronicle.analytics.disable=true io.concurrentkvs.bench.load.LoadGenerator \
  --redis-port "$PORT" "$@"
