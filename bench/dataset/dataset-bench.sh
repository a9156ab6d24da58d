#!/usr/bin/env bash
# Dataset benchmark (issue 17): upload and download throughput through Capstan against s3cmd on the
# same Ceph RADOS Gateway (and a plain Java PUT loop, bench/dataset/RawPut.java, as the floor of a
# Java client), and the time to mount a large dataset into a job. Prints markdown tables, and per run
# on stderr the CPU seconds each process spent on each upload and the load average.
#
#   bench/dataset/dataset-bench.sh            # defaults: THROUGHPUT_MIB=512 FILES=16 MOUNT_GIB=5 RUNS=2
#   MOUNT_GIB=0 bench/dataset/dataset-bench.sh  # throughput only
#
# Needs: the packaged jars (./mvnw -q -DskipTests package), Debian's ceph-mon ceph-osd radosgw
# s3cmd, bubblewrap. Starts its own one-node Ceph (memstore) and RGW, and two servers in turn: one on
# the S3 artifact store (throughput), one on the local store (mount time); stops them all by pid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
THROUGHPUT_MIB="${THROUGHPUT_MIB:-512}"
FILES="${FILES:-16}"
MOUNT_GIB="${MOUNT_GIB:-5}"
RUNS="${RUNS:-2}"
WORK="$(mktemp -d /tmp/capstan-dataset-bench.XXXXXX)"
PIDS=()
AK=bench-access
SK=bench-secret-key

