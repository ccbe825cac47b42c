'use strict';

// JSON text written the way the Java client (Jackson) writes it, so that the payload a Node
// producer sends for a job is byte for byte the one a Java producer sends for the same job: no
// spaces, only `"`, `\` and control characters escaped (the usual short escapes, else \u00XX with
// upper-case hex digits, as Jackson does; JSON.stringify writes lower-case ones), everything else,
// non-ASCII included, as it is. The caller has checked the value with checkJson first.

const { JrqValidationError } = require('./errors');

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const SHORT = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
const HEX = '0123456789ABCDEF';

/** A JSON string literal of s, escaped as Jackson escapes it. */
function quote(s) {
    if (!NEEDS_ESCAPE.test(s)) {
        return '"' + s + '"';
    }
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        const code = s.charCodeAt(i);
        if (SHORT[c] !== undefined) {
            out += SHORT[c];
        } else if (code < 0x20) {
            out += '\\u00' + HEX[code >> 4] + HEX[code & 15];
        } else {
            out += c;
        }
    }
    return out + '"';
}

/**
 * A double as Java's Double.toString spells it (what Jackson writes for one): positional from
 * 10^-3 up to 10^7 ("0.5", "1234.5"), else "1.0E20", "1.23456789E7", "1.0E-4"; always with a
 * fraction. The digits are JavaScript's shortest round-trip ones.
 */
function javaDouble(x) {
    if (x === 0) {
        return Object.is(x, -0) ? '-0.0' : '0.0';
    }
    const a = Math.abs(x);
    if (a >= 1e-3 && a < 1e7) {
        const s = String(x);
        return s.includes('.') ? s : s + '.0';
    }
    const [mantissa, exp] = a.toExponential().split('e');
    const digits = mantissa.replace('.', '');
    return (x < 0 ? '-' : '') + digits[0] + '.' + (digits.slice(1) || '0') + 'E' + Number(exp);
}

/**
 * A JSON number. A safe integer is written as one; any other number is a double in JavaScript as
 * it would be in Java, and is written as Java writes a double (so 1e20 is 1.0E20, as a Java or
 * Python producer writes that float). Integers beyond 2^53 that must stay exact go as BigInt.
 */
function number(n) {
    if (Number.isSafeInteger(n)) {
        return Object.is(n, -0) ? '0' : String(n);
    }
    return javaDouble(n);
}

/** Writes a value checked by checkJson. */
function write(v) {
    if (v === null) {
        return 'null';
    }
    switch (typeof v) {
        case 'string':
            return quote(v);
        case 'number':
            return number(v);
        case 'bigint':
            return v.toString();
        case 'boolean':
            return v ? 'true' : 'false';
        default:
            break;
    }
    if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
            if (i > 0) {
                out += ',';
            }
            out += write(v[i]);
        }
        return out + ']';
    }
    let out = '{';
    let first = true;
    for (const k of Object.keys(v)) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += quote(k) + ':' + write(v[k]);
    }
    return out + '}';
}

/** Jackson's own limit on nesting when a worker reads a payload. */
const MAX_DEPTH = 1000;

/** A lone UTF-16 surrogate cannot be written as UTF-8: Redis and the worker would see other text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/;

function isPlainObject(v) {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}

function describe(v) {
    if (v === undefined) {
        return 'undefined';
    }
    if (typeof v === 'number') {
        return String(v);
    }
    if (typeof v === 'function') {
        return 'a function';
    }
    if (typeof v === 'symbol') {
        return 'a symbol';
    }
    const name = v && v.constructor && v.constructor.name;
    return name ? 'a ' + name : 'an object without a plain prototype';
}

/**
 * Checks that v is plain JSON data: null, booleans, finite numbers, BigInts (written as integers),
 * well-formed strings, arrays and plain objects, without cycles. Anything JSON.stringify would
 * drop, change or refuse (undefined, functions, NaN, Infinity, Dates, Maps, class instances) is an
 * error naming where it is, so that what the worker reads is exactly what the caller passed.
 *
 * @param {unknown} v the value
 * @param {string} where its place, for the message (e.g. "args[0].to")
 */
function checkJson(v, where) {
    check(v, where, 0, null);
}

function check(v, where, depth, seen) {
    if (v === null || typeof v === 'boolean' || typeof v === 'bigint') {
        return;
    }
    if (typeof v === 'string') {
        if (LONE_SURROGATE.test(v)) {
            throw new JrqValidationError(`${where} is not valid Unicode text (a lone UTF-16 surrogate)`);
        }
        return;
    }
    if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
            throw new JrqValidationError(`${where} is ${v}, which JSON cannot carry`);
        }
        return;
    }
    if (typeof v !== 'object') {
        throw new JrqValidationError(`${where} is ${describe(v)}, which is not JSON data`);
    }
    if (depth >= MAX_DEPTH) {
        throw new JrqValidationError(`${where} is nested more than ${MAX_DEPTH} levels deep`);
    }
    // Most arguments are flat: the set of the objects being walked is made at the first nesting.
    if (seen === null) {
        seen = new Set();
    } else if (seen.has(v)) {
        throw new JrqValidationError(`${where} refers back to itself (a cycle), which JSON cannot carry`);
    }
    seen.add(v);
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            if (!(i in v)) {
                throw new JrqValidationError(`${where}[${i}] is an empty slot of a sparse array`);
            }
            check(v[i], `${where}[${i}]`, depth + 1, seen);
        }
    } else if (isPlainObject(v)) {
        if (Object.getOwnPropertySymbols(v).length > 0) {
            throw new JrqValidationError(`${where} has symbol keys, which JSON cannot carry`);
        }
        for (const k of Object.keys(v)) {
            if (LONE_SURROGATE.test(k)) {
                throw new JrqValidationError(`${where} has a key that is not valid Unicode text`);
            }
            check(v[k], `${where}.${k}`, depth + 1, seen);
        }
    } else {
        const hint = v instanceof Date ? ' (pass date.toISOString() or date.getTime())' : '';
        throw new JrqValidationError(`${where} is ${describe(v)}, which is not plain JSON data${hint}`);
    }
    seen.delete(v);
}

module.exports = { write, quote, checkJson, javaDouble };
