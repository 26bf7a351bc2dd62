"""Per-thread CPU of a running process, for the video comparison in BENCHMARKS.md.

Usage (while `npm run bench:compare -- --workload video` runs, in another terminal):
  PAT=videoDevice.mjs python3 bench/threadCpu.py            # our device
  PAT=reference_video_device.py python3 bench/threadCpu.py  # the reference's
Waits for a process whose command line contains PAT (and has more than 4 threads), sleeps DELAY
seconds (default 15.5: the devices start logging 15 s after they are spawned), then samples
/proc/<pid>/task/*/stat over 9 s and prints each thread's CPU as % of one core (threads named
"node"/"python" are listed by id), the total, and minor page faults per second.
"""

import collections
import os
import time

PAT = os.environ["PAT"]
ME = os.getpid()


def find():
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == ME:
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode()
            if PAT in cmd and "threadCpu" not in cmd and len(os.listdir(f"/proc/{p}/task")) > 4:
                return p
        except OSError:
            continue
    return None


def fields(path):
    return open(path).read().rsplit(")", 1)[1].split()


def snap(pid):
    ticks = collections.Counter()
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            f = fields(f"/proc/{pid}/task/{t}/stat")
        except OSError:
            continue
        key = f"{name}#{t}" if name in ("node", "python") else name
        ticks[key] += int(f[11]) + int(f[12])
    return ticks


pid = find()
while pid is None:
    time.sleep(0.2)
    pid = find()
time.sleep(float(os.environ.get("DELAY", "15.5")))
a, fa = snap(pid), int(fields(f"/proc/{pid}/stat")[7])
time.sleep(9)
b, fb = snap(pid), int(fields(f"/proc/{pid}/stat")[7])
hz = os.sysconf("SC_CLK_TCK")
total = 0
for name in sorted(b, key=lambda n: -(b[n] - a.get(n, 0))):
    d = b[name] - a.get(name, 0)
    total += d
    if d:
        print(f"{name:20s} {100 * d / hz / 9:6.1f} %")
print(f"total {100 * total / hz / 9:.1f} % of one core; minor faults/s {(fb - fa) / 9:.0f}")
