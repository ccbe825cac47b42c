// Type declarations of jrq-client: a producer of jrq jobs (wire protocol 1, docs/PROTOCOL.md).

import type { Redis, RedisOptions } from 'ioredis';

/** The wire protocol this client speaks, as stored in `<prefix>:protocol`. */
export const PROTOCOL_VERSION: '1';

/** Options of a client. */
export interface ClientOptions {
    /** Key prefix, as the Java client's `JrqOptions.keyPrefix` (default `jrq`). */
    prefix?: string;
    /** Seconds a finished job's result is kept when a job gives no `resultTtlS`; also a canceled job's TTL (default 500). */
    resultTtlS?: number;
    /** Cap of the canceled registry this client trims when it cancels (default 10000). */
    failedJobsMax?: number;
    /** Largest envelope, in UTF-8 bytes (default 1 MiB). */
    maxPayloadBytes?: number;
    /** A directory holding enqueue.lua, depend.lua, release.lua and cancel.lua to send instead of the vendored ones. */
    scriptsDir?: string;
    /** Passed to ioredis (TLS files, timeouts, retry strategy); the URL's settings apply unless given here. */
    redis?: RedisOptions;
}

/** A retry policy, as the envelope's `retry` field and the Java client's `RetryPolicy` factories make it. */
export type RetryPolicy =
    | { backoff?: 'FIXED'; max?: number; delays?: [number]; never?: string[] }
    | { backoff: 'INTERVALS'; delays: number[]; max?: number; never?: string[] }
    | { backoff: 'EXPONENTIAL'; max?: number; base: number; cap?: number; jitter?: number; never?: string[] };

/** A unique key: scope Q (while queued, the default), A (while queued or running) or T (for ttlMs). */
export type Unique =
    | string
    | { key: string; scope?: 'Q' | 'A' }
    | { key: string; scope?: 'T'; ttlMs: number };

/** A job named across queues: `queue/id`, or what enqueue returned. */
export type JobRef = string | { queue: string; id: string };

/** Options of one enqueue (every one is optional; any other name is an error). */
export interface EnqueueOptions {
    /** The job id, `[A-Za-z0-9_.:@/+=-]{1,128}`; default 16 random base62 characters. Not in enqueueMany. */
    id?: string;
    /** The queue, `[A-Za-z0-9_.-]{1,100}` (default `default`). */
    queue?: string;
    /** Due at this time (ms since the epoch, or a Date), on the Redis clock. */
    atMs?: number | Date;
    /** Due this many ms after enqueue, on the Redis clock. */
    delayMs?: number;
    retry?: RetryPolicy;
    /** How long each attempt may run, ms. */
    timeoutMs?: number;
    unique?: Unique;
    /** Jobs to wait for; the job is DEFERRED until they FINISHED. */
    dependsOn?: JobRef | JobRef[];
    /** What happens when a dependency does not finish: `cancel` (default) or `run`. */
    depPolicy?: 'cancel' | 'run';
    /** Run before the jobs already waiting. */
    atFront?: boolean;
    /** String metadata: `JobContext.meta()` on the worker. */
    meta?: Record<string, string>;
    /** For people, at most 1,000 characters. */
    description?: string;
    /** Seconds to keep the result (default the client's). */
    resultTtlS?: number;
    /**
     * On a partitioned queue, jobs with the same key go to one partition, in order (1-200
     * characters); without it a job goes by its unique key or its id. Not stored.
     */
    orderingKey?: string;
}

/** Plain JSON data: what a job's arguments may hold (BigInts are written as integers). */
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** One call of an enqueueMany. */
export type Call = { fn: string; args?: Json[]; id?: string } | [fn: string, args?: Json[]];

