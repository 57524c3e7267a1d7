"""The draw of a random inspection (双随机一公开): which subjects of a pool are inspected, and by whom.

Pure functions, no database: the services freeze the pool and call `redraw()` on the frozen text, the
public page and `python -m oneseal.credit.draw` call the same function on the published file, so the
published figures are reproduced by the very code that made them — or by anyone's own code, from
this description alone.

The pool (抽查对象名录)
    One line per subject, ``<id>\\t<weight>\\t<basis>\\n`` (UTF-8, a tab between fields, every line
    ends with a newline), sorted by ``<id>`` as a string of code points (Python's ``sorted``), each
    ``<id>`` once. ``<id>`` is the subject's unified social credit code, or for a natural person a
    pseudonym (``P`` and 17 upper-case hex digits) so the file never shows a citizen ID. ``<weight>``
    is a positive whole number written in decimal without leading zeros; ``<basis>`` says why the
    subject is in the pool and holds no tab or newline. The pool's fingerprint is the SHA-256 of the
    file's bytes, published at the draw.

The seed
    64 lower-case hex digits, made by ``secrets.token_hex(32)`` at the draw. Its SHA-256 (of those 64
    ASCII characters) is published at the draw; the seed itself afterwards. Everything below uses
    ``HMAC-SHA256(key = the 64 ASCII characters of the seed, message = UTF-8 text)``.

Targets (随机抽取检查对象): weighted sampling without replacement (Efraimidis & Spirakis, 2006)
    n = ceil(ratio × pool size), computed exactly (the ratio as a decimal fraction, never a float:
    0.07 × 100 is 7, not 8). For each subject, take the first 8 bytes of HMAC(seed, id) as a big-endian
    unsigned integer and keep its top 52 bits: x = int >> 12. Then u = (2x + 1) / 2^53, exact in IEEE-754
    double precision and strictly between 0 and 1, and the key = u ** (1 / weight) (for weight 1 the
    key is u itself; otherwise the double-precision power, Python's ``u ** (1.0 / weight)``). The n
    subjects with the largest keys are drawn, in descending order of key; equal keys (in practice never)
    put the smaller id first. Position 1 is the largest key.

Inspectors (随机选派执法检查人员), k ≥ 2 per target
    The inspector pool is the badges (执法证号) of the department's active inspectors at the draw; a
    relation (回避) is a pair (badge, id) declared before the draw. Targets are taken in drawing order.
    For a target, the eligible inspectors are the pool minus those with a relation to it. Each eligible
    badge b is ranked by r = HMAC(seed, id + "|" + b), the 32 bytes compared as a big-endian number. The
    k chosen are the first k of the eligible sorted by (inspections already assigned in this draw,
    r): the least-loaded first, the rank deciding among equals. Their counts then go up by one. Fewer
    than k eligible inspectors refuse the whole draw.

A 100,000-subject pool draws in about a third of a second on two cores (benchmarks/draw.py).
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

SEED_PATTERN = re.compile(r"[0-9a-f]{64}")
ID_PATTERN = re.compile(r"[0-9A-Z]{1,18}")
_LINE = r"[0-9A-Z]{1,18}\t[1-9][0-9]{0,4}\t[^\t\r\n]*\n"
_LINE_PATTERN = re.compile(_LINE)
_POOL_PATTERN = re.compile(f"(?:{_LINE})*")
MIN_INSPECTORS = 2
_TWO_53 = float(2 ** 53)


class DrawError(ValueError):
    """The draw cannot be made or re-run: a malformed pool or seed, or too few inspectors. `field` names
    the input at fault, `code` is stable, `params` fill the message; `line` is the pool line (from 1)."""

    def __init__(self, code: str, message: str, *, field: str, **params: object):
        self.code, self.field, self.params = code, field, params
        self.line = params.get("line")
        self.message = message
        super().__init__(message % params if params else message)


class PoolEntry(NamedTuple):
    """One line of the pool (a named tuple: 100,000 of them are built in a few milliseconds)."""

    id: str
    weight: int
    basis: str


@dataclass(frozen=True)
class DrawnTarget:
    position: int  # from 1, in drawing order
    id: str
    weight: int
    basis: str
    key: float
    inspectors: tuple[str, ...]  # badges, in the order chosen


@dataclass(frozen=True)
class DrawResult:
    pool_sha256: str
    seed_sha256: str
    pool_size: int
    sample_size: int
    targets: tuple[DrawnTarget, ...]

    def assignments(self) -> list[tuple[str, tuple[str, ...]]]:
        """(id, badges) per target in drawing order: what a verification compares."""
        return [(t.id, t.inspectors) for t in self.targets]


# -- the pool ----------------------------------------------------------------------------------------

def _check_entry(entry: PoolEntry, line: int | None = None) -> None:
    if not ID_PATTERN.fullmatch(entry.id):
        raise DrawError("bad_pool_id", "Line %(line)s: the id must be 1 to 18 digits or capital letters.",
                        field="pool", line=line)
    if isinstance(entry.weight, bool) or not isinstance(entry.weight, int) or not 1 <= entry.weight <= 99999:
        raise DrawError("bad_pool_weight", "Line %(line)s: the weight must be a whole number from 1 to 99999.",
                        field="pool", line=line)
    if "\t" in entry.basis or "\n" in entry.basis or "\r" in entry.basis:
        raise DrawError("bad_pool_basis", "Line %(line)s: the basis may not hold a tab or a line break.",
                        field="pool", line=line)


def canonical_pool(entries: Iterable[PoolEntry]) -> str:
    """The pool file: one line per entry, sorted by id; an id twice is refused."""
    rows = sorted(entries, key=lambda e: e.id)
    out = []
    previous = None
    for line, entry in enumerate(rows, start=1):
        _check_entry(entry, line)
        if entry.id == previous:
            raise DrawError("duplicate_pool_id", "Line %(line)s: %(id)s is in the pool twice.", field="pool",
                            line=line, id=entry.id)
        previous = entry.id
        out.append(f"{entry.id}\t{entry.weight}\t{entry.basis}\n")
    return "".join(out)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_pool(text: str) -> list[PoolEntry]:
    """The entries of a pool file, checked as strictly as `canonical_pool` writes them: three fields,
    ids ascending and unique, weights without leading zeros, a newline after every line."""
    if not isinstance(text, str):
        raise DrawError("bad_pool", "The pool must be text.", field="pool")
    if not _POOL_PATTERN.fullmatch(text):  # one pass in C; the slow path below names the bad line
        pieces = text.split("\n")
        for line, row in enumerate(pieces[:-1], start=1):
            if not _LINE_PATTERN.fullmatch(row + "\n"):
                raise DrawError("bad_pool_line",
                                "Line %(line)s: expected an id (digits and capital letters), a weight (1 to 99999) "
                                "and a basis, separated by tabs.", field="pool", line=line)
        raise DrawError("bad_pool_end", "Line %(line)s: every line must end with a line break.", field="pool",
                        line=len(pieces))
    rows = [row.split("\t") for row in text.split("\n")[:-1]]
    ids = [row[0] for row in rows]
    if not all(map(str.__lt__, ids, ids[1:])):
        line = next(n for n in range(1, len(ids)) if ids[n] <= ids[n - 1]) + 1
        raise DrawError("pool_not_sorted", "Line %(line)s: ids must be in ascending order, each once.",
                        field="pool", line=line)
    return [PoolEntry(ident, int(weight), basis) for ident, weight, basis in rows]


# -- the draw ---------------------------------------------------------------------------------------

def check_seed(seed: str) -> bytes:
    if not isinstance(seed, str) or not SEED_PATTERN.fullmatch(seed):
        raise DrawError("bad_seed", "The seed must be 64 lower-case hexadecimal digits.", field="seed")
    return seed.encode("ascii")


def sample_size(ratio: str | Decimal | Fraction, pool_size: int) -> int:
    """ceil(ratio × pool size), exactly; the ratio must be in (0, 1]."""
    try:
        exact = Fraction(str(ratio))
    except (ValueError, ZeroDivisionError):
        raise DrawError("bad_ratio", "The sampling ratio must be a number.", field="ratio") from None
    if not 0 < exact <= 1:
        raise DrawError("bad_ratio", "The sampling ratio must be more than 0 and at most 1.", field="ratio")
    return math.ceil(exact * pool_size)


class _Hmac:
    """HMAC-SHA256 under one key (RFC 2104), with the padded key's two blocks hashed once: the same
    digest as ``hmac.digest(key, message, "sha256")`` at a third of its cost over 100,000 messages."""

    def __init__(self, key: bytes):
        block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def uniform(seed: str, ident: str) -> float:
    """u in (0, 1) for one subject: (2x + 1) / 2^53, x the top 52 bits of HMAC(seed, id)'s first 8 bytes."""
    x = int.from_bytes(_Hmac(check_seed(seed))(ident.encode("utf-8"))[:8], "big") >> 12
    return (2 * x + 1) / _TWO_53


