# Stand-in for horovod's examples/tensorflow2/tensorflow2_mnist.py: every rank mpirun starts
# joins MPI_COMM_WORLD and agrees on its size.
from mpi4py import MPI

comm = MPI.COMM_WORLD
total = comm.allreduce(1)
assert total == comm.Get_size()
print(f"horovod rank {comm.Get_rank()} of {comm.Get_size()}", flush=True)
