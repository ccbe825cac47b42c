"""The jrq client: connects to Redis, enqueues jobs through the jar's ``enqueue.lua``, looks jobs
up, waits for their outcome through pub/sub events and cancels them (docs/PROTOCOL.md)."""

import hashlib
import json
import os
import time

import redis

from . import _json, protocol
from .errors import (InvalidJobError, JobExistsError, JobFailedError, JrqError, ProtocolVersionError,
                     RedisFullError, WaitTimeoutError)

__all__ = ["connect", "Client", "Job", "JobInfo"]

ENDED = ("FINISHED", "FAILED", "CANCELED", "STOPPED")
PARTITIONS_REFRESH_S = 5.0
"""How often a client reads a queue's partitions again, as the Java client does."""
_LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lua")


class _Script:
    """One of the jar's assembled scripts (vendored in jrq/lua, checked byte-identical to the jar's
    by the Java test PythonScriptsTest), sent with EVALSHA and, on NOSCRIPT, EVAL: the least-privilege
    ACL of docs/SECURITY.md allows EVAL and EVALSHA but not SCRIPT LOAD."""

    def __init__(self, name):
        with open(os.path.join(_LUA, name), "rb") as f:
            self.body = f.read().decode("utf-8")
        self.name = name
        self.sha = hashlib.sha1(self.body.encode("utf-8")).hexdigest()

    def __call__(self, r, keys, argv):
        try:
            return r.evalsha(self.sha, len(keys), *keys, *argv)
        except redis.exceptions.NoScriptError:
            return r.eval(self.body, len(keys), *keys, *argv)


_SCRIPTS = {}


def _script(name):
    s = _SCRIPTS.get(name)
    if s is None:
        s = _SCRIPTS[name] = _Script(name)
    return s


def connect(url="redis://localhost:6379", **kwargs):
    """Connects to Redis at ``url`` (``redis://``, ``rediss://`` for TLS, ``user:password@`` for an
    ACL user, ``/db``) and checks its protocol version; see :class:`Client` for the options."""
    return Client(url, **kwargs)


