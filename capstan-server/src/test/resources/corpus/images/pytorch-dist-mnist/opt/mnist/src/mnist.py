# Stand-in for kubeflow/pytorch-dist-mnist's /opt/mnist/src/mnist.py (the image's ENTRYPOINT):
# joins the job's process group from the injected environment, as the real script does.
import os
import sys

import torch
import torch.distributed as dist

backend = sys.argv[sys.argv.index("--backend") + 1] if "--backend" in sys.argv else "gloo"
dist.init_process_group(backend=backend)
total = torch.tensor([1.0])
dist.all_reduce(total)
print(f"rank {dist.get_rank()} of {dist.get_world_size()}: all_reduce={total.item():.0f}"
      f" cwd={os.getcwd()}", flush=True)
assert total.item() == dist.get_world_size()
