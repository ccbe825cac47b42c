#!/usr/bin/env node
'use strict';

// node clients/node/bench.js <redis-url> <n>: bulk-enqueues n no-op handler jobs into an empty
// queue of its own and prints one JSON line {"client":"node","n":n,"enqueue_per_s":x}. The clock
// runs from the first job's check to Redis' last reply (connecting is not counted); the queue is
// deleted afterwards.

const jrq = require('./index');

async function main() {
    const [url, count] = process.argv.slice(2);
    const n = Number(count);
    if (!url || !Number.isSafeInteger(n) || n < 1) {
        console.error('usage: node bench.js <redis-url> <n>');
        process.exit(2);
    }
    const client = await jrq.connect(url);
    const queue = 'bench-node-' + jrq.newId();
    try {
        const calls = new Array(n);
        for (let i = 0; i < n; i++) {
            calls[i] = ['noop', [i]];
        }
        const started = process.hrtime.bigint();
        const jobs = await client.enqueueMany(calls, { queue });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (jobs.length !== n) {
            throw new Error(`enqueued ${jobs.length} of ${n} jobs`);
        }
        console.log(JSON.stringify({ client: 'node', n, enqueue_per_s: Math.round(n / seconds) }));
    } finally {
        const k = `${client.prefix}:{${queue}}:`;
        await client.redis.del(k + 'ready', k + 'queued');
        await client.redis.srem(`${client.prefix}:queues`, queue);
        await client.close();
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
