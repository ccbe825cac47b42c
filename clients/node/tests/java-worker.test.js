'use strict';

// Jobs this client enqueues, run by a Java worker: only under the Java IT (NodeClientIT), which
// starts Redis and a worker serving JRQ_JAVA_QUEUE with the handlers add (a + b), flaky (fails its
// first attempt), sleep (ms) and echo (its argument), and reads the jobs named in JRQ_NODE_OUT
// from its side afterwards. JRQ_BAD_INPUT_PREFIX names a key prefix under which nothing may be stored.

const { describe, test, before, after } = require('node:test');
const assert = require('assert/strict');
const fs = require('fs');
const jrq = require('..');

const url = process.env.JRQ_REDIS_URL;
const queue = process.env.JRQ_JAVA_QUEUE;
const skip = !(url && queue) && 'JRQ_REDIS_URL and JRQ_JAVA_QUEUE not set (NodeClientIT sets them)';
const WAIT = { timeoutMs: 15000 };

let client = null;
const out = {};

before(async () => {
    if (!skip) {
        client = await jrq.connect(url);
    }
});

after(async () => {
    if (client) {
        await client.close();
        if (process.env.JRQ_NODE_OUT) {
            fs.writeFileSync(process.env.JRQ_NODE_OUT, JSON.stringify(out));
        }
    }
});

