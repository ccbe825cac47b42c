'use strict';

// The golden vectors of protocol/vectors.json, and what the tests need to hold the client to them:
// the vectors' snake_case options in this client's camelCase, the records of a Redis dumped in the
// vectors' form, and the comparison of the two with the vectors' time placeholders.

const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');

/** protocol/vectors.json: from JRQ_PROTOCOL_DIR, else the repository's, two levels up. */
function vectorsFile() {
    const dir = process.env.JRQ_PROTOCOL_DIR || path.join(__dirname, '..', '..', '..', 'protocol');
    const file = path.join(dir, 'vectors.json');
    return fs.existsSync(file) ? file : null;
}

function load() {
    const file = vectorsFile();
    return file ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

const CAMEL = {
    at_ms: 'atMs', delay_ms: 'delayMs', timeout_ms: 'timeoutMs', depends_on: 'dependsOn',
    dep_policy: 'depPolicy', at_front: 'atFront', result_ttl_s: 'resultTtlS', ttl_ms: 'ttlMs',
};

/** The vector's options as this client takes them: top-level and `unique` names in camelCase. */
function camelOptions(options, queue) {
    const out = {};
    for (const [k, v] of Object.entries(options)) {
        const name = CAMEL[k] || k;
        if (k === 'unique') {
            const u = {};
            for (const [uk, uv] of Object.entries(v)) {
                u[CAMEL[uk] || uk] = uv;
            }
            out[name] = u;
        } else {
            out[name] = v;
        }
    }
    if (queue !== undefined) {
        out.queue = queue;
    }
    return out;
}

/** Every key of the database (but the protocol key) in the vectors' form, sorted. */
async function dump(redis, protocolKey = 'jrq:protocol') {
    const out = {};
    const keys = (await redis.keys('*')).filter((k) => k !== protocolKey).sort();
    for (const key of keys) {
        const type = await redis.type(key);
        let value;
        if (type === 'hash') {
            const h = await redis.hgetall(key);
            value = {};
            for (const f of Object.keys(h).sort()) {
                value[f] = h[f];
            }
        } else if (type === 'list') {
            value = await redis.lrange(key, 0, -1);
        } else if (type === 'set') {
            value = (await redis.smembers(key)).sort();
        } else if (type === 'zset') {
            const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
            value = [];
            for (let i = 0; i < flat.length; i += 2) {
                value.push([flat[i], Number(flat[i + 1])]);
            }
        } else {
            value = await redis.get(key);
        }
        out[key] = { type, value, pttl: await redis.pttl(key) };
    }
    return out;
}

const PLACEHOLDER = /<REDIS_MS(?:\+(\d+))?>|<ANY_MS>/g;

/**
 * Asserts that `actual` (dump's form) holds exactly the vector's `stored` records.
 *
 * @param {number} t0 the time enqueue.lua returned, which <REDIS_MS> stands for
 */
function assertStored(expected, actual, t0) {
    assert.deepEqual(Object.keys(actual), Object.keys(expected), 'the keys stored');
    for (const [key, e] of Object.entries(expected)) {
        const a = actual[key];
        assert.equal(a.type, e.type, `${key} type`);
        match(key, e.value, a.value, t0);
        if (e.ttl_ms !== undefined) {
            assert.ok(a.pttl > 0 && a.pttl <= e.ttl_ms, `${key} PTTL ${a.pttl} in (0, ${e.ttl_ms}]`);
        } else {
            assert.equal(a.pttl, -1, `${key} has no TTL`);
        }
    }
}

function match(where, e, a, t0) {
    if (typeof e === 'string' && e.search(PLACEHOLDER) >= 0) {
        const text = String(a);
        const offsets = [];
        let regex = '';
        let last = 0;
        for (const m of e.matchAll(PLACEHOLDER)) {
            regex += escape(e.slice(last, m.index)) + '(\\d{13})';
            offsets.push(m[0] === '<ANY_MS>' ? null : Number(m[1] || 0));
            last = m.index + m[0].length;
        }
        regex += escape(e.slice(last));
        const got = new RegExp('^' + regex + '$', 's').exec(text);
        assert.ok(got, `${where}: ${text} matches ${e}`);
        offsets.forEach((offset, i) => {
            const value = Number(got[i + 1]);
            if (offset === null) {
                assert.ok(Math.abs(value - Date.now()) < 600000, `${where} is a Redis time`);
            } else {
                assert.equal(value - offset, t0, `${where}: <REDIS_MS> is the enqueue time`);
            }
        });
    } else if (Array.isArray(e)) {
        assert.ok(Array.isArray(a), `${where} is an array`);
        assert.equal(a.length, e.length, `${where} size`);
        e.forEach((x, i) => match(`${where}[${i}]`, x, a[i], t0));
    } else if (e !== null && typeof e === 'object') {
        assert.deepEqual(Object.keys(a), Object.keys(e), `${where} fields`);
        for (const k of Object.keys(e)) {
            match(`${where}.${k}`, e[k], a[k], t0);
        }
    } else {
        assert.equal(a, e, where);
    }
}

function escape(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The payload texts of a vector's enqueue.lua call, in the order of its ids. */
function payloadTexts(v) {
    const argv = v.script.argv;
    const texts = [];
    for (let i = 8; i < argv.length; i += 3) {
        texts.push(argv[i]);
    }
    return argv[0] === '1' ? texts.reverse() : texts;
}

/** The status a vector's job is stored with (its hash's, or QUEUED for a compact record). */
function storedStatus(v, prefix, id) {
    const queue = v.enqueue.queue;
    const hash = v.stored[`${prefix}:{${queue}}:job:${id}`];
    if (hash) {
        return hash.value.status;
    }
    const queued = v.stored[`${prefix}:{${queue}}:queued`];
    return queued && queued.value[id] !== undefined ? 'QUEUED' : null;
}

module.exports = { load, vectorsFile, camelOptions, dump, assertStored, payloadTexts, storedStatus };
