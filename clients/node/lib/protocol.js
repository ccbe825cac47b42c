'use strict';

// The pure half of the client: the rules of names and options, the job envelope, and the exact
// KEYS and ARGV of each script call (docs/PROTOCOL.md). Nothing here talks to Redis, so the golden
// vectors in protocol/vectors.json are checked against it directly.

const zlib = require('zlib');
const crypto = require('crypto');
const { JrqValidationError } = require('./errors');
const json = require('./json');

/** The wire protocol this client speaks, as stored in `<prefix>:protocol`. */
const PROTOCOL_VERSION = '1';
/** The envelope version this client writes. */
const ENVELOPE_VERSION = 1;
/** Jobs per enqueue.lua call in a bulk enqueue, as the Java client sends them; the calls are pipelined. */
const BATCH = 500;

const QUEUE = /^[A-Za-z0-9_.-]{1,100}$/;
const HANDLER = /^[A-Za-z0-9_.:-]{1,200}$/;
const METHOD = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*$/;
const ID = /^[A-Za-z0-9_.:@/+=-]{1,128}$/;
const PREFIX = /^[^:{}\s]+$/;
const BACKOFFS = ['FIXED', 'INTERVALS', 'EXPONENTIAL'];
const SCOPES = ['Q', 'A', 'T'];
const ENDED = ['FINISHED', 'FAILED', 'CANCELED', 'STOPPED'];

/** The options enqueue takes, each with the check of its value. */
const OPTIONS = ['id', 'queue', 'atMs', 'delayMs', 'retry', 'timeoutMs', 'unique', 'dependsOn', 'depPolicy',
    'atFront', 'meta', 'description', 'resultTtlS', 'orderingKey'];
const PARTITION = /^(.+)~([1-9][0-9]{0,5})$/;
const MAX_PARTITIONS = 64;
const RETRY_FIELDS = ['max', 'backoff', 'delays', 'base', 'cap', 'jitter', 'never'];
const UNIQUE_FIELDS = ['key', 'scope', 'ttlMs'];

function fail(message) {
    throw new JrqValidationError(message);
}

function show(v) {
    if (typeof v === 'string') {
        return `'${v.length > 60 ? v.slice(0, 60) + '...' : v}'`;
    }
    if (v === undefined || typeof v === 'number' || typeof v === 'boolean' || v === null) {
        return String(v);
    }
    return typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : `a ${typeof v}`;
}

/** @returns the queue name, if it is one: 1-100 characters of A-Z a-z 0-9 _ . - */
function checkQueueName(name) {
    if (typeof name !== 'string' || !QUEUE.test(name)) {
        fail(`queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: ${show(name)}`);
    }
    return name;
}

/** @returns whether name is `emails~3`: partition 3 of queue emails (PROTOCOL.md, "Partitioned queues") */
function isPartitionName(name) {
    const m = typeof name === 'string' ? PARTITION.exec(name) : null;
    return m !== null && QUEUE.test(m[1]);
}

/** @returns the name of a queue or of one of its partitions, as a job's queue may be */
function checkQueueOrPartition(name) {
    return isPartitionName(name) ? name : checkQueueName(name);
}

let crcTable;

/** CRC-32 (zlib's, IEEE) of bytes: Node's own where it has one (20.15 and later). */
function crc32(bytes) {
    if (typeof zlib.crc32 === 'function') {
        return zlib.crc32(bytes);
    }
    if (!crcTable) {
        crcTable = new Uint32Array(256);
        for (let n = 0; n < 256; n++) {
            let c = n;
            for (let k = 0; k < 8; k++) {
                c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
            }
            crcTable[n] = c >>> 0;
        }
    }
    let c = 0xffffffff;
    for (const b of bytes) {
        c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    }
    return (c ^ 0xffffffff) >>> 0;
}

