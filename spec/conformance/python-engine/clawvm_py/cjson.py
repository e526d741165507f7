"""Canonical JSON (spec/journal.md JR-10).

Parsing follows the strict rules of JR-10 (one JSON text, optional surrounding
whitespace, an optional UTF-8 BOM at the very start, no NaN/Infinity, no lone
surrogates, no binary64 overflow; integers that fit signed or unsigned 64 bit
stay integers, all other numbers are binary64).

Serialising follows JR-10: no whitespace, object keys sorted in byte order,
the JR-10 string escapes, integers in decimal, doubles with the digits of
Grisu2 (a port of the published algorithm, Loitsch 2010, in the variant
whose output format JR-10 describes).
"""

from __future__ import annotations

import json
import math
import struct

import os

INT64_MIN = -(1 << 63)
# JR-10 (spec commit 6142087, "hostile input"): a raw NUL byte and nesting deeper
# than json_depth_max = 128 are refused. CLAWVM_PY_LEGACY_JSON=1 turns both off
# (the behaviour of reference builds before that commit).
LEGACY_JSON = os.environ.get("CLAWVM_PY_LEGACY_JSON", "") == "1"
JSON_DEPTH_MAX = 128
UINT64_MAX = (1 << 64) - 1


class JSONError(ValueError):
    """The text is not one valid JSON value (JR-10)."""


# --------------------------------------------------------------------------
# parsing


def _parse_int(s: str):
    if len(s) > 24:
        return _parse_float(s)
    v = int(s)
    if INT64_MIN <= v <= UINT64_MAX:
        return v
    return _parse_float(s)


def _parse_float(s: str):
    v = float(s)
    if math.isinf(v) or math.isnan(v):
        raise JSONError("number overflows binary64")
    return v


def _parse_constant(s: str):
    raise JSONError("invalid literal " + s)


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float,
                            parse_constant=_parse_constant, strict=True)


def _check_strings(v):
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            try:
                x.encode("utf-8")
            except UnicodeEncodeError:
                raise JSONError("invalid code point (lone surrogate)")
        elif isinstance(x, dict):
            for k, y in x.items():
                try:
                    k.encode("utf-8")
                except UnicodeEncodeError:
                    raise JSONError("invalid code point (lone surrogate)")
                stack.append(y)
        elif isinstance(x, list):
            stack.extend(x)


