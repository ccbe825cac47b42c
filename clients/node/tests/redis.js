'use strict';

// The Redis the integration tests use: the one whose URL JRQ_REDIS_URL names (the Java IT passes
// its own server's), else a redis-server started here on a free port and stopped when the tests end.
// Tests that reconfigure their server (ACL users, TLS, the script cache) ask for one of their own
// first. The tests only write keys under prefixes of their own, so a shared server is safe.

const { spawn, spawnSync } = require('child_process');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

async function waitForPort(port, deadline) {
    for (;;) {
        const ok = await new Promise((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => {
                s.end();
                resolve(true);
            });
            s.on('error', () => resolve(false));
        });
        if (ok) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(`redis-server did not listen on port ${port}`);
        }
        await new Promise((r) => setTimeout(r, 20));
    }
}

/**
 * @param {{own?: boolean}} [options] own: start a redis-server even when JRQ_REDIS_URL is set, if one can be
 * @returns {Promise<{url: string, own: boolean, stop: () => Promise<void>} | null>} null when there is neither
 *     JRQ_REDIS_URL nor a redis-server to start (the tests are then skipped)
 */
async function redis({ own = false } = {}) {
    const canStart = spawnSync('redis-server', ['--version']).status === 0;
    if (process.env.JRQ_REDIS_URL && !(own && canStart)) {
        return { url: process.env.JRQ_REDIS_URL, stop: async () => {}, own: false };
    }
    if (!canStart) {
        return null;
    }
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jrq-node-redis-'));
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
        '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    // However a test file ends, its server goes with it.
    const orphan = () => proc.kill('SIGKILL');
    process.once('exit', orphan);
    await waitForPort(port, Date.now() + 10000);
    return {
        url: `redis://127.0.0.1:${port}`,
        own: true,
        port,
        stop: async () => {
            process.off('exit', orphan);
            if (proc.exitCode !== null || proc.signalCode !== null) {
                return;
            }
            const exited = new Promise((r) => proc.once('exit', r));
            proc.kill('SIGTERM');
            await exited;
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

module.exports = { redis, freePort };