def draw_targets(entries: Sequence[PoolEntry], seed: str, n: int) -> list[tuple[PoolEntry, float]]:
    """The n entries with the largest keys u ** (1 / weight), largest first (ties: smaller id first).
    `entries` must be in ascending id order (as `parse_pool` gives them)."""
    mac = _Hmac(check_seed(seed))
    from_bytes = int.from_bytes
    keyed = []
    for index, entry in enumerate(entries):
        u = (2 * (from_bytes(mac(entry.id.encode("utf-8"))[:8], "big") >> 12) + 1) / _TWO_53
        keyed.append((u if entry.weight == 1 else u ** (1.0 / entry.weight), -index))
    return [(entries[-neg_index], key) for key, neg_index in heapq.nlargest(n, keyed)]


def assign_inspectors(targets: Sequence[str], inspectors: Sequence[str], relations: Iterable[tuple[str, str]],
                      seed: str, k: int) -> list[tuple[str, ...]]:
    """k badges per target (in drawing order): the eligible ones (no declared relation to the target)
    sorted by (assignments so far in this draw, HMAC(seed, id + "|" + badge)); the first k.

    Only the least-loaded eligible inspectors are ranked (enough load levels to fill k places): the
    others cannot be chosen, so their ranks would change nothing."""
    mac = _Hmac(check_seed(seed))
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_INSPECTORS:
        raise DrawError("too_few_per_target", "At least %(min)s inspectors per target.", field="k",
                        min=MIN_INSPECTORS)
    badges = list(inspectors)
    if len(set(badges)) != len(badges) or not all(isinstance(b, str) and b for b in badges):
        raise DrawError("bad_inspectors", "Each inspector's badge must be given once.", field="inspectors")
    recused: dict[str, set[str]] = {}
    for badge, ident in relations:
        recused.setdefault(ident, set()).add(badge)
    load = dict.fromkeys(badges, 0)
    out = []
    for ident in targets:
        barred = recused.get(ident, ())
        eligible = sorted((load[b], b) for b in badges if b not in barred)
        if len(eligible) < k:
            raise DrawError("too_few_inspectors",
                            "Only %(eligible)s inspectors may inspect %(id)s, and %(k)s are needed.",
                            field="inspectors", eligible=len(eligible), id=ident, k=k)
        cutoff = eligible[k - 1][0]  # the load of the k-th least-loaded: nobody above it is chosen
        ranked = sorted((used, mac(f"{ident}|{b}".encode()), b) for used, b in eligible if used <= cutoff)
        chosen = tuple(b for _used, _rank, b in ranked[:k])
        for b in chosen:
            load[b] += 1
        out.append(chosen)
    return out


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The draw allocates some 300,000 small acyclic objects for a 100,000-line pool; the cyclic garbage
    collector would walk them again and again for nothing (40 % of the time), so it pauses meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def redraw(pool_text: str, inspectors: Sequence[str], relations: Iterable[tuple[str, str]], seed: str,
           ratio: str | Decimal | Fraction, k: int) -> DrawResult:
    """The whole draw from its published inputs: the pool file, the inspector pool's badges, the
    declared relations (badge, id), the seed, the sampling ratio and the inspectors per target."""
    check_seed(seed)
    with _no_cyclic_gc():
        entries = parse_pool(pool_text)
        n = sample_size(ratio, len(entries))
        chosen = draw_targets(entries, seed, n)
        teams = assign_inspectors([e.id for e, _key in chosen], inspectors, relations, seed, k)
    targets = tuple(DrawnTarget(position, entry.id, entry.weight, entry.basis, key, team)
                    for position, ((entry, key), team) in enumerate(zip(chosen, teams, strict=True), start=1))
    return DrawResult(pool_sha256=sha256_text(pool_text), seed_sha256=sha256_text(seed),
                      pool_size=len(entries), sample_size=n, targets=targets)


