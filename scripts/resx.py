#!/usr/bin/env python3
"""Writes SharedResource.resx / .ja.resx from strings.tsv (key<TAB>English<TAB>Japanese), sorted by key.
Translators edit the TSV; the .resx files are what the app reads."""
import csv, sys, html, os
root = os.path.join(os.path.dirname(__file__), '..', 'src', 'KnowledgePortal.Web', 'Resources')
rows = [r for r in csv.reader(open(os.path.join(root, 'strings.tsv'), encoding='utf-8'), delimiter='\t') if r and not r[0].startswith('#')]
head = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
seen = set()
for col, name in ((1, 'SharedResource.resx'), (2, 'SharedResource.ja.resx')):
    with open(os.path.join(root, name), 'w', encoding='utf-8') as f:
        f.write(head)
        for r in sorted(rows, key=lambda r: r[0]):
            if len(r) < 3: sys.exit(f'missing translation: {r}')
            f.write(f'  <data name="{html.escape(r[0])}" xml:space="preserve"><value>{html.escape(r[col], quote=False)}</value></data>\n')
        f.write('</root>\n')
keys = [r[0] for r in rows]
dups = {k for k in keys if keys.count(k) > 1}
if dups: sys.exit(f'duplicate keys: {dups}')
print(f'{len(rows)} strings')
