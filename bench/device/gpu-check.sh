#!/usr/bin/env bash
# The platform on a machine with an NVIDIA GPU, end to end, from jars built elsewhere:
#   1. `capstan demo` (2-rank CPU DDP job, model registered and served, checked against PyTorch);
#   2. `capstan top`: the GPUs the local runtime found with nvidia-smi;
#   3. two 1-GPU PyTorchJobs (examples/pytorch-ddp/gpu-pytorchjob.yaml) on one GPU: the first runs
#      on the GPU it was assigned (CUDA_VISIBLE_DEVICES, NCCL, nvidia-smi shows the process), the
#      second waits with a pending reason, then runs when the first ends;
#   4. the GPU-trained model registered and served, its answers checked against PyTorch's.
# Here: bash bench/device/pack.sh .device-carry (ignored by git; name it in the run's carry). There,
# from the repository root:  bash bench/device/gpu-check.sh .device-carry "$OUT"
# CARRY holds carry.txz made by bench/device/pack.sh (a JRE and the jars); OUT gets the logs.
set -uo pipefail
CARRY="${1:?carry dir}"
OUT="${2:?output dir}"
ROOT="$(pwd)"
mkdir -p "$OUT" /tmp/capstan-carry
xz -dc "$CARRY/carry.txz" | tar xf - -C /tmp/capstan-carry || exit 1
for module in capstan-server capstan-cli; do mkdir -p "$module/target"; done
mkdir -p capstan-serving/target
cp /tmp/capstan-carry/capstan-server.jar capstan-server/target/
cp /tmp/capstan-carry/capstan-cli.jar capstan-cli/target/
cp /tmp/capstan-carry/capstan-model-server.jar capstan-serving/target/
touch capstan-server/target/*.jar capstan-cli/target/*.jar capstan-serving/target/*.jar
export JAVA=/tmp/capstan-carry/jre/bin/java PATH="/tmp/capstan-carry/jre/bin:$PATH"
export CAPSTAN_DATA_DIR=/tmp/capstan-gpu-data
capstan() { "$ROOT/bin/capstan" "$@"; }
step() { printf '\n===== %s\n' "$*"; }

step "capstan demo"
capstan demo 2>&1
echo "demo exit status: $?"
CAPSTAN_TOKEN="$(cat "$CAPSTAN_DATA_DIR/admin.token")"
export CAPSTAN_TOKEN

step "capstan top"
capstan top 2>&1

step "two 1-GPU PyTorchJobs on one GPU"
for name in gpu-a gpu-b; do
  sed -e "s/^  name: pytorch-gpu\$/  name: $name/" -e 's/"--device", "cuda"/"--device", "cuda", "--sleep-per-epoch", "4"/' \
    examples/pytorch-ddp/gpu-pytorchjob.yaml >"/tmp/$name.yaml"
  capstan submit -f "/tmp/$name.yaml" 2>&1
done
sleep 12
step "capstan list / get gpu-b (should be waiting for the GPU)"
capstan list 2>&1
capstan get gpu-b 2>&1
step "nvidia-smi while gpu-a trains"
nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv 2>&1
capstan top 2>&1
capstan wait gpu-a 2>&1; echo "gpu-a: $?"
capstan wait gpu-b 2>&1; echo "gpu-b: $?"
for name in gpu-a gpu-b; do
  step "capstan logs $name --replica master-0"
  capstan logs "$name" --replica master-0 2>&1 | tail -n 12
  capstan get "$name" 2>&1
done

step "the GPU-trained model, registered and served"
capstan model register gpu-mlp --from-job gpu-a --path model.onnx 2>&1
capstan serve create gpu --model gpu-mlp@latest --cpu 1 --memory 1Gi 2>&1
for _ in $(seq 1 120); do
  capstan serve get gpu -o json 2>/dev/null | grep -Eq '"phase" *: *"Ready"' && break
  sleep 1
done
capstan serve get gpu 2>&1
out="$(ls -td "$CAPSTAN_DATA_DIR"/jobs/*/output | while read -r d; do
  [ -f "$d/reference.json" ] && grep -q . "$d/reference.json" && echo "$d"; done | head -n 1)"
uid_a="$(capstan get gpu-a -o json | sed -n 's/.*"uid" *: *"\([^"]*\)".*/\1/p' | head -n 1)"
[ -n "$uid_a" ] && out="$CAPSTAN_DATA_DIR/jobs/$uid_a/output"
python3 - "$out/reference.json" "$CAPSTAN_TOKEN" <<'PY'
import json, sys, urllib.request
reference = json.load(open(sys.argv[1]))
body = {"inputs": [{"name": "input", "shape": reference["shape"], "datatype": "FP32",
                    "data": [v for row in reference["input"] for v in row]}]}
request = urllib.request.Request(
    "http://localhost:7070/serving/default/gpu/v2/models/gpu-mlp/infer",
    data=json.dumps(body).encode(), method="POST",
    headers={"Authorization": "Bearer " + sys.argv[2], "Content-Type": "application/json"})
answer = json.load(urllib.request.urlopen(request, timeout=30))
served = answer["outputs"][0]["data"]
computed = [v for row in reference["output"] for v in row]
print("served :", " ".join(f"{v:.6f}" for v in served))
print("pytorch:", " ".join(f"{v:.6f}" for v in computed))
print(f"largest difference: {max(abs(a - b) for a, b in zip(served, computed)):.2e}")
PY
cp "$CAPSTAN_DATA_DIR/server.log" "$OUT/server.log" 2>/dev/null
kill "$(cat "$CAPSTAN_DATA_DIR/server.pid")" 2>/dev/null
true
