"""The Simplified Chinese catalog: complete, placeholder-safe, compiled, and used by Django.

zh-hans is the UI's default language, so an untranslated msgid shows English to every user.
Regenerate, translate and compile with `make messages`.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, ngettext

import oneseal

LC_MESSAGES = Path(oneseal.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %s, %d … (printf style), a literal %%, and {name} / {} (str.format style).
_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXor]")
_POSITIONAL = re.compile(r"%%|%[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXor]")
_BRACES = re.compile(r"\{(\w*)\}")


def placeholders(text: str) -> tuple[frozenset[str], Counter]:
    """The named placeholders of `text` as a set, and its positional ones (and %%) with their counts."""
    named = frozenset(f"%({n})" for n in _NAMED.findall(text))
    rest = _NAMED.sub("", text)
    named |= {f"{{{n}}}" for n in _BRACES.findall(rest) if n}
    positional = Counter(_POSITIONAL.findall(rest))
    positional["{}"] += rest.count("{}")
    return named, +positional


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def _where(entry: polib.POEntry) -> str:
    return ", ".join(f"{f}:{n}" for f, n in entry.occurrences) or "?"


def test_header_declares_chinese_with_one_plural_form(po):
    assert po.metadata.get("Language") == "zh_Hans"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = _live(po)
    assert entries, "the catalog is empty"
    untranslated = [f"{_where(e)}: {e.msgid!r}" for e in entries if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [f"{_where(e)}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert not (untranslated or fuzzy), (
        "untranslated (run `make messages` and translate):\n" + "\n".join(untranslated)
        + "\nfuzzy (check the translation and clear the flag):\n" + "\n".join(fuzzy))
    for e in entries:
        if e.msgid_plural:
            assert set(e.msgstr_plural) == {0}, f"{_where(e)}: zh has one plural form, msgstr[0] only"


def test_every_placeholder_is_kept(po):
    problems = []
    for e in _live(po):
        sources = [e.msgid, e.msgid_plural] if e.msgid_plural else [e.msgid]
        targets = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        named = frozenset().union(*(placeholders(s)[0] for s in sources))
        positional = placeholders(e.msgid)[1]
        for target in targets:
            t_named, t_positional = placeholders(target)
            if t_named != named or t_positional != positional:
                problems.append(f"{_where(e)}: {e.msgid!r} has {sorted(named)} {dict(positional)}, "
                                f"the translation {target!r} has {sorted(t_named)} {dict(t_positional)}")
    assert not problems, "\n".join(problems)


def test_placeholder_parser():
    named, positional = placeholders("%(count)s of %(total)d items (%(percent)s%%), %s and {name} {}")
    assert named == {"%(count)", "%(total)", "%(percent)", "{name}"}
    assert positional == Counter({"%%": 1, "%s": 1, "{}": 1})


def _translations(catalog) -> dict[tuple[str | None, str], object]:
    out = {}
    for e in catalog:
        if not e.msgid or getattr(e, "obsolete", False) or "fuzzy" in e.flags:
            continue
        value = tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
        out[(e.msgctxt or None, e.msgid)] = (e.msgid_plural or None, value)
    return out


def test_compiled_mo_matches_the_po(po):
    assert MO_PATH.exists(), "django.mo is missing: run `make messages` and commit it"
    mo = polib.mofile(str(MO_PATH))
    expected, compiled = _translations(po), _translations(mo)
    stale = sorted(k[1] for k in expected.keys() ^ compiled.keys())
    stale += sorted(k[1] for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not stale, "django.mo is out of date (run `make messages`); differing msgids:\n" + "\n".join(stale)
    assert mo.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


@pytest.mark.parametrize(("english", "chinese"), [
    ("Service catalog", "事项清单"),
    ("Service guide", "办事指南"),
    ("At most one visit", "最多跑一次"),
    ("Administrative licensing", "行政许可"),
    ("Implementing body", "实施主体"),
    ("Committed time limit", "承诺时限"),
    ("Statutory time limit", "法定时限"),
    ("On-the-spot", "即办件"),
    ("Committed time", "承诺件"),
    ("Administrative Approval Bureau", "行政审批局"),
])
def test_django_serves_the_chinese_catalog(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese
    with translation.override("en"):
        assert gettext(english) == english


def test_plural_and_template_rendering_in_chinese():
    with translation.override("zh-hans"):
        for n in (1, 2, 25):
            text = ngettext("%(counter)s item", "%(counter)s items", n) % {"counter": n}
            assert text == f"{n} 个事项"
        html = Template(
            "{% load i18n %}{% translate 'Service catalog' %}|"
            "{% blocktranslate count counter=n %}{{ counter }} item found{% plural %}{{ counter }} items found"
            "{% endblocktranslate %}|"
            "{% blocktranslate with number=3 %}Version {{ number }}{% endblocktranslate %}"
        ).render(Context({"n": 7}))
    assert html == "事项清单|共找到 7 个事项|第 3 版"


@pytest.mark.django_db
def test_default_language_is_chinese(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "枣阳市政务服务平台" in html and "Zaoyang Government Service Platform" not in html
