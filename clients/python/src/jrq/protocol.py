"""The jrq wire protocol, version 1 (docs/PROTOCOL.md), without any I/O: names and keys, the
checks the Java client makes before it stores anything, the job envelope and the exact KEYS and
ARGV of an ``enqueue.lua`` call. The golden vectors in ``protocol/vectors.json`` are built and
checked from these functions.
"""

import os
import re
import string
import threading
import zlib

from . import _json
from .errors import InvalidJobError

PROTOCOL_VERSION = "1"
ENVELOPE_VERSION = 1
DEFAULT_PREFIX = "jrq"
DEFAULT_RESULT_TTL_S = 500
DEFAULT_FAILED_JOBS_MAX = 10000
DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024
BATCH = 500
"""Jobs per enqueue.lua call in a bulk enqueue, as the Java client sends them."""

_QUEUE = re.compile(r"[A-Za-z0-9_.-]{1,100}\Z")
_HANDLER = re.compile(r"[A-Za-z0-9_.:-]{1,200}\Z")
_METHOD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*\Z")
_ID = re.compile(r"[A-Za-z0-9_.:@/+=-]{1,128}\Z")
_PREFIX_BAD = re.compile(r"[:{} ]")
_ID_CHARS = string.digits + string.ascii_uppercase + string.ascii_lowercase

OPTIONS = (
    "id", "at_ms", "delay_ms", "retry", "timeout_ms", "unique", "depends_on", "dep_policy",
    "at_front", "meta", "description", "result_ttl_s", "ordering_key",
)
"""Every enqueue option, in snake_case; any other name is an error."""

_RETRY_FIELDS = ("max", "backoff", "delays", "base", "cap", "jitter", "never")
_UNIQUE_FIELDS = ("key", "scope", "ttl_ms")


# Byte b < 248 maps to _ID_CHARS[b % 62]: 248 = 4 * 62, so each character is uniform once the
# bytes >= 248 are dropped.
_ID_TABLE = bytes((_ID_CHARS[b % 62] if b < 248 else "0").encode("ascii")[0] for b in range(256))
_ID_DROP = bytes(range(248, 256))


_pool = []
_pool_lock = threading.Lock()


def new_id():
    """A job id as the Java client makes them: 16 random characters of [0-9A-Za-z] (95 bits), from
    the operating system's random source (read 4 KiB at a time: a bulk enqueue needs many)."""
    with _pool_lock:
        if not _pool:
            chars = os.urandom(4096).translate(_ID_TABLE, _ID_DROP).decode("ascii")
            _pool.extend(chars[i:i + 16] for i in range(0, len(chars) - 15, 16))
        return _pool.pop()


def is_queue_name(name):
    return isinstance(name, str) and _QUEUE.match(name) is not None


_PARTITION = re.compile(r"(.+)~([1-9][0-9]{0,5})\Z")
MAX_PARTITIONS = 64


def is_partition_name(name):
    """``emails~3``: partition 3 of queue ``emails`` (PROTOCOL.md, "Partitioned queues")."""
    m = _PARTITION.match(name) if isinstance(name, str) else None
    return m is not None and is_queue_name(m.group(1))


def partition_index(routing_key, n):
    """The index of the partition a routing key goes to among ``n`` active ones: CRC-32 (zlib's)
    of its UTF-8 bytes modulo ``n``, as every jrq producer computes it."""
    return zlib.crc32(routing_key.encode("utf-8")) % n


def active_partitions(queue, count, names):
    """The partitions of ``queue`` that take new jobs, from its table's ``count`` and ``names`` as
    read (None when absent): read leniently like the Java client, partition 0 always first."""
    if names is None:
        return [queue]
    valid = [queue]
    for n in names.split(","):
        if n != queue and n not in valid and is_partition_name(n) and n.rsplit("~", 1)[0] == queue \
                and len(valid) < MAX_PARTITIONS:
            valid.append(n)
    c = len(valid)
    if count is not None and re.fullmatch(r"[0-9]{1,6}", count) and 1 <= int(count) <= len(valid):
        c = int(count)
    return valid[:c]


def check_queue_or_partition(name):
    """A queue's name or one of its partitions' (``emails~3``), as a job's queue may be."""
    if is_partition_name(name):
        return name
    return check_queue_name(name)


