'use strict';

// The vendored scripts in lua/ are the jrq-core jar's assembled ones, byte for byte (docs/PROTOCOL.md,
// "Scripts"): checked here against a built jrq-core (target/classes) and the Python client's copies
// when they are there, and by the Java IT (NodeClientIT) against the jar on its class path.

const test = require('node:test');
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { SCRIPT_NAMES, LUA_DIR } = require('../lib/client');

const repo = path.join(__dirname, '..', '..', '..');
const places = {
    'jrq-core (built)': path.join(repo, 'jrq-core', 'target', 'classes', 'io', 'jrq', 'lua'),
    'the Python client': path.join(repo, 'clients', 'python', 'src', 'jrq', 'lua'),
};

for (const [what, dir] of Object.entries(places)) {
    test(`the vendored scripts are ${what}'s`, { skip: !fs.existsSync(dir) && `${dir} not there (build jrq-core first)` }, () => {
        for (const name of SCRIPT_NAMES) {
            const mine = fs.readFileSync(path.join(LUA_DIR, name));
            const theirs = fs.readFileSync(path.join(dir, name));
            assert.ok(mine.equals(theirs), `lua/${name} differs from ${path.join(dir, name)}: copy it again`);
        }
    });
}

test('the vendored scripts are assembled: no include left to resolve', () => {
    for (const name of SCRIPT_NAMES) {
        const text = fs.readFileSync(path.join(LUA_DIR, name), 'utf8');
        assert.doesNotMatch(text, /^-- @include /m, name);
    }
});
