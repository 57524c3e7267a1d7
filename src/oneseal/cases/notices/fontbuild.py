"""Rebuild the vendored font subsets in ``data/`` from Debian's ``fonts-noto-cjk``.

Not used at run time: the subsets are committed, so a fresh machine needs no system font. Run it again
only to change the character coverage::

    apt-get install fonts-noto-cjk
    python -m oneseal.cases.notices.fontbuild

Two files come out (both SIL OFL 1.1, see ``data/OFL.txt``):

* ``NotoSerifCJKsc-Regular-GB2312.otf``: Noto Serif CJK SC (宋体 style, the usual face of official
  documents) cut to ASCII, Latin-1 and every character of GB 2312 (6,763 hanzi and its symbols).
* ``NotoSansCJKsc-Regular-GBKext.otf``: Noto Sans CJK SC cut to the rest of GBK (another 14,240 hanzi,
  mostly rare ones that still turn up in personal and place names, e.g. 喆, 堃, 珺). It is the fallback
  face, so a rare character in a name prints (in a sans style) instead of vanishing. The sans face is
  used because it is a third smaller than the serif for the same characters.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SERIF_SOURCE = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PRIMARY = "NotoSerifCJKsc-Regular-GB2312.otf"
FALLBACK = "NotoSansCJKsc-Regular-GBKext.otf"
# Symbols the notices use or a clerk may type that GB 2312 lacks.
EXTRA = "¥•–—‘’“”…‰№※〔〕〖〗【】〈〉《》「」『』·〇—－＋＝％＃＆＠"


def _encodable(encoding: str) -> set[int]:
    codepoints = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode(encoding)
        except UnicodeEncodeError:
            continue
        codepoints.add(cp)
    return codepoints


def _load(collection: str, full_name: str):
    from fontTools.ttLib import TTCollection

    for font in TTCollection(collection).fonts:
        if font["name"].getDebugName(4) == full_name:
            return font
    raise SystemExit(f"{full_name} not found in {collection}")


def _subset(font, unicodes: set[int], out: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(out)
    print(f"{out.name}: {len(font.getBestCmap())} characters, {out.stat().st_size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serif", default=SERIF_SOURCE)
    parser.add_argument("--sans", default=SANS_SOURCE)
    args = parser.parse_args(argv)

    ascii_latin1 = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    primary_set = ascii_latin1 | _encodable("gb2312") | {ord(c) for c in EXTRA}
    serif = _load(args.serif, "Noto Serif CJK SC")
    _subset(serif, primary_set, DATA / PRIMARY)

    covered = set(serif.getBestCmap())
    fallback_set = _encodable("gbk") - covered
    _subset(_load(args.sans, "Noto Sans CJK SC"), fallback_set, DATA / FALLBACK)


if __name__ == "__main__":
    main()
