"""The draw algorithm (credit/draw.py): reproducible from its published inputs, weighted, recusal kept,
load balanced, strict about its inputs — checked against an independent re-implementation of the
documented rules."""

import hashlib
import hmac
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oneseal.credit import draw

SEED = "0123456789abcdef" * 4
OTHER_SEED = "f" * 64
BADGES = [f"B{n:02d}" for n in range(8)]


def pool(n: int = 200, weight=lambda i: 1) -> str:
    return draw.canonical_pool(draw.PoolEntry(f"91420683MA{i:08d}", weight(i), "licence:SP") for i in range(n))


def reference_targets(text: str, seed: str, ratio: str, k_badges: list[str], k: int, relations=()):
    """The documented rules, written again from the module's docstring with plain hmac and sorting."""
    rows = [line.split("\t") for line in text.splitlines()]
    keyed = []
    for ident, weight, _basis in rows:
        x = int.from_bytes(hmac.new(seed.encode(), ident.encode(), hashlib.sha256).digest()[:8], "big") >> 12
        u = (2 * x + 1) / 2 ** 53
        keyed.append((-(u ** (1 / int(weight))), ident))
    keyed.sort()
    from fractions import Fraction

    n = math.ceil(Fraction(ratio) * len(rows))
    chosen = [ident for _key, ident in keyed[:n]]
    load = dict.fromkeys(k_badges, 0)
    teams = []
    for ident in chosen:
        eligible = [b for b in k_badges if (b, ident) not in set(relations)]
        eligible.sort(key=lambda b: (load[b], hmac.new(seed.encode(), f"{ident}|{b}".encode(),
                                                       hashlib.sha256).digest()))
        team = tuple(eligible[:k])
        for b in team:
            load[b] += 1
        teams.append((ident, team))
    return teams


def test_the_draw_follows_its_documented_rules():
    text = pool(300, weight=lambda i: 1 + i % 4)
    relations = [("B01", "91420683MA00000007"), ("B02", "91420683MA00000007")]
    result = draw.redraw(text, BADGES, relations, SEED, "0.1", 3)
    assert result.assignments() == reference_targets(text, SEED, "0.1", BADGES, 3, relations)
    assert result.pool_size == 300 and result.sample_size == 30
    assert result.pool_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert result.seed_sha256 == hashlib.sha256(SEED.encode()).hexdigest()


def test_the_same_seed_reproduces_the_draw_and_another_seed_does_not():
    text = pool()
    first = draw.redraw(text, BADGES, [], SEED, "0.1", 2)
    assert draw.redraw(text, BADGES, [], SEED, "0.1", 2) == first
    assert draw.redraw(text, BADGES, [], OTHER_SEED, "0.1", 2).assignments() != first.assignments()


def test_the_sample_size_is_the_exact_ceiling_of_ratio_times_pool():
    assert draw.sample_size("0.07", 100) == 7  # 0.07 * 100 in floats is 7.000000000000001
    assert draw.sample_size("0.05", 101) == 6
    assert draw.sample_size("1", 3) == 3
    assert draw.sample_size("0.0001", 1) == 1
    for bad in ("0", "-0.1", "1.5", "abc", "nan"):
        with pytest.raises(draw.DrawError) as caught:
            draw.sample_size(bad, 10)
        assert caught.value.field == "ratio"


def test_a_heavier_subject_is_drawn_more_often():
    text = pool(100, weight=lambda i: 6 if i < 10 else 1)
    heavy = Counter()
    for s in range(200):
        seed = hashlib.sha256(str(s).encode()).hexdigest()
        heavy.update(t.id < "91420683MA00000010" for t in draw.redraw(text, BADGES, [], seed, "0.1", 2).targets)
    # 10 of 100 subjects weigh 6: they are about 40 % of the draws, against 10 % unweighted
    assert heavy[True] / (heavy[True] + heavy[False]) > 0.3


def test_no_inspector_is_drawn_against_a_declared_relation():
    text = pool(50)
    relations = [(b, f"91420683MA{i:08d}") for i in range(50) for b in BADGES[:5]]
    result = draw.redraw(text, BADGES, relations, SEED, "1", 2)
    assert all(set(t.inspectors) <= set(BADGES[5:]) for t in result.targets)


def test_too_few_eligible_inspectors_refuse_the_draw():
    relations = [(b, "91420683MA00000003") for b in BADGES[:7]]
    with pytest.raises(draw.DrawError) as caught:
        draw.redraw(pool(10), BADGES, relations, SEED, "1", 2)
    assert caught.value.code == "too_few_inspectors" and caught.value.field == "inspectors"
    with pytest.raises(draw.DrawError) as caught:
        draw.redraw(pool(10), BADGES, [], SEED, "1", 1)
    assert caught.value.field == "k"


