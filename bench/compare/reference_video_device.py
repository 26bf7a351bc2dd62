"""Video benchmark device for the reference gateway (foxglove-sdk on PyPI).

Started by bench/compare/videoWorkload.ts in the reference venv; twin of
bench/compare/videoDevice.ts (whose scene is bench/videoFrames.ts).
Starts the reference gateway (FOXGLOVE_API_URL, FOXGLOVE_DEVICE_TOKEN) with one foxglove.RawImage
channel /camera and, from the wall-clock time --start-ms on, logs --fps frames per second for
--seconds: rgb8 frames of a horizontally scrolling gradient whose top 48 rows carry the frame
index as a 16-block barcode (white = 1). Frame i is logged at start + i / fps. Prints one JSON
line {"event": "result", "sent", "seconds", "cpuSeconds", "peakRssBytes"} at the end and exits.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import foxglove
from foxglove.channels import RawImageChannel
from foxglove.messages import RawImage, Timestamp

BITS = 16
BAR_ROWS = 48


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--start-ms", type=float, required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--fps", type=float, default=30)
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    a = p.parse_args()
    w, h = a.width, a.height
    foxglove.set_log_level("WARNING")
    context = foxglove.Context()
    channel = RawImageChannel("/camera", context=context)
    gateway = foxglove.start_gateway(name="video-reference", context=context)
    # A gradient row twice as wide as the frame: frame i shows a window shifted by 4 i pixels.
    wide = bytearray()
    for x in range(2 * w):
        wide += bytes(((x * 1) & 255, (x * 2) & 255, (255 - x) & 255))
    block = w // BITS
    white = b"\xff" * (block * 3)
    black = b"\x00" * (block * 3)
    total = int(a.seconds * a.fps)
    start = a.start_ms / 1000
    while time.time() < start:
        time.sleep(0.005)
    cpu0 = time.process_time()
    t0 = time.monotonic()
    sent = 0
    for i in range(1, total + 1):
        due = start + i / a.fps
        now = time.time()
        if due > now:
            time.sleep(due - now)
        bar = b"".join(white if (i >> b) & 1 else black for b in range(BITS))
        bar += b"\x00" * (w * 3 - len(bar))
        off = ((4 * i) % w) * 3
        row = bytes(wide[off : off + w * 3])
        data = bar * BAR_ROWS + row * (h - BAR_ROWS)
        ns = time.time_ns()
        channel.log(
            RawImage(
                timestamp=Timestamp(ns // 1_000_000_000, ns % 1_000_000_000),
                frame_id="cam",
                width=w,
                height=h,
                encoding="rgb8",
                step=w * 3,
                data=data,
            )
        )
        sent += 1
    cpu = time.process_time() - cpu0
    seconds = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    time.sleep(1.0)
    gateway.stop()
    result = {
        "event": "result",
        "sent": sent,
        "seconds": seconds,
        "cpuSeconds": cpu,
        "peakRssBytes": peak,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
