# Stand-in for ghcr.io/kubeflow/katib/pytorch-mnist-cpu's /opt/pytorch-mnist/mnist.py: reads the
# flags Katib's trial templates pass and prints, per epoch, the metrics in Katib's StdOut format
# ("loss=..." and "accuracy=..."), also into --log-path when it is given, as the real script does.
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--batch-size", type=int, default=64)
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--momentum", type=float, default=0.5)
parser.add_argument("--log-path", default="")
args = parser.parse_args()

torch.manual_seed(1)
weight = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.SGD([weight], lr=args.lr, momentum=args.momentum)
lines = []
for epoch in range(1, args.epochs + 1):
    loss = (weight - 1.0).pow(2).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    accuracy = 1.0 - min(1.0, float(loss))
    lines.append(f"epoch={epoch} loss={float(loss):.4f} accuracy={accuracy:.4f}")
    print(lines[-1], flush=True)
if args.log_path:
    with open(args.log_path, "w") as log:
        log.write("\n".join(lines) + "\n")
