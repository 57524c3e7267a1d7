"""The random-inspection draw (双随机一公开) over a 100,000-subject pool: time, and reproduction from the seed.

    .venv/bin/python benchmarks/draw.py [--pool 100000] [--ratio 0.05] [--inspectors 40] [--k 2]
                                        [--relations 500] [--repeat 7] [--goal 1.0]

What `credit.services.inspections.draw_plan` computes once the pool is frozen, with no database: the pool
file is built (synthetic unified social credit codes with valid check characters, 4 % of them weighing 3
and 1 % weighing 6 for bad credit), then `credit.draw.redraw` — parse and check the file, hash it, key
every subject with HMAC-SHA256 under the seed (Efraimidis–Spirakis), take the n largest, then 2 inspectors
per target out of the pool minus declared relations, least-loaded first — is timed `--repeat` times
(median and max). The same-run reference is Python's `random.Random(seed).sample` of n ids from the same
pool (unweighted, no inspectors, no hashing of the file): what an unverifiable draw costs on this machine.

Then the published seed reproduces the draw: the pool file is written to disk, read back, and re-drawn
with the seed; the targets and inspectors must be identical, and the pool's and the seed's SHA-256 the
ones published at the draw. The last line printed is one JSON object with the figures; "ok" is true when
the draw reproduced and its median is under the goal (1 s).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from oneseal.credit import draw  # the path above; the module needs no Django

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(rng: random.Random) -> str:
    """A unified social credit code of a Zaoyang company (91 420683 …) with a valid check character."""
    body = "91420683" + "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def build(size: int, inspectors: int, relations: int, rng: random.Random):
    ids: set[str] = set()
    while len(ids) < size:
        ids.add(credit_code(rng))
    entries = []
    for ident in ids:
        roll = rng.random()
        weight, basis = (6, "licence:YYZZ,bad_credit") if roll < 0.01 else (3, "licence:YYZZ,bad_credit") \
            if roll < 0.05 else (1, "licence:YYZZ")
        entries.append(draw.PoolEntry(ident, weight, basis))
    badges = [f"4206831{n:04d}" for n in range(1, inspectors + 1)]
    pool_ids = sorted(ids)
    pairs = sorted({(rng.choice(badges), rng.choice(pool_ids)) for _ in range(relations)})
    return draw.canonical_pool(entries), badges, pairs, pool_ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--ratio", default="0.05")
    parser.add_argument("--inspectors", type=int, default=40)
    parser.add_argument("--k", type=int, default=2)
    parser.add_argument("--relations", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--goal", type=float, default=1.0, help="seconds the median draw must stay under")
    parser.add_argument("--data-seed", type=int, default=7, help="seed of the synthetic pool (not of the draw)")
    args = parser.parse_args()

    rng = random.Random(args.data_seed)
    started = time.perf_counter()
    text, badges, relations, pool_ids = build(args.pool, args.inspectors, args.relations, rng)
    print(f"pool of {args.pool} built in {time.perf_counter() - started:.2f} s "
          f"({len(text.encode()) / 1e6:.1f} MB, {len(relations)} relations)", file=sys.stderr)

    seed = secrets.token_hex(32)  # as draw_plan makes it
    n = draw.sample_size(args.ratio, args.pool)
    timings, reference = [], []
    result = None
    for round_ in range(args.repeat):
        t0 = time.perf_counter()
        result = draw.redraw(text, badges, relations, seed, args.ratio, args.k)
        timings.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        random.Random(seed).sample(pool_ids, n)
        reference.append(time.perf_counter() - t0)
        print(f"round {round_ + 1}: draw {timings[-1]:.3f} s, reference {reference[-1]:.4f} s", file=sys.stderr)
    assert result is not None

    # The published seed reproduces it: the pool file goes to disk and comes back, the seed is re-read.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pool.tsv"
        path.write_bytes(text.encode("utf-8"))
        again = draw.redraw(path.read_bytes().decode("utf-8"), badges, relations, str(seed), args.ratio, args.k)
    reproduced = (again.assignments() == result.assignments() and again.pool_sha256 == result.pool_sha256
                  and again.seed_sha256 == result.seed_sha256 and len(result.targets) == n)
    other = draw.redraw(text, badges, relations, secrets.token_hex(32), args.ratio, args.k)
    another_seed_differs = other.assignments() != result.assignments()
    recused = {(b, i) for b, i in relations}
    recusal_kept = all((b, t.id) not in recused for t in result.targets for b in t.inspectors)

    median = statistics.median(timings)
    figures = {
        "pool": args.pool, "drawn": len(result.targets), "inspectors": args.inspectors, "k": args.k,
        "draw_s_median": round(median, 4), "draw_s_max": round(max(timings), 4),
        "reference_s": round(statistics.median(reference), 4), "repeat": args.repeat,
        "reproduced": reproduced, "another_seed_differs": another_seed_differs, "recusal_kept": recusal_kept,
        "pool_sha256": result.pool_sha256, "goal_s": args.goal,
        "ok": reproduced and another_seed_differs and recusal_kept and median < args.goal,
    }
    print(json.dumps(figures))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
