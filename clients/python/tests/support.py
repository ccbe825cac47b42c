"""Shared by the tests: the package on the path, the golden vectors, a Redis to test against
(the one whose URL is in JRQ_REDIS_URL, else a private redis-server on a free port), and the
comparison of stored records with a vector's (with its Redis-clock placeholders)."""

import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VECTORS_FILE = os.environ.get("JRQ_VECTORS") or os.path.join(ROOT, "protocol", "vectors.json")


def vectors():
    with open(VECTORS_FILE, encoding="utf-8") as f:
        return json.load(f)


_server = None


def redis_url():
    """The Redis to test against, or None when there is none (no URL given, no redis-server)."""
    global _server
    url = os.environ.get("JRQ_REDIS_URL")
    if url:
        return url
    if _server is None:
        binary = shutil.which("redis-server")
        if binary is None:
            return None
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        d = tempfile.mkdtemp(prefix="jrq-py-")
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", d], stdout=subprocess.DEVNULL)

        def stop():
            proc.terminate()
            proc.wait(10)
            shutil.rmtree(d, ignore_errors=True)

        atexit.register(stop)
        import redis
        r = redis.Redis(port=port)
        for _ in range(200):
            try:
                r.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        r.close()
        _server = "redis://127.0.0.1:%d" % port
    return _server


def fresh_prefix():
    """A key prefix no other test uses: each test gets its own empty set of jrq keys on a shared Redis."""
    return "t" + uuid.uuid4().hex[:12]


def with_prefix(text, prefix):
    """A vector's text (keys, channels) with its prefix "jrq" replaced."""
    if text.startswith("jrq:"):
        return prefix + text[3:]
    return text


def dump(r, prefix, rename=None):
    """Every key of ``prefix`` but the protocol key, as the vectors spell them; ``rename`` maps
    generated ids to the vector's."""
    rename = rename or {}

    def rn(s):
        for a, b in rename.items():
            s = s.replace(a, b)
        return s

    out = {}
    for k in r.scan_iter(match=prefix + ":*", count=1000):
        if k == prefix + ":protocol":
            continue
        t = r.type(k)
        if t == "hash":
            v = dict(sorted((rn(f), rn(x)) for f, x in r.hgetall(k).items()))
        elif t == "list":
            v = [rn(x) for x in r.lrange(k, 0, -1)]
        elif t == "set":
            v = sorted(rn(x) for x in r.smembers(k))
        elif t == "zset":
            v = sorted(([rn(m), int(s)] for m, s in r.zrange(k, 0, -1, withscores=True)), key=lambda e: (e[1], e[0]))
        else:
            v = rn(r.get(k))
        out["jrq" + rn(k)[len(prefix):]] = {"type": t, "value": v, "pttl": r.pttl(k)}
    return dict(sorted(out.items()))


PLACEHOLDER = re.compile(r"<REDIS_MS(?:\+(\d+))?>|<ANY_MS>")


class Matcher:
    """Compares stored records with a vector's ``stored``, placeholders included: every
    ``<REDIS_MS>`` (less its ``+N``) must be one time, ``<ANY_MS>`` any time near now."""

    def __init__(self, test):
        self.test = test
        self.t0 = None

    def stored(self, expected, actual):
        self.test.assertEqual(sorted(actual), sorted(expected), "keys")
        for key, e in expected.items():
            a = actual[key]
            self.test.assertEqual(a["type"], e["type"], key)
            self.value(key, e["value"], a["value"])
            if "ttl_ms" in e:
                self.test.assertTrue(0 < a["pttl"] <= e["ttl_ms"], "%s PTTL %s" % (key, a["pttl"]))
            else:
                self.test.assertEqual(a["pttl"], -1, "%s has no TTL" % key)

    def value(self, where, e, a):
        if isinstance(e, str) and PLACEHOLDER.search(e):
            self.placeholders(where, e, str(a))
        elif isinstance(e, dict):
            self.test.assertIsInstance(a, dict, where)
            self.test.assertEqual(sorted(a), sorted(e), where + " fields")
            for k in e:
                self.value(where + "." + k, e[k], a[k])
        elif isinstance(e, list):
            self.test.assertIsInstance(a, list, where)
            self.test.assertEqual(len(a), len(e), where + " size")
            for i, (x, y) in enumerate(zip(e, a)):
                self.value("%s[%d]" % (where, i), x, y)
        else:
            self.test.assertEqual(a, e, where)

    def placeholders(self, where, e, a):
        parts, offsets, last = [], [], 0
        for m in PLACEHOLDER.finditer(e):
            parts.append(re.escape(e[last:m.start()]))
            parts.append(r"(\d{13})")
            offsets.append(None if m.group(0) == "<ANY_MS>" else int(m.group(1) or 0))
            last = m.end()
        parts.append(re.escape(e[last:]))
        got = re.fullmatch("".join(parts), a, re.S)
        self.test.assertIsNotNone(got, "%s: %r does not match %r" % (where, a, e))
        for i, off in enumerate(offsets):
            value = int(got.group(i + 1))
            if off is None:
                self.test.assertLess(abs(value - time.time() * 1000), 600000, where)
            elif self.t0 is None:
                self.t0 = value - off
            else:
                self.test.assertEqual(value - off, self.t0, where + ": <REDIS_MS> is one time")
