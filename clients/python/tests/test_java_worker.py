"""Cross-language tests, run by the Java test PythonClientIT (module clients) with JRQ_JAVA_WORKER=1
and JRQ_REDIS_URL: a Java worker on queues py-work, py-work2 and py-part (3 partitions) runs the handlers add, echo,
fail-once, fail-always and slow; the Java side enqueued java-add (add 20 22), and vector i under
key prefix jv<i> (its ids in the hash jv-ids), before this suite, and checks what this suite leaves
after it: the refs in the hash py-jobs, vector i under key prefix pv<i> (ids in pv-ids), nothing of
queue py-bad."""

import json
import os
import time
import unittest

import support

import redis

import jrq
from jrq import InvalidJobError

URL = os.environ.get("JRQ_REDIS_URL")
ON = os.environ.get("JRQ_JAVA_WORKER") == "1" and URL


def run_setup(r, v, prefix):
    from jrq import client as jrq_client
    for call in v.get("setup", []):
        if "command" in call:
            r.execute_command(*[support.with_prefix(w, prefix) for w in call["command"]])
        else:
            keys = [support.with_prefix(x, prefix) for x in call["keys"]]
            r.eval(jrq_client._script(call["name"]).body, len(keys), *keys, *call["argv"])


@unittest.skipUnless(ON, "needs the Java worker of PythonClientIT (JRQ_JAVA_WORKER=1, JRQ_REDIS_URL)")
class JavaWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = jrq.connect(URL)
        cls.r = redis.Redis.from_url(URL, decode_responses=True)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()
        cls.r.close()

    def note(self, name, job):
        self.r.hset("py-jobs", name, job.ref)

    def test_a_plain_job_runs_on_the_java_worker(self):
        j = self.c.enqueue("add", 2, 3, queue="py-work")
        self.note("plain", j)
        self.assertEqual(j.result(timeout=15), 5)
        info = j.info()
        self.assertEqual(info.status, "FINISHED")
        self.assertTrue(info.worker.startswith("py-worker"), info.worker)
        self.assertEqual(info.attempts, 1)

    def test_a_partitioned_queue_gets_its_jobs_where_java_would_put_them(self):
        names = self.r.hget("jrq:{py-part}:partitions", "names").split(",")
        self.assertEqual(len(names), 3)
        jobs = self.c.enqueue_all("add", [[i, 1] for i in range(60)], queue="py-part")
        for j in jobs:
            self.assertEqual(j.queue, names[jrq.protocol.partition_index(j.id, 3)])
        self.assertGreaterEqual(len({j.queue for j in jobs}), 2)
        ordered = [self.c.enqueue("add", i, 0, queue="py-part", ordering_key="customer-7") for i in range(5)]
        self.assertEqual({j.queue for j in ordered}, {names[jrq.protocol.partition_index("customer-7", 3)]})
        self.assertEqual([j.result(timeout=15) for j in jobs], [i + 1 for i in range(60)])
        self.assertEqual([j.result(timeout=15) for j in ordered], list(range(5)))
        self.assertEqual(self.c.job(jobs[7].id, jobs[7].queue).status, "FINISHED")

    def test_a_delayed_job_waits_its_delay(self):
        started = time.monotonic()
        j = self.c.enqueue("add", 1, 2, queue="py-work", delay_ms=700)
        self.note("delayed", j)
        self.assertEqual(j.status(), "SCHEDULED")
        self.assertEqual(j.result(timeout=15), 3)
        self.assertGreaterEqual(time.monotonic() - started, 0.65)
        info = j.info()
        self.assertGreaterEqual(info.started_at - info.enqueued_at, 700)

    def test_a_failed_attempt_is_retried_by_the_policy(self):
        j = self.c.enqueue("fail-once", "x", queue="py-work", retry={"max": 3, "backoff": "FIXED", "delays": [100]})
        self.note("retried", j)
        self.assertEqual(j.result(timeout=15), "ok at attempt 2")
        info = j.info()
        self.assertEqual(info.attempts, 2)
        self.assertEqual(len(info.errors), 1)
        self.assertEqual(info.errors[0]["message"], "first attempt fails")

    def test_a_unique_job_is_enqueued_once(self):
        a = self.c.enqueue("add", 5, queue="py-work", delay_ms=300, unique={"key": "py-u-1", "scope": "A"})
        b = self.c.enqueue("add", 6, queue="py-work", unique={"key": "py-u-1", "scope": "A"})
        self.assertEqual(a, b)
        self.note("unique", a)
        self.assertEqual(a.result(timeout=15), 5)

    def test_dependencies_across_queues_and_their_policies(self):
        a = self.c.enqueue("add", 1, 1, queue="py-work2", delay_ms=300)
        b = self.c.enqueue("echo", "after a", queue="py-work", depends_on=[a.ref])
        self.note("dependency", a)
        self.note("dependent", b)
        self.assertEqual(b.status(), "DEFERRED")
        self.assertEqual(b.result(timeout=15), ["after a"])
        self.assertGreaterEqual(b.info().started_at, a.info().ended_at)
        f = self.c.enqueue("fail-always", queue="py-work2")
        run = self.c.enqueue("echo", "anyway", queue="py-work", depends_on=[f.ref], dep_policy="run")
        canceled = self.c.enqueue("echo", "never", queue="py-work", depends_on=[f.ref])
        self.note("run-policy", run)
        self.note("cancel-policy", canceled)
        self.assertEqual(run.result(timeout=15), ["anyway"])
        self.assertEqual(canceled.wait(timeout=15).status, "CANCELED")
        self.assertEqual(f.info().status, "FAILED")

    def test_cancel_a_waiting_job_and_stop_a_running_one(self):
        later = self.c.enqueue("add", 1, queue="py-work", delay_ms=60000)
        self.note("canceled", later)
        self.assertEqual(later.cancel(), "CANCELED")
        slow = self.c.enqueue("slow", queue="py-work")
        self.note("stopped", slow)
        deadline = time.monotonic() + 15
        while slow.status() != "STARTED" and time.monotonic() < deadline:
            time.sleep(0.02)
        running = slow.info()
        self.assertEqual((running.status, running.fn, running.args), ("STARTED", "slow", []),
                         "a running job reads whole, its payload held apart")
        self.assertEqual(slow.cancel(), "STARTED")
        info = slow.wait(timeout=15)
        self.assertEqual(info.status, "STOPPED")
        self.assertEqual(info.error["type"], "io.jrq.JobStoppedException")

    def test_reads_the_java_clients_jobs(self):
        self.assertEqual(self.c.result("java-add", "py-work", timeout=15), 42)
        for i, v in enumerate(support.vectors()["vectors"]):
            with self.subTest(v["name"]):
                prefix = "jv%d" % i
                ids = json.loads(self.r.hget("jv-ids", v["name"]))
                with jrq.connect(URL, prefix=prefix) as client:
                    self.check_records(client, prefix, v, ids)

    def check_records(self, client, prefix, v, ids):
        """The vector's jobs read by the client, and every record of the prefix, against the vector."""
        self.assertEqual(len(ids), len(v["ids"]))
        rename = dict(zip(ids, v["ids"]))
        support.Matcher(self).stored(v["stored"], support.dump(self.r, prefix, rename))
        q = v["enqueue"]["queue"]
        payloads = v["payload"] if isinstance(v["payload"], list) else [v["payload"]]
        for k, (mine, theirs) in enumerate(zip(ids, v["ids"])):
            info = client.job(mine, q)
            self.assertEqual(info.payload, payloads[k])
            key = "jrq:{%s}:job:%s" % (q, theirs)
            if key in v["stored"]:
                self.assertEqual((info.status, info.compact), (v["stored"][key]["value"]["status"], False))
            else:
                self.assertEqual((info.status, info.compact), ("QUEUED", True))

    def test_stores_the_vectors_for_the_java_side_to_read(self):
        for i, v in enumerate(support.vectors()["vectors"]):
            prefix = "pv%d" % i
            with self.subTest(v["name"]), jrq.connect(URL, prefix=prefix) as pv:
                run_setup(self.r, v, prefix)
                enq = v["enqueue"]
                if "bulk" in enq:
                    jobs = pv.enqueue_all(enq["fn"], enq["bulk"], queue=enq["queue"], **enq["options"])
                else:
                    jobs = [pv.enqueue(enq["fn"], *enq["args"], queue=enq["queue"], **enq["options"])]
                ids = [j.id for j in jobs]
                self.r.hset("pv-ids", v["name"], json.dumps(ids))
                self.check_records(pv, prefix, v, ids)

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        c = self.c
        bad = {
            "wrong type": lambda: c.enqueue("echo", {1, 2}, queue="py-bad"),
            "NaN": lambda: c.enqueue("echo", float("nan"), queue="py-bad"),
            "bytes": lambda: c.enqueue("echo", b"raw", queue="py-bad"),
            "oversized": lambda: c.enqueue("echo", "é" * (600 * 1024), queue="py-bad"),
            "unknown option": lambda: c.enqueue("echo", 1, queue="py-bad", priority=3),
            "forbidden handler name": lambda: c.enqueue("rm -rf", queue="py-bad"),
            "double colon": lambda: c.enqueue("a::b::c", queue="py-bad"),
            "bad retry": lambda: c.enqueue("echo", queue="py-bad", retry={"max": 0}),
            "bulk with one bad job": lambda: c.enqueue_all("echo", [[1], [object()]], queue="py-bad"),
        }
        for name, call in bad.items():
            with self.subTest(name), self.assertRaises(InvalidJobError):
                call()
        self.assertEqual(list(self.r.scan_iter(match="*py-bad*")), [])


if __name__ == "__main__":
    unittest.main()