/** @returns the index of the partition a routing key goes to among n: CRC-32 of its UTF-8 bytes mod n */
function partitionIndex(routingKey, n) {
    return crc32(Buffer.from(routingKey, 'utf8')) % n;
}

/** @returns the partition of `active` a job goes to: by its ordering key, else its unique key, else its id */
function route(active, o, id) {
    return active[partitionIndex(o.orderingKey || o.uniqueKey || id, active.length)];
}

/**
 * The partitions of a queue that take new jobs, from its table's count and names as read (null when
 * absent), read leniently as the Java client does: partition 0 always first.
 */
function activePartitions(queue, count, names) {
    if (names === null || names === undefined) {
        return [queue];
    }
    const valid = [queue];
    for (const n of names.split(',')) {
        if (n !== queue && !valid.includes(n) && isPartitionName(n) && n.slice(0, n.lastIndexOf('~')) === queue
                && valid.length < MAX_PARTITIONS) {
            valid.push(n);
        }
    }
    let c = valid.length;
    if (typeof count === 'string' && /^[0-9]{1,6}$/.test(count) && Number(count) >= 1 && Number(count) <= valid.length) {
        c = Number(count);
    }
    return valid.slice(0, c);
}

/** @returns whether fn is a handler name (1-200 of A-Z a-z 0-9 _ . : -, no "::") */
function isHandlerName(fn) {
    return typeof fn === 'string' && HANDLER.test(fn) && !fn.includes('::');
}

/** @returns whether fn names a Java method, `com.example.Jobs::send` */
function isMethodName(fn) {
    return typeof fn === 'string' && METHOD.test(fn);
}

/** @returns fn, if a worker can run it: a handler name or `class::method` (io.jrq.JobNames) */
let lastFunctionName = null;

function checkFunctionName(fn) {
    // A bulk enqueue names the same function for every job: it is checked once.
    if (fn === lastFunctionName) {
        return fn;
    }
    if (!isHandlerName(fn) && !isMethodName(fn)) {
        fail('a job runs a handler name (1-200 characters of A-Z a-z 0-9 _ . : -, without "::") or a '
            + `Java method (com.example.Jobs::send), got: ${show(fn)}`);
    }
    lastFunctionName = fn;
    return fn;
}

/** @returns the id, if it is one: 1-128 characters of A-Z a-z 0-9 _ . : @ / + = - */
function checkJobId(id, what = 'job id') {
    if (typeof id !== 'string' || !ID.test(id)) {
        fail(`${what} must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -, got: ${show(id)}`);
    }
    return id;
}

/** @returns the key prefix, if it is one: non-empty, without ':', '{', '}' or spaces */
function checkPrefix(prefix) {
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
        fail(`key prefix must be non-empty, without ':', '{', '}' or spaces, got: ${show(prefix)}`);
    }
    return prefix;
}

function integer(v, name, min, max = Number.MAX_SAFE_INTEGER) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
        fail(`${name} must be an integer ${range}, got: ${show(v)}`);
    }
    return v;
}

function plainObject(v, name) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)
        || (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)) {
        fail(`${name} must be a plain object, got: ${show(v)}`);
    }
    return v;
}

function onlyKnown(o, known, name) {
    for (const k of Object.keys(o)) {
        if (!known.includes(k)) {
            fail(`unknown ${name} '${k}' (known: ${known.join(', ')})`);
        }
    }
}

/** The keys of one queue, as docs/PROTOCOL.md names them. */
function keys(prefix, queue) {
    const q = `${prefix}:{${queue}}:`;
    return {
        ready: q + 'ready',
        jobPrefix: q + 'job:',
        scheduled: q + 'scheduled',
        uniquePrefix: q + 'unique:',
        pendingDepsPrefix: q + 'deps:',
        deferred: q + 'deferred',
        queued: q + 'queued',
        payloads: q + 'payloads',
        canceled: q + 'canceled',
        dependentsPrefix: q + 'dependents:',
        events: q + 'events',
        job: (id) => q + 'job:' + id,
    };
}