class Client:
    """A connection to the jrq queues of one Redis and key prefix.

    :param url: ``redis://[user:password@]host[:port][/db]``, or ``rediss://`` for TLS
    :param prefix: the key prefix (``JrqOptions.keyPrefix`` of the Java side), default ``jrq``
    :param result_ttl_s: seconds a finished job's result is kept unless a job says otherwise
        (written into every envelope, as the Java client does; default 500), also the TTL of jobs
        this client cancels
    :param failed_jobs_max: the cap of the canceled registry when this client cancels (default 10,000)
    :param max_payload_bytes: the largest envelope accepted, in UTF-8 bytes (default 1 MiB)
    :param socket_timeout: seconds to wait for Redis' answer to a command
    """

    def __init__(self, url="redis://localhost:6379", *, prefix=protocol.DEFAULT_PREFIX,
                 result_ttl_s=protocol.DEFAULT_RESULT_TTL_S, failed_jobs_max=protocol.DEFAULT_FAILED_JOBS_MAX,
                 max_payload_bytes=protocol.DEFAULT_MAX_PAYLOAD_BYTES, socket_timeout=10.0):
        if not isinstance(url, str) or not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("Redis URL must start with redis:// or rediss://, got: %r" % (_redact(url),))
        self.keys = protocol.Keys(prefix)
        self.result_ttl_s = result_ttl_s
        self.failed_jobs_max = failed_jobs_max
        self.max_payload_bytes = max_payload_bytes
        self._url = url
        self.redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=socket_timeout,
                                          socket_connect_timeout=socket_timeout)
        self._registered = set()
        self._partitions = {}
        try:
            self._check_protocol()
        except redis.exceptions.RedisError as e:
            self.redis.close()
            raise JrqError("Redis at %s: %s" % (_redact(url), e)) from e

    def _check_protocol(self):
        # SET NX then GET, pipelined: one round trip. A full Redis or a replica refuses the SET; the
        # GET still says which version the jobs are in.
        key = self.keys.protocol()
        p = self.redis.pipeline(transaction=False)
        p.set(key, protocol.PROTOCOL_VERSION, nx=True)
        p.get(key)
        _, held = p.execute(raise_on_error=False)
        if isinstance(held, Exception):
            raise held
        if held is not None and held != protocol.PROTOCOL_VERSION:
            raise ProtocolVersionError(key, held, protocol.PROTOCOL_VERSION)

    def close(self):
        self.redis.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "jrq.Client(%s, prefix=%r)" % (_redact(self._url), self.keys.prefix)

    # ------------------------------------------------------------------------------ enqueue

    def _spec(self, options):
        return protocol.Spec(options, self.result_ttl_s)

    def enqueue(self, fn, *args, queue="default", **options):
        """Enqueues one job: ``fn`` (a handler name, or a Java method ``binary.class.Name::method``)
        called with ``args`` (JSON data). Options: ``id``, ``at_ms``, ``delay_ms``, ``retry``
        (``{max, backoff FIXED|INTERVALS|EXPONENTIAL, delays, base, cap, jitter, never}``),
        ``timeout_ms``, ``unique`` (``{key, scope Q|A|T, ttl_ms}``), ``depends_on`` (refs
        ``queue/id``), ``dep_policy`` (``cancel`` or ``run``), ``at_front``, ``meta``,
        ``description``, ``result_ttl_s``. Everything is checked before anything is sent:
        :class:`InvalidJobError` means nothing was stored.

        :return: the :class:`Job`; with a unique key held by a live job, that job
        """
        spec = self._spec(options)
        return self._routed(queue, spec, [(None, fn, args)])[0]

    def enqueue_all(self, fn, arg_lists, queue="default", ids=None, **options):
        """Enqueues one job of ``fn`` per element of ``arg_lists`` (each a list of arguments), with
        the same options; one ``enqueue.lua`` call per 500 jobs (each stored atomically), all
        pipelined. ``ids`` optionally gives each job's id (else random ones). Every job is checked
        before any is sent.

        :return: the jobs, in order
        """
        arg_lists = list(arg_lists)
        if ids is not None:
            ids = list(ids)
            if len(ids) != len(arg_lists):
                raise InvalidJobError("%d ids for %d jobs" % (len(ids), len(arg_lists)))
            if len(set(ids)) != len(ids):
                raise InvalidJobError("the ids of one bulk enqueue must differ")
        spec = self._spec(options)
        jobs = [(ids[i] if ids else None, fn, a) for i, a in enumerate(arg_lists)]
        return self._routed(queue, spec, jobs)

    def _active(self, queue):
        """The queue's partitions that take new jobs, read again every 5 s (a queue never
        partitioned has itself alone)."""
        now = time.monotonic()
        hit = self._partitions.get(queue)
        if hit is None or now - hit[0] >= PARTITIONS_REFRESH_S:
            count, names = self._call(lambda: self.redis.hmget(self.keys.partitions(queue), "count", "names"))
            hit = (now, protocol.active_partitions(queue, count, names))
            self._partitions[queue] = hit
        return hit[1]

    def _routed(self, queue, spec, jobs):
        """Stores jobs where jrq's routing rule puts them: the queue itself, or on a partitioned
        queue the partition of each job's ordering key, unique key or id (PROTOCOL.md,
        "Partitioned queues"). Every job is checked before any is sent."""
        protocol.check_queue_name(queue)
        active = self._active(queue)
        if len(active) == 1:
            calls = protocol.build_enqueue(self.keys, active[0], spec, jobs, self.max_payload_bytes)
            return self._send(active[0], spec, calls)
        groups = {}
        for i, (job_id, fn, args) in enumerate(jobs):
            job_id = job_id or spec.id or protocol.new_id()
            key = spec.ordering_key or spec.unique_key or job_id
            p = active[protocol.partition_index(key, len(active))]
            groups.setdefault(p, []).append((i, (job_id, fn, args)))
        built = [(p, [i for i, _ in g],
                  protocol.build_enqueue(self.keys, p, spec, [j for _, j in g], self.max_payload_bytes))
                 for p, g in groups.items()]
        out = [None] * len(jobs)
        for p, where, calls in built:
            for i, job in zip(where, self._send(p, spec, calls)):
                out[i] = job
        return out

    def _register(self, queue):
        if queue not in self._registered:
            self._call(lambda: self.redis.sadd(self.keys.queues(), queue))
            self._registered.add(queue)

    def _send(self, queue, spec, calls):
        if not calls:
            return []
        self._register(queue)
        script = _script("enqueue.lua")
        if len(calls) == 1:
            c = calls[0]
            replies = [self._call(lambda: script(self.redis, c.keys, c.argv))]
        else:
            replies = self._pipelined(script, calls)
        jobs = []
        for c, reply in zip(calls, replies):
            got = list(reply[1])
            if spec.at_front:
                got.reverse()
            jobs += [Job(self, queue, i) for i in got]
        if spec.deps:
            # A job whose unique key named another job was not stored: only the new ones wait.
            stored = {j.id for j in jobs}
            for job_id in (i for c in calls for i in c.ids):
                if job_id in stored:
                    self._depend(queue, job_id, spec.deps)
        return jobs

    def _pipelined(self, script, calls):
        replies = self._call(lambda: self._evalsha_all(script, calls))
        missing = [i for i, r in enumerate(replies) if isinstance(r, redis.exceptions.NoScriptError)]
        if missing:
            p = self.redis.pipeline(transaction=False)
            for i in missing:
                c = calls[i]
                p.eval(script.body, len(c.keys), *c.keys, *c.argv)
            for i, r in zip(missing, self._call(lambda: p.execute(raise_on_error=False))):
                replies[i] = r
        failed = [(i, r) for i, r in enumerate(replies) if isinstance(r, Exception)]
        if failed:
            i, e = failed[0]
            stored = [j for k, c in enumerate(calls) if not isinstance(replies[k], Exception) for j in c.ids]
            raise _translate(e, "%d of %d enqueue calls failed (%d jobs of the calls that did not fail "
                                "were stored)" % (len(failed), len(calls), len(stored))) from e
        return replies

    def _evalsha_all(self, script, calls):
        """Sends every call's EVALSHA in one write and reads the replies in order: a pipeline
        without redis-py's per-argument packing, which costs more than the enqueue itself in bulk.
        Error replies are returned in their call's place, as a pipeline's execute does."""
        head = b"$7\r\nEVALSHA\r\n$40\r\n" + script.sha.encode("ascii") + b"\r\n"
        out = []
        for c in calls:
            n = str(len(c.keys)).encode("ascii")
            out.append(b"*%d\r\n" % (3 + len(c.keys) + len(c.argv)))
            out.append(head)
            out.append(b"$%d\r\n%s\r\n" % (len(n), n))
            for a in c.keys:
                b = a.encode("utf-8")
                out.append(b"$%d\r\n%s\r\n" % (len(b), b))
            for a in c.argv:
                b = a.encode("utf-8")
                out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        pool = self.redis.connection_pool
        conn = pool.get_connection("EVALSHA")
        try:
            conn.send_packed_command([b"".join(out)])
            replies = []
            for _ in calls:
                try:
                    replies.append(conn.read_response())
                except redis.exceptions.ResponseError as e:
                    replies.append(e)
            return replies
        except BaseException:
            conn.disconnect()
            raise
        finally:
            pool.release(conn)

    def _call(self, fn):
        try:
            return fn()
        except redis.exceptions.RedisError as e:
            raise _translate(e) from e

    def _depend(self, queue, job_id, deps):
        ended = []
        for dep_queue, keys, argv in protocol.depend_calls(self.keys, queue, job_id, deps):
            states = self._call(lambda: _script("depend.lua")(self.redis, keys, argv))
            for dep_id, state in zip(argv[1:], states):
                if state != "WAITING":
                    ended.append(("%s/%s" % (dep_queue, dep_id), state, ["%s/%s" % (queue, job_id)]))
        self._release(ended)

    def _release(self, ended):
        """Tells dependents that jobs ended, following cancellations down the graph (as the Java
        client's Dependencies.release)."""
        todo = list(ended)
        while todo:
            by_queue = {}
            for ref, outcome, dependents in todo:
                for d in dependents:
                    q, i = protocol.parse_ref(d)
                    by_queue.setdefault(q, []).append((i, ref, outcome))
            todo = []
            for q, notices in by_queue.items():
                argv = protocol.release_argv(self.keys, q, self.result_ttl_s, self.failed_jobs_max, notices)
                canceled = self._call(lambda: _script("release.lua")(self.redis, self.keys.release_keys(q), argv))
                for entry in canceled or []:
                    todo.append(("%s/%s" % (q, entry[0]), entry[1], list(entry[2] or [])))

    # ------------------------------------------------------------------------------ reading

    def job(self, id, queue="default"):
        """Reads a job: its compact record first, then its hash, then the payload a running job may
        hold apart (docs/PROTOCOL.md, "Queued jobs in compact form" and "Running jobs"), in one round
        trip; again when the job moved on between those reads.
        :return: a :class:`JobInfo`, or None when there is no such job"""
        protocol.check_queue_or_partition(queue)
        for attempt in range(3):
            p = self.redis.pipeline(transaction=False)
            p.hget(self.keys.queued(queue), id)
            p.hgetall(self.keys.job(queue, id))
            p.hget(self.keys.payloads(queue), id)
            compact, fields, held = self._call(p.execute)
            if fields and "payload" not in fields and fields.get("status") == "STARTED":
                if held is not None:
                    fields = dict(fields, payload=held)
                elif attempt < 2:
                    continue  # ended or went back to the queue between the reads
            break
        if fields:
            return JobInfo(queue, id, fields, compact=False)
        if compact is not None:
            at, sep, payload = compact.partition(":")
            if sep and at.isdigit():
                return JobInfo(queue, id, {"status": "QUEUED", "enqueued_at": at, "payload": payload}, compact=True)
            return JobInfo(queue, id, {"status": "QUEUED", "raw": compact}, compact=True)
        return None

    def wait(self, id, queue="default", timeout=30.0):
        """Waits until the job has ended (FINISHED, FAILED, CANCELED or STOPPED): subscribes to the
        queue's events, then reads the job, then reads it again on each event naming it (and every
        5 s, as the Java client does). :return: its :class:`JobInfo`
        :raises WaitTimeoutError: when it has not ended within ``timeout`` seconds"""
        deadline = time.monotonic() + timeout
        p = self.redis.pubsub(ignore_subscribe_messages=False)
        try:
            channel = self.keys.events(queue)
            self._call(lambda: p.subscribe(channel))
            while True:
                m = p.get_message(timeout=max(0.0, min(1.0, deadline - time.monotonic())))
                if m and m["type"] == "subscribe":
                    break
                if time.monotonic() >= deadline:
                    raise WaitTimeoutError("no subscription to %s within %.1f s" % (channel, timeout))
            info = self.job(id, queue)
            last_read = time.monotonic()
            while info is None or info.status not in ENDED:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeoutError("job %s/%s did not end within %.1f s (status %s)" % (
                        queue, id, timeout, info.status if info else "missing"))
                m = p.get_message(timeout=min(1.0, left))
                if (m and m["type"] == "message" and _names(m["data"], id)) or time.monotonic() - last_read >= 5:
                    info = self.job(id, queue)
                    last_read = time.monotonic()
            return info
        finally:
            p.close()

    def result(self, id, queue="default", timeout=30.0):
        """Waits for the job and returns its result (JSON decoded).
        :raises JobFailedError: when it ended FAILED, CANCELED or STOPPED"""
        info = self.wait(id, queue, timeout)
        if info.status != "FINISHED":
            raise JobFailedError(info)
        return info.result

    def cancel(self, id, queue="default"):
        """Cancels a job that has not started, or asks the worker running it to stop.

        :return: ``"CANCELED"``; ``"STARTED"`` when a stop was requested from its worker; the job's
            status when it had ended already; None when there is no such job
        """
        protocol.check_queue_or_partition(queue)
        argv = [id, self.keys.events(queue), str(self.result_ttl_s), str(self.failed_jobs_max)]
        outcome, worker, dependents = self._call(
            lambda: _script("cancel.lua")(self.redis, self.keys.cancel_keys(queue), argv))
        if outcome == "MISSING":
            return None
        if outcome == "CANCELED":
            if dependents:
                self._release([("%s/%s" % (queue, id), "CANCELED", list(dependents))])
            return "CANCELED"
        if outcome == "STOPPING":
            command = '{"cmd":"stop","queue":%s,"id":%s}' % (_json.dumps(queue), _json.dumps(id))
            self._call(lambda: self.redis.publish(self.keys.commands(worker), command))
            return "STARTED"
        info = self.job(id, queue)
        return info.status if info else None


