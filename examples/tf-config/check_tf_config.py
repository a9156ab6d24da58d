#!/usr/bin/env python3
"""Checks the TF_CONFIG a TFJob replica gets, and proves the cluster it describes is real.

TensorFlow itself is not needed: this is plain Python. Every replica parses TF_CONFIG and checks it
is consistent (its task is in the cluster, every address is host:port, no address is used twice).
Then:
  - a parameter server ("ps") listens on its own address and answers a one-line protocol: a client
    sends "hello <type> <index>", the PS answers "ok ps <index> <count>". Like a real TensorFlow
    parameter server it runs until it is stopped (the platform stops it when the job succeeded);
  - every other replica (chief, worker, evaluator) connects to every PS, retrying until a deadline
    (60 s by default), and exits 0.

Log lines other tools may rely on:
    TF_CONFIG ok: worker 0 of 2, 1 ps
    ps 0 listening on 0.0.0.0:PORT
    ps 0 served worker 1 (2 so far)
    worker 0 reached ps 0 at HOST:PORT
Exit status 1, with a message starting "TF_CONFIG is invalid:", when TF_CONFIG is inconsistent;
exit status 3 when a PS cannot be reached or cannot listen (3 is not among the exit codes Kubeflow's
ExitCode restart policy treats as permanent, so such a failure is retried).
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time

KNOWN_TYPES = ("chief", "master", "worker", "ps", "evaluator")


class InvalidConfig(Exception):
    """TF_CONFIG is missing or inconsistent."""


def log(message):
    print(message, flush=True)


def parse_address(role, index, address):
    if not isinstance(address, str) or ":" not in address:
        raise InvalidConfig(f"expected cluster.{role}[{index}] to be host:port, but was {address!r}")
    host, _, port_text = address.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host:
        raise InvalidConfig(f"expected cluster.{role}[{index}] to have a host, but was {address!r}")
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise InvalidConfig(
            f"expected the port of cluster.{role}[{index}] to be in 1..65535, but was {address!r}"
        )
    return host, port


def parse_tf_config(text):
    """Returns (cluster {role: [(host, port), ...]}, task type, task index)."""
    if not text:
        raise InvalidConfig("the environment variable is not set or empty")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidConfig(f"TF_CONFIG is not valid JSON: {e}") from e
    if not isinstance(config, dict):
        raise InvalidConfig(f"expected TF_CONFIG to be a JSON object, but was {type(config).__name__}")

    raw_cluster = config.get("cluster")
    if not isinstance(raw_cluster, dict) or not raw_cluster:
        raise InvalidConfig(f"expected TF_CONFIG.cluster to be a non-empty object, but was {raw_cluster!r}")
    cluster = {}
    seen = {}
    for role, addresses in raw_cluster.items():
        if role not in KNOWN_TYPES:
            raise InvalidConfig(f"expected cluster roles among {', '.join(KNOWN_TYPES)}, but found {role!r}")
        if not isinstance(addresses, list) or not addresses:
            raise InvalidConfig(f"expected cluster.{role} to be a non-empty list, but was {addresses!r}")
        cluster[role] = []
        for index, address in enumerate(addresses):
            host, port = parse_address(role, index, address)
            key = (host, port)
            if key in seen:
                raise InvalidConfig(f"address {address} is used by both {seen[key]} and {role} {index}")
            seen[key] = f"{role} {index}"
            cluster[role].append(key)
    chiefs = len(cluster.get("chief", [])) + len(cluster.get("master", []))
    if chiefs > 1:
        raise InvalidConfig(f"expected at most one chief, but the cluster has {chiefs}")

    task = config.get("task")
    if not isinstance(task, dict):
        raise InvalidConfig(f"expected TF_CONFIG.task to be an object, but was {task!r}")
    task_type, task_index = task.get("type"), task.get("index")
    if task_type not in KNOWN_TYPES:
        raise InvalidConfig(f"expected task.type among {', '.join(KNOWN_TYPES)}, but was {task_type!r}")
    if not isinstance(task_index, int) or isinstance(task_index, bool) or task_index < 0:
        raise InvalidConfig(f"expected task.index to be an integer >= 0, but was {task_index!r}")
    # The Training Operator lists every replica type in the cluster, evaluators too.
    if task_index >= len(cluster.get(task_type, [])):
        raise InvalidConfig(
            f"task {task_type} {task_index} is not in the cluster "
            f"(cluster.{task_type} has {len(cluster.get(task_type, []))} addresses)"
        )
    return cluster, task_type, task_index


class PsHandler(socketserver.StreamRequestHandler):
    """One connection: read "hello <type> <index>", answer "ok ps <index> <count>"."""

    def handle(self):
        line = self.rfile.readline(256).decode("utf-8", "replace").strip()
        parts = line.split()
        if len(parts) != 3 or parts[0] != "hello":
            self.wfile.write(b"error expected 'hello <type> <index>'\n")
            log(f"ps {self.server.index} refused {line!r} from {self.client_address[0]}")
            return
        with self.server.lock:
            self.server.served += 1
            count = self.server.served
        self.wfile.write(f"ok ps {self.server.index} {count}\n".encode())
        log(f"ps {self.server.index} served {parts[1]} {parts[2]} ({count} so far)")


class PsServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, index, port):
        self.index = index
        self.served = 0
        self.lock = threading.Lock()
        super().__init__(("0.0.0.0", port), PsHandler)


def run_ps(index, port):
    try:
        server = PsServer(index, port)
    except OSError as e:
        print(f"ps {index} cannot listen on port {port}: {e}", file=sys.stderr, flush=True)
        return 3

    def stop(signum, _frame):
        log(f"ps {index} stopping on signal {signum} after serving {server.served} connections")
        # shutdown() waits for serve_forever, which runs in this thread: exit directly instead.
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(f"ps {index} listening on 0.0.0.0:{port}")
    server.serve_forever()
    return 0


def reach(task_type, task_index, ps_index, host, port, deadline):
    """Says hello to one PS, retrying until the deadline; returns None or the last error."""
    last_error = None
    while True:
        try:
            with socket.create_connection((host, port), timeout=5) as sock:
                sock.sendall(f"hello {task_type} {task_index}\n".encode())
                reply = sock.makefile("r").readline().strip()
            if reply.startswith(f"ok ps {ps_index} "):
                return None
            last_error = f"unexpected answer {reply!r}"
        except OSError as e:
            last_error = str(e)
        if time.monotonic() >= deadline:
            return last_error
        time.sleep(0.2)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check TF_CONFIG and reach the parameter servers")
    parser.add_argument(
        "--deadline", type=float, default=60.0, help="seconds to keep trying to reach each PS (default 60)"
    )
    args = parser.parse_args(argv)

    try:
        cluster, task_type, task_index = parse_tf_config(os.environ.get("TF_CONFIG", ""))
    except InvalidConfig as e:
        print(f"TF_CONFIG is invalid: {e}", file=sys.stderr, flush=True)
        return 1

    ps = cluster.get("ps", [])
    ok = f"TF_CONFIG ok: {task_type} {task_index} of {len(cluster.get(task_type, [])) or 1}, {len(ps)} ps"
    if task_type == "ps":
        log(ok)
        return run_ps(task_index, cluster["ps"][task_index][1])

    deadline = time.monotonic() + args.deadline
    for ps_index, (host, port) in enumerate(ps):
        error = reach(task_type, task_index, ps_index, host, port, deadline)
        if error is not None:
            print(
                f"{task_type} {task_index} could not reach ps {ps_index} at {host}:{port} "
                f"within {args.deadline:g} s: {error}",
                file=sys.stderr,
                flush=True,
            )
            return 3
        log(f"{task_type} {task_index} reached ps {ps_index} at {host}:{port}")
    log(ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