def test_the_load_is_balanced_over_the_inspector_pool():
    result = draw.redraw(pool(400), BADGES, [], SEED, "0.5", 2)
    loads = Counter(b for t in result.targets for b in t.inspectors)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert all(len(set(t.inspectors)) == 2 for t in result.targets)


@pytest.mark.parametrize("text, line", [
    ("91420683MA00000001\t1\tx", 1),  # no final line break
    ("91420683MA00000002\t1\tx\n91420683MA00000001\t1\tx\n", 2),  # not sorted
    ("91420683MA00000001\t1\tx\n91420683MA00000001\t1\tx\n", 2),  # twice
    ("91420683MA00000001\t01\tx\n", 1),  # leading zero
    ("91420683MA00000001\t0\tx\n", 1),
    ("91420683ma00000001\t1\tx\n", 1),  # lower case
    ("91420683MA00000001\t1\n", 1),
    ("91420683MA00000001\t1\tx\ty\n", 1),
    ("91420683MA00000001\t1\tx\r\n", 1),
])
def test_a_malformed_pool_is_refused_naming_its_line(text, line):
    with pytest.raises(draw.DrawError) as caught:
        draw.parse_pool(text)
    assert caught.value.field == "pool" and caught.value.line == line


@pytest.mark.parametrize("seed", ["", "ABCDEF" * 10 + "ABCD", "0" * 63, "g" * 64, None])
def test_a_malformed_seed_is_refused(seed):
    with pytest.raises(draw.DrawError) as caught:
        draw.redraw(pool(5), BADGES, [], seed, "1", 2)
    assert caught.value.field == "seed"


def test_the_canonical_pool_sorts_and_refuses_duplicates():
    entries = [draw.PoolEntry("B", 2, "x"), draw.PoolEntry("A", 1, "y")]
    assert draw.canonical_pool(entries) == "A\t1\ty\nB\t2\tx\n"
    with pytest.raises(draw.DrawError):
        draw.canonical_pool([*entries, draw.PoolEntry("A", 3, "z")])
    with pytest.raises(draw.DrawError):
        draw.canonical_pool([draw.PoolEntry("A", 1, "tab\there")])
    assert draw.parse_pool(draw.canonical_pool(entries)) == sorted(entries)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.from_regex(r"[0-9A-Z]{1,18}", fullmatch=True), st.integers(1, 9), max_size=40),
       st.sampled_from(["0.1", "0.5", "1"]))
def test_any_pool_round_trips_and_draws_the_right_number(weights, ratio):
    text = draw.canonical_pool(draw.PoolEntry(i, w, "b") for i, w in weights.items())
    result = draw.redraw(text, BADGES, [], SEED, ratio, 2)
    assert result.sample_size == draw.sample_size(ratio, len(weights)) == len(result.targets)
    assert len({t.id for t in result.targets}) == len(result.targets)
    assert [t.position for t in result.targets] == list(range(1, len(result.targets) + 1))
    keys = [t.key for t in result.targets]
    assert keys == sorted(keys, reverse=True)


def test_the_command_line_re_runs_a_draw(tmp_path):
    text = pool(40)
    (tmp_path / "pool.tsv").write_text(text, encoding="utf-8")
    (tmp_path / "relations.tsv").write_text("B01\t91420683MA00000001\n", encoding="utf-8")
    src = Path(__file__).resolve().parents[2] / "src"
    run = subprocess.run([sys.executable, "-m", "oneseal.credit.draw", str(tmp_path / "pool.tsv"), "--seed", SEED,
                          "--ratio", "0.25", "--k", "2", "--inspectors", ",".join(BADGES),
                          "--relations", str(tmp_path / "relations.tsv")],
                         capture_output=True, text=True, env={"PYTHONPATH": str(src)}, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()[1:]
    expected = draw.redraw(text, BADGES, [("B01", "91420683MA00000001")], SEED, "0.25", 2)
    assert lines == [f"{t.position}\t{t.id}\t{t.weight}\t{','.join(t.inspectors)}" for t in expected.targets]
    bad = subprocess.run([sys.executable, "-m", "oneseal.credit.draw", str(tmp_path / "pool.tsv"), "--seed", "x",
                          "--ratio", "0.25", "--k", "2", "--inspectors", "A,B"],
                         capture_output=True, text=True, env={"PYTHONPATH": str(src)}, check=False)
    assert bad.returncode == 2 and "seed" in bad.stderr
