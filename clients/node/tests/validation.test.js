'use strict';

// What the client refuses before it sends anything, and how it spells what it accepts.

const test = require('node:test');
const assert = require('assert/strict');
const jrq = require('..');

const { protocol, JrqValidationError } = jrq;

function envelope(fn, args, options) {
    return protocol.envelope(fn, args, protocol.normalizeOptions(options), 500);
}

function refused(f, pattern) {
    assert.throws(f, (e) => {
        assert.ok(e instanceof JrqValidationError, `a JrqValidationError, got ${e}`);
        assert.match(e.message, pattern);
        return true;
    });
}

test('handler and method names follow io.jrq.JobNames', () => {
    for (const ok of ['send-email', 'a', 'mail.send:v2', 'x'.repeat(200), 'com.example.Jobs::send', 'A$B::m']) {
        assert.equal(jrq.checkFunctionName(ok), ok);
    }
    for (const bad of ['', 'x'.repeat(201), 'has space', 'a::b::c', 'a:::b', '::x', 'x::', 'émoji', 'a/b', 42, null]) {
        refused(() => envelope(bad, []), /handler name/);
    }
});

test('queue names, ids, refs and prefixes', () => {
    for (const bad of ['', 'q'.repeat(101), 'a b', 'a{b}', 'a:b', 7]) {
        refused(() => protocol.normalizeOptions({ queue: bad }), /queue name/);
    }
    for (const bad of ['', 'i'.repeat(129), 'a b', 'a#b']) {
        refused(() => protocol.normalizeOptions({ id: bad }), /job id/);
    }
    assert.equal(protocol.normalizeOptions({ id: 'a_b.c:d@e/f+g=h-1' }).id, 'a_b.c:d@e/f+g=h-1');
    refused(() => protocol.normalizeOptions({ dependsOn: ['nodash'] }), /dependsOn\[0\]/);
    refused(() => protocol.normalizeOptions({ dependsOn: ['/x'] }), /dependsOn\[0\]/);
    refused(() => protocol.normalizeOptions({ dependsOn: ['bad queue/x'] }), /queue name/);
    assert.deepEqual(protocol.normalizeOptions({ dependsOn: ['q/a/b', { queue: 'r', id: 'x' }] }).dependsOn,
        ['q/a/b', 'r/x']);
    assert.throws(() => new jrq.Client('redis://localhost', { prefix: 'a:b' }), /key prefix/);
    assert.throws(() => new jrq.Client('http://localhost'), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => new jrq.Client('redis://localhost', { prefx: 'a' }), /unknown client option 'prefx'/);
});

test('arguments must be plain JSON data', () => {
    class Point {
        constructor() {
            this.x = 1;
        }
    }
    const cyclic = [];
    cyclic.push(cyclic);
    const cases = [
        [[NaN], /args\[0\] is NaN/],
        [[Infinity], /args\[0\] is Infinity/],
        [[{ a: -Infinity }], /args\[0\]\.a is -Infinity/],
        [[undefined], /args\[0\] is undefined/],
        [[{ a: undefined }], /args\[0\]\.a is undefined/],
        [[() => 1], /a function/],
        [[Symbol('s')], /a symbol/],
        [[new Date(0)], /a Date.*toISOString/],
        [[new Map()], /a Map/],
        [[new Point()], /a Point/],
        [[cyclic], /cycle/],
        [['\ud800'], /lone UTF-16 surrogate/],
        [[[1, , 3]], /sparse/], // eslint-disable-line no-sparse-arrays
    ];
    for (const [args, pattern] of cases) {
        refused(() => envelope('f', args), pattern);
    }
    refused(() => envelope('f', 'not-an-array'), /args must be an array/);
    refused(() => envelope('f', { 0: 1 }), /args must be an array/);
    let deep = [];
    for (let i = 0; i < 1001; i++) {
        deep = [deep];
    }
    refused(() => envelope('f', [deep]), /nested more than 1000/);
    // Objects without a prototype and BigInts are fine.
    const bare = Object.create(null);
    bare.k = 'v';
    assert.equal(envelope('f', [bare, 12345678901234567890n]),
        '{"v":1,"fn":"f","args":[{"k":"v"},12345678901234567890],"ttl":500}');
    assert.equal(envelope('f'), '{"v":1,"fn":"f","args":[],"ttl":500}');
});

test('JSON text is the Java client\'s', () => {
    const t = jrq.protocol.toJson;
    assert.equal(t(['\u0000\u001f\u007f\b\t\n\f\r"\\/é😀']), '["\\u0000\\u001F\u007f\\b\\t\\n\\f\\r\\"\\\\/é😀"]');
    assert.equal(t([1.5, 1e20, 1e-4, 12345678.9, -0.5, 0, -7, 0.001, 1e7, 2 ** 53, 1e300]),
        '[1.5,1.0E20,1.0E-4,1.23456789E7,-0.5,0,-7,0.001,10000000,9.007199254740992E15,1.0E300]');
    assert.equal(t({ b: 1, a: [true, false, null] }), '{"b":1,"a":[true,false,null]}');
});

