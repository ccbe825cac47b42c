'use strict';

// The client against the golden vectors of protocol/vectors.json: the exact KEYS, ARGV and payload
// text of each enqueue (no Redis needed); what the client sends and leaves on an empty Redis; and,
// under the Java IT, the vectors' jobs enqueued here for Java to read and the Java client's read here.

const test = require('node:test');
const assert = require('assert/strict');
const jrq = require('..');
const { redis } = require('./redis');
const V = require('./vectors');

const doc = V.load();
const skip = doc ? false : 'protocol/vectors.json not found (set JRQ_PROTOCOL_DIR)';
const { protocol } = jrq;

/** The jobs [{id, payload}] and normalized options of a vector's enqueue, built by the client's protocol layer. */
function build(v, prefix = 'jrq') {
    const e = v.enqueue;
    const bulk = e.bulk !== undefined;
    const o = protocol.normalizeOptions(V.camelOptions(e.options, e.queue), bulk);
    const jobs = bulk
        ? e.bulk.map((args, i) => ({ id: e.ids[i], payload: protocol.envelope(e.fn, args, o, 500) }))
        : [{ id: e.options.id, payload: protocol.envelope(e.fn, e.args, o, 500) }];
    return { o, jobs, call: protocol.enqueueCall(prefix, o, jobs) };
}

/** Sends a vector's call as it stands (setup): a plain command, or a script call with keys re-prefixed. */
async function send(client, call, prefix) {
    const re = (k) => (prefix === 'jrq' ? k : k.replace(/^jrq:/, `${prefix}:`));
    if (call.command) {
        assert.equal(call.command[0], 'SADD');
        return client.redis.sadd(re(call.command[1]), ...call.command.slice(2));
    }
    return client.run({ name: call.name, keys: call.keys.map(re), argv: call.argv });
}

/** Enqueues a vector's input through the client's own API. */
async function enqueue(client, v) {
    const e = v.enqueue;
    const options = V.camelOptions(e.options, e.queue);
    if (e.bulk !== undefined) {
        const jobs = await client.enqueueMany(e.bulk.map((args, i) => ({ fn: e.fn, args, id: e.ids[i] })), options);
        return { ids: jobs.map((j) => j.id), enqueuedAt: jobs[0].enqueuedAt };
    }
    const job = await client.enqueue(e.fn, e.args, options);
    return { ids: [job.id], enqueuedAt: job.enqueuedAt };
}

test('the vectors file is protocol 1 with prefix jrq', { skip }, () => {
    assert.equal(doc.protocol, 1);
    assert.equal(doc.prefix, 'jrq');
    assert.ok(doc.vectors.length >= 17);
});

for (const v of doc ? doc.vectors : []) {
    test(`vector "${v.name}": the exact keys, argv and payload`, () => {
        const { call } = build(v);
        assert.deepEqual(call, v.script);
        const parsed = V.payloadTexts(v).map((t) => JSON.parse(t));
        const expected = Array.isArray(v.payload) ? v.payload : [v.payload];
        assert.deepEqual(parsed, expected);
        assert.deepEqual(v.before, [{ command: ['SADD', 'jrq:queues', v.enqueue.queue] }]);
        const depends = (v.after || []).filter((c) => c.name === 'depend.lua');
        const byQueue = new Map();
        for (const r of protocol.normalizeOptions(V.camelOptions(v.enqueue.options)).dependsOn) {
            const [q, id] = [r.slice(0, r.indexOf('/')), r.slice(r.indexOf('/') + 1)];
            byQueue.set(q, [...(byQueue.get(q) || []), id]);
        }
        const mine = [];
        for (const id of v.ids) {
            for (const [q, ids] of byQueue) {
                mine.push(protocol.dependCall('jrq', q, `${v.enqueue.queue}/${id}`, ids));
            }
        }
        assert.deepEqual(mine, depends);
    });
}

