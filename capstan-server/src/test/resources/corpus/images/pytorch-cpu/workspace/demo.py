# Stand-in for the training operator's cpu-demo demo.py, run by torchrun with nprocPerNode 2.
import os

import torch
import torch.distributed as dist

dist.init_process_group(backend="gloo")
total = torch.tensor([1.0])
dist.all_reduce(total)
assert total.item() == int(os.environ["WORLD_SIZE"])
print(f"rank {os.environ['RANK']} local {os.environ['LOCAL_RANK']} of {os.environ['WORLD_SIZE']}",
      flush=True)
