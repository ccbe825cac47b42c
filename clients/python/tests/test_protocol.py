"""Unit tests without Redis: the JSON text, the checks made before anything is sent, and the exact
KEYS and ARGV of every golden vector."""

import json
import math
import unittest

import support  # noqa: F401  (puts the package on the path)

from jrq import InvalidJobError, _json, protocol

KEYS = protocol.Keys("jrq")


def build(enq, prefix="jrq"):
    keys = protocol.Keys(prefix)
    spec = protocol.Spec(enq["options"])
    if "bulk" in enq:
        jobs = [(i, enq["fn"], a) for i, a in zip(enq["ids"], enq["bulk"])]
    else:
        jobs = [(None, enq["fn"], enq["args"])]
    return keys, spec, protocol.build_enqueue(keys, enq["queue"], spec, jobs)


class VectorsTest(unittest.TestCase):
    def test_every_vector_is_built_exactly(self):
        doc = support.vectors()
        self.assertEqual(doc["protocol"], 1)
        self.assertGreaterEqual(len(doc["vectors"]), 17)
        for v in doc["vectors"]:
            with self.subTest(v["name"]):
                keys, spec, calls = build(v["enqueue"])
                self.assertEqual(len(calls), 1)
                self.assertEqual(v["script"]["name"], "enqueue.lua")
                self.assertEqual(calls[0].keys, v["script"]["keys"])
                self.assertEqual(calls[0].argv, v["script"]["argv"])
                self.assertEqual(calls[0].ids, v["ids"])
                self.assertEqual(v["before"], [{"command": ["SADD", "jrq:queues", v["enqueue"]["queue"]]}])
                payloads = [json.loads(calls[0].argv[8 + 3 * k]) for k in range(len(calls[0].ids))]
                if spec.at_front:
                    payloads.reverse()
                self.assertEqual(payloads if isinstance(v["payload"], list) else payloads[0], v["payload"])
                depends = [c for c in v.get("after", []) if c["name"] == "depend.lua"]
                want = protocol.depend_calls(keys, v["enqueue"]["queue"], calls[0].ids[0], spec.deps)
                self.assertEqual([{"name": "depend.lua", "keys": k, "argv": a} for _, k, a in want], depends)

    def test_the_payload_of_every_vector_is_the_java_text_of_its_json(self):
        for v in support.vectors()["vectors"]:
            argv = v["script"]["argv"]
            for k in range(8, len(argv), 3):
                self.assertEqual(_json.dumps(json.loads(argv[k])), argv[k], v["name"])

    def test_release_argv(self):
        self.assertEqual(protocol.release_argv(KEYS, "default", 500, 10000, [("a", "q/b", "MISSING")]),
                         ["jrq:{default}:events", "500", "10000", "a", "q/b", "MISSING"])


class JsonTextTest(unittest.TestCase):
    def test_as_jackson_writes_it(self):
        self.assertEqual(_json.dumps({"a": [1, "x", None, True, False], "b": {}}),
                         '{"a":[1,"x",null,true,false],"b":{}}')
        self.assertEqual(_json.dumps("é\u001f\n\"\\/\u2028😀"), '"é\\u001F\\n\\"\\\\/\u2028😀"')
        for value, text in [(0.0, "0.0"), (-0.0, "-0.0"), (0.2, "0.2"), (1.5, "1.5"), (100.0, "100.0"),
                            (1e20, "1.0E20"), (0.0001, "1.0E-4"), (12345678.9, "1.23456789E7"),
                            (1e7, "1.0E7"), (9999999.0, "9999999.0"), (0.001, "0.001"), (-2.5e-8, "-2.5E-8"),
                            (123456789012345678901234567890, "123456789012345678901234567890")]:
            self.assertEqual(_json.dumps(value), text, value)

    def test_refuses_what_is_not_json(self):
        for bad in [math.nan, math.inf, -math.inf, {1: "x"}, {"s": {1, 2}}, object(), b"bytes", "\ud800"]:
            with self.assertRaises((TypeError, ValueError), msg=repr(bad)):
                _json.dumps([bad])


