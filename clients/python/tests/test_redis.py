"""Integration tests against a real Redis (JRQ_REDIS_URL, else a private redis-server on a free
port). Each test uses a key prefix of its own, so the tests share one server and never flush it."""

import json
import os
import re
import threading
import time
import unittest

import support

import redis

import jrq
from jrq import InvalidJobError, JobExistsError, ProtocolVersionError, WaitTimeoutError, client as jrq_client

URL = support.redis_url()


def script_body(name):
    return jrq_client._script(name).body


@unittest.skipIf(URL is None, "no Redis: set JRQ_REDIS_URL or install redis-server")
class RedisTestCase(unittest.TestCase):
    def setUp(self):
        self.prefix = support.fresh_prefix()
        self.r = redis.Redis.from_url(URL, decode_responses=True)
        self.c = jrq.connect(URL, prefix=self.prefix)

    def tearDown(self):
        self.c.close()
        for k in self.r.scan_iter(match=self.prefix + ":*", count=1000):
            self.r.delete(k)
        self.r.close()

    def k(self, text):
        return support.with_prefix(text, self.prefix)

    def stored(self):
        return support.dump(self.r, self.prefix)


class VectorsOnRedisTest(RedisTestCase):
    def test_the_client_stores_what_every_vector_says(self):
        for v in support.vectors()["vectors"]:
            with self.subTest(v["name"]):
                self.prefix = support.fresh_prefix()
                c = jrq.connect(URL, prefix=self.prefix)
                try:
                    for call in v.get("setup", []):
                        if "command" in call:
                            self.r.execute_command(*[self.k(w) for w in call["command"]])
                        else:
                            keys = [self.k(x) for x in call["keys"]]
                            self.r.eval(script_body(call["name"]), len(keys), *keys, *call["argv"])
                    enq = v["enqueue"]
                    if "bulk" in enq:
                        jobs = c.enqueue_all(enq["fn"], enq["bulk"], queue=enq["queue"], ids=enq["ids"],
                                             **enq["options"])
                    else:
                        jobs = [c.enqueue(enq["fn"], *enq["args"], queue=enq["queue"], **enq["options"])]
                    self.assertEqual([j.id for j in jobs], v["ids"])
                    support.Matcher(self).stored(v["stored"], self.stored())
                    # Read back: the lookup decodes the payload and the state of each job.
                    for job, payload in zip(jobs, v["payload"] if "bulk" in enq else [v["payload"]]):
                        info = job.info()
                        self.assertEqual(info.payload, payload)
                        self.assertEqual(info.fn, enq["fn"])
                        key = "jrq:{%s}:job:%s" % (enq["queue"], job.id)
                        if key in v["stored"]:
                            self.assertEqual(info.status, v["stored"][key]["value"]["status"])
                            self.assertFalse(info.compact)
                        else:
                            self.assertEqual(info.status, "QUEUED")
                            self.assertTrue(info.compact)
                finally:
                    c.close()
                    for key in self.r.scan_iter(match=self.prefix + ":*", count=1000):
                        self.r.delete(key)