def parse(text) -> object:
    """Parse one JSON text (bytes or str). Raises JSONError."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise JSONError("invalid UTF-8: " + str(e))
    if text.startswith("\ufeff"):
        text = text[1:]
    if not LEGACY_JSON:
        if "\x00" in text:
            raise JSONError("NUL byte (at byte %d)" % len(text[:text.index("\x00")].encode("utf-8")))
        _check_depth(text)
    try:
        v, end = _DECODER.raw_decode(text, _skip_ws(text, 0))
    except JSONError:
        raise
    except (ValueError, RecursionError) as e:
        raise JSONError(str(e))
    if _skip_ws(text, end) != len(text):
        raise JSONError("trailing content")
    _check_strings(v)
    return v


def _check_depth(text: str):
    """Refuse arrays/objects nested deeper than JSON_DEPTH_MAX, counted outside
    strings, before parsing (JR-10)."""
    if text.count("[") + text.count("{") <= JSON_DEPTH_MAX:
        return
    depth = 0
    in_str = False
    esc = False
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "[" or ch == "{":
            depth += 1
            if depth > JSON_DEPTH_MAX:
                raise JSONError("nested deeper than %d levels (at byte %d)"
                                % (JSON_DEPTH_MAX, len(text[:i].encode("utf-8"))))
        elif ch == "]" or ch == "}":
            depth -= 1


def _skip_ws(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in " \t\n\r":
        i += 1
    return i


def is_valid(text) -> bool:
    try:
        parse(text)
        return True
    except JSONError:
        return False


# --------------------------------------------------------------------------
# value equality (JR-6: numbers by numeric value across int and double)


def json_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) or isinstance(b, float):
            return float(a) == float(b)
        # JR-6: by numeric value (18446744073709551615 is not -1).
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a.keys()) != set(b.keys()):
            return False
        return all(json_equal(a[k], b[k]) for k in a)
    return False


# --------------------------------------------------------------------------
# serialising

_ESC = {
    '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n',
    '\r': '\\r', '\t': '\\t',
}


def dump_string(s: str) -> str:
    out = ['"']
    for ch in s:
        e = _ESC.get(ch)
        if e is not None:
            out.append(e)
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dumps(v) -> str:
    """Canonical compact serialisation (JR-10)."""
    parts: list[str] = []
    _dump(v, parts)
    return "".join(parts)


def _dump(v, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(format_double(v))
    elif isinstance(v, str):
        out.append(dump_string(v))
    elif isinstance(v, list):
        out.append("[")
        first = True
        for x in v:
            if not first:
                out.append(",")
            first = False
            _dump(x, out)
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        first = True
        for k in sorted(v.keys(), key=lambda s: s.encode("utf-8")):
            if not first:
                out.append(",")
            first = False
            out.append(dump_string(k))
            out.append(":")
            _dump(v[k], out)
        out.append("}")
    else:
        raise TypeError("not a JSON value: %r" % (v,))


# --------------------------------------------------------------------------
# Grisu2 double formatting

_M64 = (1 << 64) - 1
_K_ALPHA = -60
_K_GAMMA = -32


def _make_cached_powers():
    from fractions import Fraction
    table = []
    for k in range(-300, 341, 8):
        x = Fraction(10) ** k
        e = x.numerator.bit_length() - x.denominator.bit_length() - 64
        while x / Fraction(2) ** e >= (1 << 64):
            e += 1
        while x / Fraction(2) ** e < (1 << 63):
            e -= 1
        f = x / Fraction(2) ** e
        fr = math.floor(f)
        if f - fr >= Fraction(1, 2):
            fr += 1
        table.append((fr, e, k))
    return table


_CACHED = None


def _mul(xf, xe, yf, ye):
    return ((xf * yf + (1 << 63)) >> 64) & _M64, xe + ye + 64


def _normalize(f, e):
    while not (f >> 63) & 1:
        f <<= 1
        e -= 1
    return f, e


def _grisu2(value: float):
    """Returns (digits str, decimal_exponent) for a positive finite double."""
    global _CACHED
    if _CACHED is None:
        _CACHED = _make_cached_powers()
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    E = bits >> 52
    F = bits & ((1 << 52) - 1)
    k_bias = 1075
    k_min_exp = 1 - k_bias
    if E == 0:
        vf, ve = F, k_min_exp
    else:
        vf, ve = F + (1 << 52), E - k_bias
    lower_closer = (F == 0 and E > 1)
    mpf, mpe = 2 * vf + 1, ve - 1
    if lower_closer:
        mmf, mme = 4 * vf - 1, ve - 2
    else:
        mmf, mme = 2 * vf - 1, ve - 1
    wpf, wpe = _normalize(mpf, mpe)
    wmf, wme = mmf << (mme - wpe), wpe
    wf, we = _normalize(vf, ve)
    # cached power
    e = wpe
    f = _K_ALPHA - e - 1
    prod = f * 78913
    k = prod >> 18 if prod >= 0 else -((-prod) >> 18)  # C++ truncating division
    k += 1 if f > 0 else 0
    index = (300 + k + 7) // 8
    cf, ce, ck = _CACHED[index]
    w_f, w_e = _mul(wf, we, cf, ce)
    wm_f, wm_e = _mul(wmf, wme, cf, ce)
    wp_f, wp_e = _mul(wpf, wpe, cf, ce)
    Mm_f, Mm_e = wm_f + 1, wm_e
    Mp_f, Mp_e = wp_f - 1, wp_e
    dec_exp = -ck
    # digit generation
    delta = (Mp_f - Mm_f) & _M64
    dist = (Mp_f - w_f) & _M64
    one_e = Mp_e
    one_f = 1 << (-one_e)
    p1 = (Mp_f >> (-one_e)) & 0xFFFFFFFF
    p2 = Mp_f & (one_f - 1)
    buf = []
    # largest pow10 <= p1
    if p1 >= 1000000000:
        pow10, n = 1000000000, 10
    elif p1 >= 100000000:
        pow10, n = 100000000, 9
    elif p1 >= 10000000:
        pow10, n = 10000000, 8
    elif p1 >= 1000000:
        pow10, n = 1000000, 7
    elif p1 >= 100000:
        pow10, n = 100000, 6
    elif p1 >= 10000:
        pow10, n = 10000, 5
    elif p1 >= 1000:
        pow10, n = 1000, 4
    elif p1 >= 100:
        pow10, n = 100, 3
    elif p1 >= 10:
        pow10, n = 10, 2
    else:
        pow10, n = 1, 1
    while n > 0:
        d, r = divmod(p1, pow10)
        buf.append(d)
        p1 = r
        n -= 1
        rest = (p1 << (-one_e)) + p2
        if rest <= delta:
            dec_exp += n
            _round(buf, dist, delta, rest, pow10 << (-one_e))
            return "".join(str(x) for x in buf), dec_exp
        pow10 //= 10
    m = 0
    while True:
        p2 = (p2 * 10) & _M64
        d = p2 >> (-one_e)
        r = p2 & (one_f - 1)
        buf.append(d)
        p2 = r
        m += 1
        delta = (delta * 10) & _M64
        dist = (dist * 10) & _M64
        if p2 <= delta:
            break
    dec_exp -= m
    _round(buf, dist, delta, p2, one_f)
    return "".join(str(x) for x in buf), dec_exp


def _round(buf, dist, delta, rest, ten_k):
    while (rest < dist and delta - rest >= ten_k
           and (rest + ten_k < dist or dist - rest > rest + ten_k - dist)):
        buf[-1] -= 1
        rest += ten_k


def format_double(v: float) -> str:
    if math.isnan(v) or math.isinf(v):
        return "null"
    if v == 0.0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    sign = ""
    if v < 0:
        sign = "-"
        v = -v
    digits, dec_exp = _grisu2(v)
    k = len(digits)
    n = k + dec_exp  # value = 0.d1..dk * 10^n
    if k <= n <= 15:
        return sign + digits + "0" * (n - k) + ".0"
    if 0 < n <= 15:
        return sign + digits[:n] + "." + digits[n:]
    if -4 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    s = digits[0]
    if k > 1:
        s += "." + digits[1:]
    ex = n - 1
    s += "e" + ("+" if ex >= 0 else "-")
    ex = abs(ex)
    s += ("%02d" % ex)
    return sign + s
