'use strict';

// The client against a real Redis (JRQ_REDIS_URL, or a redis-server of its own): the protocol
// check, URLs, enqueue and lookup in both record forms, bulk enqueues, the script fallback,
// uniqueness, dependencies, cancel and waiting. Every test writes under a key prefix of its own.

const test = require('node:test');
const assert = require('assert/strict');
const crypto = require('crypto');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Redis = require('ioredis');
const jrq = require('..');
const { redis } = require('./redis');

let server = null;
let url = null;
let raw = null;

const prefixes = [];
function prefix() {
    const p = 'nodetest' + crypto.randomBytes(4).toString('hex');
    prefixes.push(p);
    return p;
}

test.before(async () => {
    server = await redis({ own: true });
    if (server) {
        url = server.url;
        raw = new Redis(url);
    }
});

test.after(async () => {
    if (raw) {
        for (const p of prefixes) {
            const keys = await raw.keys(`${p}:*`);
            if (keys.length > 0) {
                await raw.del(...keys);
            }
        }
        raw.disconnect();
    }
    if (server) {
        await server.stop();
    }
});

const skipIfNoRedis = (t) => {
    if (!server) {
        t.skip('neither JRQ_REDIS_URL nor a redis-server on PATH');
        return true;
    }
    return false;
};

async function keysOf(p, db = raw) {
    return (await db.keys(`${p}:*`)).sort();
}

test('connect sets the protocol version, and refuses another one', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    assert.equal(await raw.get(`${p}:protocol`), '1');
    await c.close();
    const other = prefix();
    await raw.set(`${other}:protocol`, '2');
    await assert.rejects(jrq.connect(url, { prefix: other }), (e) => {
        assert.ok(e instanceof jrq.JrqProtocolError);
        assert.match(e.message, /version "2" in nodetest\w+:protocol, but this client speaks version 1/);
        assert.equal(e.found, '2');
        return true;
    });
    assert.deepEqual(await keysOf(other), [`${other}:protocol`]);
    assert.equal(await raw.get(`${other}:protocol`), '2');
});

test('a URL\'s database is used', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url.replace(/\/\d*$/, '') + '/5', { prefix: p });
    try {
        const job = await c.enqueue('noop', [], { queue: 'db' });
        const db5 = new Redis(url.replace(/\/\d*$/, '') + '/5');
        try {
            assert.equal(await db5.hexists(`${p}:{db}:queued`, job.id), 1);
            assert.deepEqual(await keysOf(p), []);
            await db5.del(...await db5.keys(`${p}:*`));
        } finally {
            db5.disconnect();
        }
    } finally {
        await c.close();
    }
});

test('an ACL user from the URL, and a password never shown', async (t) => {
    if (skipIfNoRedis(t)) return;
    if (!server.own) {
        t.skip('ACL users are made only on a redis-server of this test\'s own');
        return;
    }
    const p = prefix();
    await raw.call('ACL', 'SETUSER', 'jrqnode', 'on', '>s3cret', `~${p}:*`, '&*', '+@all');
    const at = url.replace('redis://', 'redis://jrqnode:s3cret@');
    const c = await jrq.connect(at, { prefix: p });
    const job = await c.enqueue('noop', [], { queue: 'acl' });
    assert.equal((await c.job('acl', job.id)).status, 'QUEUED');
    await c.close();
    const wrong = url.replace('redis://', 'redis://jrqnode:wrong-pw@');
    await assert.rejects(jrq.connect(wrong, { prefix: p, redis: { retryStrategy: () => null } }), (e) => {
        assert.ok(!e.message.includes('wrong-pw'), e.message);
        assert.match(e.message, /jrqnode:\*\*\*@/);
        return true;
    });
    assert.equal(jrq.redactUrl('rediss://u:p@h:1/2'), 'rediss://u:***@h:1/2');
    await raw.call('ACL', 'DELUSER', 'jrqnode');
});