class EnqueueTest(RedisTestCase):
    def test_bad_input_is_refused_before_anything_is_stored(self):
        c = self.c
        bad = [
            lambda: c.enqueue("send-email", {1, 2}),
            lambda: c.enqueue("send-email", float("nan")),
            lambda: c.enqueue("send-email", object()),
            lambda: c.enqueue("send-email", "x" * (1024 * 1024)),
            lambda: c.enqueue("send-email", delay=5),
            lambda: c.enqueue("bad name"),
            lambda: c.enqueue("a::b::c"),
            lambda: c.enqueue("send-email", queue="bad queue"),
            lambda: c.enqueue_all("send-email", [[1], [float("inf")]]),
            lambda: c.enqueue_all("send-email", [[1], [2]], id="one-id"),
        ]
        for i, call in enumerate(bad):
            with self.assertRaises(InvalidJobError, msg=str(i)):
                call()
        self.assertEqual(self.stored(), {})

    def test_an_id_taken_by_another_payload_is_an_error_and_the_same_payload_is_the_same_job(self):
        a = self.c.enqueue("send-email", "ann", id="mail-1")
        self.assertEqual(self.c.enqueue("send-email", "ann", id="mail-1"), a)
        with self.assertRaises(JobExistsError) as e:
            self.c.enqueue("send-email", "bob", id="mail-1")
        self.assertEqual(e.exception.job_id, "mail-1")
        self.assertEqual(self.c.job("mail-1").args, ["ann"])

    def test_a_unique_key_held_gives_the_holders_job(self):
        a = self.c.enqueue("report", 7, unique={"key": "r-7", "scope": "A"})
        b = self.c.enqueue("report", 8, unique={"key": "r-7", "scope": "A"})
        self.assertEqual(b, a)
        self.assertEqual(self.r.llen(self.k("jrq:{default}:ready")), 1)

    def test_bulk_over_a_pipeline_in_batches_of_500_keeps_the_order(self):
        jobs = self.c.enqueue_all("resize", [[i] for i in range(1201)], queue="bulk")
        self.assertEqual(len({j.id for j in jobs}), 1201)
        ready = self.k("jrq:{bulk}:ready")
        # Pushed left, taken right: the first job is at the right end.
        self.assertEqual(self.r.lrange(ready, -1, -1), [jobs[0].id])
        self.assertEqual(self.r.lrange(ready, 0, 0), [jobs[-1].id])
        self.assertEqual(self.r.hlen(self.k("jrq:{bulk}:queued")), 1201)
        self.assertEqual(jobs[600].info().args, [600])
        front = self.c.enqueue_all("resize", [["a"], ["b"]], queue="bulk", at_front=True)
        self.assertEqual(self.r.lrange(ready, -2, -1), [front[1].id, front[0].id])

    def test_the_first_call_after_a_script_flush_loads_the_script_with_eval(self):
        self.r.script_flush()
        self.c.enqueue("f", 1)
        self.r.script_flush()
        self.assertEqual(len(self.c.enqueue_all("f", [[i] for i in range(1001)], queue="q2")), 1001)
        self.assertEqual(self.r.llen(self.k("jrq:{q2}:ready")), 1001)
        # An error reply of one call of a pipelined bulk enqueue says what was stored.
        self.r.set(self.k("jrq:{q3}:ready"), "not a list")
        with self.assertRaises(jrq.JrqError) as e:
            self.c.enqueue_all("f", [[i] for i in range(600)], queue="q3")
        self.assertIn("2 of 2 enqueue calls failed", str(e.exception))