/** `<prefix>:{<q>}:partitions`, a queue's partition table (PROTOCOL.md, "Partitioned queues"). */
function partitionsKey(prefix, queue) {
    return `${prefix}:{${queue}}:partitions`;
}

/** `<prefix>:queues`, the set of every queue's name. */
function queuesKey(prefix) {
    return `${prefix}:queues`;
}

/** `<prefix>:protocol`, the protocol version of the Redis's jrq keys. */
function protocolKey(prefix) {
    return `${prefix}:protocol`;
}

/** The channel a worker takes commands on. */
function commandsChannel(prefix, worker) {
    return `${prefix}:worker:${worker}:commands`;
}

/** @returns a ref `queue/id` from a ref string, or an object with queue and id (a job enqueue returned) */
function ref(dep, where) {
    let queue;
    let id;
    if (typeof dep === 'string') {
        const slash = dep.indexOf('/');
        if (slash <= 0) {
            fail(`${where} must be "queue/id" or {queue, id}, got: ${show(dep)}`);
        }
        queue = dep.slice(0, slash);
        id = dep.slice(slash + 1);
    } else if (dep !== null && typeof dep === 'object' && typeof dep.queue === 'string' && typeof dep.id === 'string') {
        queue = dep.queue;
        id = dep.id;
    } else {
        fail(`${where} must be "queue/id" or {queue, id}, got: ${show(dep)}`);
    }
    try {
        checkQueueOrPartition(queue);
        checkJobId(id);
    } catch (e) {
        fail(`${where}: ${e.message}`);
    }
    return `${queue}/${id}`;
}

function retryPolicy(r) {
    plainObject(r, 'retry');
    onlyKnown(r, RETRY_FIELDS, 'retry field');
    const backoff = r.backoff === undefined ? 'FIXED' : r.backoff;
    if (!BACKOFFS.includes(backoff)) {
        fail(`retry.backoff must be one of ${BACKOFFS.join(', ')}, got: ${show(backoff)}`);
    }
    const never = r.never === undefined ? [] : r.never;
    if (!Array.isArray(never) || never.some((n) => typeof n !== 'string' || n.length === 0)) {
        fail('retry.never must be an array of exception class names');
    }
    json.checkJson(never, 'retry.never');
    let delays = r.delays;
    if (delays !== undefined) {
        if (!Array.isArray(delays)) {
            fail(`retry.delays must be an array of ms, got: ${show(delays)}`);
        }
        delays.forEach((d, i) => integer(d, `retry.delays[${i}]`, 0));
        delays = delays.slice();
    }
    const exponentialOnly = () => {
        for (const k of ['base', 'cap', 'jitter']) {
            if (r[k] !== undefined) {
                fail(`retry.${k} applies to an EXPONENTIAL backoff only, not ${backoff}`);
            }
        }
    };
    // As the Java client's RetryPolicy.fixed, intervals and exponential make them.
    if (backoff === 'FIXED') {
        exponentialOnly();
        delays = delays === undefined ? [0] : delays;
        if (delays.length !== 1) {
            fail(`retry.delays of a FIXED backoff holds exactly one delay, got ${delays.length}`);
        }
        const max = r.max === undefined ? 1 : integer(r.max, 'retry.max', 1, 1000);
        return { max, backoff, delays, base: 0, cap: 0, jitter: 0, never: never.slice() };
    }
    if (backoff === 'INTERVALS') {
        exponentialOnly();
        if (delays === undefined || delays.length === 0 || delays.length > 999) {
            fail(`retry.delays of an INTERVALS backoff needs 1 to 999 delays, got ${delays ? delays.length : 0}`);
        }
        const max = delays.length + 1;
        if (r.max !== undefined && r.max !== max) {
            fail(`an INTERVALS backoff makes delays.length + 1 = ${max} attempts, got retry.max ${show(r.max)}`);
        }
        return { max, backoff, delays, base: 0, cap: 0, jitter: 0, never: never.slice() };
    }
    if (delays !== undefined && delays.length > 0) {
        fail('an EXPONENTIAL backoff takes retry.base and retry.cap, not retry.delays');
    }
    const max = r.max === undefined ? 1 : integer(r.max, 'retry.max', 1, 1000);
    const base = r.base === undefined ? 0 : integer(r.base, 'retry.base', 0);
    const cap = r.cap === undefined ? base : integer(r.cap, 'retry.cap', 0);
    if (!(base > 0 && cap >= base)) {
        fail(`an EXPONENTIAL backoff needs 0 < retry.base <= retry.cap, got base ${base}, cap ${cap}`);
    }
    const jitter = r.jitter === undefined ? 0 : r.jitter;
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
        fail(`retry.jitter must be a number from 0 to 1, got: ${show(jitter)}`);
    }
    return { max, backoff, delays: [], base, cap, jitter, never: never.slice() };
}