test('rediss:// with a CA of its own', async (t) => {
    if (skipIfNoRedis(t)) return;
    if (!server.own || spawnSync('openssl', ['version']).status !== 0) {
        t.skip('needs openssl and a redis-server of this test\'s own');
        return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrq-node-tls-'));
    const f = (n) => path.join(dir, n);
    const ssl = (...args) => assert.equal(spawnSync('openssl', args, { stdio: 'ignore' }).status, 0, args.join(' '));
    // EC keys: RSA key generation alone would take seconds on a busy machine.
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=jrq test CA',
        '-keyout', f('ca.key'), '-out', f('ca.crt'));
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'),
        '-out', f('server.csr'));
    fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
        '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.crt'));
    const { freePort } = require('./redis');
    const port = await freePort();
    const { spawn } = require('child_process');
    const proc = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
        '--tls-cert-file', f('server.crt'), '--tls-key-file', f('server.key'), '--tls-ca-cert-file', f('ca.crt'),
        '--tls-auth-clients', 'no', '--save', '', '--dir', dir], { stdio: 'ignore' });
    try {
        const deadline = Date.now() + 10000;
        let c = null;
        while (c === null) {
            try {
                c = await jrq.connect(`rediss://127.0.0.1:${port}`,
                    { redis: { tls: { ca: fs.readFileSync(f('ca.crt')) }, retryStrategy: () => null } });
            } catch (e) {
                if (Date.now() > deadline) {
                    throw e;
                }
                await new Promise((r) => setTimeout(r, 50));
            }
        }
        const job = await c.enqueue('noop', ['over TLS'], { queue: 'tls' });
        assert.deepEqual((await c.job('tls', job.id)).args, ['over TLS']);
        await c.close();
    } finally {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test('enqueue and lookup: a compact record, a hash of its own, a ref, a missing job', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        const plain = await c.enqueue('send-email', [{ to: 'ann@example.org' }], { queue: 'mail', meta: { k: 'v' } });
        assert.match(plain.id, /^[0-9A-Za-z]{16}$/);
        assert.equal(plain.ref, `mail/${plain.id}`);
        assert.equal(await raw.hexists(`${p}:{mail}:queued`, plain.id), 1);
        assert.equal(await raw.exists(`${p}:{mail}:job:${plain.id}`), 0);
        assert.deepEqual(await raw.smembers(`${p}:queues`), ['mail']);
        const rec = await c.job('mail', plain.id);
        assert.equal(rec.status, 'QUEUED');
        assert.equal(rec.fn, 'send-email');
        assert.deepEqual(rec.args, [{ to: 'ann@example.org' }]);
        assert.deepEqual(rec.meta, { k: 'v' });
        assert.equal(rec.enqueuedAt, plain.enqueuedAt);
        assert.equal((await c.job(plain.ref)).id, plain.id);
        assert.equal(await c.status(plain.ref), 'QUEUED');
        assert.equal(await plain.status(), 'QUEUED');
        assert.equal((await plain.info()).id, plain.id);
        assert.deepEqual(JSON.parse(JSON.stringify(plain)),
            { id: plain.id, queue: 'mail', ref: plain.ref, enqueuedAt: plain.enqueuedAt, existing: false });
        assert.ok(plain instanceof jrq.Job);

        const later = await c.enqueue('send-email', [], { queue: 'mail', delayMs: 60000, description: 'later',
            timeoutMs: 5000, retry: { max: 2 } });
        const l = await c.job('mail', later.id);
        assert.equal(l.status, 'SCHEDULED');
        assert.equal(l.dueAt, later.enqueuedAt + 60000);
        assert.equal(l.description, 'later');
        assert.equal(JSON.parse(l.payload).timeout, 5000);
        assert.equal(await c.job('mail', 'no-such-job'), null);
        assert.equal(await c.status('mail', 'no-such-job'), null);
    } finally {
        await c.close();
    }
});

test('bulk enqueue: pipelined calls of 500, in order, at the back or the front', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        const calls = [];
        c.trace = (call) => calls.push(call);
        const jobs = await c.enqueueMany(Array.from({ length: 1201 }, (_, i) => ['resize', [i]]), { queue: 'bulk' });
        assert.equal(calls.filter((x) => x.name === 'enqueue.lua').length, 3);
        assert.equal(jobs.length, 1201);
        const ready = await raw.lrange(`${p}:{bulk}:ready`, 0, -1);
        // Taken from the right: the first job given runs first.
        assert.deepEqual(ready.reverse(), jobs.map((j) => j.id));
        const front = await c.enqueueMany([{ fn: 'resize', args: ['a'], id: 'fa' }, { fn: 'resize', args: ['b'], id: 'fb' }],
            { queue: 'bulk', atFront: true });
        assert.deepEqual(front.map((j) => j.id), ['fa', 'fb']);
        assert.deepEqual(await raw.lrange(`${p}:{bulk}:ready`, -2, -1), ['fb', 'fa']);
        assert.deepEqual(await c.enqueueMany([]), []);
        await assert.rejects(c.enqueueMany([['ok', []], ['bad name', []]], { queue: 'bulk2' }), /calls\[1\]: .*handler name/);
        await assert.rejects(c.enqueueMany([{ fn: 'ok', args: [], when: 1 }], { queue: 'bulk2' }), /unknown call field 'when'/);
        await assert.rejects(c.enqueueMany([['a', []], ['b', []]], { queue: 'bulk2', unique: 'u' }), /unique key names one job/);
        assert.equal(await raw.exists(`${p}:{bulk2}:ready`), 0);
    } finally {
        await c.close();
    }
});