def _names(data, job_id):
    try:
        event = json.loads(data)
    except ValueError:
        return False
    if not isinstance(event, dict):
        return False
    if isinstance(event.get("ended"), dict):
        return any(isinstance(ids, list) and job_id in ids for ids in event["ended"].values())
    return event.get("id") == job_id and event.get("status") in ENDED


def _translate(e, context=None):
    text = str(e)
    where = (context + ": ") if context else ""
    if text.startswith("JRQ_JOB_EXISTS") or "JRQ_JOB_EXISTS" in text:
        job_id = text.split("JRQ_JOB_EXISTS", 1)[1].strip().split()[0] if "JRQ_JOB_EXISTS " in text else ""
        return JobExistsError(where + "a job with id %s exists already with another payload; nothing was stored"
                              % job_id, job_id)
    if text.startswith("OOM") or "-OOM command not allowed" in text:
        return RedisFullError(where + "Redis is at its maxmemory and refused the write, so nothing was stored (%s)"
                              % text)
    if isinstance(e, JrqError):
        return e
    return JrqError(where + "Redis refused a command or did not answer: %s" % text)


def _redact(url):
    if not isinstance(url, str) or "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    user = creds.split(":", 1)[0] if ":" in creds else ""
    return "%s%s%s%s" % (scheme, sep, (user + ":***@") if user else "***@", host)


