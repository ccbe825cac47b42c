"""JSON text exactly as the Java client writes it (Jackson), so that a payload is byte-identical
whichever language enqueued it: no spaces, object keys in insertion order, only ``"``, ``\\`` and
control characters escaped (``\\b \\t \\n \\f \\r`` short, others ``\\u00XX`` with upper-case hex),
non-ASCII characters as they are, and floats as Java's ``Double.toString`` spells them
(``0.2``, ``1.0E20``, ``1.0E-4``).

Only JSON data is accepted: ``None``, ``bool``, ``int``, finite ``float``, ``str``, ``list`` /
``tuple`` and ``dict`` with ``str`` keys. Anything else raises :class:`TypeError` (``ValueError``
for NaN, infinities and strings that are not valid Unicode), naming where in the value it is.
"""

import json
import re
from decimal import Decimal

__all__ = ["dumps", "java_double"]

_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape_char(m):
    c = m.group(0)
    short = _SHORT.get(c)
    return short if short is not None else "\\u%04X" % ord(c)


def _string(s, where):
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError("%s: string is not valid Unicode (%s)" % (where, e.reason)) from None
    if _NEEDS_ESCAPE.search(s) is None:
        return '"' + s + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, s) + '"'


def java_double(x, where="value"):
    """Spells a float as Java's ``Double.toString`` does (what Jackson writes for a double)."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("%s: %r is not JSON (NaN and infinities are not allowed)" % (where, x))
    if x == 0.0:
        return "-0.0" if str(x).startswith("-") else "0.0"
    a = abs(x)
    sign = "-" if x < 0 else ""
    if 1e-3 <= a < 1e7:
        # Python's shortest repr is positional in this range, as Java's is.
        return repr(x)
    digits, exponent = _shortest_digits(a)
    exp10 = len(digits) - 1 + exponent
    tail = digits[1:] or "0"
    return "%s%s.%sE%d" % (sign, digits[0], tail, exp10)


def _shortest_digits(a):
    t = Decimal(repr(a)).as_tuple()
    digits = "".join(str(d) for d in t.digits)
    exponent = t.exponent
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return stripped, exponent


def _write(v, out, where):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, str):
        out.append(_string(v, where))
    elif isinstance(v, int):
        out.append(int.__repr__(v))
    elif isinstance(v, float):
        out.append(java_double(v, where))
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, e in enumerate(v):
            if i:
                out.append(",")
            _write(e, out, "%s[%d]" % (where, i))
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        first = True
        for k, e in v.items():
            if not isinstance(k, str):
                raise TypeError("%s: object key %r is a %s, not a string" % (where, k, type(k).__name__))
            if not first:
                out.append(",")
            first = False
            out.append(_string(k, where))
            out.append(":")
            _write(e, out, "%s[%r]" % (where, k))
        out.append("}")
    else:
        raise TypeError("%s: a %s is not JSON data (use None, bool, int, float, str, list or dict)"
                        % (where, type(v).__name__))


def _plain(v):
    """Whether the C encoder of the json module writes ``v`` as Jackson does: no floats, no control
    characters (which it escapes with lower-case hex), no lone surrogates, only string keys."""
    t = type(v)
    if t is str:
        return v.isascii() and _NEEDS_ESCAPE_CONTROL.search(v) is None or _plain_text(v)
    if t is int or v is None or t is bool:
        return True
    if t is list or t is tuple:
        for e in v:
            if not _plain(e):
                return False
        return True
    if t is dict:
        for k, e in v.items():
            if type(k) is not str or not _plain(k) or not _plain(e):
                return False
        return True
    return False


_NEEDS_ESCAPE_CONTROL = re.compile(r"[\x00-\x1f]")


def _plain_text(s):
    if _NEEDS_ESCAPE_CONTROL.search(s) is not None:
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_C_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                            check_circular=False).encode


def dumps(value, where="value"):
    """Returns ``value`` as the JSON text the Java client would write for it."""
    if _plain(value):
        return _C_DUMPS(value)
    out = []
    _write(value, out, where)
    return "".join(out)