test('on an empty Redis the client sends exactly the vectors\' calls and leaves their records', { skip }, async (t) => {
    // A database the test may empty: its own redis-server's, or JRQ_VECTOR_REDIS_URL's.
    let server = null;
    let url = process.env.JRQ_VECTOR_REDIS_URL;
    if (!url) {
        if (process.env.JRQ_REDIS_URL) {
            t.skip('JRQ_REDIS_URL is shared: set JRQ_VECTOR_REDIS_URL to a database the test may empty');
            return;
        }
        server = await redis();
        if (!server) {
            t.skip('no redis-server on PATH');
            return;
        }
        url = server.url;
    }
    const client = await jrq.connect(url);
    try {
        for (const v of doc.vectors) {
            await t.test(v.name, async () => {
                await client.redis.flushdb();
                await client.checkProtocol();
                for (const c of v.setup || []) {
                    await send(client, c, 'jrq');
                }
                client.registered.clear();
                const sent = [];
                client.trace = (c) => sent.push(c);
                const { ids, enqueuedAt } = await enqueue(client, v);
                client.trace = null;
                assert.deepEqual(ids, v.ids);
                assert.deepEqual(sent, [...v.before, v.script, ...(v.after || [])]);
                assert.equal(await client.redis.get('jrq:protocol'), '1');
                V.assertStored(v.stored, await V.dump(client.redis), enqueuedAt);
            });
        }
    } finally {
        try {
            await client.redis.flushdb();
        } finally {
            await client.close();
            if (server) {
                await server.stop();
            }
        }
    }
});

const nodePrefix = process.env.JRQ_NODE_VECTOR_PREFIX;
test('the vectors\' jobs, enqueued for the Java client to read (prefix JRQ_NODE_VECTOR_PREFIX + index)',
    { skip: skip || (!nodePrefix && 'JRQ_NODE_VECTOR_PREFIX not set (the Java IT sets it)') }, async () => {
        for (const [i, v] of doc.vectors.entries()) {
            const prefix = `${nodePrefix}${i}`;
            const client = await jrq.connect(process.env.JRQ_REDIS_URL, { prefix });
            try {
                for (const c of v.setup || []) {
                    await send(client, c, prefix);
                }
                const { ids } = await enqueue(client, v);
                assert.deepEqual(ids, v.ids, v.name);
            } finally {
                await client.close();
            }
        }
    });

const javaPrefix = process.env.JRQ_JAVA_VECTOR_PREFIX;
test('the Java client\'s jobs of each vector, read field by field (prefix JRQ_JAVA_VECTOR_PREFIX + index)',
    { skip: skip || (!javaPrefix && 'JRQ_JAVA_VECTOR_PREFIX not set (the Java IT sets it)') }, async () => {
        for (const [i, v] of doc.vectors.entries()) {
            const client = await jrq.connect(process.env.JRQ_REDIS_URL, { prefix: `${javaPrefix}${i}` });
            try {
                const e = v.enqueue;
                const texts = V.payloadTexts(v);
                const argLists = e.bulk !== undefined ? e.bulk : [e.args];
                const o = e.options;
                for (const [j, id] of v.ids.entries()) {
                    const what = `${v.name}: ${e.queue}/${id}`;
                    const rec = await client.job(e.queue, id);
                    assert.ok(rec, `${what} exists`);
                    assert.equal(rec.payload, texts[j], `${what} payload, byte for byte`);
                    assert.equal(rec.status, V.storedStatus(v, 'jrq', id), `${what} status`);
                    assert.equal(rec.fn, e.fn, `${what} fn`);
                    assert.deepEqual(rec.args, argLists[j], `${what} args`);
                    assert.equal(rec.description, o.description, `${what} description`);
                    assert.deepEqual(rec.meta, o.meta, `${what} meta`);
                    assert.ok(Number.isSafeInteger(rec.enqueuedAt) && Math.abs(rec.enqueuedAt - Date.now()) < 600000,
                        `${what} enqueuedAt is a Redis time`);
                    if (rec.status === 'SCHEDULED') {
                        assert.ok(rec.dueAt >= rec.enqueuedAt, `${what} dueAt`);
                    }
                    if (o.depends_on) {
                        assert.deepEqual(rec.deps, o.depends_on, `${what} deps`);
                        assert.equal(rec.depPolicy, o.dep_policy || 'cancel', `${what} depPolicy`);
                    }
                    if (o.unique) {
                        assert.equal(rec.unique, `${o.unique.scope || 'Q'}:${o.unique.key}`, `${what} unique`);
                    }
                }
            } finally {
                await client.close();
            }
        }
    });
