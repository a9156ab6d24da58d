#!/usr/bin/env python3
"""Distributed data-parallel training of a tiny MLP, the way Capstan (or Kubeflow) runs it.

Each rank is started by the platform with the PyTorch rendezvous variables (MASTER_ADDR,
MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK) and Capstan's directories (CAPSTAN_CHECKPOINT_DIR,
CAPSTAN_OUTPUT_DIR). Without them it runs as one process with ./checkpoints and ./output, so

    python3 train.py --epochs 3

works by hand. Rank 0 saves a checkpoint after every epoch; a restarted job resumes from it.
At the end rank 0 exports the model to ONNX (with a dynamic batch dimension) and writes
metrics.json and reference.json: a fixed batch of input rows and the outputs PyTorch computed for
them in eval mode, so a served model can be checked against the numbers the job computed.

Log lines other tools may rely on:
    resumed from checkpoint at epoch N
    rank R/W epoch E loss L
    exported ONNX model to PATH
Exit status: 0 on success, 3 when another rank died or never came (retryable), 1 for other errors,
2 for bad arguments.
"""

import argparse
import json
import os
import socket
import sys
import time
import traceback
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

ROWS = 1000
FEATURES = 8
HIDDEN = 32
BATCH_SIZE = 32
DATA_SEED = 1234
MODEL_SEED = 0
REFERENCE_SEED = 4321
REFERENCE_ROWS = 4
CHECKPOINT_FILE = "checkpoint.pt"
# Kubeflow's ExitCode restart policy treats 1, 2, 126, 127, 128 and 139 as permanent; a rank that
# lost its peers exits 3 so that policy restarts the job instead of failing it.
EXIT_LOST_PEERS = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(description="DDP training of a tiny MLP on synthetic data")
    parser.add_argument("--epochs", type=int, default=5, help="total number of epochs (default 5)")
    parser.add_argument(
        "--sleep-per-epoch",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="sleep this long after every epoch, to leave time to kill a replica (default 0)",
    )
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="rendezvous/collective timeout in seconds"
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where to train: auto (default) uses the GPU the platform assigned"
        " (CUDA_VISIBLE_DEVICES) when there is one, else the CPU",
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"expected --epochs to be at least 1, but was {args.epochs}")
    if args.sleep_per_epoch < 0:
        parser.error(f"expected --sleep-per-epoch to be >= 0, but was {args.sleep_per_epoch}")
    return args


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"expected environment variable {name} to be an integer, but was {value!r}")


def setup_environment():
    """Fills in single-process defaults for whatever rendezvous variables are missing."""
    world_size = env_int("WORLD_SIZE", 1)
    rank = env_int("RANK", 0)
    if not 0 <= rank < world_size:
        raise SystemExit(f"expected RANK to be in [0, {world_size}), but was {rank}")
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    if not os.environ.get("MASTER_PORT"):
        if world_size > 1:
            raise SystemExit("MASTER_PORT is not set, but WORLD_SIZE is " + str(world_size))
        os.environ["MASTER_PORT"] = str(free_port())
    os.environ["WORLD_SIZE"] = str(world_size)
    os.environ["RANK"] = str(rank)
    os.environ.setdefault("LOCAL_RANK", "0")
    checkpoint_dir = os.environ.get("CAPSTAN_CHECKPOINT_DIR") or os.path.abspath("checkpoints")
    output_dir = os.environ.get("CAPSTAN_OUTPUT_DIR") or os.path.abspath("output")
    return rank, world_size, checkpoint_dir, output_dir


def pick_device(choice):
    """The rank's device: its assigned GPU (LOCAL_RANK among the visible ones) or the CPU."""
    if choice == "cpu" or (choice == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        print("--device cuda was given, but no GPU is visible (CUDA_VISIBLE_DEVICES="
              + repr(os.environ.get("CUDA_VISIBLE_DEVICES")) + ")", file=sys.stderr, flush=True)
        raise SystemExit(2)
    device = torch.device("cuda", env_int("LOCAL_RANK", 0) % torch.cuda.device_count())
    torch.cuda.set_device(device)
    return device


def describe(device):
    if device.type == "cuda":
        return (f"{device} ({torch.cuda.get_device_name(device)}, "
                f"CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES')})")
    return "cpu"


def synthetic_data():
    """The same 1000-row regression problem on every rank: y = sin(x . w1) + 0.5 * (x . w2) + noise."""
    g = torch.Generator().manual_seed(DATA_SEED)
    x = torch.randn(ROWS, FEATURES, generator=g)
    w1 = torch.randn(FEATURES, 1, generator=g)
    w2 = torch.randn(FEATURES, 1, generator=g)
    y = torch.sin(x @ w1) + 0.5 * (x @ w2) + 0.05 * torch.randn(ROWS, 1, generator=g)
    return x, y


def build_model():
    torch.manual_seed(MODEL_SEED)
    return nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))


