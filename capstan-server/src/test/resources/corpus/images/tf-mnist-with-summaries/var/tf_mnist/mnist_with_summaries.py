# Stand-in for kubeflow/tf-mnist-with-summaries: writes its "summaries" under --log_dir, which the
# spec puts on a persistentVolumeClaim.
import os
import sys

args = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:])
os.makedirs(args["log_dir"], exist_ok=True)
with open(os.path.join(args["log_dir"], "events.out"), "w") as out:
    out.write(f"learning_rate={args['learning_rate']} batch_size={args['batch_size']}\n")
print("summaries written to", args["log_dir"], flush=True)
