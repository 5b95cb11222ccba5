#!/usr/bin/env python3
"""Reads a TMX file with translate-toolkit, an independent reader, and prints
one JSON object per translation unit: {"<lang>": "<segment text>", ...}.

Used by tests/export.rs to check that shanyraq's TMX round-trips through
another tool. Usage: tmx_dump_ttk.py FILE.tmx
"""
import json
import sys

from translate.storage import tmx
from translate.misc.xml_helpers import getXMLlang


def main() -> None:
    with open(sys.argv[1], "rb") as f:
        store = tmx.tmxfile(f)
    for unit in store.units:
        row = {}
        for node in unit.getlanguageNodes():
            row[getXMLlang(node)] = unit.getNodeText(node)
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
