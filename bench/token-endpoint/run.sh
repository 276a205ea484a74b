#!/usr/bin/env bash
# Token-endpoint benchmark (docs/benchmarks.md, "Token endpoint"): wrk (Debian's package, not written here) over
# loopback HTTPS with keep-alive against `make run`'s operator: ES256 JWT and opaque tokens (client_credentials,
# client_secret_basic), introspection at full speed and paced to ~1,000 requests/s; CPU per request from the
# process's /proc times; API writes counted from the operator's own rest_client_requests_total; the raw ES256
# signature rate from `openssl speed` in the same run (.NET signs through OpenSSL). Not part of `make test`.
#   bash bench/token-endpoint/run.sh            # OPERATOR=native|jit DURATION=15s CONNS=4 PACED_CONNS=10 PACED_DELAY_MS=9
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
HERE=bench/token-endpoint
DURATION=${DURATION:-15s}
CONNS=${CONNS:-4}
PACED_CONNS=${PACED_CONNS:-10}
PACED_DELAY_MS=${PACED_DELAY_MS:-9}
HTTP_PORT=${HTTP_PORT:-18080}
OAUTH_PORT=${OAUTH_PORT:-18443}
OUT=${OUT:-.local/bench-token-endpoint}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
mkdir -p "$OUT"
TICK=$(getconf CLK_TCK)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# OPERATOR=native (default): the Native AOT executable that ships (`make publish`), as a separate process against
# the local API server host (`make apiserver`), CRDs and samples applied with kubectl. OPERATOR=jit: `make run`'s dev
# host (JIT, the API server in the same process).
OPERATOR=${OPERATOR:-native}
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done' EXIT
if [[ $OPERATOR == native ]]; then
  [[ -x publish/appkeys-operator ]] || { echo "publish/appkeys-operator not found: run make publish first" >&2; exit 1; }
  dotnet build src/AppKeys.LocalApiServer.Host -c Release -nologo -v q > "$OUT/build.log"
  rm -f "$OUT/kubeconfig"
  KUBECONFIG_OUT=$ROOT/$OUT/kubeconfig dotnet src/AppKeys.LocalApiServer.Host/bin/Release/net10.0/appkeys-apiserver.dll > /dev/null 2> "$OUT/apiserver.log" &
  PIDS+=($!)
  for _ in $(seq 120); do [[ -s $OUT/kubeconfig ]] && break; sleep 1; done
  export KUBECONFIG=$ROOT/$OUT/kubeconfig
  kubectl apply -f config/crd/bases > /dev/null
  kubectl create namespace appkeys-system > /dev/null
  kubectl apply -n default -k config/samples > /dev/null
  BASE=https://127.0.0.1:$OAUTH_PORT
  publish/appkeys-operator --kubeconfig "$KUBECONFIG" --http-port "$HTTP_PORT" --oauth-port "$OAUTH_PORT" --issuer "$BASE" \
    --qps 1000 --burst 2000 > "$OUT/operator.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  CACERT=$OUT/ca.crt
  for _ in $(seq 120); do kubectl get configmap appkeys-oauth-ca -n appkeys-system -o jsonpath='{.data.ca\.crt}' > "$CACERT" 2> /dev/null && [[ -s $CACERT ]] && break; sleep 1; done
else
  dotnet build tools/AppKeys.Operator.Dev -c Release -nologo -v q > "$OUT/build.log"
  rm -f .local/issuer
  dotnet tools/AppKeys.Operator.Dev/bin/Release/net10.0/appkeys-operator-dev.dll \
    --http-port "$HTTP_PORT" --oauth-port "$OAUTH_PORT" > "$OUT/operator.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 180); do [[ -s .local/issuer ]] && break; sleep 1; done
  [[ -s .local/issuer ]] || { echo "the operator did not start (see $OUT/operator.log)" >&2; exit 1; }
  export KUBECONFIG=$ROOT/.local/kubeconfig
  BASE=$(cat .local/issuer)
  CACERT=.local/ca.crt
fi
echo "operator: $OPERATOR ($(readlink /proc/$PID/exe))"

value() { kubectl get secret "$1" -n default -o jsonpath="{.data.$2}" 2>/dev/null | base64 -d; }
for _ in $(seq 120); do [[ -n "$(value billing-credentials 'production\.consumerSecret')" && -n "$(value storefront-credentials 'production\.consumerSecret')" ]] && break; sleep 1; done
JWT_ID=$(value storefront-credentials 'production\.consumerKey'); JWT_SECRET=$(value storefront-credentials 'production\.consumerSecret')
OPAQUE_ID=$(value billing-credentials 'production\.consumerKey'); OPAQUE_SECRET=$(value billing-credentials 'production\.consumerSecret')
for _ in $(seq 60); do curl -sf --cacert "$CACERT" "$BASE/.well-known/openid-configuration" > /dev/null && break; sleep 1; done