test('EVALSHA falls back to EVAL when Redis lost the scripts', async (t) => {
    if (skipIfNoRedis(t)) return;
    if (!server.own) {
        t.skip('the script cache is flushed only on a redis-server of this test\'s own');
        return;
    }
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        await raw.script('FLUSH');
        const one = await c.enqueue('noop', [], { queue: 's' });
        await raw.script('FLUSH');
        const many = await c.enqueueMany(Array.from({ length: 1001 }, () => ['noop', []]), { queue: 's' });
        await raw.script('FLUSH');
        assert.equal(await c.cancel('s', one.id), 'CANCELED');
        assert.equal(await raw.llen(`${p}:{s}:ready`), 1001);
        assert.equal(many.length, 1001);
    } finally {
        await c.close();
    }
});

test('unique keys and taken ids', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        const a = await c.enqueue('report', [7], { queue: 'u', unique: { key: 'report-7', scope: 'A' } });
        const b = await c.enqueue('report', [8], { queue: 'u', unique: { key: 'report-7', scope: 'A' } });
        assert.equal(b.id, a.id);
        assert.equal(b.existing, true);
        assert.equal(a.existing, false);
        assert.equal((await c.job('u', a.id)).unique, 'A:report-7');
        const tt = await c.enqueue('daily', [], { queue: 'u', unique: { key: 'daily', ttlMs: 60000 } });
        const pttl = await raw.pttl(`${p}:{u}:unique:daily`);
        assert.ok(pttl > 0 && pttl <= 60000);
        assert.equal((await c.job('u', tt.id)).unique, 'T:daily');
        await c.enqueue('f', [1], { queue: 'u', id: 'fixed-1' });
        const again = await c.enqueue('f', [1], { queue: 'u', id: 'fixed-1' });
        assert.equal(again.id, 'fixed-1');
        await assert.rejects(c.enqueue('f', [2], { queue: 'u', id: 'fixed-1' }), (e) => {
            assert.ok(e instanceof jrq.JrqJobExistsError);
            assert.equal(e.id, 'fixed-1');
            return true;
        });
    } finally {
        await c.close();
    }
});

test('dependencies: registered with depend.lua, released by cancel, missing ones by policy', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        const dep = await c.enqueue('build', [], { queue: 'reports', delayMs: 60000 });
        const after = await c.enqueue('send', [], { queue: 'mail', dependsOn: [dep] });
        const chained = await c.enqueue('archive', [], { queue: 'mail', dependsOn: [after.ref] });
        assert.equal((await c.job(after.ref)).status, 'DEFERRED');
        assert.deepEqual(await raw.smembers(`${p}:{reports}:dependents:${dep.id}`), [after.ref]);
        assert.equal(await raw.hget(`${p}:{reports}:job:${dep.id}`, 'dependents'), '1');
        assert.equal(await c.cancel(dep.ref), 'CANCELED');
        const a = await c.job(after.ref);
        assert.equal(a.status, 'CANCELED');
        assert.equal(a.error.type, 'io.jrq.DependencyFailedException');
        assert.equal((await c.job(chained.ref)).status, 'CANCELED');

        const gone = await c.enqueue('send', [], { queue: 'mail', dependsOn: ['reports/gone-1'] });
        assert.equal((await c.job(gone.ref)).status, 'CANCELED');
        const run = await c.enqueue('send', [], { queue: 'mail', dependsOn: ['reports/gone-2'], depPolicy: 'run' });
        const r = await c.job(run.ref);
        assert.equal(r.status, 'QUEUED');
        assert.equal(r.depPolicy, 'run');
        assert.deepEqual(r.deps, ['reports/gone-2']);

        const bulkDep = await c.enqueue('build', [], { queue: 'reports', delayMs: 60000 });
        const many = await c.enqueueMany([['x', [1]], ['x', [2]]], { queue: 'mail', dependsOn: [bulkDep.ref] });
        assert.deepEqual((await raw.smembers(`${p}:{reports}:dependents:${bulkDep.id}`)).sort(),
            many.map((j) => j.ref).sort());
    } finally {
        await c.close();
    }
});

