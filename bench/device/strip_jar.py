#!/usr/bin/env python3
"""Copies a jar without ONNX Runtime's native libraries for other platforms than linux-x64.

    strip_jar.py IN.jar OUT.jar

Works on plain (shaded) jars and on Spring Boot jars, whose nested BOOT-INF/lib/*.jar are rewritten
the same way. Every entry is stored uncompressed, nested jars' entries too: Java runs such a jar as
it is, and a solid xz archive of it is far smaller than of the deflated original (pack.sh), which
matters for what may travel to a device machine. Only for that: the build's own jars keep every
platform.
"""
import io
import sys
import zipfile

KEEP = "ai/onnxruntime/native/linux-x64/"
NATIVE = "ai/onnxruntime/native/"


def wanted(name):
    return not name.startswith(NATIVE) or name.startswith(KEEP) or name == NATIVE


def copy(source, target, nested):
    """Copies the wanted entries; with nested, also rewrites BOOT-INF/lib's jars."""
    for info in source.infolist():
        if not wanted(info.filename):
            continue
        data = source.read(info.filename)
        if nested and info.filename.startswith("BOOT-INF/lib/") and info.filename.endswith(".jar"):
            inner = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
                inner, "w", zipfile.ZIP_STORED
            ) as dst:
                copy(src, dst, False)
            data = inner.getvalue()
        out = zipfile.ZipInfo(info.filename, info.date_time)
        out.external_attr = info.external_attr
        out.compress_type = zipfile.ZIP_STORED
        target.writestr(out, data)


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: strip_jar.py IN.jar OUT.jar")
    with zipfile.ZipFile(argv[1]) as source, zipfile.ZipFile(argv[2], "w") as target:
        copy(source, target, True)


if __name__ == "__main__":
    main(sys.argv)
