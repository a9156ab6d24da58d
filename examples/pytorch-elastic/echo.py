#!/usr/bin/env python3
"""A stand-in for the Training Operator's elastic echo example (examples/pytorch/elastic/echo).

Started by torchrun under an elastic PyTorchJob: torchrun meets the other nodes through the c10d
rendezvous the operator's PET_RDZV_* variables describe, then starts this script with the rank it
was given. The script prints what the agent set, joins the process group, checks that every rank
took part (an all-reduce of the ranks), and exits 0.

Log lines other tools may rely on:
    elastic rank R/W group G restart N of M
    elastic all-reduce ok: sum of ranks S over W ranks
"""

import os
import sys

import torch
import torch.distributed as dist


def main():
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    print(
        f"elastic rank {rank}/{world} group {os.environ.get('GROUP_RANK')}"
        f" restart {os.environ.get('TORCHELASTIC_RESTART_COUNT')}"
        f" of {os.environ.get('TORCHELASTIC_MAX_RESTARTS')}",
        flush=True,
    )
    dist.init_process_group(backend="gloo")
    total = torch.tensor([rank])
    dist.all_reduce(total)
    expected = world * (world - 1) // 2
    if total.item() != expected:
        print(f"elastic all-reduce wrong: {total.item()} != {expected}", flush=True)
        return 1
    print(f"elastic all-reduce ok: sum of ranks {total.item()} over {world} ranks", flush=True)
    dist.barrier()
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
