'use strict';

// index.d.ts declares what index.js exports: every value it names is there, and nothing more.

const test = require('node:test');
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const jrq = require('..');

test('index.d.ts names every value index.js exports', () => {
    const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
    const declared = [...dts.matchAll(/^export (?:const|function|class) (\w+)/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(declared)].sort(), Object.keys(jrq).sort());
    const proto = /export const protocol: \{([\s\S]*?)\n\};/.exec(dts)[1];
    const members = [...proto.matchAll(/^ {4}(\w+)\(/gm)].map((m) => m[1]);
    assert.deepEqual(members.sort(), Object.keys(jrq.protocol).sort());
});