test('cancel: queued, scheduled, again, missing', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p, resultTtlS: 77 });
    try {
        const q = await c.enqueue('noop', [], { queue: 'c' });
        assert.equal(await c.cancel('c', q.id), 'CANCELED');
        assert.equal(await raw.llen(`${p}:{c}:ready`), 0);
        assert.equal(await raw.hexists(`${p}:{c}:queued`, q.id), 0);
        const rec = await c.job('c', q.id);
        assert.equal(rec.status, 'CANCELED');
        // Kept for the result TTL: the canceled registry's score is its expiry, the hash has no EXPIRE.
        const endedAt = Number(await raw.hget(`${p}:{c}:job:${q.id}`, 'ended_at'));
        assert.equal(Number(await raw.zscore(`${p}:{c}:canceled`, q.id)), endedAt + 77000);
        assert.equal(await raw.ttl(`${p}:{c}:job:${q.id}`), -1);
        const s = await c.enqueue('noop', [], { queue: 'c', delayMs: 60000 });
        assert.equal(await s.cancel(), 'CANCELED');
        assert.equal((await s.wait({ timeoutMs: 1000 })).status, 'CANCELED');
        await assert.rejects(s.result(), jrq.JrqJobFailedError);
        assert.equal(await raw.zcard(`${p}:{c}:scheduled`), 0);
        assert.equal(await c.cancel(s.ref), 'ENDED');
        assert.equal(await c.cancel('c', 'nope'), 'MISSING');
        // A STARTED job is asked to stop: its worker's command channel hears it.
        await raw.hset(`${p}:{c}:job:running-1`, 'status', 'STARTED', 'worker', 'w1', 'payload', '{"v":1,"fn":"x"}');
        const sub = new Redis(url);
        const heard = new Promise((resolve) => sub.on('message', (ch, m) => resolve([ch, m])));
        await sub.subscribe(`${p}:worker:w1:commands`);
        assert.equal(await c.cancel('c', 'running-1'), 'STOPPING');
        assert.deepEqual(await heard, [`${p}:worker:w1:commands`, '{"cmd":"stop","queue":"c","id":"running-1"}']);
        assert.equal(await raw.hget(`${p}:{c}:job:running-1`, 'stop_requested'), '1');
        sub.disconnect();
    } finally {
        await c.close();
    }
});

test('wait: through the queue\'s events, a timeout, a missing job', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p });
    try {
        // A worker's end of the job, as fetch.lua writes it: the hash, then one event for the call.
        const job = await c.enqueue('add', [2, 3], { queue: 'w' });
        const waiting = c.result(job.ref, { timeoutMs: 5000 });
        const other = c.wait('w', job.id, { timeoutMs: 5000 });
        await new Promise((r) => setTimeout(r, 50));
        await raw.hset(`${p}:{w}:job:${job.id}`, 'status', 'FINISHED', 'fn', 'add', 'result', '5', 'ended_at', '1');
        await raw.publish(`${p}:{w}:events`, JSON.stringify({ ended: { FINISHED: ['else', job.id] } }));
        assert.equal(await waiting, 5);
        assert.equal((await other).status, 'FINISHED');
        // Already over when the wait starts: read at once.
        assert.equal(await c.result('w', job.id), 5);
        // Canceled while waited for: cancel.lua's own event.
        const doomed = await c.enqueue('add', [], { queue: 'w' });
        const w = c.result(doomed.ref, { timeoutMs: 5000 });
        await new Promise((r) => setTimeout(r, 50));
        await c.cancel(doomed.ref);
        await assert.rejects(w, (e) => {
            assert.ok(e instanceof jrq.JrqJobFailedError);
            assert.equal(e.job.status, 'CANCELED');
            return true;
        });
        const slow = await c.enqueue('add', [], { queue: 'w' });
        await assert.rejects(c.wait(slow.ref, { timeoutMs: 100 }), jrq.JrqTimeoutError);
        await assert.rejects(c.wait('w', 'never-was'), /no job w\/never-was/);
        const pending = assert.rejects(c.wait(slow.ref, { timeoutMs: 5000 }), /client closed/);
        await c.close();
        await pending;
    } finally {
        await c.close();
    }
});

test('bad input stores nothing', async (t) => {
    if (skipIfNoRedis(t)) return;
    const p = prefix();
    const c = await jrq.connect(url, { prefix: p, maxPayloadBytes: 1000 });
    try {
        const bad = [
            () => c.enqueue('ok', [NaN], { queue: 'b' }),
            () => c.enqueue('ok', 'args', { queue: 'b' }),
            () => c.enqueue('ok', ['x'.repeat(1000)], { queue: 'b' }),
            () => c.enqueue('ok', [], { queue: 'b', priority: 1 }),
            () => c.enqueue('no spaces allowed', [], { queue: 'b' }),
            () => c.enqueue('a::b::c', [], { queue: 'b' }),
            () => c.enqueue('ok', [], { queue: 'b', delayMs: '5' }),
            () => c.enqueue('ok', [], { queue: 'b c' }),
            () => c.enqueueMany([['ok', []], ['ok', [undefined]]], { queue: 'b' }),
        ];
        for (const f of bad) {
            await assert.rejects(f(), jrq.JrqValidationError);
        }
        assert.deepEqual(await keysOf(p), [`${p}:protocol`]);
    } finally {
        await c.close();
    }
});