class LookupAndWaitTest(RedisTestCase):
    def finish(self, queue, job_id, status="FINISHED", delay=0.3, form="ended", **fields):
        def run():
            time.sleep(delay)
            self.r.hset(self.k("jrq:{%s}:job:%s" % (queue, job_id)),
                        mapping={"status": status, "ended_at": str(int(time.time() * 1000)), **fields})
            event = {"ended": {status: [job_id]}} if form == "ended" else {"id": job_id, "status": status}
            self.r.publish(self.k("jrq:{%s}:events" % queue), json.dumps(event))

        t = threading.Thread(target=run)
        t.start()
        return t

    def test_reads_the_compact_record_then_the_hash(self):
        j = self.c.enqueue("send-email", "ann", meta={"a": "b"})
        info = j.info()
        self.assertTrue(info.compact)
        self.assertEqual((info.status, info.fn, info.args), ("QUEUED", "send-email", ["ann"]))
        self.assertEqual(info.payload["meta"], {"a": "b"})
        self.assertIsInstance(info.enqueued_at, int)
        # The hash, once a script wrote it, is the job's state; the compact field is no longer read.
        self.r.hset(self.k("jrq:{default}:job:" + j.id), mapping={
            "status": "FAILED", "payload": info.fields["payload"], "enqueued_at": "1",
            "error": json.dumps({"type": "java.lang.IllegalStateException", "message": "boom", "stackTrace": ""}),
            "errors": json.dumps([{"attempt": 1, "at": 2, "type": "x", "message": "m"}]),
            "progress": json.dumps({"percent": 40, "message": "page 4"}), "attempts": "1"})
        info = j.info()
        self.assertFalse(info.compact)
        self.assertEqual(info.status, "FAILED")
        self.assertEqual(info.error["message"], "boom")
        self.assertEqual(info.errors[0]["attempt"], 1)
        self.assertEqual(info.progress["percent"], 40)
        self.assertEqual(info.attempts, 1)
        self.assertIsNone(self.c.job("nope"))
        s = self.c.enqueue("send-email", delay_ms=60000)
        self.assertEqual(s.status(), "SCHEDULED")
        self.assertGreater(s.info().due_at, s.info().enqueued_at)

    def test_waits_for_the_result_through_pubsub(self):
        j = self.c.enqueue("add", 2, 3)
        t = self.finish("default", j.id, result="5")
        started = time.monotonic()
        self.assertEqual(j.result(timeout=10), 5)
        self.assertLess(time.monotonic() - started, 4, "woken by the event, not by the 5 s re-read")
        t.join()
        f = self.c.enqueue("add", 2, 3)
        t = self.finish("default", f.id, status="FAILED", form="id",
                        error=json.dumps({"type": "java.lang.RuntimeException", "message": "no", "stackTrace": ""}))
        with self.assertRaises(jrq.JobFailedError) as e:
            f.result(timeout=10)
        self.assertIn("FAILED", str(e.exception))
        self.assertEqual(e.exception.info.error["message"], "no")
        t.join()

    def test_a_job_that_ended_before_the_wait_is_read_at_once_and_a_wait_can_time_out(self):
        j = self.c.enqueue("add", 1)
        self.r.hset(self.k("jrq:{default}:job:" + j.id), mapping={"status": "FINISHED", "result": "null",
                                                                  "payload": "{}"})
        info = j.wait(timeout=5)
        self.assertTrue(info.has_result)
        self.assertIsNone(info.result)
        k = self.c.enqueue("add", 1)
        started = time.monotonic()
        with self.assertRaises(WaitTimeoutError):
            k.wait(timeout=0.5)
        self.assertLess(time.monotonic() - started, 3)


class CancelTest(RedisTestCase):
    def test_cancels_queued_scheduled_and_deferred_jobs_and_their_dependents(self):
        a = self.c.enqueue("send-email", "ann")
        b = self.c.enqueue("send-email", "bob", queue="other", depends_on=[a.ref])
        self.assertEqual(b.status(), "DEFERRED")
        self.assertEqual(a.cancel(), "CANCELED")
        self.assertEqual(a.status(), "CANCELED")
        self.assertEqual(b.status(), "CANCELED", "its policy is cancel: released as canceled")
        self.assertEqual(b.info().error["type"], "io.jrq.DependencyFailedException")
        self.assertEqual(self.r.llen(self.k("jrq:{default}:ready")), 0)
        # Kept for the result TTL (500 s): the canceled registry's score is its expiry, no EXPIRE.
        ended = int(self.r.hget(self.k("jrq:{default}:job:" + a.id), "ended_at"))
        self.assertEqual(self.r.zscore(self.k("jrq:{default}:canceled"), a.id), ended + 500000)
        self.assertEqual(self.r.ttl(self.k("jrq:{default}:job:" + a.id)), -1)
        self.assertEqual(a.cancel(), "CANCELED", "already over: its status")
        self.assertIsNone(self.c.cancel("nope"))
        s = self.c.enqueue("send-email", delay_ms=60000)
        self.assertEqual(s.cancel(), "CANCELED")
        self.assertEqual(self.r.zcard(self.k("jrq:{default}:scheduled")), 0)

    def test_a_running_job_is_asked_to_stop(self):
        j = self.c.enqueue("slow", id="run-1")
        # As fetch.lua leases it: the compact record becomes the hash.
        self.r.hdel(self.k("jrq:{default}:queued"), "run-1")
        self.r.hset(self.k("jrq:{default}:job:run-1"), mapping={"status": "STARTED", "worker": "w1",
                                                                "payload": "{}"})
        p = self.r.pubsub()
        p.subscribe(self.k("jrq:worker:w1:commands"))
        p.get_message(timeout=5)
        self.assertEqual(j.cancel(), "STARTED")
        m = p.get_message(timeout=5)
        p.close()
        self.assertEqual(json.loads(m["data"]), {"cmd": "stop", "queue": "default", "id": "run-1"})
        self.assertEqual(self.r.hget(self.k("jrq:{default}:job:run-1"), "stop_requested"), "1")