def check_queue_name(name):
    if not is_queue_name(name):
        raise InvalidJobError("queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: %r" % (name,))
    return name


def is_handler_name(name):
    return isinstance(name, str) and _HANDLER.match(name) is not None and "::" not in name


def is_method_name(name):
    return isinstance(name, str) and _METHOD.match(name) is not None


def check_fn(fn):
    if not is_handler_name(fn) and not is_method_name(fn):
        raise InvalidJobError(
            "function must be a handler name (1-200 characters of A-Z a-z 0-9 _ . : -, without '::') "
            "or a Java method as binary.class.Name::method, got: %r" % (fn,))
    return fn


def check_prefix(prefix):
    if not isinstance(prefix, str) or not prefix or _PREFIX_BAD.search(prefix):
        raise ValueError("key prefix must be non-empty, without ':', '{', '}' or spaces, got: %r" % (prefix,))
    return prefix


class Keys:
    """Every Redis key and channel name of one key prefix, spelled as the Java client's Keys."""

    def __init__(self, prefix=DEFAULT_PREFIX):
        self.prefix = check_prefix(prefix)

    def _q(self, queue):
        return "%s:{%s}:" % (self.prefix, queue)

    def protocol(self):
        return self.prefix + ":protocol"

    def queues(self):
        return self.prefix + ":queues"

    def partitions(self, q):
        return self._q(q) + "partitions"

    def ready(self, q):
        return self._q(q) + "ready"

    def job_prefix(self, q):
        return self._q(q) + "job:"

    def job(self, q, job_id):
        return self.job_prefix(q) + job_id

    def queued(self, q):
        return self._q(q) + "queued"

    def payloads(self, q):
        return self._q(q) + "payloads"

    def scheduled(self, q):
        return self._q(q) + "scheduled"

    def deferred(self, q):
        return self._q(q) + "deferred"

    def canceled(self, q):
        return self._q(q) + "canceled"

    def unique_prefix(self, q):
        return self._q(q) + "unique:"

    def pending_deps_prefix(self, q):
        return self._q(q) + "deps:"

    def dependents_prefix(self, q):
        return self._q(q) + "dependents:"

    def events(self, q):
        return self._q(q) + "events"

    def commands(self, worker):
        return "%s:worker:%s:commands" % (self.prefix, worker)

    def enqueue_keys(self, q):
        """KEYS of enqueue.lua in the eight-key form the Java client sends (plain jobs compact, a
        running job's held payload compared)."""
        return [self.ready(q), self.job_prefix(q), self.scheduled(q), self.unique_prefix(q),
                self.pending_deps_prefix(q), self.deferred(q), self.queued(q), self.payloads(q)]

    def depend_keys(self, q):
        return [self.job_prefix(q), self.dependents_prefix(q), self.queued(q)]

    def release_keys(self, q):
        return [self.ready(q), self.job_prefix(q), self.deferred(q), self.canceled(q),
                self.pending_deps_prefix(q), self.dependents_prefix(q)]

    def cancel_keys(self, q):
        return [self.ready(q), self.job_prefix(q), self.scheduled(q), self.deferred(q), self.canceled(q),
                self.unique_prefix(q), self.pending_deps_prefix(q), self.dependents_prefix(q), self.queued(q)]


def parse_ref(ref):
    """Splits a ref ``queue/id`` (the id may contain ``/``), checking both parts."""
    if not isinstance(ref, str) or "/" not in ref:
        raise InvalidJobError("a dependency is a ref 'queue/id', got: %r" % (ref,))
    queue, job_id = ref.split("/", 1)
    check_queue_or_partition(queue)
    if _ID.match(job_id) is None:
        raise InvalidJobError("dependency %r: job id must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -" % ref)
    return queue, job_id


def _int(name, v, lo=None, hi=None):
    if isinstance(v, bool) or not isinstance(v, int):
        raise InvalidJobError("%s must be an integer, got: %r" % (name, v))
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if hi is None:
            raise InvalidJobError("%s must be at least %d, got: %d" % (name, lo, v))
        raise InvalidJobError("%s must be between %d and %d, got: %d" % (name, lo, hi, v))
    return v


def _str(name, v):
    if not isinstance(v, str):
        raise InvalidJobError("%s must be a string, got: %r" % (name, v))
    return v