/**
 * Checks enqueue options and brings them to the form the envelope and enqueue.lua need. Every
 * unknown option, wrong type or out-of-range value is an error naming it.
 *
 * @param options the caller's options (camelCase)
 * @param bulk whether they apply to many jobs (then there is no single `id`)
 */
function normalizeOptions(options, bulk = false) {
    const o = options === undefined ? {} : plainObject(options, 'options');
    onlyKnown(o, OPTIONS, 'option');
    const out = {
        id: undefined, queue: 'default', atMs: -1, delayMs: -1, retry: undefined, timeoutMs: -1,
        uniqueKey: undefined, uniqueScope: 'Q', uniqueTtlMs: -1, dependsOn: [], depPolicy: 'cancel',
        atFront: false, meta: undefined, description: undefined, resultTtlS: undefined, orderingKey: undefined,
    };
    if (o.orderingKey !== undefined) {
        if (typeof o.orderingKey !== 'string' || o.orderingKey.length === 0 || o.orderingKey.length > 200) {
            fail(`orderingKey must be 1-200 characters, got: ${show(o.orderingKey)}`);
        }
        out.orderingKey = o.orderingKey;
    }
    if (o.id !== undefined) {
        if (bulk) {
            fail("option 'id' names one job: give each call of a bulk enqueue its own id instead");
        }
        out.id = checkJobId(o.id);
    }
    if (o.queue !== undefined) {
        out.queue = checkQueueName(o.queue);
    }
    if (o.atMs !== undefined) {
        out.atMs = o.atMs instanceof Date ? integer(o.atMs.getTime(), 'atMs', 0) : integer(o.atMs, 'atMs (ms since the epoch, or a Date)', 0);
    }
    if (o.delayMs !== undefined) {
        out.delayMs = integer(o.delayMs, 'delayMs', 0);
    }
    if (o.retry !== undefined) {
        out.retry = retryPolicy(o.retry);
    }
    if (o.timeoutMs !== undefined) {
        out.timeoutMs = integer(o.timeoutMs, 'timeoutMs', 1);
    }
    if (o.unique !== undefined) {
        const u = typeof o.unique === 'string' ? { key: o.unique } : plainObject(o.unique, 'unique');
        onlyKnown(u, UNIQUE_FIELDS, 'unique field');
        if (typeof u.key !== 'string' || u.key.length === 0 || u.key.length > 200) {
            fail(`unique.key must be 1-200 characters, got: ${show(u.key)}`);
        }
        json.checkJson(u.key, 'unique.key');
        const scope = u.scope === undefined ? (u.ttlMs === undefined ? 'Q' : 'T') : u.scope;
        if (!SCOPES.includes(scope)) {
            fail(`unique.scope must be Q (while queued), A (while queued or running) or T (for ttlMs), got: ${show(scope)}`);
        }
        if (scope === 'T') {
            out.uniqueTtlMs = integer(u.ttlMs, 'unique.ttlMs (scope T)', 1);
        } else if (u.ttlMs !== undefined) {
            fail(`unique.ttlMs applies to scope T only, not ${scope}`);
        }
        out.uniqueKey = u.key;
        out.uniqueScope = scope;
    }
    if (o.dependsOn !== undefined) {
        const deps = Array.isArray(o.dependsOn) ? o.dependsOn : [o.dependsOn];
        out.dependsOn = deps.map((d, i) => ref(d, `dependsOn[${i}]`));
    }
    if (o.depPolicy !== undefined) {
        if (o.depPolicy !== 'cancel' && o.depPolicy !== 'run') {
            fail(`depPolicy must be 'cancel' or 'run', got: ${show(o.depPolicy)}`);
        }
        out.depPolicy = o.depPolicy;
    }
    if (o.atFront !== undefined) {
        if (typeof o.atFront !== 'boolean') {
            fail(`atFront must be true or false, got: ${show(o.atFront)}`);
        }
        out.atFront = o.atFront;
    }
    if (o.meta !== undefined) {
        plainObject(o.meta, 'meta');
        for (const [k, v] of Object.entries(o.meta)) {
            if (k.length === 0) {
                fail('meta keys must not be empty');
            }
            if (typeof v !== 'string') {
                fail(`meta values must be strings, got ${show(v)} for '${k}'`);
            }
        }
        json.checkJson(o.meta, 'meta');
        out.meta = Object.keys(o.meta).length > 0 ? { ...o.meta } : undefined;
    }
    if (o.description !== undefined) {
        if (typeof o.description !== 'string' || o.description.length > 1000) {
            fail(`description must be text of at most 1000 characters, got: ${show(o.description)}`);
        }
        json.checkJson(o.description, 'description');
        out.description = o.description;
    }
    if (o.resultTtlS !== undefined) {
        out.resultTtlS = integer(o.resultTtlS, 'resultTtlS (seconds to keep the result)', 1);
    }
    return out;
}

