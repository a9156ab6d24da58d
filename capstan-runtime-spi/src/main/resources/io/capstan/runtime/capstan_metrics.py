"""Report training metrics and progress to Capstan (standard library only).

    from capstan_metrics import report, progress
    report(step=3, loss=0.2, accuracy=0.9)
    progress(percent=40, eta_seconds=120)

Where Capstan names a metrics file (CAPSTAN_METRICS_FILE, set on the local runtime), each call
appends one JSON line to it; elsewhere (Kubernetes) it prints the values in Katib's format
(name=value) to stdout, which Capstan reads from the replica's output.
"""

import json
import math
import os
import sys
import threading
import time

__all__ = ["report", "progress"]

_STEP_NAMES = ("step", "epoch", "iteration")
_lock = threading.Lock()


def report(metrics=None, step=None, timestamp=None, **values):
    """Report numeric metrics, e.g. report(step=3, loss=0.2) or report({"loss": 0.2}, step=3)."""
    merged = dict(metrics or {})
    merged.update(values)
    for name in _STEP_NAMES:
        if step is None and name in merged:
            step = merged.pop(name)
    line = {}
    for name, value in merged.items():
        value = _number(name, value)
        if value is not None:
            line[str(name)] = value
    if not line:
        return
    if step is not None:
        line = dict(step=int(step), **line)
    _emit(line, timestamp)


def progress(percent, eta_seconds=None, timestamp=None):
    """Report how far the training is (0 to 100) and, if known, the seconds it still needs."""
    state = {"percent": max(0.0, min(100.0, float(percent)))}
    if eta_seconds is not None:
        state["eta_seconds"] = max(0.0, float(eta_seconds))
    _emit({"progress": state}, timestamp, katib={
        "capstan_progress_percent": state["percent"],
        "capstan_eta_seconds": state.get("eta_seconds"),
    })


def _number(name, value):
    if hasattr(value, "item"):  # a one-element tensor or NumPy scalar
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("Expected metric %r to be a number, but was %r" % (name, value))
    if not math.isfinite(value):
        return None
    return value


def _emit(line, timestamp, katib=None):
    path = os.environ.get("CAPSTAN_METRICS_FILE")
    if path:
        line["timestamp"] = time.time() if timestamp is None else float(timestamp)
        text = json.dumps(line, separators=(",", ":")) + "\n"
        with _lock:
            # One write of a whole line in append mode: lines of several processes do not mix.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, text.encode("utf-8"))
            finally:
                os.close(fd)
        return
    pairs = katib if katib is not None else line
    text = " ".join("%s=%r" % (k, v) for k, v in pairs.items() if v is not None)
    with _lock:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