class Job:
    """A job this client enqueued: its queue and id, and shortcuts to read, wait for and cancel it."""

    def __init__(self, client, queue, id):
        self.client, self.queue, self.id = client, queue, id

    @property
    def ref(self):
        """``queue/id``, as dependencies name the job."""
        return "%s/%s" % (self.queue, self.id)

    def info(self):
        return self.client.job(self.id, self.queue)

    def status(self):
        info = self.info()
        return info.status if info else None

    def wait(self, timeout=30.0):
        return self.client.wait(self.id, self.queue, timeout)

    def result(self, timeout=30.0):
        return self.client.result(self.id, self.queue, timeout)

    def cancel(self):
        return self.client.cancel(self.id, self.queue)

    def __eq__(self, other):
        return isinstance(other, Job) and (self.queue, self.id) == (other.queue, other.id)

    def __hash__(self):
        return hash((self.queue, self.id))

    def __repr__(self):
        return "Job(%s)" % self.ref


class JobInfo:
    """What Redis holds of one job (the fields of docs/PROTOCOL.md, "Job hash"), decoded: ``status``,
    ``payload`` (the envelope, a dict), ``fn``, ``args``, the times in ms (``enqueued_at``,
    ``due_at``, ``started_at``, ``ended_at``), ``attempts``, ``worker``, ``result`` (JSON decoded;
    ``has_result`` tells a ``null`` result from none), ``error`` and ``errors``, ``progress``;
    ``fields`` holds every field as stored, ``compact`` whether it was a compact record."""

    def __init__(self, queue, id, fields, compact):
        self.queue, self.id, self.fields, self.compact = queue, id, dict(fields), compact
        f = self.fields
        self.status = f.get("status")
        self.payload = _loads(f.get("payload"))
        self.fn = self.payload.get("fn") if isinstance(self.payload, dict) else f.get("fn")
        self.args = (self.payload.get("args") or []) if isinstance(self.payload, dict) else None
        self.enqueued_at = _int(f.get("enqueued_at"))
        self.due_at = _int(f.get("due_at"))
        self.started_at = _int(f.get("started_at"))
        self.ended_at = _int(f.get("ended_at"))
        self.attempts = _int(f.get("attempts")) or 0
        self.worker = f.get("worker")
        self.has_result = "result" in f
        self.result = _loads(f.get("result"))
        self.error = _loads(f.get("error"))
        self.errors = _loads(f.get("errors")) or []
        self.progress = _loads(f.get("progress"))

    @property
    def ended(self):
        return self.status in ENDED

    def __repr__(self):
        return "JobInfo(%s/%s %s)" % (self.queue, self.id, self.status)


def _loads(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _int(text):
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