/**
 * The envelope JSON of one call, in the Java client's field order: v, fn, args, desc, meta, ttl,
 * retry, timeout, deps.
 *
 * @param fn the handler or method
 * @param args the arguments (checked here)
 * @param o normalized options
 * @param defaultTtlS the client's result TTL, used when the options give none
 */
function envelope(fn, args, o, defaultTtlS, tail = envelopeTail(o, defaultTtlS)) {
    checkFunctionName(fn);
    if (args === undefined) {
        args = [];
    }
    if (!Array.isArray(args)) {
        fail(`args must be an array of the job's arguments, got: ${show(args)}`);
    }
    json.checkJson(args, 'args');
    return `{"v":${ENVELOPE_VERSION},"fn":${json.quote(fn)},"args":${json.write(args)}${tail}`;
}

/**
 * What follows the arguments in every envelope of one set of options, up to the closing brace:
 * the same for each job of a bulk enqueue, so it is written once.
 */
function envelopeTail(o, defaultTtlS) {
    let s = '';
    if (o.description !== undefined) {
        s += `,"desc":${json.quote(o.description)}`;
    }
    if (o.meta !== undefined) {
        s += `,"meta":${json.write(o.meta)}`;
    }
    s += `,"ttl":${o.resultTtlS !== undefined ? o.resultTtlS : defaultTtlS}`;
    if (o.retry !== undefined) {
        const r = o.retry;
        // The jitter is a Java double: 0.0 for none.
        s += `,"retry":{"max":${r.max},"backoff":"${r.backoff}","delays":${json.write(r.delays)},"base":${r.base},`
            + `"cap":${r.cap},"jitter":${json.javaDouble(r.jitter)},"never":${json.write(r.never)}}`;
    }
    if (o.timeoutMs > 0) {
        s += `,"timeout":${o.timeoutMs}`;
    }
    if (o.dependsOn.length > 0) {
        s += `,"deps":${json.write(o.dependsOn)}`;
    }
    return s + '}';
}