// Independent jobs, each waiting on the worker: run side by side.
describe('jobs run by the Java worker', { concurrency: true }, () => {
    test('a plain job runs on the Java worker; its result comes through pub/sub', { skip }, async () => {
        const job = await client.enqueue('add', [2, 3], { queue, meta: { from: 'node' }, description: 'two and three' });
        assert.equal(await job.result(WAIT), 5);
        const rec = await job.info();
        assert.equal(rec.status, 'FINISHED');
        assert.equal(rec.attempts, 1);
        assert.equal(typeof rec.worker, 'string');
        assert.ok(rec.startedAt >= rec.enqueuedAt && rec.endedAt >= rec.startedAt);
        out.plain = job.ref;
    });

    test('a delayed job runs once it is due', { skip }, async () => {
        const job = await client.enqueue('add', [10, 20], { queue, delayMs: 400 });
        assert.equal((await client.job(job.ref)).status, 'SCHEDULED');
        assert.equal(await client.result(job.ref, WAIT), 30);
        const rec = await client.job(job.ref);
        assert.ok(rec.startedAt - rec.enqueuedAt >= 400, `started ${rec.startedAt - rec.enqueuedAt} ms after enqueue`);
        out.delayed = job.ref;
    });

    test('a retried job fails once, then finishes', { skip }, async () => {
        const job = await client.enqueue('flaky', ['x'], { queue, retry: { max: 3, backoff: 'FIXED', delays: [100] } });
        assert.equal(await client.result(job.ref, WAIT), 'ok on attempt 2');
        const rec = await client.job(job.ref);
        assert.equal(rec.attempts, 2);
        assert.equal(rec.errors.length, 1);
        assert.equal(rec.errors[0].message, 'the first attempt fails');
        out.retried = job.ref;
    });

    test('a unique job is enqueued once', { skip }, async () => {
        const key = 'once-' + jrq.newId();
        const first = await client.enqueue('add', [1, 1], { queue, delayMs: 300, unique: { key, scope: 'A' } });
        const second = await client.enqueue('add', [9, 9], { queue, unique: { key, scope: 'A' } });
        assert.equal(second.id, first.id);
        assert.equal(second.existing, true);
        assert.equal(await client.result(first.ref, WAIT), 2);
        const third = await client.enqueue('add', [3, 3], { queue, unique: { key, scope: 'A' } });
        assert.notEqual(third.id, first.id);
        assert.equal(await client.result(third.ref, WAIT), 6);
        out.unique = first.ref;
    });

    test('a job with dependencies runs after them', { skip }, async () => {
        const a = await client.enqueue('add', [1, 2], { queue, delayMs: 300 });
        const b = await client.enqueue('add', [3, 4], { queue, dependsOn: [a] });
        assert.equal((await client.job(b.ref)).status, 'DEFERRED');
        assert.equal(await client.result(b.ref, WAIT), 7);
        const [ra, rb] = [await client.job(a.ref), await client.job(b.ref)];
        assert.ok(rb.startedAt >= ra.endedAt, 'the dependent started after its dependency ended');
        out.dependency = a.ref;
        out.dependent = b.ref;
    });

    test('cancel: a scheduled job at once, a running one through its worker', { skip }, async () => {
        const later = await client.enqueue('add', [1, 1], { queue, delayMs: 60000 });
        assert.equal(await client.cancel(later.ref), 'CANCELED');
        assert.equal((await client.wait(later.ref, WAIT)).status, 'CANCELED');
        out.canceled = later.ref;
        const long = await client.enqueue('sleep', [20000], { queue });
        const deadline = Date.now() + 10000;
        while ((await client.status(long.ref)) !== 'STARTED') {
            assert.ok(Date.now() < deadline, 'the long job started');
            await new Promise((r) => setTimeout(r, 20));
        }
        const running = await client.job(long.ref);
        assert.deepEqual([running.status, running.fn, running.args], ['STARTED', 'sleep', [20000]],
            'a running job reads whole, its payload held apart');
        assert.equal(await client.cancel(long.ref), 'STOPPING');
        const rec = await client.wait(long.ref, WAIT);
        assert.equal(rec.status, 'STOPPED');
        assert.equal(rec.error.type, 'io.jrq.JobStoppedException');
        out.stopped = long.ref;
    });

    test('a failing job rejects result() with the Java error', { skip }, async () => {
        const job = await client.enqueue('add', ['two', 3], { queue });
        await assert.rejects(client.result(job.ref, WAIT), (e) => {
            assert.ok(e instanceof jrq.JrqJobFailedError);
            assert.equal(e.job.status, 'FAILED');
            assert.equal(typeof e.job.error.type, 'string');
            return true;
        });
        out.failed = job.ref;
    });

    test('many jobs in bulk, waited for at once', { skip }, async () => {
        const jobs = await client.enqueueMany(Array.from({ length: 200 }, (_, i) => ['add', [i, i]]), { queue });
        const results = await Promise.all(jobs.map((j) => client.result(j.ref, WAIT)));
        assert.deepEqual(results, jobs.map((_, i) => 2 * i));
        out.bulk = jobs.map((j) => j.ref);
    });

    test('a partitioned queue gets its jobs where the Java client would put them', { skip }, async () => {
        const partitioned = process.env.JRQ_JAVA_PARTITIONED;
        const Redis = require('ioredis');
        const r = new Redis(url);
        const names = (await r.hget(`jrq:{${partitioned}}:partitions`, 'names')).split(',');
        await r.quit();
        assert.equal(names.length, 3);
        const jobs = await client.enqueueMany(Array.from({ length: 60 }, (_, i) => ['add', [i, 1]]), { queue: partitioned });
        for (const j of jobs) {
            assert.equal(j.queue, names[jrq.protocol.partitionIndex(j.id, 3)]);
        }
        assert.ok(new Set(jobs.map((j) => j.queue)).size >= 2);
        const ordered = [];
        for (let i = 0; i < 5; i++) {
            ordered.push(await client.enqueue('add', [i, 0], { queue: partitioned, orderingKey: 'customer-7' }));
        }
        assert.deepEqual([...new Set(ordered.map((j) => j.queue))], [names[jrq.protocol.partitionIndex('customer-7', 3)]]);
        assert.deepEqual(await Promise.all(jobs.map((j) => j.result(WAIT))), jobs.map((_, i) => i + 1));
        assert.deepEqual(await Promise.all(ordered.map((j) => j.result(WAIT))), [0, 1, 2, 3, 4]);
        assert.equal((await client.job(jobs[7].queue, jobs[7].id)).status, 'FINISHED');
    });

    test('arguments arrive as given: the worker echoes them', { skip }, async () => {
        const value = { text: 'Grüße, 世界 😀 "q" \\ \n\u0001', n: [1.5, -7, 0, 1e20, true, null], nested: { a: [] } };
        const job = await client.enqueue('echo', [value], { queue });
        assert.deepEqual(await client.result(job.ref, WAIT), value);
        out.echo = job.ref;
    });
});

const badPrefix = process.env.JRQ_BAD_INPUT_PREFIX;
test('bad input is refused before anything is stored', { skip: skip || (!badPrefix && 'JRQ_BAD_INPUT_PREFIX not set') }, async () => {
    const c = await jrq.connect(url, { prefix: badPrefix });
    try {
        const bad = [
            () => c.enqueue('add', [1, Number.NaN], { queue }),
            () => c.enqueue('add', [new Date()], { queue }),
            () => c.enqueue('add', 5, { queue }),
            () => c.enqueue('add', ['x'.repeat(1024 * 1024)], { queue }),
            () => c.enqueue('add', [1, 2], { queue, priority: 'high' }),
            () => c.enqueue('rm -rf /', [], { queue }),
            () => c.enqueue('a::b::c', [], { queue }),
            () => c.enqueue('add', [1, 2], { queue, retry: { max: 'three' } }),
            () => c.enqueueMany([['add', [1, 2]], ['add', [() => 3]]], { queue }),
        ];
        for (const f of bad) {
            await assert.rejects(f(), jrq.JrqValidationError);
        }
    } finally {
        await c.close();
    }
});
