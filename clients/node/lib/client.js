'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const Redis = require('ioredis');
const p = require('./protocol');
const json = require('./json');
const {
    JrqError, JrqValidationError, JrqProtocolError, JrqJobExistsError, JrqTimeoutError, JrqJobFailedError,
} = require('./errors');

/** The directory of the vendored scripts: the jrq-core jar's assembled copies, byte for byte. */
const LUA_DIR = path.join(__dirname, '..', 'lua');
const SCRIPT_NAMES = ['enqueue.lua', 'depend.lua', 'release.lua', 'cancel.lua'];
/** How often a waiting job is read again even without an event, as the Java client does. */
const REREAD_MS = 5000;
/** How often a client reads a queue's partitions again, as the Java client does. */
const PARTITIONS_REFRESH_MS = 5000;
const CLIENT_OPTIONS = ['prefix', 'resultTtlS', 'failedJobsMax', 'maxPayloadBytes', 'scriptsDir', 'redis'];

function loadScripts(dir) {
    const scripts = {};
    for (const name of SCRIPT_NAMES) {
        const lua = fs.readFileSync(path.join(dir, name), 'utf8');
        scripts[name] = { lua, sha: crypto.createHash('sha1').update(lua, 'utf8').digest('hex') };
    }
    return scripts;
}

