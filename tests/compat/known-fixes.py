#!/usr/bin/env python3
"""Explains the differences compare-outputs.sh found by the fixes issue 9 names.

    tests/compat/known-fixes.py OUT_DIR

For every output that differs between OUT_DIR/old and OUT_DIR/new, applies
the named fixes to the old output and compares again:

- purl: package URLs are built per the purl specification (packageurl
  crate): a ':' in a version is no longer percent-encoded, '+' is '%2B',
  qualifiers are sorted. CycloneDX serial numbers are derived from the
  content, so they change with the purls.
- percent: one percentage format in every human-readable output,
  '12.3 %' (the table, summary and gate messages printed '12.3%'). The
  terminal table's columns are re-padded by comfy-table, so whitespace and
  border runs are compared collapsed for the table outputs.

Prints one line per differing output: `explained (FIXES)` or `UNEXPLAINED`,
and exits 1 if any difference is unexplained.
"""
import os
import re
import sys

PURL = re.compile(r'pkg:[a-z]+/[^"\s,]+')


def purl_fix(text):
    def one(m):
        p = m.group(0)
        head, _, query = p.partition('?')
        head = head.replace('%3A', ':').replace('+', '%2B')
        if query:
            query = '&'.join(sorted(query.split('&')))
            return head + '?' + query
        return head
    return PURL.sub(one, text)


def percent_fix(text):
    # Not a percent-encoded byte in a purl (`12.4%2Bdeb12u8`).
    return re.sub(r'(\d+\.\d)%(?![0-9A-F]{2})', r'\1 %', text)


def collapse(text):
    # Table re-padding: runs of spaces and of table borders.
    text = re.sub(r'[ ]+', ' ', text)
    text = re.sub(r'[─━-]+', '-', text)
    return text


def serial(text):
    return re.sub(r'urn:uuid:[0-9a-f-]{36}', 'urn:uuid:SERIAL', text)


def main(out):
    bad = 0
    for name in sorted(os.listdir(os.path.join(out, 'old'))):
        old = open(os.path.join(out, 'old', name), encoding='utf-8', errors='replace').read()
        new = open(os.path.join(out, 'new', name), encoding='utf-8', errors='replace').read()
        if old == new:
            continue
        fixes = []
        for label, fix in (('purl', purl_fix), ('percent', percent_fix)):
            fixed = fix(old)
            if fixed != old:
                fixes.append(label)
                old = fixed
        if 'purl' in fixes:
            old, new = serial(old), serial(new)
        if old != new and 'percent' in fixes:
            old, new = collapse(old), collapse(new)
        if old == new:
            print(f'explained ({", ".join(fixes)})  {name}')
        else:
            print(f'UNEXPLAINED  {name}')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