/** A job as enqueue returned it; its methods ask the client that enqueued it. */
export class Job {
    readonly id: string;
    readonly queue: string;
    /** `queue/id` */
    readonly ref: string;
    /** The Redis time the job was stored at, ms. */
    readonly enqueuedAt: number;
    /** True when a unique key named another job, whose id this is: nothing was stored. */
    readonly existing: boolean;
    info(): Promise<JobRecord | null>;
    status(): Promise<JobRecord['status'] | null>;
    wait(options?: WaitOptions): Promise<JobRecord>;
    result(options?: WaitOptions): Promise<unknown>;
    cancel(): Promise<'CANCELED' | 'STOPPING' | 'ENDED' | 'MISSING'>;
}

/** An error a job recorded. */
export interface JobError {
    type: string;
    message: string;
    stackTrace: string;
}

/** A job's record as read from Redis (its hash, or its compact record while it is a queued plain job). */
export interface JobRecord {
    id: string;
    queue: string;
    ref: string;
    status: 'SCHEDULED' | 'DEFERRED' | 'QUEUED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'CANCELED' | 'STOPPED';
    /** FINISHED, FAILED, CANCELED or STOPPED. */
    ended: boolean;
    fn?: string;
    /** Absent once a finished job's payload was dropped. */
    args?: Json[];
    description?: string;
    meta?: Record<string, string>;
    /** The envelope JSON text. */
    payload?: string;
    enqueuedAt?: number;
    queuedAt?: number;
    dueAt?: number;
    startedAt?: number;
    endedAt?: number;
    attempts?: number;
    leases?: number;
    recoveries?: number;
    worker?: string;
    /** Whether a result is stored (a job may return null). */
    hasResult: boolean;
    result?: unknown;
    error?: JobError;
    errors?: { attempt: number; at: number; type: string; message: string }[];
    progress?: { percent: number; message: string };
    /** `<scope>:<key>` */
    unique?: string;
    deps?: string[];
    depPolicy?: 'cancel' | 'run';
    stopRequested: boolean;
    /** Every stored field, as stored. */
    fields: Record<string, string>;
}

export interface WaitOptions {
    /** How long to wait, ms (default 30000). */
    timeoutMs?: number;
}

/** A script call as the client sends it. */
export interface ScriptCall {
    name: 'enqueue.lua' | 'depend.lua' | 'release.lua' | 'cancel.lua';
    keys: string[];
    argv: string[];
}

export class Client {
    constructor(url: string, options?: ClientOptions);
    readonly url: string;
    readonly prefix: string;
    readonly resultTtlS: number;
    readonly failedJobsMax: number;
    readonly maxPayloadBytes: number;
    /** The ioredis connection commands go on. */
    readonly redis: Redis;
    /** Called with each write before it is sent (for tests and debugging). */
    trace: ((call: ScriptCall | { command: string[] }) => void) | null;
    /** Connects and checks the protocol version; connect() does this. */
    open(): Promise<this>;
    checkProtocol(): Promise<this>;
    enqueue(fn: string, args?: Json[], options?: EnqueueOptions): Promise<Job>;
    /** One enqueue.lua call per 500 jobs, pipelined; every call is checked before anything is sent. */
    enqueueMany(calls: Call[], options?: Omit<EnqueueOptions, 'id'>): Promise<Job[]>;
    job(ref: string): Promise<JobRecord | null>;
    job(queue: string, id: string): Promise<JobRecord | null>;
    status(ref: string): Promise<JobRecord['status'] | null>;
    status(queue: string, id: string): Promise<JobRecord['status'] | null>;
    /** Resolves once the job ended: subscribes to its queue's events, reads it, reads it again on each event naming it. */
    wait(queue: string, id: string, options?: WaitOptions): Promise<JobRecord>;
    wait(ref: string, options?: WaitOptions): Promise<JobRecord>;
    /** The result of a FINISHED job; rejects with JrqJobFailedError when it ended another way. */
    result(queue: string, id: string, options?: WaitOptions): Promise<unknown>;
    result(ref: string, options?: WaitOptions): Promise<unknown>;
    /** CANCELED: done; STOPPING: its worker was told to stop it; ENDED: it was over; MISSING: no such job. */
    cancel(ref: string): Promise<'CANCELED' | 'STOPPING' | 'ENDED' | 'MISSING'>;
    cancel(queue: string, id: string): Promise<'CANCELED' | 'STOPPING' | 'ENDED' | 'MISSING'>;
    /** Runs one script call: EVALSHA, EVAL when Redis does not have the script. */
    run(call: ScriptCall): Promise<unknown>;
    close(): Promise<void>;
}

