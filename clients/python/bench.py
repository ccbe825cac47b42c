"""usage: /usr/bin/python3 clients/python/bench.py <redis-url> <n>

Bulk-enqueues n no-op handler jobs into an empty queue of its own (enqueue_all: one enqueue.lua call
per 500 jobs, all pipelined) and prints one JSON line {"client":"python","n":n,"enqueue_per_s":x}.
The clock runs from the first job's check to Redis' last reply (connecting is not counted); the
queue is deleted afterwards."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

import jrq  # noqa: E402
from jrq import protocol  # noqa: E402


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit() or int(sys.argv[2]) < 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        sys.exit(2)
    url, n = sys.argv[1], int(sys.argv[2])
    client = jrq.connect(url)
    queue = "bench-python-" + protocol.new_id()
    try:
        args = [[i] for i in range(n)]
        started = time.perf_counter()
        jobs = client.enqueue_all("noop", args, queue=queue)
        seconds = time.perf_counter() - started
        if len(jobs) != n:
            raise SystemExit("enqueued %d of %d jobs" % (len(jobs), n))
        print(json.dumps({"client": "python", "n": n, "enqueue_per_s": round(n / seconds)}))
    finally:
        k = "%s:{%s}:" % (client.keys.prefix, queue)
        client.redis.delete(k + "ready", k + "queued")
        client.redis.srem(client.keys.queues(), queue)
        client.close()


if __name__ == "__main__":
    main()
