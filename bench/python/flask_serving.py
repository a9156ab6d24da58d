#!/usr/bin/env python3
"""The baseline for ServingBench: the tiny MLP of examples/pytorch-ddp/train.py served the way
many teams start, a Flask app around a PyTorch model, speaking the same v2 JSON as capstan's model
server (POST /v2/models/mlp/infer). Debian's python3-flask and python3-torch; run with
/usr/bin/python3.

    flask_serving.py --checkpoint checkpoints/checkpoint.pt [--port 0]

Prints "port=N" once it listens.
"""

import argparse
import sys

import torch
from flask import Flask, jsonify, request
from torch import nn
from werkzeug.serving import WSGIRequestHandler, make_server

FEATURES = 8
HIDDEN = 32


def load(path):
    model = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
    model.load_state_dict(torch.load(path, map_location="cpu")["model"])
    return model.eval()


def create_app(model):
    app = Flask(__name__)

    @app.post("/v2/models/mlp/infer")
    def infer():
        body = request.get_json(force=True)
        tensor = body["inputs"][0]
        x = torch.tensor(tensor["data"], dtype=torch.float32).reshape(tensor["shape"])
        with torch.no_grad():
            y = model(x)
        answer = {
            "model_name": "mlp",
            "model_version": "1",
            "outputs": [
                {
                    "name": "output",
                    "datatype": "FP32",
                    "shape": list(y.shape),
                    "data": y.reshape(-1).tolist(),
                }
            ],
        }
        if "id" in body:
            answer["id"] = body["id"]
        return jsonify(answer)

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    WSGIRequestHandler.protocol_version = "HTTP/1.1"  # keep-alive, as the Java clients use
    server = make_server("127.0.0.1", args.port, create_app(load(args.checkpoint)), threaded=True)
    print(f"port={server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