def shard_indices(epoch, rank, world_size):
    """Like DistributedSampler: shuffle per epoch, pad to a multiple of world size, take every Nth.

    Every rank gets the same number of rows, so every rank runs the same number of steps and
    DDP's collectives never wait for a rank that has run out of data.
    """
    g = torch.Generator().manual_seed(DATA_SEED + epoch)
    order = torch.randperm(ROWS, generator=g)
    per_rank = (ROWS + world_size - 1) // world_size
    padding = per_rank * world_size - ROWS
    if padding:
        order = torch.cat([order, order[:padding]])
    return order[rank::world_size]


def load_checkpoint(path, model, optimizer):
    """Returns (last completed epoch, its loss), or (0, None) when there is no checkpoint."""
    if not os.path.exists(path):
        return 0, None
    try:
        state = torch.load(path, map_location="cpu")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        return int(state["epoch"]), state.get("loss")
    except Exception as e:
        raise RuntimeError(f"could not load checkpoint {path}: {e}") from e


def save_checkpoint(path, epoch, loss, model, optimizer):
    """Writes to a temporary file and renames it, so a reader never sees half a checkpoint."""
    tmp = f"{path}.tmp.{os.getpid()}"
    torch.save(
        {
            "epoch": epoch,
            "loss": loss,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
        },
        tmp,
    )
    os.replace(tmp, path)


def export_onnx(model, output_dir):
    import onnx

    path = os.path.join(output_dir, "model.onnx")
    tmp = os.path.join(output_dir, f".model.onnx.tmp.{os.getpid()}")
    model.eval()
    example = torch.zeros(1, FEATURES)
    with torch.no_grad():
        torch.onnx.export(
            model,
            example,
            tmp,
            opset_version=17,
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        )
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)
    return path


def write_reference(model, output_dir):
    """Writes reference.json: fixed input rows and the model's outputs for them, in eval mode."""
    model.eval()
    g = torch.Generator().manual_seed(REFERENCE_SEED)
    rows = torch.randn(REFERENCE_ROWS, FEATURES, generator=g)
    with torch.no_grad():
        outputs = model(rows)
    reference = {
        "input_name": "input",
        "output_name": "output",
        "shape": [REFERENCE_ROWS, FEATURES],
        "input": rows.tolist(),
        "output_shape": list(outputs.shape),
        "output": outputs.tolist(),
    }
    path = os.path.join(output_dir, "reference.json")
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(reference, f)
        f.write("\n")
    os.replace(tmp, path)
    return path


def write_metrics(output_dir, final_loss, epochs):
    path = os.path.join(output_dir, "metrics.json")
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump({"final_loss": final_loss, "epochs": epochs}, f)
        f.write("\n")
    os.replace(tmp, path)
    return path