test('unknown options and fields are refused, naming them', () => {
    refused(() => protocol.normalizeOptions({ delay: 5 }), /unknown option 'delay' \(known: id, queue, atMs/);
    refused(() => protocol.normalizeOptions({ retry: { max: 2, tries: 3 } }), /unknown retry field 'tries'/);
    refused(() => protocol.normalizeOptions({ unique: { key: 'k', ttl: 5 } }), /unknown unique field 'ttl'/);
    refused(() => protocol.normalizeOptions('fast'), /options must be a plain object/);
    refused(() => protocol.normalizeOptions(null), /options must be a plain object/);
});

test('option values are checked', () => {
    const cases = [
        [{ delayMs: -1 }, /delayMs must be an integer at least 0/],
        [{ delayMs: 1.5 }, /delayMs/],
        [{ delayMs: '10' }, /delayMs/],
        [{ atMs: -5 }, /atMs/],
        [{ timeoutMs: 0 }, /timeoutMs must be an integer at least 1/],
        [{ resultTtlS: 0 }, /resultTtlS/],
        [{ atFront: 'yes' }, /atFront must be true or false/],
        [{ depPolicy: 'ignore' }, /depPolicy must be 'cancel' or 'run'/],
        [{ meta: { a: 1 } }, /meta values must be strings/],
        [{ meta: { '': 'x' } }, /meta keys must not be empty/],
        [{ meta: ['a'] }, /meta must be a plain object/],
        [{ description: 'd'.repeat(1001) }, /description must be text of at most 1000/],
        [{ description: 5 }, /description/],
        [{ unique: { key: '' } }, /unique.key must be 1-200/],
        [{ unique: { key: 'k'.repeat(201) } }, /unique.key must be 1-200/],
        [{ unique: { key: 'k', scope: 'X' } }, /unique.scope/],
        [{ unique: { key: 'k', scope: 'T' } }, /unique.ttlMs/],
        [{ unique: { key: 'k', scope: 'Q', ttlMs: 5 } }, /applies to scope T only/],
        [{ retry: { max: 0 } }, /retry.max must be an integer 1 to 1000/],
        [{ retry: { max: 1001 } }, /retry.max/],
        [{ retry: { max: 2, backoff: 'LINEAR' } }, /retry.backoff must be one of/],
        [{ retry: { max: 2, delays: [1, 2] } }, /exactly one delay/],
        [{ retry: { max: 2, delays: [-1] } }, /retry.delays\[0\]/],
        [{ retry: { max: 2, base: 5 } }, /applies to an EXPONENTIAL backoff only/],
        [{ retry: { backoff: 'INTERVALS', delays: [] } }, /1 to 999 delays/],
        [{ retry: { backoff: 'INTERVALS', delays: [1, 2], max: 5 } }, /delays.length \+ 1 = 3 attempts/],
        [{ retry: { max: 3, backoff: 'EXPONENTIAL', base: 0, cap: 5 } }, /0 < retry.base <= retry.cap/],
        [{ retry: { max: 3, backoff: 'EXPONENTIAL', base: 10, cap: 5 } }, /0 < retry.base <= retry.cap/],
        [{ retry: { max: 3, backoff: 'EXPONENTIAL', base: 1, jitter: 1.5 } }, /jitter/],
        [{ retry: { max: 3, never: [5] } }, /retry.never/],
    ];
    for (const [o, pattern] of cases) {
        refused(() => protocol.normalizeOptions(o), pattern);
    }
    refused(() => protocol.normalizeOptions({ id: 'x' }, true), /give each call of a bulk enqueue its own id/);
});

test('the envelope carries every option in the Java client\'s order', () => {
    const text = envelope('report', [1], {
        id: 'r-1', queue: 'reports', atMs: new Date(4102444800000), delayMs: 5, timeoutMs: 120000,
        retry: { max: 5, backoff: 'EXPONENTIAL', base: 1000, cap: 60000, jitter: 0.2, never: ['java.io.IOException'] },
        unique: 'report-1', dependsOn: ['reports/d-1'], depPolicy: 'run', atFront: true,
        meta: { tenant: 'acme' }, description: 'monthly', resultTtlS: 3600,
    });
    assert.equal(text, '{"v":1,"fn":"report","args":[1],"desc":"monthly","meta":{"tenant":"acme"},"ttl":3600,'
        + '"retry":{"max":5,"backoff":"EXPONENTIAL","delays":[],"base":1000,"cap":60000,"jitter":0.2,'
        + '"never":["java.io.IOException"]},"timeout":120000,"deps":["reports/d-1"]}');
    const o = protocol.normalizeOptions({ queue: 'q', atMs: 7, delayMs: 5, unique: { key: 'u', ttlMs: 9 },
        dependsOn: ['q/a'], depPolicy: 'run', atFront: true });
    const call = protocol.enqueueCall('p', o, [{ id: 'a1', payload: 'A' }, { id: 'a2', payload: 'B' }]);
    assert.deepEqual(call.argv, ['1', '7', '5', 'T', '9', '["q/a"]', 'run', 'a2', 'B', 'u', 'a1', 'A', 'u']);
    assert.deepEqual(call.keys, ['p:{q}:ready', 'p:{q}:job:', 'p:{q}:scheduled', 'p:{q}:unique:', 'p:{q}:deps:',
        'p:{q}:deferred', 'p:{q}:queued', 'p:{q}:payloads']);
    assert.deepEqual(protocol.cancelCall('p', 'q', 'a1', 500, 10000), {
        name: 'cancel.lua',
        keys: ['p:{q}:ready', 'p:{q}:job:', 'p:{q}:scheduled', 'p:{q}:deferred', 'p:{q}:canceled', 'p:{q}:unique:',
            'p:{q}:deps:', 'p:{q}:dependents:', 'p:{q}:queued'],
        argv: ['a1', 'p:{q}:events', '500', '10000'],
    });
    assert.deepEqual(protocol.releaseCall('p', 'q', 500, 10000, [{ id: 'a1', dependency: 'r/x', outcome: 'FAILED' }]), {
        name: 'release.lua',
        keys: ['p:{q}:ready', 'p:{q}:job:', 'p:{q}:deferred', 'p:{q}:canceled', 'p:{q}:deps:', 'p:{q}:dependents:'],
        argv: ['p:{q}:events', '500', '10000', 'a1', 'r/x', 'FAILED'],
    });
});

test('the payload limit counts UTF-8 bytes', () => {
    const limit = 1024 * 1024;
    const o = protocol.normalizeOptions({});
    const overhead = '{"v":1,"fn":"f","args":[""],"ttl":500}'.length;
    const fits = protocol.envelope('f', ['x'.repeat(limit - overhead)], o, 500);
    assert.equal(Buffer.byteLength(fits), limit);
    assert.equal(protocol.checkSize(fits, 'f', limit), limit);
    const over = protocol.envelope('f', ['é'.repeat(limit / 2)], o, 500);
    refused(() => protocol.checkSize(over, 'f', limit), new RegExp(`is ${limit + overhead} bytes, over the limit of ${limit} bytes`));
});

test('generated ids are 16 base62 characters', () => {
    const seen = new Set();
    for (let i = 0; i < 1000; i++) {
        const id = jrq.newId();
        assert.match(id, /^[0-9A-Za-z]{16}$/);
        seen.add(id);
    }
    assert.equal(seen.size, 1000);
});

test('a compact record reads as the QUEUED job it is', () => {
    const rec = protocol.jobRecord('q', 'a1', {}, '1767225600123:{"v":1,"fn":"f","args":[2,3],"desc":"d","meta":{"k":"v"}}');
    assert.equal(rec.status, 'QUEUED');
    assert.equal(rec.enqueuedAt, 1767225600123);
    assert.equal(rec.fn, 'f');
    assert.deepEqual(rec.args, [2, 3]);
    assert.equal(rec.description, 'd');
    assert.deepEqual(rec.meta, { k: 'v' });
    assert.equal(rec.ended, false);
    assert.equal(protocol.jobRecord('q', 'a1', {}, null), null);
    assert.throws(() => protocol.jobRecord('q', 'a1', {}, 'garbage'), /corrupt/);
    const done = protocol.jobRecord('q', 'a1', { status: 'FINISHED', fn: 'f', result: '{"x":1}', ended_at: '5' }, null);
    assert.deepEqual(done.result, { x: 1 });
    assert.equal(done.hasResult, true);
    assert.equal(done.ended, true);
    assert.deepEqual(done.args, undefined);
});

test('partition routing: the keys and indexes of the Java PartitionTableTest', () => {
    assert.equal(protocol.partitionIndex('customer-7', 4), 0);
    assert.equal(protocol.partitionIndex('customer-7', 6), 2);
    assert.equal(protocol.partitionIndex('report-42', 4), 2);
    assert.equal(protocol.partitionIndex('8WoY1RYdmPAtyvjs', 6), 1);
    assert.equal(protocol.partitionIndex('\u00e9\u20ac\u{1d11e}', 4), 2);
    assert.deepEqual(protocol.activePartitions('q', null, null), ['q']);
    assert.deepEqual(protocol.activePartitions('q', '2', 'q,q~1,q~4'), ['q', 'q~1']);
    assert.deepEqual(protocol.activePartitions('q', 'many', 'q,other~1,\u0000,q~2'), ['q', 'q~2']);
    assert.equal(protocol.isPartitionName('q~0'), false);
    assert.equal(protocol.isPartitionName('bad name~1'), false);
    refused(() => protocol.normalizeOptions({ orderingKey: '' }), /orderingKey must be 1-200 characters/);
    refused(() => protocol.normalizeOptions({ orderingKey: 7 }), /orderingKey/);
});