def _utf16_len(s):
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def retry_spec(retry):
    """The envelope's ``retry`` object for a policy given as a dict, filled in and checked as the
    Java client's RetryPolicy does (every field written, in the Java client's order)."""
    if not isinstance(retry, dict):
        raise InvalidJobError("retry must be a dict with max, backoff, delays, base, cap, jitter, never")
    unknown = [k for k in retry if k not in _RETRY_FIELDS]
    if unknown:
        raise InvalidJobError("unknown retry field %r (known: %s)" % (unknown[0], ", ".join(_RETRY_FIELDS)))
    backoff = retry.get("backoff", "FIXED")
    never = retry.get("never", [])
    if not isinstance(never, (list, tuple)) or not all(isinstance(n, str) and n for n in never):
        raise InvalidJobError("retry never must be a list of exception class names, got: %r" % (never,))
    delays = retry.get("delays")
    if delays is not None and (not isinstance(delays, (list, tuple))):
        raise InvalidJobError("retry delays must be a list of ms, got: %r" % (delays,))
    delays = [_int("retry delay", d, 0) for d in delays] if delays is not None else None
    if backoff == "FIXED":
        if delays is None:
            delays = [0]
        if len(delays) != 1:
            raise InvalidJobError("retry FIXED takes exactly one delay, got %d" % len(delays))
        attempts = _int("retry max", retry.get("max", 1), 1, 1000)
        base, cap, jitter = 0, 0, 0.0
        for k in ("base", "cap", "jitter"):
            if k in retry:
                raise InvalidJobError("retry %s applies to EXPONENTIAL backoff only" % k)
    elif backoff == "INTERVALS":
        if not delays or len(delays) > 999:
            raise InvalidJobError("retry INTERVALS needs 1 to 999 delays, got %d" % len(delays or []))
        attempts = len(delays) + 1
        if "max" in retry and retry["max"] != attempts:
            raise InvalidJobError("retry INTERVALS makes len(delays) + 1 = %d attempts, got max %r"
                                  % (attempts, retry["max"]))
        base, cap, jitter = 0, 0, 0.0
        for k in ("base", "cap", "jitter"):
            if k in retry:
                raise InvalidJobError("retry %s applies to EXPONENTIAL backoff only" % k)
    elif backoff == "EXPONENTIAL":
        if delays:
            raise InvalidJobError("retry EXPONENTIAL takes base and cap, not delays")
        delays = []
        attempts = _int("retry max", retry.get("max", 1), 1, 1000)
        base = _int("retry base", retry.get("base", 0), 0)
        cap = _int("retry cap", retry.get("cap", base), 0)
        if base == 0 or cap < base:
            raise InvalidJobError("exponential backoff needs 0 < base <= cap, got base %d, cap %d" % (base, cap))
        jitter = retry.get("jitter", 0.0)
        if isinstance(jitter, bool) or not isinstance(jitter, (int, float)) or not 0 <= jitter <= 1:
            raise InvalidJobError("retry jitter must be between 0 and 1, got: %r" % (jitter,))
        jitter = float(jitter)
    else:
        raise InvalidJobError("retry backoff must be FIXED, INTERVALS or EXPONENTIAL, got: %r" % (backoff,))
    return {"max": attempts, "backoff": backoff, "delays": delays, "base": base, "cap": cap,
            "jitter": jitter, "never": list(never)}


