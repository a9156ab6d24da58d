# Stand-in for a TFJob's task script: reads TF_CONFIG as tf.distribute does and checks that the
# cluster names every role of the spec.
import json
import os
import time

config = json.loads(os.environ["TF_CONFIG"])
task = config["task"]
print(f"{task['type']}:{task['index']} cluster roles={sorted(config['cluster'])}", flush=True)
if task["type"] == "ps":
    time.sleep(600)  # a parameter server serves until the job ends
