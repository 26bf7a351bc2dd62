"""Benchmark device program for the reference gateway (foxglove-sdk on PyPI, Python over Rust).

Started by bench/compare/run.ts inside the private venv that bench/compare/referenceVenv.ts
creates. It starts the reference remote access gateway against the API server named by
FOXGLOVE_API_URL with the token in FOXGLOVE_DEVICE_TOKEN, creates the bench channel (and an idle
Lossy `foxglove.PointCloud` channel, /cloud, for the interop test), and logs a workload on command. The TypeScript twin is bench/compare/ourDevice.ts; both speak the same
line protocol, so the driver treats them alike.

Line protocol. Each stdout line is one JSON object with an "event" field:
  started     {impl, version, pid}
  status      {status}                  connection status changes (Connecting, Connected, ...)
  subscribers {count}                   viewers subscribed to the bench topic
  warmed      {sent}                    warm-up logging stopped after `sent` messages
  result      {sent, seconds, cpuSeconds, peakRssBytes}
  stopped     {cpuSeconds, peakRssBytes}
  error       {message}
Stdin commands, one per line:
  warm SIZE [MS]             log one warm-up message of SIZE bytes every MS ms (default 20) until
                             the next command
  idle                       stop warming up (any command does)
  cloud POINTS               log one POINTS-point cloud on /cloud (x = i, y = 2i, z = -i)
  run SIZE RATE SECONDS      log SIZE-byte messages at RATE msgs/s (0 = as fast as possible) for
                             SECONDS, then report; peakRssBytes is the peak during this run
  stop (or EOF)              stop the gateway and exit

Payload (little-endian), the same for both devices: u64 sequence, u64 log time in ns since the
Unix epoch (CLOCK_REALTIME), u8 phase (0 warm-up, 1 measured), zero filler up to SIZE bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import struct
import sys
import threading
import time

import foxglove
from foxglove.remote_access import (
    QosProfile,
    Reliability,
    RemoteAccessConnectionStatus,
)

HEADER = struct.Struct("<QQB")
PHASE_WARM = 0
PHASE_MEASURED = 1
WARM_INTERVAL_S = 0.02
# Channel description shared with bench/compare/ourDevice.ts.
MESSAGE_ENCODING = "bench"
SCHEMA_NAME = "bench.Payload"
SCHEMA_ENCODING = "bench"
SCHEMA_DATA = b"u64 seq, u64 log time ns, u8 phase, zero filler (little-endian)"

_out_lock = threading.Lock()


def emit(event: str, **fields: object) -> None:
    """Writes one event line to stdout."""
    line = json.dumps({"event": event, **fields})
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def peak_rss_bytes() -> int:
    """Peak resident set size (VmHWM, reset by reset_peak_rss), else ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> None:
    """Resets VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Listener:
    """Counts subscribers to the bench topic and reports connection status."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.count = 0
        self.lock = threading.Lock()

    def on_connection_status_changed(self, status: RemoteAccessConnectionStatus) -> None:
        emit("status", status=status.name)

    def on_subscribe(self, client, channel) -> None:  # noqa: ANN001
        if channel.topic == self.topic:
            with self.lock:
                self.count += 1
                count = self.count
            emit("subscribers", count=count)

    def on_unsubscribe(self, client, channel) -> None:  # noqa: ANN001
        if channel.topic == self.topic:
            with self.lock:
                self.count -= 1
                count = self.count
            emit("subscribers", count=count)


def make_payload(buf: bytearray, seq: int, phase: int) -> bytes:
    HEADER.pack_into(buf, 0, seq, time.time_ns(), phase)
    return bytes(buf)


def warm(
    channel: foxglove.Channel, size: int, interval: float, stop: threading.Event, count: list[int]
) -> None:
    buf = bytearray(size)
    while not stop.wait(interval):
        channel.log(make_payload(buf, count[0], PHASE_WARM))
        count[0] += 1


def run(channel: foxglove.Channel, size: int, rate: float, seconds: float) -> dict:
    buf = bytearray(size)
    reset_peak_rss()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    sent = 0
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        due = int((now - t0) * rate) + 1 if rate > 0 else sent + 256
        if sent >= due:
            # Ahead of schedule: sleep until the next message is due (at most 1 ms).
            time.sleep(min(0.001, (sent / rate) - (now - t0)))
            continue
        while sent < due:
            channel.log(make_payload(buf, sent, PHASE_MEASURED))
            sent += 1
    seconds_run = time.perf_counter() - t0
    return {
        "sent": sent,
        "seconds": seconds_run,
        "cpuSeconds": time.process_time() - cpu0,
        "peakRssBytes": peak_rss_bytes(),
    }