class Spec:
    """What one enqueue call stores for each of its jobs: the checked options."""

    def __init__(self, options, result_ttl_s=DEFAULT_RESULT_TTL_S):
        unknown = [k for k in options if k not in OPTIONS]
        if unknown:
            raise InvalidJobError("unknown enqueue option %r (known: %s)" % (unknown[0], ", ".join(OPTIONS)))
        o = options
        self.id = None
        if o.get("id") is not None:
            if not isinstance(o["id"], str) or _ID.match(o["id"]) is None:
                raise InvalidJobError(
                    "job id must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -, got: %r" % (o["id"],))
            self.id = o["id"]
        self.at_ms = -1 if o.get("at_ms") is None else _int("at_ms", o["at_ms"], 0)
        self.delay_ms = -1 if o.get("delay_ms") is None else _int("delay_ms", o["delay_ms"], 0)
        self.retry = None if o.get("retry") is None else retry_spec(o["retry"])
        self.timeout_ms = -1 if o.get("timeout_ms") is None else _int("timeout_ms", o["timeout_ms"], 1)
        self.unique_key, self.scope, self.unique_ttl_ms = None, "Q", -1
        if o.get("unique") is not None:
            u = o["unique"]
            if isinstance(u, str):
                u = {"key": u}
            if not isinstance(u, dict):
                raise InvalidJobError("unique must be a dict {key, scope Q|A|T, ttl_ms}, got: %r" % (u,))
            bad = [k for k in u if k not in _UNIQUE_FIELDS]
            if bad:
                raise InvalidJobError("unknown unique field %r (known: key, scope, ttl_ms)" % bad[0])
            key = u.get("key")
            if not isinstance(key, str) or not 1 <= _utf16_len(key) <= 200:
                raise InvalidJobError("unique key must be 1-200 characters, got: %r" % (key,))
            scope = u.get("scope", "T" if u.get("ttl_ms") is not None else "Q")
            if scope not in ("Q", "A", "T"):
                raise InvalidJobError("unique scope must be Q, A or T, got: %r" % (scope,))
            if scope == "T":
                self.unique_ttl_ms = _int("unique ttl_ms", u.get("ttl_ms"), 1)
            elif u.get("ttl_ms") is not None:
                raise InvalidJobError("unique ttl_ms applies to scope T only")
            self.unique_key, self.scope = key, scope
        self.ordering_key = o.get("ordering_key")
        if self.ordering_key is not None and (not isinstance(self.ordering_key, str)
                                              or not 1 <= _utf16_len(self.ordering_key) <= 200):
            raise InvalidJobError("ordering key must be 1-200 characters, got: %r" % (self.ordering_key,))
        deps = o.get("depends_on") or []
        if isinstance(deps, str) or not isinstance(deps, (list, tuple)):
            raise InvalidJobError("depends_on must be a list of refs 'queue/id', got: %r" % (deps,))
        for d in deps:
            parse_ref(d)
        self.deps = list(deps)
        policy = o.get("dep_policy", "cancel")
        if policy not in ("cancel", "run"):
            raise InvalidJobError("dep_policy must be 'cancel' or 'run', got: %r" % (policy,))
        self.dep_policy = policy
        at_front = o.get("at_front", False)
        if not isinstance(at_front, bool):
            raise InvalidJobError("at_front must be True or False, got: %r" % (at_front,))
        self.at_front = at_front
        meta = o.get("meta") or {}
        if not isinstance(meta, dict):
            raise InvalidJobError("meta must be a dict of strings, got: %r" % (meta,))
        for k, v in meta.items():
            if not isinstance(k, str) or not k:
                raise InvalidJobError("meta key must be a non-empty string, got: %r" % (k,))
            if not isinstance(v, str):
                raise InvalidJobError("meta value for key %r must be a string, got: %r" % (k, v))
        self.meta = dict(meta)
        self.description = None
        if o.get("description") is not None:
            desc = _str("description", o["description"])
            if _utf16_len(desc) > 1000:
                raise InvalidJobError("description must be at most 1000 characters, got %d" % _utf16_len(desc))
            self.description = desc
        ttl = o.get("result_ttl_s")
        self.result_ttl_s = result_ttl_s if ttl is None else _int("result_ttl_s", ttl, 1)

    def head(self):
        """ARGV[1..7] of enqueue.lua as the Java client sends them (flags 0 or 1: the check for an
        existing id is kept, so a call sent again finds the jobs the first one stored)."""
        return ["1" if self.at_front else "0", str(self.at_ms), str(self.delay_ms), self.scope,
                str(self.unique_ttl_ms), _json.dumps(self.deps), self.dep_policy]

    def envelope(self, fn, args):
        """The envelope as an ordered dict, in the order the Java client writes its fields."""
        env = {"v": ENVELOPE_VERSION, "fn": fn, "args": list(args)}
        if self.description is not None:
            env["desc"] = self.description
        if self.meta:
            env["meta"] = dict(self.meta)
        env["ttl"] = self.result_ttl_s
        if self.retry is not None:
            env["retry"] = self.retry
        if self.timeout_ms > 0:
            env["timeout"] = self.timeout_ms
        if self.deps:
            env["deps"] = list(self.deps)
        return env


