# Stand-in for a team's training script: it relies on its working directory, its dataset claim,
# /dev/shm for data loaders, a config map, a secret and the pod's name, as on the cluster.
import os
import sys

assert os.path.exists("train.py"), "started in " + os.getcwd()
with open("/data/samples.txt", "a") as out:
    out.write(f"{os.environ['POD_NAME']}\n")
with open("/dev/shm/loader", "w") as out:
    out.write("x" * 1024)
with open("/etc/train/config.yaml") as config:
    print("config:", config.read().strip(), flush=True)
with open("/etc/hub/token") as token:
    assert token.read() == os.environ["HUB_TOKEN"]
print(f"pod={os.environ['POD_NAME']} index={os.environ['REPLICA_INDEX']}"
      f" lr={os.environ['LR']} args={sys.argv[1:]} cwd={os.getcwd()}", flush=True)
