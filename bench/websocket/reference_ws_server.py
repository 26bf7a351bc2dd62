"""Bench server: the reference SDK's start_server (PyPI foxglove-sdk), same protocol as
ourServer.ts. Usage: python reference_ws_server.py <payload bytes> <clients> <seconds>
Prints "READY <port>", waits for <clients> subscriptions, logs as fast as it can for <seconds>,
prints "DONE <logged>", and exits when stdin closes."""

import sys
import threading
import time

import foxglove
from foxglove.websocket import ServerListener


class Listener(ServerListener):
    def __init__(self, wanted: int) -> None:
        self.count = 0
        self.wanted = wanted
        self.ready = threading.Event()

    def on_subscribe(self, client, channel) -> None:
        self.count += 1
        if self.count >= self.wanted:
            self.ready.set()


def main() -> None:
    size, clients, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    schema = foxglove.Schema(name="bench.Blob", encoding="jsonschema", data=b"{}")
    channel = foxglove.Channel("/bench", message_encoding="raw", schema=schema)
    listener = Listener(clients)
    server = foxglove.start_server(port=0, server_listener=listener)
    print(f"READY {server.port}", flush=True)
    listener.ready.wait()
    payload = bytes(size)
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        for _ in range(32):
            channel.log(payload)
        n += 32
    print(f"DONE {n}", flush=True)
    sys.stdin.read()
    server.stop()


main()
