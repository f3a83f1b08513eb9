#!/usr/bin/env python3
"""Splits a question-answering set by article into two files with no context in common, for calibrating the
"not covered" gate: index one half (`./portal eval A --all`) and ask the other half's questions (`--off-corpus B`).
The split is deterministic (SHA-256 of the title, or of the context when there is no title).

    python3 scripts/eval-split.py ../shared/eval/squad_v1.1_dev.en.jsonl /tmp/split
"""
import hashlib, json, os, sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
base = os.path.basename(src).removesuffix('.jsonl')
paths = [os.path.join(out, f'{base}.{half}.jsonl') for half in ('a', 'b')]
files = [open(p, 'w', encoding='utf-8') for p in paths]
for line in open(src, encoding='utf-8'):
    if not line.strip():
        continue
    r = json.loads(line)
    key = r.get('title') or r['context']
    files[hashlib.sha256(key.encode('utf-8')).digest()[0] & 1].write(line)
for f in files:
    f.close()
print(' '.join(paths))