/** @returns the UTF-8 size of a payload, if within the limit */
function checkSize(payload, fn, limit) {
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short payloads skip the count.
    const size = payload.length <= limit / 3 ? payload.length : Buffer.byteLength(payload, 'utf8');
    if (size > limit) {
        fail(`job payload for ${fn} is ${size} bytes, over the limit of ${limit} bytes (maxPayloadBytes); `
            + 'store large data elsewhere and pass its key');
    }
    return size;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random bytes drawn a block at a time: one system call per 256 ids rather than one per id. */
let pool = Buffer.alloc(0);
let poolAt = 0;

const BASE62_CODES = Array.from(BASE62, (c) => c.charCodeAt(0));
const ID_CODES = new Array(16);

/** A new job id: 16 random characters of [0-9A-Za-z] (95 bits), as the Java client draws them. */
function newId() {
    let n = 0;
    while (n < 16) {
        if (poolAt >= pool.length) {
            pool = crypto.randomBytes(6144);
            poolAt = 0;
        }
        const b = pool[poolAt++];
        // 248 = 4 * 62: taking only bytes below it keeps every character equally likely.
        if (b < 248) {
            ID_CODES[n++] = BASE62_CODES[b % 62];
        }
    }
    return String.fromCharCode.apply(null, ID_CODES);
}

/**
 * The enqueue.lua call that stores jobs of one queue with the same options.
 *
 * @param prefix the key prefix
 * @param o normalized options (queue, due time, delay, uniqueness, dependencies, at front)
 * @param jobs [{id, payload}] in the order given
 * @returns {{name: string, keys: string[], argv: string[]}}
 */
function enqueueCall(prefix, o, jobs) {
    const k = keys(prefix, o.queue);
    // Flag 2 (skip the check for an existing id) is never set, as in the Java client: ioredis sends
    // a call again after a reconnect, and the second must find the jobs the first one stored.
    const argv = [
        o.atFront ? '1' : '0',
        String(o.atMs),
        String(o.delayMs),
        o.uniqueScope,
        String(o.uniqueTtlMs),
        json.write(o.dependsOn),
        o.depPolicy,
    ];
    // The front of the queue is the right end: the last job pushed at the front runs first, so
    // the jobs go in reverse to keep the given order (and their ids come back reversed).
    for (let j = 0; j < jobs.length; j++) {
        const job = jobs[o.atFront ? jobs.length - 1 - j : j];
        argv.push(job.id, job.payload, o.uniqueKey === undefined ? '' : o.uniqueKey);
    }
    return {
        name: 'enqueue.lua',
        keys: [k.ready, k.jobPrefix, k.scheduled, k.uniquePrefix, k.pendingDepsPrefix, k.deferred, k.queued, k.payloads],
        argv,
    };
}

/** The depend.lua call registering `dependent` ("queue/id") with jobs of queue `depQueue`. */
function dependCall(prefix, depQueue, dependent, ids) {
    const k = keys(prefix, depQueue);
    return { name: 'depend.lua', keys: [k.jobPrefix, k.dependentsPrefix, k.queued], argv: [dependent, ...ids] };
}

/** The release.lua call telling dependents in `queue` that dependencies ended: notices [{id, dependency, outcome}]. */
function releaseCall(prefix, queue, canceledTtlS, canceledMax, notices) {
    const k = keys(prefix, queue);
    const argv = [k.events, String(canceledTtlS), String(canceledMax)];
    for (const n of notices) {
        argv.push(n.id, n.dependency, n.outcome);
    }
    return {
        name: 'release.lua',
        keys: [k.ready, k.jobPrefix, k.deferred, k.canceled, k.pendingDepsPrefix, k.dependentsPrefix],
        argv,
    };
}

/** The cancel.lua call of one job. */
function cancelCall(prefix, queue, id, canceledTtlS, canceledMax) {
    const k = keys(prefix, queue);
    return {
        name: 'cancel.lua',
        keys: [k.ready, k.jobPrefix, k.scheduled, k.deferred, k.canceled, k.uniquePrefix, k.pendingDepsPrefix,
            k.dependentsPrefix, k.queued],
        argv: [id, k.events, String(canceledTtlS), String(canceledMax)],
    };
}

function parsed(text) {
    if (text === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function count(text) {
    return text === undefined ? undefined : Number(text);
}

/**
 * A job's record from its hash fields, or from its compact record `<enqueued_at>:<payload>` (a
 * queued plain job, see "Queued jobs in compact form"), with the JSON fields parsed.
 */
function jobRecord(queue, id, hash, compact) {
    let h = hash;
    if ((!h || Object.keys(h).length === 0) && compact != null) {
        const colon = compact.indexOf(':');
        if (colon < 1 || colon > 15 || colon === compact.length - 1 || !/^\d+$/.test(compact.slice(0, colon))) {
            throw new JrqValidationError(`job ${queue}/${id} is corrupt: its queued record is not <enqueued_at>:<payload>`);
        }
        h = { status: 'QUEUED', enqueued_at: compact.slice(0, colon), payload: compact.slice(colon + 1) };
    }
    if (!h || Object.keys(h).length === 0) {
        return null;
    }
    const env = parsed(h.payload) || {};
    const rec = {
        id,
        queue,
        ref: `${queue}/${id}`,
        status: h.status,
        ended: ENDED.includes(h.status),
        fn: h.fn !== undefined ? h.fn : env.fn,
        args: env.args == null ? (h.payload === undefined ? undefined : []) : env.args,
        description: env.desc,
        meta: env.meta,
        payload: h.payload,
        enqueuedAt: count(h.enqueued_at),
        queuedAt: count(h.queued_at),
        dueAt: count(h.due_at),
        startedAt: count(h.started_at),
        endedAt: count(h.ended_at),
        attempts: count(h.attempts),
        leases: count(h.leases),
        recoveries: count(h.recoveries),
        worker: h.worker,
        hasResult: h.result !== undefined,
        result: parsed(h.result),
        error: parsed(h.error),
        errors: parsed(h.errors),
        progress: parsed(h.progress),
        unique: h.unique,
        deps: parsed(h.deps),
        depPolicy: h.dep_policy,
        stopRequested: h.stop_requested === '1',
        fields: h,
    };
    // Absent fields are absent, as in the hash.
    for (const k of Object.keys(rec)) {
        if (rec[k] === undefined) {
            delete rec[k];
        }
    }
    return rec;
}

/** @returns whether a message on a queue's events channel says job `id` ended */
function eventNames(message, id) {
    let e;
    try {
        e = JSON.parse(message);
    } catch {
        return false;
    }
    if (e === null || typeof e !== 'object') {
        return false;
    }
    if (e.ended && typeof e.ended === 'object') {
        return Object.values(e.ended).some((ids) => Array.isArray(ids) && ids.includes(id));
    }
    return e.id === id && ENDED.includes(e.status);
}

module.exports = {
    PROTOCOL_VERSION,
    ENVELOPE_VERSION,
    BATCH,
    ENDED,
    OPTIONS,
    checkQueueName,
    checkQueueOrPartition,
    isPartitionName,
    partitionIndex,
    route,
    activePartitions,
    partitionsKey,
    checkFunctionName,
    checkJobId,
    checkPrefix,
    isHandlerName,
    isMethodName,
    normalizeOptions,
    envelope,
    envelopeTail,
    checkSize,
    newId,
    keys,
    queuesKey,
    protocolKey,
    commandsChannel,
    enqueueCall,
    dependCall,
    releaseCall,
    cancelCall,
    jobRecord,
    eventNames,
    ref,
};