# The introspection caller: a ServiceAccount token (TokenRequest), bound to appkeys-token-introspector.
kubectl create serviceaccount bench-gateway -n default > /dev/null 2>&1 || true
kubectl create rolebinding bench-gateway -n default --clusterrole appkeys-token-introspector --serviceaccount default:bench-gateway > /dev/null 2>&1 || true
CALLER=$(kubectl create token bench-gateway -n default)

cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
writes() {
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^rest_client_requests_total\{/ && !/method="GET"/ {s += $NF} END {print s + 0}'
}

# run NAME SCRIPT WRK_ARGS... (the script's environment is set by the caller; SCRIPT "-" is a plain GET of $URL)
run() {
  local name=$1 script=$2; shift 2
  local target=(-s "$HERE/$script" "$BASE")
  [[ $script == - ]] && target=("$URL")
  wrk -t1 -c"$CONNS" -d5s "${target[@]}" > /dev/null  # warm-up (JIT, connections, caches)
  local c0 w0 c1 w1
  c0=$(cpu); w0=$(writes)
  wrk -t1 --latency "$@" "${target[@]}" > "$OUT/$name.txt"
  c1=$(cpu); w1=$(writes)
  local requests rate p50 p99 non200
  requests=$(awk '/requests in/ {print $1}' "$OUT/$name.txt")
  rate=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$OUT/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/$name.txt")
  non200=$(awk '/non-200 answers/ {print $3}' "$OUT/$name.txt")
  awk -v n="$name" -v r="$requests" -v s="$rate" -v p50="$p50" -v p99="$p99" -v c="$((c1 - c0))" -v t="$TICK" -v w="$((w1 - w0))" -v e="$non200" 'BEGIN {
    cpus = c / t; printf "%-22s %9d req %9.0f req/s  p50 %-9s p99 %-9s CPU %6.1f s  %7.1f us CPU/req  %8.0f req per CPU-second  API writes %d  non-200 %s\n",
      n, r, s, p50, p99, cpus, cpus * 1e6 / r, r / cpus, w, e }'
}

# The operator writes on its own (the leader renews its Lease every 2 s; reviews of introspection callers): the API
# writes of an idle window as long as one run are the baseline to subtract.
w0=$(writes); sleep "${DURATION%s}"; w1=$(writes)
echo "idle baseline: $((w1 - w0)) API writes in $DURATION (Lease renewals)"

echo "raw ES256 (openssl speed ecdsap256, one core):"
openssl speed -seconds 5 ecdsap256 2> /dev/null | awk '/256 bits ecdsa \(nistp256\)/ {printf "  %.0f signatures/s, %.0f verifications/s\n", $(NF-1), $NF}'

# The floor of this server's HTTPS pipeline (TLS record, HTTP/1.1, routing, the key manager's wrapper and metrics, a
# small JSON body): the discovery document, which does no work of its own.
URL=$BASE/.well-known/openid-configuration run https-floor - -c"$CONNS" -d"$DURATION"
CLIENT_ID=$JWT_ID CLIENT_SECRET=$JWT_SECRET run token-jwt token.lua -c"$CONNS" -d"$DURATION"
CLIENT_ID=$OPAQUE_ID CLIENT_SECRET=$OPAQUE_SECRET run token-opaque token.lua -c"$CONNS" -d"$DURATION"
TOKEN=$(curl -s --cacert "$CACERT" -u "$JWT_ID:$JWT_SECRET" -d grant_type=client_credentials "$BASE/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
TOKEN=$TOKEN CALLER=$CALLER DELAY_MS=0 run introspect-max introspect.lua -c"$CONNS" -d"$DURATION"
TOKEN=$TOKEN CALLER=$CALLER DELAY_MS=$PACED_DELAY_MS run introspect-paced introspect.lua -c"$PACED_CONNS" -d"$DURATION"
echo "raw ES256 again (after the runs):"
openssl speed -seconds 5 ecdsap256 2> /dev/null | awk '/256 bits ecdsa \(nistp256\)/ {printf "  %.0f signatures/s\n", $(NF-1)}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)   (wrk output in $OUT/)"
