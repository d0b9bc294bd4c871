#!/usr/bin/env bash
# Other tools must read what sireach writes: convert corpus files to Touchstone 1.1, 2.0 and 2.1
# (RI, MA, DB; per-port references; HFSS-style per-frequency references), read every output
# with scikit-rf 2.2.0, and compare S and z0 with scikit-rf's own reading of the original.
#
#   bash benches/compare/skrf_reads_written.sh       (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${SIREACH_ANCHORS_VENV:-/tmp/sireach-anchors}
cargo build --release --quiet
if ! "$venv/bin/python" -c 'import skrf' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "scikit-rf==2.2.0"
fi
out=$(mktemp -d)
files=(serdespy__CA_19p75dB_thru.s4p skrf__hfss_twoport.s2p skrf__ex_17.ts skrf__cst_example_6ports_V2.ts
       skrf__ntwk_noise.s2p pychopmarg__example2_THRU.s4p skrf__ex_9.s1p skrf__wr1p5_1in_swg_Al_0rough.s2p)
for f in "${files[@]}"; do
  nports=$(./target/release/sireach touchstone info "../shared/touchstone/files/$f" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nports"])')
  for spec in "1 ma" "2 ri" "2.1 db"; do
    set -- $spec
    ext=ts; [[ $1 == 1 ]] && ext=s${nports}p   # version 1 readers take the port count from .sNp
    ./target/release/sireach touchstone convert "../shared/touchstone/files/$f" "$out/v$1_$2__$f.$ext" \
      --version "$1" --format "$2" 2>/dev/null || echo "not writable as v$1 $2: $f (sireach says why)"
  done
done
"$venv/bin/python" - "$out" <<'PY'
import json, os, sys, warnings
import numpy as np, skrf
warnings.simplefilter("ignore")
out = sys.argv[1]; bad = 0; n = 0
for f in sorted(os.listdir(out)):
    orig = f.split("__", 1)[1].rsplit(".", 1)[0]
    d = json.load(open(f"../shared/touchstone/dumps/{orig}.json"))
    s = np.array(d["s"]); s = s[..., 0] + 1j * s[..., 1]
    z = np.array(d["z0"]); z = z[..., 0] + 1j * z[..., 1]
    z = z if d["z0_per_frequency"] else np.broadcast_to(z, s.shape[:2])
    try:
        net = skrf.Network(os.path.join(out, f))
        es = np.max(np.abs(net.s - s) / np.maximum(1, np.abs(s)))
        ez = np.max(np.abs(net.z0 - z) / np.abs(z))
        ok = es < 1e-9 and ez < 1e-9 and net.s_def == d["s_def"]
    except Exception as e:
        es = ez = float("nan"); ok = False; print("  skrf fails on", f, repr(e)[:120])
    n += 1; bad += not ok
    print(f"{'ok ' if ok else 'BAD'} {f:<60} S {es:.1e}  z0 {ez:.1e}")
print(f"scikit-rf read {n - bad}/{n} files written by sireach back to its own reading of the originals")
sys.exit(1 if bad else 0)
PY