cleanup() {
  pgrep -f -- "--state-dir $WORK/" | xargs -r kill 2>/dev/null || true
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mibps() { awk -v mib="$1" -v s="$2" 'BEGIN { printf "%.0f", mib / s }'; }
cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; } # user+system seconds of a pid
cpus() { echo "$(cpu "$SERVER") $(cpu "${PIDS[2]}") $(cpu "${PIDS[1]}")"; } # server, radosgw, osd
timed() { /usr/bin/time -f '%U %S' -o "$WORK/time" "$@" >/dev/null; awk '{ printf "%.2f", $1 + $2 }' "$WORK/time"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

start_ceph() {
  local mon rgw fsid c="$WORK/ceph"
  mon=$(free_port); RGW_PORT=$(free_port); fsid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$c"/{mon,osd/osd.0,run,log,rgw}
  cat > "$c/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms bind msgr2 = false
ms mon client mode = crc
ms client mode = crc
ms bind port min = $((20000 + mon % 10000))
ms bind port max = $((20060 + mon % 10000))
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
mon data avail warn = 1
mon data avail crit = 0
run dir = $c/run
admin socket = $c/run/\$name.asok
log file = $c/log/\$name.log
mon data = $c/mon/\$name
osd data = $c/osd/\$name
osd objectstore = memstore
memstore device bytes = $(( (THROUGHPUT_MIB * 3 * (RUNS + 1) + 2048) * 1024 * 1024 ))
[client.rgw]
ms mon client mode = crc
auth client required = none
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $c/rgw
rgw gc obj min wait = 0
rgw gc processor period = 5
CONF
  monmaptool --create --addv a "[v1:127.0.0.1:$mon]" --fsid "$fsid" "$c/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$c/monmap" -c "$c/ceph.conf"
  ceph-mon -i a -c "$c/ceph.conf" -f >"$c/log/mon.out" 2>&1 & PIDS+=($!)
  timeout 60 ceph -c "$c/ceph.conf" osd create >/dev/null
  ceph-osd -i 0 --mkfs -c "$c/ceph.conf" >/dev/null 2>&1
  ceph-osd -i 0 -c "$c/ceph.conf" -f >"$c/log/osd.out" 2>&1 & PIDS+=($!)
  radosgw -c "$c/ceph.conf" -n client.rgw -f >"$c/log/rgw.out" 2>&1 & PIDS+=($!)
  for _ in $(seq 240); do curl -sf "http://127.0.0.1:$RGW_PORT/" >/dev/null && break; sleep 0.5; done
  radosgw-admin -c "$c/ceph.conf" user create --uid=bench --display-name=bench \
    --access-key=$AK --secret-key=$SK >/dev/null
  ENDPOINT="http://127.0.0.1:$RGW_PORT"
  cat > "$WORK/s3cfg" <<CFG
[default]
access_key = $AK
secret_key = $SK
host_base = 127.0.0.1:$RGW_PORT
host_bucket = 127.0.0.1:$RGW_PORT
use_https = False
signature_v2 = False
multipart_chunk_size_mb = 64
CFG
}

start_server() { # $1: name, then extra environment
  local name=$1; shift
  PORT=$(free_port)
  env "$@" java -jar "$ROOT/capstan-server/target/capstan-server.jar" --port "$PORT" \
    --data-dir "$WORK/$name" >"$WORK/$name.log" 2>&1 & SERVER=$!; PIDS+=($SERVER)
  for _ in $(seq 240); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.5; done
  export CAPSTAN_URL="http://127.0.0.1:$PORT" CAPSTAN_TOKEN="$(cat "$WORK/$name/admin.token")"
}

stop_server() {
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  # The serving gateway the server started outlives it by design: stop the one under this WORK.
  pgrep -f -- "--state-dir $WORK/" | xargs -r kill 2>/dev/null || true
}

capstan() { CAPSTAN_NO_BUILD=1 "$ROOT/bin/capstan" "$@"; } # the launcher a user runs

api() { curl -sf -H "Authorization: Bearer $CAPSTAN_TOKEN" "$@"; }

# Seconds from submit until the job's log shows "mounted", for a job that mounts $2 (or nothing).
job_seconds() { # $1: job name, $2: a dataset reference or ""
  local start annotations=""
  [ -n "$2" ] && annotations="annotations: {capstan.io/datasets: \"$2\"}"
  start=$(now)
  api -X POST -H 'Content-Type: application/yaml' "$CAPSTAN_URL/api/v1/projects/default/jobs" \
    --data-binary @- >/dev/null <<JOB
apiVersion: capstan.io/v1
kind: TrainingJob
metadata: {name: $1, $annotations}
spec:
  replicas:
    - role: worker
      count: 1
      command: ["/bin/sh", "-c", "ls /datasets/big >/dev/null 2>&1; echo mounted; sleep 60"]
      resources: {cpu: "0.2", memory: 256Mi}
JOB
  until api "$CAPSTAN_URL/api/v1/projects/default/jobs/$1/logs?replica=worker-0" 2>/dev/null \
    | grep -q mounted; do sleep 0.005; done
  awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'
  api -X DELETE "$CAPSTAN_URL/api/v1/projects/default/jobs/$1" >/dev/null 2>&1 || true
}

echo "Preparing $THROUGHPUT_MIB MiB in $FILES files, starting Ceph ..." >&2
mkdir -p "$WORK/set"
for i in $(seq "$FILES"); do
  head -c $((THROUGHPUT_MIB * 1024 * 1024 / FILES)) /dev/urandom >"$WORK/set/part-$i.bin"
done
mkdir -p "$WORK/raw" && javac -d "$WORK/raw" "$ROOT/bench/dataset/RawPut.java"
start_ceph
start_server s3 CAPSTAN_ARTIFACTS_STORE=s3 CAPSTAN_ARTIFACTS_S3_ENDPOINT="$ENDPOINT" \
  CAPSTAN_ARTIFACTS_S3_BUCKET=capstan CAPSTAN_ARTIFACTS_S3_ACCESS_KEY=$AK \
  CAPSTAN_ARTIFACTS_S3_SECRET_KEY=$SK
s3cmd -c "$WORK/s3cfg" mb s3://baseline >/dev/null

up_base=(); up_cap=(); up_raw=(); up_ratio=(); down_base=(); down_cap=()
for run in $(seq 0 "$RUNS"); do
  c0=($(cpus)); t0=$(now)
  client_base=$(timed s3cmd -c "$WORK/s3cfg" put -q --recursive "$WORK/set/" "s3://baseline/run-$run/")
  t1=$(now); c1=($(cpus))
  client_cap=$(CAPSTAN_NO_BUILD=1 timed "$ROOT/bin/capstan" data create "set$run" --from "$WORK/set")
  t2=$(now); c2=($(cpus))
  # The floor: a plain Java client (JDK only, no Capstan code) PUTting the same files as s3cmd does.
  client_raw=$(timed java -cp "$WORK/raw" RawPut "$ENDPOINT" baseline "raw-$run/" \
    "$WORK/set" $AK $SK signed)
  t5=$(now); c5=($(cpus))
  # CPU seconds of each side's upload: client, server, radosgw, osd; and the load average.
  echo "run $run upload cpu: s3cmd $client_base rgw $(awk -v a="${c0[1]}" -v b="${c1[1]}" 'BEGIN{print b-a}') osd $(awk -v a="${c0[2]}" -v b="${c1[2]}" 'BEGIN{print b-a}') | cli $client_cap server $(awk -v a="${c1[0]}" -v b="${c2[0]}" 'BEGIN{print b-a}') rgw $(awk -v a="${c1[1]}" -v b="${c2[1]}" 'BEGIN{print b-a}') osd $(awk -v a="${c1[2]}" -v b="${c2[2]}" 'BEGIN{print b-a}') | raw $client_raw rgw $(awk -v a="${c2[1]}" -v b="${c5[1]}" 'BEGIN{print b-a}') osd $(awk -v a="${c2[2]}" -v b="${c5[2]}" 'BEGIN{print b-a}') | wall $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') $(awk -v a="$t1" -v b="$t2" 'BEGIN{print b-a}') $(awk -v a="$t2" -v b="$t5" 'BEGIN{print b-a}') | load $(cut -d' ' -f1 /proc/loadavg)" >&2
  rm -rf "$WORK/get"; mkdir -p "$WORK/get"
  t3=$(now); s3cmd -c "$WORK/s3cfg" get -q --recursive "s3://baseline/run-$run/" "$WORK/get/"; t4=$(now)
  rm -rf "$WORK/get"
  empty=$(job_seconds "empty$run" "")
  filled=$(job_seconds "fill$run" "set$run@1:/datasets/big")
  # Free the OSD's memory (memstore) for the next run: both copies go.
  s3cmd -c "$WORK/s3cfg" del -q --recursive --force "s3://baseline/run-$run/" >/dev/null
  s3cmd -c "$WORK/s3cfg" del -q --recursive --force "s3://baseline/raw-$run/" >/dev/null
  for _ in $(seq 100); do # refused while the deleted job still stops
    api -X DELETE "$CAPSTAN_URL/api/v1/projects/default/datasets/set$run" >/dev/null 2>&1 && break
    sleep 0.2
  done
  if [ "$run" -gt 0 ]; then # run 0 warms up
    up_base+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
    up_cap+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')")
    up_raw+=("$(awk -v a="$t2" -v b="$t5" 'BEGIN { print b - a }')")
    up_ratio+=("$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.2f", (b - a) / (c - b) }')")
    down_base+=("$(awk -v a="$t3" -v b="$t4" 'BEGIN { print b - a }')")
    down_cap+=("$(awk -v a="$empty" -v b="$filled" 'BEGIN { print b - a }')")
  fi
done
stop_server

ub=$(median "${up_base[@]}"); uc=$(median "${up_cap[@]}"); ur=$(median "${up_raw[@]}")
db=$(median "${down_base[@]}"); dc=$(median "${down_cap[@]}")
echo
echo "| what ($THROUGHPUT_MIB MiB in $FILES files, median of $RUNS) | seconds | MiB/s |"
echo "|---|---:|---:|"
echo "| baseline upload: s3cmd put --recursive | $ub | $(mibps "$THROUGHPUT_MIB" "$ub") |"
echo "| capstan upload: capstan data create --from DIR (tar stream -> RGW) | $uc | $(mibps "$THROUGHPUT_MIB" "$uc") |"
echo "| ratio capstan / baseline (throughput) | | $(awk -v a="$ub" -v b="$uc" 'BEGIN { printf "%.2f", a / b }') |"
echo "| ratio capstan / baseline per run (median; runs: ${up_ratio[*]}) | | $(median "${up_ratio[@]}") |"
echo "| floor: plain Java PUT loop (bench/dataset/RawPut.java, signed SHA-256, one at a time) | $ur | $(mibps "$THROUGHPUT_MIB" "$ur") |"
echo "| ratio floor / baseline (throughput) | | $(awk -v a="$ub" -v b="$ur" 'BEGIN { printf "%.2f", a / b }') |"
echo "| baseline download: s3cmd get --recursive | $db | $(mibps "$THROUGHPUT_MIB" "$db") |"
echo "| capstan download: first mount fills the node cache (job with - job without) | $dc | $(mibps "$THROUGHPUT_MIB" "$dc") |"
echo "| ratio capstan / baseline (throughput) | | $(awk -v a="$db" -v b="$dc" 'BEGIN { printf "%.2f", a / b }') |"

[ "$MOUNT_GIB" -gt 0 ] || exit 0
echo "Preparing a $MOUNT_GIB GiB dataset on the local store ..." >&2
start_server local
mkdir -p "$WORK/big"
for i in $(seq "$MOUNT_GIB"); do truncate -s 1G "$WORK/big/shard-$i.bin"; done
capstan data create big --from "$WORK/big" >/dev/null
rm -rf "$WORK/big"
before=$(du -sk "$WORK/local" | cut -f1)
without=(); with=()
for run in $(seq 0 "$RUNS"); do
  a=$(job_seconds "plain$run" "")
  b=$(job_seconds "mount$run" "big@1:/datasets/big")
  if [ "$run" -gt 0 ]; then without+=("$a"); with+=("$b"); fi
done
after=$(du -sk "$WORK/local" | cut -f1)
stop_server
w=$(median "${without[@]}"); m=$(median "${with[@]}")
echo
echo "| what ($MOUNT_GIB GiB dataset, local store, median of $RUNS) | seconds |"
echo "|---|---:|"
echo "| baseline: job without a dataset, submit -> first log line | $w |"
echo "| capstan: job mounting big@1, submit -> first log line | $m |"
echo "| mount cost (difference) | $(awk -v a="$w" -v b="$m" 'BEGIN { printf "%.3f", b - a }') |"
echo "| data dir growth while mounting (KiB; 0 = nothing copied) | $((after - before)) |"