/** The URL with its password masked, for messages. */
function redactUrl(url) {
    return String(url).replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function isNoScript(err) {
    return err && typeof err.message === 'string' && err.message.startsWith('NOSCRIPT');
}

function translate(err) {
    const m = err && typeof err.message === 'string' ? /JRQ_JOB_EXISTS (\S+)/.exec(err.message) : null;
    if (m) {
        return new JrqJobExistsError(`job id ${m[1]} is taken by another job (another payload): nothing was stored`, m[1]);
    }
    return err;
}

/**
 * A job as enqueue returned it: its id, queue, ref (`queue/id`), the Redis time it was stored at,
 * and whether a unique key named another job (`existing`: then this is that job). Its methods ask
 * the client that enqueued it.
 */
class Job {
    constructor(client, queue, id, enqueuedAt, existing) {
        Object.defineProperty(this, 'client', { value: client, enumerable: false });
        this.id = id;
        this.queue = queue;
        this.ref = `${queue}/${id}`;
        this.enqueuedAt = enqueuedAt;
        this.existing = existing;
    }

    /** @returns the job's record, or null when it is gone */
    info() {
        return this.client.job(this.queue, this.id);
    }

    /** @returns its status, or null when it is gone */
    status() {
        return this.client.status(this.queue, this.id);
    }

    /** Waits until it ended; see Client.wait. */
    wait(options) {
        return this.client.wait(this.queue, this.id, options);
    }

    /** Waits for its result; see Client.result. */
    result(options) {
        return this.client.result(this.queue, this.id, options);
    }

    /** Cancels it; see Client.cancel. */
    cancel() {
        return this.client.cancel(this.queue, this.id);
    }
}

/**
 * A producer of jrq jobs on one Redis: enqueue (one or in bulk), look up, wait for and cancel
 * jobs that Java workers run. Make one with connect(); close() it when done.
 */
class Client {
    /**
     * @param {string} url redis://[user:password@]host[:port][/db] or rediss://... (TLS)
     * @param {object} [options] see index.d.ts
     */
    constructor(url, options = {}) {
        if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
            throw new JrqValidationError(`Redis URL must start with redis:// or rediss://, got: ${redactUrl(url)}`);
        }
        if (options === null || typeof options !== 'object') {
            throw new JrqValidationError('client options must be an object');
        }
        for (const k of Object.keys(options)) {
            if (!CLIENT_OPTIONS.includes(k)) {
                throw new JrqValidationError(`unknown client option '${k}' (known: ${CLIENT_OPTIONS.join(', ')})`);
            }
        }
        const positive = (v, name, dflt) => {
            if (v === undefined) {
                return dflt;
            }
            if (!Number.isSafeInteger(v) || v < 1) {
                throw new JrqValidationError(`${name} must be a positive integer, got: ${v}`);
            }
            return v;
        };
        this.url = url;
        this.prefix = p.checkPrefix(options.prefix === undefined ? 'jrq' : options.prefix);
        this.resultTtlS = positive(options.resultTtlS, 'resultTtlS', 500);
        this.failedJobsMax = positive(options.failedJobsMax, 'failedJobsMax', 10000);
        this.maxPayloadBytes = positive(options.maxPayloadBytes, 'maxPayloadBytes', 1024 * 1024);
        this.scripts = loadScripts(options.scriptsDir || LUA_DIR);
        this.redis = new Redis(url, { lazyConnect: true, ...(options.redis || {}) });
        // Errors surface on the commands that meet them; the emitter must not crash the process.
        this.redis.on('error', () => {});
        this.sub = null;
        this.subscribed = new Map();
        this.waiters = new Map();
        this.registered = new Set();
        this.partitions = new Map();
        this.closed = false;
        /**
         * Called with each write the client sends, before it is sent: {command: [...]} for a plain
         * command, {name, keys, argv} for a script call. For tests and debugging; null for none.
         */
        this.trace = null;
    }

    /** Connects and checks the protocol version: `SET <prefix>:protocol 1 NX`, then `GET`. */
    async open() {
        // ioredis rejects a failed connect with "Connection is closed"; the reason came as an event.
        let reason = null;
        const onError = (e) => {
            reason = e;
        };
        this.redis.on('error', onError);
        try {
            await this.redis.connect();
        } catch (e) {
            this.redis.disconnect();
            const why = reason || e;
            throw new JrqError(`cannot connect to Redis at ${redactUrl(this.url)}: ${why.message}`, { cause: why });
        } finally {
            this.redis.off('error', onError);
        }
        try {
            await this.checkProtocol();
        } catch (e) {
            this.redis.disconnect();
            throw e;
        }
        return this;
    }

    /** `SET <prefix>:protocol 1 NX`, then `GET`: any other version than this client's is an error. */
    async checkProtocol() {
        const key = p.protocolKey(this.prefix);
        const [[e1], [e2, found]] = await this.redis.pipeline()
            .set(key, p.PROTOCOL_VERSION, 'NX')
            .get(key)
            .exec();
        if (e1 || e2) {
            throw e1 || e2;
        }
        if (found !== p.PROTOCOL_VERSION) {
            throw new JrqProtocolError(
                `Redis at ${redactUrl(this.url)} holds jrq protocol version ${JSON.stringify(found)} in ${key}, `
                    + `but this client speaks version ${p.PROTOCOL_VERSION}: use a client of that version; nothing was enqueued`,
                found);
        }
        return this;
    }

    /** Runs one script call {name, keys, argv}: EVALSHA, and EVAL when Redis does not have the script. */
    async run(call, on = this.redis) {
        const s = this.scripts[call.name];
        if (this.trace) {
            this.trace(call);
        }
        try {
            return await on.evalsha(s.sha, call.keys.length, ...call.keys, ...call.argv);
        } catch (e) {
            if (!isNoScript(e)) {
                throw translate(e);
            }
        }
        try {
            return await on.eval(s.lua, call.keys.length, ...call.keys, ...call.argv);
        } catch (e) {
            throw translate(e);
        }
    }

    /**
     * Runs script calls pipelined: all EVALSHA in one round trip; those Redis answers NOSCRIPT are
     * sent again (they ran nothing), the first as EVAL, which loads the script for the others.
     *
     * @returns {Promise<Array<[Error|null, unknown]>>} per call, its error or reply
     */
    async runPipelined(calls) {
        const pipe = this.redis.pipeline();
        for (const c of calls) {
            if (this.trace) {
                this.trace(c);
            }
            pipe.evalsha(this.scripts[c.name].sha, c.keys.length, ...c.keys, ...c.argv);
        }
        const replies = await pipe.exec();
        const missing = [];
        replies.forEach(([err], i) => {
            if (isNoScript(err)) {
                missing.push(i);
            }
        });
        if (missing.length > 0) {
            const again = this.redis.pipeline();
            const loaded = new Set();
            for (const i of missing) {
                const c = calls[i];
                const s = this.scripts[c.name];
                if (loaded.has(c.name)) {
                    again.evalsha(s.sha, c.keys.length, ...c.keys, ...c.argv);
                } else {
                    loaded.add(c.name);
                    again.eval(s.lua, c.keys.length, ...c.keys, ...c.argv);
                }
            }
            const retried = await again.exec();
            missing.forEach((i, j) => {
                replies[i] = retried[j];
            });
        }
        return replies.map(([err, reply]) => [err ? translate(err) : null, reply]);
    }

    /** Prepares one job: checks everything, returns {id, payload}. */
    prepare(fn, args, o, id, tail) {
        const payload = p.envelope(fn, args, o, this.resultTtlS, tail);
        p.checkSize(payload, fn, this.maxPayloadBytes);
        return { id: id === undefined ? p.newId() : p.checkJobId(id), payload };
    }

    async registerQueue(queue) {
        if (!this.registered.has(queue)) {
            if (this.trace) {
                this.trace({ command: ['SADD', p.queuesKey(this.prefix), queue] });
            }
            await this.redis.sadd(p.queuesKey(this.prefix), queue);
            this.registered.add(queue);
        }
    }

    /**
     * Enqueues one call of a handler (or Java method) with its arguments.
     *
     * @returns {Promise<Job>}
     */
    async enqueue(fn, args, options) {
        let o = p.normalizeOptions(options);
        const job = this.prepare(fn, args, o, o.id);
        const active = await this.activePartitions(o.queue);
        if (active.length > 1) {
            o = { ...o, queue: p.route(active, o, job.id) };
        }
        await this.registerQueue(o.queue);
        const [enqueuedAt, ids] = await this.run(p.enqueueCall(this.prefix, o, [job]));
        const created = ids[0] === job.id;
        if (created && o.dependsOn.length > 0) {
            await this.registerDependents(o.queue, [job.id], o.dependsOn);
        }
        return new Job(this, o.queue, ids[0], enqueuedAt, !created);
    }

    /**
     * Enqueues many calls with the same options: one enqueue.lua call per 500 jobs, all pipelined;
     * each such batch is stored atomically. Every call is checked before anything is sent.
     *
     * @param calls [{fn, args, id?}] or [fn, args] pairs
     * @returns {Promise<Job[]>} in the order given
     */
    async enqueueMany(calls, options) {
        if (!Array.isArray(calls)) {
            throw new JrqValidationError('enqueueMany takes an array of calls ({fn, args, id?} or [fn, args])');
        }
        const o = p.normalizeOptions(options, true);
        if (calls.length > 1 && o.uniqueKey !== undefined) {
            throw new JrqValidationError(`a unique key names one job; it cannot be used for ${calls.length} jobs`);
        }
        const tail = p.envelopeTail(o, this.resultTtlS);
        const jobs = calls.map((c, i) => {
            try {
                if (Array.isArray(c)) {
                    return this.prepare(c[0], c[1], o, undefined, tail);
                }
                if (c === null || typeof c !== 'object') {
                    throw new JrqValidationError('a call is {fn, args, id?} or [fn, args]');
                }
                for (const k of Object.keys(c)) {
                    if (k !== 'fn' && k !== 'args' && k !== 'id') {
                        throw new JrqValidationError(`unknown call field '${k}' (known: fn, args, id)`);
                    }
                }
                return this.prepare(c.fn, c.args, o, c.id, tail);
            } catch (e) {
                throw e instanceof JrqValidationError ? new JrqValidationError(`calls[${i}]: ${e.message}`) : e;
            }
        });
        if (jobs.length === 0) {
            return [];
        }
        const active = await this.activePartitions(o.queue);
        if (active.length === 1) {
            return this.storeMany(o, jobs);
        }
        // Partition by partition, each its own pipelined batches (PROTOCOL.md, "Partitioned queues").
        const groups = new Map();
        jobs.forEach((job, i) => {
            const target = p.route(active, o, job.id);
            if (!groups.has(target)) {
                groups.set(target, []);
            }
            groups.get(target).push(i);
        });
        const out = new Array(jobs.length);
        const stored = [];
        for (const [target, where] of groups) {
            let got;
            try {
                got = await this.storeMany({ ...o, queue: target }, where.map((i) => jobs[i]));
            } catch (e) {
                e.storedIds = stored.concat(e.storedIds || []);
                throw e;
            }
            got.forEach((job, k) => {
                out[where[k]] = job;
                if (!job.existing) {
                    stored.push(job.id);
                }
            });
        }
        return out;
    }

    /**
     * The queue's partitions that take new jobs, read again every 5 s: the queue alone unless it is
     * partitioned.
     */
    async activePartitions(queue) {
        const hit = this.partitions.get(queue);
        if (hit && Date.now() - hit.at < PARTITIONS_REFRESH_MS) {
            return hit.active;
        }
        const [count, names] = await this.redis.hmget(p.partitionsKey(this.prefix, queue), 'count', 'names');
        const active = p.activePartitions(queue, count, names);
        this.partitions.set(queue, { at: Date.now(), active });
        return active;
    }

    /** Stores jobs of one queue or partition: one enqueue.lua call per 500, all pipelined. */
    async storeMany(o, jobs) {
        await this.registerQueue(o.queue);
        const parts = [];
        for (let from = 0; from < jobs.length; from += p.BATCH) {
            parts.push(jobs.slice(from, from + p.BATCH));
        }
        const replies = await this.runPipelined(parts.map((part) => p.enqueueCall(this.prefix, o, part)));
        const out = [];
        const stored = [];
        let failure = null;
        replies.forEach(([err, reply], i) => {
            if (err) {
                failure = failure || err;
                return;
            }
            const [enqueuedAt, got] = reply;
            const ids = o.atFront ? got.slice().reverse() : got;
            ids.forEach((id, j) => {
                const created = id === parts[i][j].id;
                if (created) {
                    stored.push(id);
                }
                out.push(new Job(this, o.queue, id, enqueuedAt, !created));
            });
        });
        if (stored.length > 0 && o.dependsOn.length > 0) {
            await this.registerDependents(o.queue, stored, o.dependsOn);
        }
        if (failure) {
            failure.storedIds = stored;
            throw failure;
        }
        return out;
    }

    /** Registers stored DEFERRED jobs with their dependencies (depend.lua), and releases those already ended. */
    async registerDependents(queue, ids, deps) {
        const byQueue = new Map();
        for (const r of deps) {
            const slash = r.indexOf('/');
            const q = r.slice(0, slash);
            if (!byQueue.has(q)) {
                byQueue.set(q, []);
            }
            byQueue.get(q).push(r.slice(slash + 1));
        }
        const ended = [];
        for (const id of ids) {
            const me = `${queue}/${id}`;
            for (const [depQueue, depIds] of byQueue) {
                const states = await this.run(p.dependCall(this.prefix, depQueue, me, depIds));
                states.forEach((state, i) => {
                    if (state !== 'WAITING') {
                        ended.push({ ref: `${depQueue}/${depIds[i]}`, outcome: state, dependents: [me] });
                    }
                });
            }
        }
        await this.release(ended);
    }

    /** Tells dependents that jobs ended (release.lua), following cancellations down the graph. */
    async release(ended) {
        let todo = ended;
        while (todo.length > 0) {
            const byQueue = new Map();
            for (const e of todo) {
                for (const d of e.dependents) {
                    const slash = d.indexOf('/');
                    const q = d.slice(0, slash);
                    if (!byQueue.has(q)) {
                        byQueue.set(q, []);
                    }
                    byQueue.get(q).push({ id: d.slice(slash + 1), dependency: e.ref, outcome: e.outcome });
                }
            }
            todo = [];
            for (const [q, notices] of byQueue) {
                const canceled = await this.run(
                    p.releaseCall(this.prefix, q, this.resultTtlS, this.failedJobsMax, notices));
                for (const [id, outcome, refs] of canceled || []) {
                    if (Array.isArray(refs) && refs.length > 0) {
                        todo.push({ ref: `${q}/${id}`, outcome, dependents: refs });
                    }
                }
            }
        }
    }

    /**
     * A job's record, from its hash or its compact record; null when there is no such job.
     * Takes (queue, id) or one ref "queue/id".
     */
    async job(queue, id) {
        [queue, id] = refArgs(queue, id);
        const k = p.keys(this.prefix, queue);
        for (let attempt = 1; ; attempt++) {
            // The compact record is read first, in one pipeline: a job only moves from it to its
            // hash. A running job leased from it holds its payload in the payloads hash, read last.
            const [[e1, compact], [e2, hash], [e3, held]] = await this.redis.pipeline()
                .hget(k.queued, id)
                .hgetall(k.job(id))
                .hget(k.payloads, id)
                .exec();
            if (e2 && !(hash && Object.keys(hash).length === 0)) {
                throw e2;
            }
            if (e1 && (!hash || Object.keys(hash).length === 0)) {
                throw e1;
            }
            if (hash && hash.status === 'STARTED' && hash.payload === undefined) {
                if (e3) {
                    throw e3;
                }
                if (held !== null) {
                    hash.payload = held;
                } else if (attempt < 3) {
                    continue; // ended or went back to the queue between the reads
                }
            }
            return p.jobRecord(queue, id, hash, e1 ? null : compact);
        }
    }

    /** A job's status, or null when there is no such job. */
    async status(queue, id) {
        const rec = await this.job(queue, id);
        return rec ? rec.status : null;
    }

    /**
     * Waits until a job has ended (FINISHED, FAILED, CANCELED or STOPPED) and returns its record:
     * subscribes to the queue's events, reads the job, and reads it again on each event naming it.
     *
     * @param {{timeoutMs?: number}} [options] how long to wait (default 30 s)
     */
    async wait(queue, id, options = {}) {
        if (id !== null && typeof id === 'object') {
            // wait('queue/id', {timeoutMs})
            options = id;
            id = undefined;
        }
        [queue, id] = refArgs(queue, id);
        p.checkQueueOrPartition(queue);
        const timeoutMs = options.timeoutMs === undefined ? 30000 : options.timeoutMs;
        if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) {
            throw new JrqValidationError(`timeoutMs must be an integer of ms, at least 0, got: ${timeoutMs}`);
        }
        const channel = p.keys(this.prefix, queue).events;
        const key = `${queue}/${id}`;
        await this.subscribe(channel);
        if (this.closed) {
            throw new JrqError(`client closed while waiting for job ${key}`);
        }
        return new Promise((resolve, reject) => {
            const w = { queue, id, reading: false, again: false, done: false };
            const finish = (err, rec) => {
                if (w.done) {
                    return;
                }
                w.done = true;
                clearTimeout(w.timer);
                clearInterval(w.reread);
                const set = this.waiters.get(key);
                set.delete(w);
                if (set.size === 0) {
                    this.waiters.delete(key);
                }
                if (err) {
                    reject(err);
                } else {
                    resolve(rec);
                }
            };
            w.finish = finish;
            w.check = async () => {
                if (w.done) {
                    return;
                }
                if (w.reading) {
                    w.again = true;
                    return;
                }
                w.reading = true;
                try {
                    do {
                        w.again = false;
                        const rec = await this.job(queue, id);
                        if (rec === null) {
                            finish(new JrqError(`no job ${key}`));
                        } else if (rec.ended) {
                            finish(null, rec);
                        }
                    } while (w.again && !w.done);
                } catch (e) {
                    finish(e);
                } finally {
                    w.reading = false;
                }
            };
            if (!this.waiters.has(key)) {
                this.waiters.set(key, new Set());
            }
            this.waiters.get(key).add(w);
            w.timer = setTimeout(() => finish(new JrqTimeoutError(
                `job ${key} did not end within ${timeoutMs} ms`, queue, id)), timeoutMs);
            w.reread = setInterval(() => w.check(), REREAD_MS);
            w.reread.unref();
            w.check();
        });
    }

    /**
     * Waits for a job and returns its result; a job that ended any other way than FINISHED
     * rejects with JrqJobFailedError carrying the record (and its error).
     */
    async result(queue, id, options) {
        const rec = await this.wait(queue, id, options);
        if (rec.status !== 'FINISHED') {
            const why = rec.error ? `: ${rec.error.type}: ${rec.error.message}` : '';
            throw new JrqJobFailedError(`job ${rec.ref} ended ${rec.status}${why}`, rec);
        }
        return rec.result;
    }

    async subscribe(channel) {
        if (this.closed) {
            throw new JrqError('client is closed');
        }
        if (this.sub === null) {
            this.sub = this.redis.duplicate();
            this.sub.on('error', () => {});
            this.sub.on('message', (ch, message) => this.onEvent(ch, message));
            // After a reconnect ioredis subscribes again; an event missed meanwhile is caught by reading again.
            this.sub.on('ready', () => this.rereadAll());
        }
        let pending = this.subscribed.get(channel);
        if (!pending) {
            pending = this.sub.subscribe(channel);
            this.subscribed.set(channel, pending);
            pending.catch(() => this.subscribed.delete(channel));
        }
        await pending;
    }

    onEvent(channel, message) {
        const head = `${this.prefix}:{`;
        if (!channel.startsWith(head) || !channel.endsWith('}:events')) {
            return;
        }
        const queue = channel.slice(head.length, channel.length - '}:events'.length);
        let e;
        try {
            e = JSON.parse(message);
        } catch {
            return;
        }
        const ids = [];
        if (e && e.ended && typeof e.ended === 'object') {
            for (const list of Object.values(e.ended)) {
                if (Array.isArray(list)) {
                    ids.push(...list);
                }
            }
        } else if (e && typeof e.id === 'string' && p.ENDED.includes(e.status)) {
            ids.push(e.id);
        }
        for (const id of ids) {
            const set = this.waiters.get(`${queue}/${id}`);
            if (set) {
                for (const w of set) {
                    w.check();
                }
            }
        }
    }

    rereadAll() {
        for (const set of this.waiters.values()) {
            for (const w of set) {
                w.check();
            }
        }
    }

    /**
     * Cancels a job that has not started, or asks its worker to stop it.
     *
     * @returns {Promise<'CANCELED'|'STOPPING'|'ENDED'|'MISSING'>} CANCELED: done; STOPPING: the
     *     worker was told to stop it (it ends STOPPED); ENDED: it was over already; MISSING: no such job
     */
    async cancel(queue, id) {
        [queue, id] = refArgs(queue, id);
        p.checkQueueOrPartition(queue);
        const [outcome, worker, dependents] = await this.run(
            p.cancelCall(this.prefix, queue, id, this.resultTtlS, this.failedJobsMax));
        if (outcome === 'CANCELED' && Array.isArray(dependents) && dependents.length > 0) {
            await this.release([{ ref: `${queue}/${id}`, outcome: 'CANCELED', dependents }]);
        } else if (outcome === 'STOPPING' && typeof worker === 'string' && worker.length > 0) {
            const command = `{"cmd":"stop","queue":${json.quote(queue)},"id":${json.quote(id)}}`;
            await this.redis.publish(p.commandsChannel(this.prefix, worker), command);
        }
        return outcome === 'CANCELED' || outcome === 'STOPPING' || outcome === 'MISSING' ? outcome : 'ENDED';
    }

    /** Closes the connections; pending waits are rejected. */
    async close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        for (const set of [...this.waiters.values()]) {
            for (const w of [...set]) {
                w.finish(new JrqError(`client closed while waiting for job ${w.queue}/${w.id}`));
            }
        }
        const quit = async (r) => {
            try {
                await r.quit();
            } catch {
                r.disconnect();
            }
        };
        if (this.sub !== null) {
            await quit(this.sub);
        }
        await quit(this.redis);
    }
}

function refArgs(queue, id) {
    if (id === undefined && typeof queue === 'string' && queue.includes('/')) {
        const slash = queue.indexOf('/');
        return [queue.slice(0, slash), queue.slice(slash + 1)];
    }
    if (typeof id !== 'string' || id.length === 0) {
        throw new JrqValidationError(`a job is named by (queue, id) or "queue/id", got id: ${id}`);
    }
    return [p.checkQueueOrPartition(queue), id];
}

/**
 * Connects to Redis and checks that it speaks this client's jrq protocol.
 *
 * @param {string} [url] default redis://localhost:6379
 * @param {object} [options] see index.d.ts
 */
async function connect(url = 'redis://localhost:6379', options = {}) {
    return new Client(url, options).open();
}

module.exports = { Client, Job, connect, redactUrl, SCRIPT_NAMES, LUA_DIR };
