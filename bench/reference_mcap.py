"""MCAP write throughput of the reference SDK (PyPI foxglove-sdk), for bench/mcap.bench.ts.

Usage: python reference_mcap.py <path> <zstd|lz4|none> <payload bytes> <messages>
Logs <messages> messages of <payload bytes> on one channel into a new MCAP file with the
reference's default writer options (except compression) and prints one JSON line:
{"seconds": <open_mcap .. close, wall>, "cpuSeconds": <same span, CPU of all threads>,
"bytes": <file size>}.
Payloads are built before timing, as in bench/mcap.bench.ts: each message's first half random,
second half zeros (compresses about 2:1, with nothing repeated between messages).
"""

import json
import os
import sys
import time

import foxglove
from foxglove.mcap import MCAPCompression, MCAPWriteOptions


def payloads(size: int, count: int) -> list[bytes]:
    half = size // 2
    return [os.urandom(half) + bytes(size - half) for _ in range(count)]


def main() -> None:
    path, compression, size, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    kinds = {"zstd": MCAPCompression.Zstd, "lz4": MCAPCompression.Lz4, "none": None}
    messages = payloads(size, count)
    schema = foxglove.Schema(name="bench.Blob", encoding="jsonschema", data=b"{}")
    channel = foxglove.Channel("/bench", message_encoding="raw", schema=schema)
    start = time.perf_counter()
    cpu_start = time.process_time()
    writer = foxglove.open_mcap(
        path, allow_overwrite=True, writer_options=MCAPWriteOptions(compression=kinds[compression])
    )
    for i, data in enumerate(messages):
        channel.log(data, log_time=i)
    writer.close()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "bytes": os.path.getsize(path)}))


main()
