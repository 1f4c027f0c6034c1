#!/usr/bin/env python3
"""Writes src/ReSTEM.Model/Unicode/nfc.txt, the tables UnicodeNfc needs for NFC normalization,
from the Unicode Character Database (UnicodeData.txt and DerivedNormalizationProps.txt; Debian's
unicode-data package has them in /usr/share/unicode).

    python3 scripts/gen_unicode_nfc.py /usr/share/unicode > src/ReSTEM.Model/Unicode/nfc.txt

Lines (code points in hex):
    D cp x y ...   the full canonical decomposition of cp (Hangul syllables are algorithmic)
    C cp n         cp's canonical combining class n (only where n > 0)
    P a b c        a followed by b composes to the primary composite c
    Q cp           NFC_Quick_Check of cp is No or Maybe
"""
import re
import sys
from pathlib import Path

ucd = Path(sys.argv[1])
version = re.search(r"(\d+\.\d+\.\d+)", (ucd / "DerivedNormalizationProps.txt").open().readline()).group(1)

ccc, decomposition = {}, {}
for line in (ucd / "UnicodeData.txt").open(encoding="utf-8"):
    fields = line.split(";")
    cp = int(fields[0], 16)
    if int(fields[3]):
        ccc[cp] = int(fields[3])
    if fields[5] and not fields[5].startswith("<"):
        decomposition[cp] = [int(x, 16) for x in fields[5].split()]

excluded, quick_check = set(), set()
for line in (ucd / "DerivedNormalizationProps.txt").open(encoding="utf-8"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    parts = [p.strip() for p in line.split(";")]
    lo, _, hi = parts[0].partition("..")
    span = range(int(lo, 16), int(hi or lo, 16) + 1)
    if parts[1] == "Full_Composition_Exclusion":
        excluded.update(span)
    elif parts[1] == "NFC_QC" and parts[2] in ("N", "M"):
        quick_check.update(span)


def full(cp):
    return [y for x in decomposition[cp] for y in (full(x) if x in decomposition else [x])]


out = sys.stdout
out.write(f"# Unicode {version} canonical normalization tables, written by scripts/gen_unicode_nfc.py\n")
for cp in sorted(decomposition):
    out.write("D %X %s\n" % (cp, " ".join("%X" % x for x in full(cp))))
for cp in sorted(ccc):
    out.write("C %X %d\n" % (cp, ccc[cp]))
for cp in sorted(decomposition):
    d = decomposition[cp]
    if len(d) == 2 and cp not in excluded:
        out.write("P %X %X %X\n" % (d[0], d[1], cp))
for cp in sorted(quick_check):
    out.write("Q %X\n" % cp)