def train(args):
    """Trains, checkpoints and exports; returns the DDP model, which the caller keeps until exit."""
    rank, world_size, checkpoint_dir, output_dir = setup_environment()
    torch.set_num_threads(1)  # ranks share the machine's cores; one thread each avoids thrashing
    print(
        f"rank {rank}/{world_size} starting: master {os.environ['MASTER_ADDR']}:"
        f"{os.environ['MASTER_PORT']}, checkpoints in {checkpoint_dir}, output in {output_dir}",
        flush=True,
    )
    device = pick_device(args.device)
    print(f"rank {rank}/{world_size} trains on {describe(device)}", flush=True)
    dist.init_process_group(
        backend="nccl" if device.type == "cuda" else "gloo",
        init_method="env://",
        world_size=world_size,
        rank=rank,
        timeout=timedelta(seconds=args.timeout),
    )
    try:
        os.makedirs(checkpoint_dir, exist_ok=True)
        os.makedirs(output_dir, exist_ok=True)
        checkpoint_path = os.path.join(checkpoint_dir, CHECKPOINT_FILE)

        model = build_model().to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
        start_epoch, last_loss = load_checkpoint(checkpoint_path, model, optimizer)
        check_same_start(start_epoch, rank, device)
        if start_epoch > 0:
            print(f"resumed from checkpoint at epoch {start_epoch}", flush=True)

        ddp = DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )
        x, y = (t.to(device) for t in synthetic_data())
        loss_fn = nn.MSELoss()
        final_loss = last_loss
        for epoch in range(start_epoch + 1, args.epochs + 1):
            final_loss = run_epoch(ddp, optimizer, loss_fn, x, y, epoch, rank, world_size, device)
            # The part in brackets is Katib's metrics format: capstan metrics JOB reads it.
            print(f"rank {rank}/{world_size} epoch {epoch} loss {final_loss:.4f}"
                  f" (epoch={epoch} loss={final_loss:.6f})", flush=True)
            if rank == 0:
                save_checkpoint(checkpoint_path, epoch, final_loss, model, optimizer)
            if args.sleep_per_epoch:
                time.sleep(args.sleep_per_epoch)

        if rank == 0:
            # Exported and checked on the CPU, where the served model will run (ONNX Runtime's
            # CPU provider): the reference outputs are then the ones a server should reproduce.
            model.cpu()
            path = export_onnx(model, output_dir)
            write_reference(model, output_dir)
            write_metrics(output_dir, final_loss, args.epochs)
            print(f"exported ONNX model to {path}", flush=True)
        # Every rank leaves together, after the model exists: "worker 0 succeeded" then means done.
        dist.barrier()
        return ddp
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def check_same_start(start_epoch, rank, device):
    """Every rank read the checkpoint itself; make sure they all read the same one."""
    mine = torch.tensor([start_epoch], dtype=torch.long, device=device)
    rank0 = mine.clone()
    dist.broadcast(rank0, src=0)
    if int(rank0.item()) != start_epoch:
        raise RuntimeError(
            f"rank {rank} read a checkpoint at epoch {start_epoch}, but rank 0 read epoch "
            f"{int(rank0.item())}; was the checkpoint directory changed during startup?"
        )


def run_epoch(ddp, optimizer, loss_fn, x, y, epoch, rank, world_size, device):
    ddp.train()
    indices = shard_indices(epoch, rank, world_size).to(device)
    # Sum of squared errors and number of rows.
    total = torch.zeros(2, dtype=torch.float64, device=device)
    for start in range(0, len(indices), BATCH_SIZE):
        batch = indices[start : start + BATCH_SIZE]
        optimizer.zero_grad()
        loss = loss_fn(ddp(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
        total[0] += loss.item() * len(batch)
        total[1] += len(batch)
    dist.all_reduce(total)  # the epoch's loss over all ranks, so every rank prints the same number
    return float(total[0] / total[1])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        keep_alive = train(args)  # noqa: F841 - see exit_now
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - report anything, including KeyboardInterrupt
        rank = os.environ.get("RANK", "?")
        print(f"rank {rank}: training failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        traceback.print_exc()
        if lost_peers(e):
            print(f"rank {rank}: lost contact with the other ranks; exit {EXIT_LOST_PEERS} (retryable)",
                  file=sys.stderr, flush=True)
            exit_now(EXIT_LOST_PEERS)
        exit_now(1)
    exit_now(0)


def lost_peers(error):
    """True for errors that mean another rank died or never came, not that this one is broken."""
    if isinstance(error, (TimeoutError, ConnectionError)):  # e.g. the rendezvous store never answered
        return True
    if not isinstance(error, RuntimeError):
        return False
    message = str(error).lower()
    return any(
        marker in message
        for marker in ("gloo/transport", "connection closed by peer", "connection reset by peer",
                       "connection refused", "timed out", "timeout")
    )


def exit_now(code):
    """Exits without running destructors.

    With torch 1.13's gloo, freeing the DDP reducer and the process group after a peer has already
    exited can spin forever at 100% CPU (seen in about 1 run in 10 on 2 ranks: rank 0 exits, rank 1
    never does). Everything worth keeping is written and flushed by now, so skip the teardown.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