class ValidationTest(unittest.TestCase):
    def spec(self, **options):
        return protocol.Spec(options)

    def calls(self, fn="send-email", args=(), queue="default", **options):
        return protocol.build_enqueue(KEYS, queue, self.spec(**options), [(None, fn, list(args))])

    def refused(self, message, **kw):
        with self.assertRaises(InvalidJobError) as e:
            self.calls(**kw)
        self.assertIn(message, str(e.exception))

    def test_handler_and_method_names(self):
        for fn in ["send-email", "a.b:c_d-1", "x" * 200, "com.example.Jobs::run", "a.B$C::d"]:
            self.calls(fn=fn)
        for fn in ["", "x" * 201, "bad name", "a::b::c", "::run", "com.example.Jobs::", "é", None, 7, "a/b"]:
            self.refused("function must be", fn=fn)

    def test_queue_names(self):
        for q in ["", "a b", "a{b}", "x" * 101, None, "a:b"]:
            self.refused("queue name", queue=q)

    def test_arguments_must_be_json(self):
        self.refused("NaN", args=[math.nan])
        self.refused("set is not JSON", args=[{1, 2}])
        self.refused("object key", args=[{1: 2}])
        self.refused("args[1]['x'][0]: a object is not JSON", args=[1, {"x": [object()]}])
        with self.assertRaises(InvalidJobError):
            protocol.build_enqueue(KEYS, "default", self.spec(), [(None, "f", "not a list")])

    def test_payload_size_limit_counts_utf8_bytes(self):
        self.calls(args=["x" * (1024 * 1024 - 100)])
        self.refused("over the limit of 1048576 bytes", args=["é" * (600 * 1024)])

    def test_unknown_and_bad_options(self):
        self.refused("unknown enqueue option 'delay'", delay=5)
        self.refused("unknown enqueue option 'atFront'", atFront=True)
        self.refused("delay_ms must be at least 0", delay_ms=-1)
        self.refused("delay_ms must be an integer", delay_ms=1.5)
        self.refused("at_ms must be an integer", at_ms="soon")
        self.refused("timeout_ms must be at least 1", timeout_ms=0)
        self.refused("result_ttl_s must be at least 1", result_ttl_s=0)
        self.refused("job id must be", id="has space")
        self.refused("job id must be", id="x" * 129)
        self.refused("at_front must be True or False", at_front=1)
        self.refused("meta value for key 'k' must be a string", meta={"k": 1})
        self.refused("meta key must be a non-empty string", meta={"": "v"})
        self.refused("description must be at most 1000 characters", description="x" * 1001)
        self.refused("unique scope must be Q, A or T", unique={"key": "k", "scope": "X"})
        self.refused("unique key must be 1-200 characters", unique={"key": ""})
        self.refused("unique ttl_ms must be an integer", unique={"key": "k", "scope": "T"})
        self.refused("unique ttl_ms must be at least 1", unique={"key": "k", "scope": "T", "ttl_ms": 0})
        self.refused("unique ttl_ms applies to scope T only", unique={"key": "k", "scope": "A", "ttl_ms": 5})
        self.refused("unknown unique field", unique={"key": "k", "ttl": 5})
        self.refused("dep_policy must be", dep_policy="skip")
        self.refused("a dependency is a ref", depends_on=["no-slash"])
        self.refused("depends_on must be a list", depends_on="default/a")
        self.refused("unknown retry field 'attempts'", retry={"attempts": 3})
        self.refused("retry max must be between 1 and 1000", retry={"max": 0})
        self.refused("retry backoff must be", retry={"backoff": "LINEAR"})
        self.refused("exponential backoff needs 0 < base <= cap",
                     retry={"backoff": "EXPONENTIAL", "base": 10, "cap": 5, "max": 3})
        self.refused("retry jitter must be between 0 and 1",
                     retry={"backoff": "EXPONENTIAL", "base": 10, "cap": 50, "jitter": 2})
        self.refused("retry FIXED takes exactly one delay", retry={"max": 3, "delays": [1, 2]})

    def test_one_id_or_unique_key_names_one_job(self):
        for options in [{"id": "a"}, {"unique": {"key": "k"}}]:
            with self.assertRaises(InvalidJobError):
                protocol.build_enqueue(KEYS, "default", protocol.Spec(options), [(None, "f", []), (None, "f", [])])

    def test_bulk_is_one_call_per_500_jobs(self):
        calls = protocol.build_enqueue(KEYS, "default", self.spec(), [(None, "f", [i]) for i in range(1201)])
        self.assertEqual([len(c.ids) for c in calls], [500, 500, 201])
        self.assertEqual(len(calls[2].argv), 7 + 3 * 201)
        self.assertEqual(len({i for c in calls for i in c.ids}), 1201)

    def test_generated_ids_are_like_the_java_clients(self):
        ids = {protocol.new_id() for _ in range(1000)}
        self.assertEqual(len(ids), 1000)
        for i in ids:
            self.assertRegex(i, r"^[0-9A-Za-z]{16}$")

    def test_retry_is_written_whole(self):
        self.assertEqual(protocol.retry_spec({"max": 3, "delays": [5000]}),
                         {"max": 3, "backoff": "FIXED", "delays": [5000], "base": 0, "cap": 0, "jitter": 0.0,
                          "never": []})
        self.assertEqual(protocol.retry_spec({"backoff": "INTERVALS", "delays": [1, 2]})["max"], 3)


if __name__ == "__main__":
    unittest.main()


class PartitionTest(unittest.TestCase):
    """The routing rule of partitioned queues, with the keys and indexes of the Java client's
    PartitionTableTest (and the Node client's test)."""

    def test_a_routing_key_goes_where_its_crc32_says(self):
        self.assertEqual(protocol.partition_index("customer-7", 4), 0)
        self.assertEqual(protocol.partition_index("customer-7", 6), 2)
        self.assertEqual(protocol.partition_index("report-42", 4), 2)
        self.assertEqual(protocol.partition_index("8WoY1RYdmPAtyvjs", 6), 1)
        self.assertEqual(protocol.partition_index("\u00e9\u20ac\U0001d11e", 4), 2)

    def test_the_table_is_read_leniently(self):
        self.assertEqual(protocol.active_partitions("q", None, None), ["q"])
        self.assertEqual(protocol.active_partitions("q", "2", "q,q~1,q~4"), ["q", "q~1"])
        self.assertEqual(protocol.active_partitions("q", "many", "q,other~1,\x00,q~2"), ["q", "q~2"])
        self.assertEqual(protocol.active_partitions("q", "9", "q~3"), ["q", "q~3"])
        self.assertFalse(protocol.is_partition_name("q~0"))
        self.assertFalse(protocol.is_partition_name("bad name~1"))

    def test_an_ordering_key_is_checked(self):
        with self.assertRaises(InvalidJobError):
            protocol.Spec({"ordering_key": ""})
        with self.assertRaises(InvalidJobError):
            protocol.Spec({"ordering_key": 7})
        self.assertEqual(protocol.Spec({"ordering_key": "customer-7"}).ordering_key, "customer-7")