CLOUD_TOPIC = "/cloud"


def log_cloud(channel, points: int) -> None:  # noqa: ANN001
    """Logs one foxglove.PointCloud: float32 x = i, y = 2i, z = -i (i = point index), stride 12."""
    from foxglove.messages import (
        PackedElementField,
        PackedElementFieldNumericType,
        PointCloud,
    )

    data = b"".join(struct.pack("<fff", i, 2 * i, -i) for i in range(points))
    fields = [
        PackedElementField(name=n, offset=4 * k, type=PackedElementFieldNumericType.Float32)
        for k, n in enumerate("xyz")
    ]
    channel.log(PointCloud(frame_id="ref", point_stride=12, fields=fields, data=data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topic", default="/bench")
    parser.add_argument("--qos", choices=["lossy", "reliable"], default="lossy")
    parser.add_argument("--name", default="bench-reference")
    parser.add_argument("--backlog", type=int, default=None, help="message_backlog_size")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args()

    foxglove.set_log_level(args.log_level)
    context = foxglove.Context()
    schema = foxglove.Schema(name=SCHEMA_NAME, encoding=SCHEMA_ENCODING, data=SCHEMA_DATA)
    channel = foxglove.Channel(
        args.topic, message_encoding=MESSAGE_ENCODING, schema=schema, context=context
    )
    from foxglove.channels import PointCloudChannel

    cloud_channel = PointCloudChannel(CLOUD_TOPIC, context=context)
    reliability = Reliability.Reliable if args.qos == "reliable" else Reliability.Lossy
    listener = Listener(args.topic)
    emit("started", impl="reference", version=foxglove_version(), pid=os.getpid())
    gateway = foxglove.start_gateway(
        name=args.name,
        listener=listener,
        context=context,
        qos_classifier=lambda ch: QosProfile(
            reliability=Reliability.Lossy if ch.topic == CLOUD_TOPIC else reliability
        ),
        message_backlog_size=args.backlog,
    )

    commands: queue.Queue[str] = queue.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.put(line.strip())
        commands.put("stop")

    threading.Thread(target=read_stdin, daemon=True).start()

    warm_stop: threading.Event | None = None
    warm_thread: threading.Thread | None = None
    warm_count = [0]
    try:
        while True:
            words = commands.get().split()
            cmd = words[0] if words else ""
            if warm_stop is not None and warm_thread is not None:
                warm_stop.set()
                warm_thread.join()
                warm_stop = warm_thread = None
                emit("warmed", sent=warm_count[0])
            try:
                if cmd == "warm":
                    size = parse_size(words[1])
                    interval = float(words[2]) / 1000 if len(words) > 2 else WARM_INTERVAL_S
                    if not interval > 0:
                        raise ValueError("the warm-up interval must be > 0")
                    warm_stop = threading.Event()
                    warm_count = [0]
                    warm_thread = threading.Thread(
                        target=warm, args=(channel, size, interval, warm_stop, warm_count)
                    )
                    warm_thread.start()
                elif cmd == "run":
                    size, rate, seconds = parse_size(words[1]), float(words[2]), float(words[3])
                    if rate < 0 or seconds <= 0:
                        raise ValueError("rate must be >= 0 and seconds > 0")
                    emit("result", **run(channel, size, rate, seconds))
                elif cmd == "cloud":
                    log_cloud(cloud_channel, int(words[1]))
                elif cmd == "idle":
                    pass
                elif cmd == "stop":
                    break
                elif cmd:
                    emit("error", message=f"unknown command {cmd!r}")
            except (IndexError, ValueError) as e:
                emit("error", message=f"bad command {' '.join(words)!r}: {e}")
    finally:
        gateway.stop()
    emit("stopped", cpuSeconds=time.process_time(), peakRssBytes=peak_rss_bytes())
    return 0


def parse_size(text: str) -> int:
    size = int(text)
    if size < HEADER.size:
        raise ValueError(f"size must be at least {HEADER.size}")
    return size


def foxglove_version() -> str:
    from importlib.metadata import version

    return version("foxglove-sdk")


if __name__ == "__main__":
    sys.exit(main())