def _main(argv: Sequence[str] | None = None) -> int:
    """`python -m oneseal.credit.draw POOL --seed S --ratio R --k K --inspectors B1,B2,… [--relations FILE]`:
    re-run a published draw with no OneSeal installation beyond this file; prints one line per target."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m oneseal.credit.draw", description=_main.__doc__)
    parser.add_argument("pool", help="the published pool file")
    parser.add_argument("--seed", required=True)
    parser.add_argument("--ratio", required=True)
    parser.add_argument("--k", type=int, required=True, help="inspectors per target")
    parser.add_argument("--inspectors", required=True, help="the badges of the inspector pool, comma-separated")
    parser.add_argument("--relations", help="a file of declared relations: badge<TAB>id per line")
    args = parser.parse_args(argv)
    with open(args.pool, encoding="utf-8", newline="") as handle:
        pool_text = handle.read()
    relations: list[tuple[str, str]] = []
    if args.relations:
        with open(args.relations, encoding="utf-8") as handle:
            relations = [tuple(line.rstrip("\n").split("\t", 1)) for line in handle if line.strip()]  # type: ignore[misc]
    try:
        result = redraw(pool_text, [b for b in args.inspectors.split(",") if b], relations, args.seed,
                        args.ratio, args.k)
    except DrawError as error:
        print(f"error ({error.field}): {error}", file=sys.stderr)
        return 2
    print(f"# pool {result.pool_size} sha256 {result.pool_sha256}; seed sha256 {result.seed_sha256}; "
          f"{result.sample_size} drawn")
    for target in result.targets:
        print(f"{target.position}\t{target.id}\t{target.weight}\t{','.join(target.inspectors)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