def payload(spec, fn, args, max_bytes=DEFAULT_MAX_PAYLOAD_BYTES, _parts=None):
    """The payload text of one job, checked: the function name, the arguments (JSON data only),
    the size limit."""
    if _parts is None:
        _parts = _envelope_parts(spec, fn)
    head, tail = _parts
    if isinstance(args, (str, bytes, dict)) or not isinstance(args, (list, tuple)):
        raise InvalidJobError("args must be a list of JSON values, got: %r" % (type(args).__name__,))
    try:
        args_text = _json.dumps(args, "args")
    except (TypeError, ValueError) as e:
        raise InvalidJobError("job %s: %s" % (fn, e)) from None
    text = head + args_text + tail
    # A character is at most 3 UTF-8 bytes, so short payloads skip the byte count.
    size = len(text) if len(text) * 3 <= max_bytes else len(text.encode("utf-8"))
    if size > max_bytes:
        raise InvalidJobError(
            "job payload for %s is %d bytes, over the limit of %d bytes; store large data elsewhere and pass its key"
            % (fn, size, max_bytes))
    return text


def _envelope_parts(spec, fn):
    """The envelope's text before and after the arguments, the same for every job of one call."""
    check_fn(fn)
    env = spec.envelope(fn, ())
    del env["v"], env["fn"], env["args"]
    rest = _json.dumps(env)
    return ('{"v":%d,"fn":%s,"args":' % (ENVELOPE_VERSION, _json.dumps(fn)),
            "}" if rest == "{}" else "," + rest[1:])


class EnqueueCall:
    """One prepared ``enqueue.lua`` call: ``keys``, ``argv`` and the job ids in the order given."""

    def __init__(self, keys, argv, ids):
        self.keys, self.argv, self.ids = keys, argv, ids


def build_enqueue(keys, queue, spec, jobs, max_bytes=DEFAULT_MAX_PAYLOAD_BYTES, batch=BATCH):
    """The enqueue.lua calls of one enqueue: ``jobs`` is a list of ``(id or None, fn, args)``;
    one call per ``batch`` jobs, as the Java client groups them. Every job is checked before a call
    is built, so an error means nothing would be sent."""
    if not is_partition_name(queue):
        check_queue_name(queue)
    if len(jobs) > 1 and (spec.id is not None or spec.unique_key is not None):
        raise InvalidJobError("a custom job id or unique key names one job; it cannot be used for %d jobs"
                              % len(jobs))
    prepared = []
    parts = {}
    for job_id, fn, args in jobs:
        if job_id is None:
            job_id = spec.id or new_id()
        elif not isinstance(job_id, str) or _ID.match(job_id) is None:
            raise InvalidJobError("job id must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -, got: %r"
                                  % (job_id,))
        p = parts.get(fn) if isinstance(fn, str) else None
        if p is None:
            p = parts[fn] = _envelope_parts(spec, fn)
        prepared.append((job_id, payload(spec, fn, args, max_bytes, p)))
    k = keys.enqueue_keys(queue)
    head = spec.head()
    ukey = spec.unique_key or ""
    calls = []
    for start in range(0, len(prepared), batch):
        chunk = prepared[start:start + batch]
        # The front of the queue is the list's right end and the last job pushed there runs first,
        # so jobs enqueued at the front are sent in reverse to keep the given order (as Java does).
        sent = list(reversed(chunk)) if spec.at_front else chunk
        argv = list(head)
        for job_id, text in sent:
            argv += [job_id, text, ukey]
        calls.append(EnqueueCall(k, argv, [j for j, _ in chunk]))
    return calls


def depend_calls(keys, queue, job_id, deps):
    """The depend.lua calls registering one dependent, one per dependency queue in first-seen order."""
    by_queue = {}
    for ref in deps:
        q, dep_id = parse_ref(ref)
        by_queue.setdefault(q, []).append(dep_id)
    me = "%s/%s" % (queue, job_id)
    return [(q, keys.depend_keys(q), [me] + ids) for q, ids in by_queue.items()]


def release_argv(keys, queue, ttl_s, canceled_max, notices):
    """ARGV of release.lua: notices are ``(dependent id, dependency ref, outcome)``."""
    argv = [keys.events(queue), str(ttl_s), str(canceled_max)]
    for n in notices:
        argv += list(n)
    return argv
