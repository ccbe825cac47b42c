"""Writes protocol/vectors.json: for each enqueue input, the exact script calls a client sends
(built by jrq.protocol), and the records they leave on an empty Redis (run on a private
redis-server this script starts). The Java test ProtocolVectorsIT checks that the Java client
sends and stores exactly the same, so the file is the reference for every client.

usage: /usr/bin/python3 clients/python/tools/make_vectors.py [path/to/vectors.json]
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

import redis  # noqa: E402

from jrq import protocol  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LUA = os.path.join(HERE, "..", "src", "jrq", "lua")
AT = 4102444800000  # 2100-01-01T00:00:00Z, far enough ahead to stay scheduled

VECTORS = [
    ("plain handler job",
     "A handler job due now: stored in compact form, one field of the queued hash.",
     dict(queue="default", fn="send-email", args=[{"to": "ann@example.org", "subject": "Hi"}],
          options={"id": "mail-1001"})),
    ("method job",
     "A Java method as binary.class.Name::method, run by Java workers that allow its package.",
     dict(queue="reports", fn="com.example.Reports::build", args=[42, "pdf"], options={"id": "report-42"})),
    ("delay",
     "Due 10 minutes after the Redis time of the call: SCHEDULED.",
     dict(queue="default", fn="send-email", args=["ann@example.org"],
          options={"id": "later-1", "delay_ms": 600000})),
    ("at",
     "Due at a time (ms since the epoch, Redis clock).",
     dict(queue="default", fn="send-email", args=["ann@example.org"], options={"id": "at-1", "at_ms": AT})),
    ("at front",
     "Runs before the jobs already waiting: pushed on the right end of the ready list (flags 1).",
     dict(queue="default", fn="send-email", args=["urgent"], options={"id": "front-1", "at_front": True})),
    ("retry fixed",
     "A retry policy: 3 attempts, 5 s apart.",
     dict(queue="default", fn="send-email", args=[],
          options={"id": "retry-1", "retry": {"max": 3, "backoff": "FIXED", "delays": [5000]}})),
    ("retry exponential",
     "An exponential backoff with jitter and an exception that is never retried.",
     dict(queue="default", fn="send-email", args=[],
          options={"id": "retry-2", "retry": {"max": 5, "backoff": "EXPONENTIAL", "base": 1000, "cap": 60000,
                                              "jitter": 0.2, "never": ["java.io.FileNotFoundException"]}})),
    ("retry intervals",
     "One delay per retry: attempts = delays + 1.",
     dict(queue="default", fn="send-email", args=[],
          options={"id": "retry-3", "retry": {"backoff": "INTERVALS", "delays": [1000, 10000, 60000]}})),
    ("timeout",
     "Each attempt may run 2 minutes.",
     dict(queue="default", fn="send-email", args=[], options={"id": "timeout-1", "timeout_ms": 120000})),
    ("unique Q",
     "At most one job with key report-7 waiting (released when a worker takes it).",
     dict(queue="default", fn="build-report", args=[7],
          options={"id": "unique-q", "unique": {"key": "report-7", "scope": "Q"}})),
    ("unique A",
     "At most one job with key report-7 waiting or running.",
     dict(queue="default", fn="build-report", args=[7],
          options={"id": "unique-a", "unique": {"key": "report-7", "scope": "A"}})),
    ("unique T",
     "At most one job with key daily per hour, whatever happens to it.",
     dict(queue="default", fn="build-report", args=[7],
          options={"id": "unique-t", "unique": {"key": "daily", "scope": "T", "ttl_ms": 3600000}})),
    ("dependencies",
     "Waits for a job of another queue that is queued: DEFERRED, registered with depend.lua.",
     dict(queue="default", fn="send-report", args=["dep-1"],
          options={"id": "after-1", "depends_on": ["reports/dep-1"]}),
     [("reports", "dep-1", "com.example.Reports::build", [1])]),
    ("dependencies run policy",
     "Policy run, and a dependency that does not exist: depend.lua says MISSING, release.lua queues it.",
     dict(queue="default", fn="send-report", args=[],
          options={"id": "after-2", "depends_on": ["reports/gone-1"], "dep_policy": "run"})),
    ("meta and description",
     "Free metadata (strings) and a description for people.",
     dict(queue="default", fn="send-email", args=[],
          options={"id": "meta-1", "meta": {"tenant": "acme", "region": "eu-west"},
                   "description": "monthly report for acme"})),
    ("result ttl",
     "Keeps the result an hour (the Java client always writes ttl, 500 s by default).",
     dict(queue="default", fn="send-email", args=[], options={"id": "ttl-1", "result_ttl_s": 3600})),
    ("bulk",
     "Three jobs in one enqueue.lua call (a bulk enqueue sends one call per 500 jobs, pipelined).",
     dict(queue="default", fn="resize", bulk=[[1], [2], [3]], ids=["bulk-1", "bulk-2", "bulk-3"], options={})),
    ("bulk at front",
     "A bulk enqueue at the front is sent in reverse order, so the jobs run in the order given.",
     dict(queue="default", fn="resize", bulk=[["a"], ["b"]], ids=["front-a", "front-b"],
          options={"at_front": True})),
    ("bulk delayed",
     "Bulk jobs due later share one due time.",
     dict(queue="default", fn="resize", bulk=[[{"w": 10}], [{"w": 20}]], ids=["bulk-d1", "bulk-d2"],
          options={"delay_ms": 5000})),
    ("non-ASCII and escaped strings",
     "Non-ASCII text as is (UTF-8), only quote, backslash and control characters escaped, "
     "\\u00XX with upper-case hex; floats as Java writes them.",
     dict(queue="default", fn="send-email",
          args=["Grüße, 世界 😀", "quote \" backslash \\ slash / tab \t newline \n nul \u0000 us \u001f del \u007f",
                1.5, 1e20, 0.0001, 12345678.9, -0.5, 0, -7, True, None, {"nested": [], "é": {}}],
          options={"id": "unicode-1", "meta": {"ключ": "значение"}, "description": "naïve café ☕"})),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_redis():
    port = free_port()
    d = tempfile.mkdtemp(prefix="jrq-vectors-")
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", d], stdout=subprocess.DEVNULL)
    r = redis.Redis(port=port, decode_responses=True)
    for _ in range(100):
        try:
            r.ping()
            return p, r
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def script(name):
    with open(os.path.join(LUA, name), encoding="utf-8") as f:
        return f.read()


def run(r, call):
    if "command" in call:
        return r.execute_command(*call["command"])
    return r.eval(script(call["name"]), len(call["keys"]), *call["keys"], *call["argv"])


def dump(r, keys):
    out = {}
    for k in sorted(r.keys("*")):
        if k == keys.protocol():
            continue
        t = r.type(k)
        if t == "hash":
            v = dict(sorted(r.hgetall(k).items()))
        elif t == "list":
            v = r.lrange(k, 0, -1)
        elif t == "set":
            v = sorted(r.smembers(k))
        elif t == "zset":
            v = [[m, int(s)] for m, s in r.zrange(k, 0, -1, withscores=True)]
        else:
            v = r.get(k)
        rec = {"type": t, "value": v}
        pttl = r.pttl(k)
        if pttl > 0:
            rec["ttl_ms"] = -(-pttl // 1000) * 1000
        out[k] = rec
    return out


CLOCK = re.compile(r"(?<!\d)\d{13}(?!\d)")


def normalize(value, t0, offsets):
    def one(m):
        n = int(m.group(0))
        if n == t0:
            return "<REDIS_MS>"
        for off in offsets:
            if n == t0 + off:
                return "<REDIS_MS+%d>" % off
        if abs(n - t0) < 600000:
            return "<ANY_MS>"
        return m.group(0)

    if isinstance(value, str):
        return CLOCK.sub(one, value)
    if isinstance(value, int) and not isinstance(value, bool):
        s = CLOCK.sub(one, str(value))
        return s if s.startswith("<") else value
    if isinstance(value, list):
        return [normalize(v, t0, offsets) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v, t0, offsets) for k, v in value.items()}
    return value


def call_dict(name, keys, argv):
    return {"name": name, "keys": list(keys), "argv": list(argv)}


def build(entry, keys, r):
    name, note, enq = entry[0], entry[1], entry[2]
    setup_jobs = entry[3] if len(entry) > 3 else []
    options = dict(enq["options"])
    spec = protocol.Spec(options)
    if "bulk" in enq:
        jobs = [(i, enq["fn"], a) for i, a in zip(enq["ids"], enq["bulk"])]
    else:
        jobs = [(None, enq["fn"], enq["args"])]
    calls = protocol.build_enqueue(keys, enq["queue"], spec, jobs)
    assert len(calls) == 1
    c = calls[0]
    setup = []
    for q, i, fn, args in setup_jobs:
        setup.append({"command": ["SADD", keys.queues(), q]})
        sc = protocol.build_enqueue(keys, q, protocol.Spec({"id": i}), [(None, fn, args)])[0]
        setup.append(call_dict("enqueue.lua", sc.keys, sc.argv))
    r.flushall()
    for s in setup:
        run(r, s)
    time.sleep(0.005)
    before = [{"command": ["SADD", keys.queues(), enq["queue"]]}]
    for b in before:
        run(r, b)
    main = call_dict("enqueue.lua", c.keys, c.argv)
    reply = run(r, main)
    t0 = reply[0]
    assert (list(reversed(reply[1])) if spec.at_front else reply[1]) == c.ids, reply
    after = []
    time.sleep(0.002)
    for job_id in c.ids:
        for q, dk, dargv in protocol.depend_calls(keys, enq["queue"], job_id, spec.deps):
            d = call_dict("depend.lua", dk, dargv)
            states = run(r, d)
            after.append(d)
            notices = [(job_id, "%s/%s" % (q, dep), st) for dep, st in zip(dargv[1:], states) if st != "WAITING"]
            if notices:
                rel = call_dict("release.lua", keys.release_keys(enq["queue"]), protocol.release_argv(
                    keys, enq["queue"], protocol.DEFAULT_RESULT_TTL_S, protocol.DEFAULT_FAILED_JOBS_MAX, notices))
                run(r, rel)
                after.append(rel)
    offsets = [spec.delay_ms] if spec.delay_ms > 0 else []
    stored = normalize(dump(r, keys), t0, offsets)
    payloads = [json.loads(c.argv[8 + 3 * k]) for k in range(len(c.ids))]
    if spec.at_front:
        payloads.reverse()
    v = {"name": name, "note": note, "enqueue": enq}
    if setup:
        v["setup"] = setup
    v["before"] = before
    v["script"] = main
    if after:
        v["after"] = after
    v["ids"] = c.ids
    v["payload"] = payloads[0] if len(payloads) == 1 else payloads
    v["stored"] = stored
    return v


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "protocol", "vectors.json")
    keys = protocol.Keys("jrq")
    p, r = start_redis()
    try:
        vectors = [build(e, keys, r) for e in VECTORS]
    finally:
        p.terminate()
        p.wait()
    doc = {
        "protocol": 1,
        "prefix": "jrq",
        "about": [
            "Golden vectors of the jrq protocol (docs/PROTOCOL.md), checked against the Java client by "
            "jrq-core's ProtocolVectorsIT; written by clients/python/tools/make_vectors.py.",
            "enqueue: the input, as a client's enqueue call takes it: queue, fn, and args (one job) or bulk "
            "(one args list per job) with ids (the ids the client generated: Java generates its own), and "
            "options in snake_case (Node: camelCase).",
            "setup: calls that make the state the vector starts from (not part of the client's call).",
            "before, script, after: exactly what the client sends, in order: plain commands ({command}), "
            "and script calls ({name, keys, argv}, sent with EVALSHA of the jar's assembled script, EVAL on "
            "NOSCRIPT). script is the enqueue.lua call; argv holds each payload as the exact text to send.",
            "ids: the ids of the jobs, in the order given (enqueue.lua's reply). payload: the envelope "
            "parsed (a list for bulk vectors, in the order given).",
            "stored: every key after those calls on an empty Redis (the protocol key excepted): type, value "
            "(hash: object; list: left to right; set: sorted; zset: [member, score] by score) and ttl_ms "
            "when the key has a TTL (0 < PTTL <= ttl_ms; keys without ttl_ms have none). In values, "
            "<REDIS_MS> is the Redis time the enqueue.lua call returned, <REDIS_MS+N> that plus N ms, "
            "<ANY_MS> any other Redis time of the setup or after calls.",
            "JSON text of a payload follows the Java client: fields in its order, no spaces, integers as "
            "such, floats as Java's Double.toString (0.2, 1.0E20, 1.0E-4), strings escaped as Jackson does: "
            "only quote, backslash and control characters (\\b \\t \\n \\f \\r, else \\u00XX upper-case), "
            "non-ASCII as is, UTF-8.",
        ],
        "vectors": vectors,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d vectors to %s" % (len(vectors), out))


if __name__ == "__main__":
    main()
