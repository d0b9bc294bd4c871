#!/usr/bin/env bash
# Touchstone read speed: sireach against scikit-rf 2.2.0 on the same files, in one run.
#
#   bash benches/compare/touchstone_vs_skrf.sh        (from the repository root)
#
# Builds the release binary, makes a scratch venv with scikit-rf (once, in
# ${SIREACH_ANCHORS_VENV:-/tmp/sireach-anchors}), writes the two synthetic files with
# ../shared/touchstone/tools/gen_synthetic.py, then times on each file:
#   sireach  `sireach touchstone info FILE --json` as a whole process (start-up, mmap, parse,
#            passivity and reciprocity checks, output), best of 5, both cores and --single-thread;
#   skrf     `skrf.Network(FILE)` inside one warm Python process, best of 3 (no start-up cost);
# and prints MB/s (MB = 10^6 bytes) and the ratio. Timings on a shared 2-core machine vary by
# about 10%: quote ratios from one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=../shared/touchstone
venv=${SIREACH_ANCHORS_VENV:-/tmp/sireach-anchors}
synth=${SIREACH_SYNTH_DIR:-/tmp/sireach-synth}
cargo build --release --quiet
if ! "$venv/bin/python" -c 'import skrf' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "scikit-rf==2.2.0"
fi
[[ -f $synth/synthetic_16port_10k.s16p ]] || python3 "$shared/tools/gen_synthetic.py" "$synth" >/dev/null
files=("$synth/synthetic_4port_100k.s4p" "$synth/synthetic_16port_10k.s16p")
[[ $# -gt 0 ]] && files=("$@")
"$venv/bin/python" - "$PWD/target/release/sireach" "${files[@]}" <<'PY'
import os, subprocess, sys, time
import skrf
binary, files = sys.argv[1], sys.argv[2:]
def best_process(args, n=5):
    b = 1e9
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        b = min(b, time.perf_counter() - t)
    return b
print(f"{'file':<28} {'MB':>6} {'sireach 2 cores':>17} {'sireach 1 core':>16} {'scikit-rf':>14} {'ratio':>7}")
for path in files:
    mb = os.path.getsize(path) / 1e6
    both = best_process([binary, "touchstone", "info", path, "--json"])
    one = best_process([binary, "touchstone", "info", path, "--json", "--single-thread"])
    skrf.Network(path)
    sk = 1e9
    for _ in range(3):
        t = time.perf_counter(); skrf.Network(path); sk = min(sk, time.perf_counter() - t)
    print(f"{os.path.basename(path):<28} {mb:6.1f} {mb/both:10.0f} MB/s {mb/one:9.0f} MB/s {mb/sk:8.1f} MB/s {sk/both:6.1f}x")
PY
