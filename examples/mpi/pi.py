"""Computes pi with MPI: each rank integrates 4 / (1 + x^2) over its share of [0, 1], and rank 0
sums the shares with a reduction. Started by mpirun (an MPIJob's launcher); needs mpi4py.

  mpirun -n 4 python3 pi.py [--intervals N] [--fail-rank R]
"""
import argparse
import math
import os
import socket

from mpi4py import MPI


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--intervals", type=int, default=10_000_000)
    parser.add_argument("--fail-rank", type=int, default=-1, help="this rank dies with exit code 3")
    args = parser.parse_args()

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    print(f"rank {rank} of size {size} on {socket.gethostname()}", flush=True)
    if rank == args.fail_rank:
        print(f"rank {rank} dies on purpose", flush=True)
        # As a crashed rank: without MPI_Finalize (which sys.exit would run), so mpirun sees it die
        # and stops the others rather than leave them waiting in the reduction.
        os._exit(3)

    width = 1.0 / args.intervals
    share = 0.0
    for i in range(rank, args.intervals, size):
        x = (i + 0.5) * width
        share += 4.0 / (1.0 + x * x)
    pi = comm.reduce(share * width, op=MPI.SUM, root=0)

    if rank == 0:
        print(f"size {size}: pi is approximately {pi:.12f}, error {abs(pi - math.pi):.2e}",
              flush=True)


if __name__ == "__main__":
    main()