class ConnectTest(RedisTestCase):
    def test_claims_version_1_and_refuses_another(self):
        self.assertEqual(self.r.get(self.prefix + ":protocol"), "1")
        other = support.fresh_prefix()
        self.r.set(other + ":protocol", "2")
        try:
            with self.assertRaises(ProtocolVersionError) as e:
                jrq.connect(URL, prefix=other)
            self.assertIn("'2'", str(e.exception))
            self.assertIn("'1'", str(e.exception))
            self.assertEqual(list(self.r.scan_iter(match=other + ":*")), [other + ":protocol"])
        finally:
            self.r.delete(other + ":protocol")

    def test_urls_with_a_database_and_an_acl_user(self):
        base = URL.rstrip("/")
        if re.search(r"/\d+$", base):
            self.skipTest("the URL names a database")
        with jrq.connect(base + "/3", prefix=self.prefix) as c3:
            c3.enqueue("f", id="in-db-3")
            self.assertIsNotNone(c3.job("in-db-3"))
        self.assertIsNone(self.c.job("in-db-3"))
        db3 = redis.Redis.from_url(base + "/3", decode_responses=True)
        for k in db3.scan_iter(match=self.prefix + ":*"):
            db3.delete(k)
        db3.close()
        # The least-privilege rule of docs/SECURITY.md, for this prefix: no SCRIPT LOAD, no SELECT.
        rule = self.acl_rule()
        if rule is None:
            self.skipTest("docs/SECURITY.md not found")
        user = "py" + self.prefix
        words = rule.replace("~jrq:*", "~%s:*" % self.prefix).replace("&jrq:*", "&%s:*" % self.prefix).split()
        self.r.execute_command("ACL", "SETUSER", user, *words[3:])
        try:
            self.r.execute_command("ACL", "LOG", "RESET")
            host = base.split("://", 1)[1].split("@")[-1]
            with jrq.connect("redis://%s:secret@%s" % (user, host), prefix=self.prefix) as c:
                self.r.script_flush()
                j = c.enqueue("f", 1, depends_on=["default/none"], dep_policy="run")
                self.assertEqual(j.status(), "QUEUED")
                c.enqueue_all("f", [[1], [2]], queue="acl")
                self.assertEqual(c.cancel(j.id), "CANCELED")
            self.assertEqual(self.r.execute_command("ACL", "LOG"), [])
            with self.assertRaises(jrq.JrqError) as e:
                jrq.connect("redis://%s:wrong-password@%s" % (user, host), prefix=self.prefix)
            self.assertNotIn("wrong-password", str(e.exception))
        finally:
            self.r.execute_command("ACL", "DELUSER", user)

    @staticmethod
    def acl_rule():
        doc = os.path.join(support.ROOT, "docs", "SECURITY.md")
        if not os.path.exists(doc):
            return None
        with open(doc, encoding="utf-8") as f:
            for line in f:
                if line.startswith("ACL SETUSER jrq reset"):
                    return line.strip()
        return None

    def test_bad_urls(self):
        for url in ["localhost:6379", "http://localhost", None]:
            with self.assertRaises(ValueError):
                jrq.connect(url)
        self.assertEqual(jrq_client._redact("redis://ann:secret@host:1/2"), "redis://ann:***@host:1/2")
        self.assertEqual(jrq_client._redact("rediss://:secret@host"), "rediss://***@host")


if __name__ == "__main__":
    unittest.main()
