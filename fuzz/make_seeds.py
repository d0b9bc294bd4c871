#!/usr/bin/env python3
"""Write the fuzzer's seed inputs to fuzz/seeds/ (not committed): every shared corpus file under
32 KB and every tests/fixtures file, each prefixed with the port-hint byte the target expects
(first byte % 17 = port count, 0 = none). Run from the repository root or fuzz/."""
import os, re, sys
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
shared = os.path.join(repo, "..", "shared", "touchstone")
out = os.path.join(here, "seeds")
os.makedirs(out, exist_ok=True)
def hint(name):
    m = re.search(r"\.[syzhg](\d+)p$", name, re.I)
    return int(m.group(1)) if m and int(m.group(1)) <= 16 else 0
n = 0
for folder in [os.path.join(shared, "files"), os.path.join(repo, "tests", "fixtures")]:
    if not os.path.isdir(folder):
        continue
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if not os.path.isfile(p) or os.path.getsize(p) > 32768:
            continue
        with open(p, "rb") as f, open(os.path.join(out, name.replace(" ", "_")), "wb") as g:
            g.write(bytes([hint(name)]) + f.read())
        n += 1
print(n, "seeds in", out)
