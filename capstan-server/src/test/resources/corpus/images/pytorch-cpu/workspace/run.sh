#!/bin/sh
# Stand-in for a TrainJob's run.sh started by torchrun --no-python: a shell script, not python,
# that finds torchrun's variables and starts the training with the image's python.
echo "run.sh rank ${RANK} of ${WORLD_SIZE} (local ${LOCAL_RANK})"
exec python /workspace/demo.py
