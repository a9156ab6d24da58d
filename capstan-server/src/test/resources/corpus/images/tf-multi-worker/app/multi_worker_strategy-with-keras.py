# Stand-in for kubeflow/tf-multi-worker-strategy's script (the image's ENTRYPOINT with its
# default arguments): reads TF_CONFIG as MultiWorkerMirroredStrategy does and writes to the
# claimed volume.
import json
import os
import sys

config = json.loads(os.environ["TF_CONFIG"])
task = config["task"]
assert len(config["cluster"]["worker"]) == 2, config
checkpoints = sys.argv[sys.argv.index("--checkpoint_dir") + 1]
os.makedirs(checkpoints, exist_ok=True)
with open(os.path.join(checkpoints, f"worker-{task['index']}"), "w") as out:
    out.write("trained\n")
print(f"task {task['type']}:{task['index']} wrote {checkpoints}", flush=True)
