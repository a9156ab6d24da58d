"""Exports the serving benchmark's larger model: a ranking tower of production size.

A multilayer perceptron over 256 features with three hidden layers of 2048 units (8.9 million
parameters, 36 MB of float32 weights, more than this machine's 32 MiB L3 cache), the shape of the
towers that score candidates in recommendation and ranking services. Its weights are random
(seeded): the benchmark measures time, which does not depend on the values.

Usage: /usr/bin/python3 export_ranker.py OUT.onnx
"""
import sys

import torch
from torch import nn

FEATURES = 256
HIDDEN = 2048


def main() -> None:
    out = sys.argv[1]
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(FEATURES, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, 1),
    ).eval()
    torch.onnx.export(
        model,
        torch.zeros(1, FEATURES),
        out,
        input_names=["features"],
        output_names=["score"],
        dynamic_axes={"features": {0: "batch"}, "score": {0: "batch"}},
        opset_version=13,
    )
    print(f"wrote {out}: {sum(p.numel() for p in model.parameters())} parameters")


if __name__ == "__main__":
    main()