/** Connects (default redis://localhost:6379) and checks that Redis speaks this client's protocol. */
export function connect(url?: string, options?: ClientOptions): Promise<Client>;

/** The URL with its password masked. */
export function redactUrl(url: string): string;

export class JrqError extends Error {}
/** Refused before anything was sent: nothing was stored. */
export class JrqValidationError extends JrqError {}
export class JrqProtocolError extends JrqError {
    readonly found: string | null;
    readonly expected: '1';
}
export class JrqJobExistsError extends JrqError {
    readonly id: string;
}
export class JrqTimeoutError extends JrqError {
    readonly queue: string;
    readonly id: string;
}
export class JrqJobFailedError extends JrqError {
    readonly job: JobRecord;
}

export function checkQueueName(name: string): string;
export function checkFunctionName(fn: string): string;
export function checkJobId(id: string): string;
export function isHandlerName(fn: string): boolean;
export function isMethodName(fn: string): boolean;
/** 16 random characters of [0-9A-Za-z], as the Java client draws ids. */
export function newId(): string;

/** Options as enqueue.lua and the envelope need them. */
export interface NormalizedOptions {
    id?: string;
    queue: string;
    atMs: number;
    delayMs: number;
    retry?: { max: number; backoff: string; delays: number[]; base: number; cap: number; jitter: number; never: string[] };
    timeoutMs: number;
    uniqueKey?: string;
    uniqueScope: 'Q' | 'A' | 'T';
    uniqueTtlMs: number;
    dependsOn: string[];
    depPolicy: 'cancel' | 'run';
    atFront: boolean;
    meta?: Record<string, string>;
    description?: string;
    resultTtlS?: number;
}

/** The pure protocol layer: keys, envelopes and script calls, for tools and tests. */
export const protocol: {
    normalizeOptions(options?: EnqueueOptions, bulk?: boolean): NormalizedOptions;
    envelope(fn: string, args: Json[] | undefined, options: NormalizedOptions, defaultTtlS: number): string;
    checkSize(payload: string, fn: string, limit: number): number;
    keys(prefix: string, queue: string): Record<string, string> & { job(id: string): string };
    enqueueCall(prefix: string, options: NormalizedOptions, jobs: { id: string; payload: string }[]): ScriptCall;
    dependCall(prefix: string, depQueue: string, dependent: string, ids: string[]): ScriptCall;
    releaseCall(prefix: string, queue: string, canceledTtlS: number, canceledMax: number,
        notices: { id: string; dependency: string; outcome: string }[]): ScriptCall;
    cancelCall(prefix: string, queue: string, id: string, canceledTtlS: number, canceledMax: number): ScriptCall;
    jobRecord(queue: string, id: string, hash: Record<string, string> | null, compact: string | null): JobRecord | null;
    /** The index of the partition a routing key goes to among n (CRC-32 of its UTF-8 bytes, mod n). */
    partitionIndex(routingKey: string, n: number): number;
    /** A queue's partitions that take new jobs, from its table's count and names as read (null when absent). */
    activePartitions(queue: string, count: string | null, names: string | null): string[];
    /** Whether a name is a partition's (`emails~3`). */
    isPartitionName(name: string): boolean;
    /** JSON text as the Java client writes it. */
    toJson(value: Json): string;
    checkJson(value: unknown, where: string): void;
};
