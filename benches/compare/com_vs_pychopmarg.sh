#!/usr/bin/env bash
# sireach com vs PyChOpMarg 3.4.0 on the shared COM anchor sets, for every anchor configuration
# (r53_ctle_dfe, dj_xls_vs_matlab, dj_d3p3_cr_hl) or the CONFIGs named: runs `sireach com` on
# each set, reads PyChOpMarg's COM and wall time from its anchor JSON (re-running PyChOpMarg takes
# 4-12 min per set; see ../shared/com/README.md), prints both, the difference, the speed ratio and
# the median ratio. Whole-process wall times (sireach: read + COM; PyChOpMarg: its anchor run).
# Run from the repository root:
#   bash benches/compare/com_vs_pychopmarg.sh [CONFIG…]
set -eu
root=../shared/com
cargo build --release --quiet
python3 - "$PWD/target/release/sireach" "$root" "$@" <<'PY'
import glob, json, os, statistics, subprocess, sys, time
binary, root = sys.argv[1:3]
configs = sys.argv[3:] or ["r53_ctle_dfe", "dj_xls_vs_matlab", "dj_d3p3_cr_hl"]
manifest = json.load(open(os.path.join(root, "channels", "manifest.json")))
where = {(s["id"], f["name"]): os.path.join(root, "channels", f["file"])
         for s in manifest["sets"] for files in s["files"].values() for f in files}
print("| config | set | aggressors | PyChOpMarg COM dB | sireach COM dB | Δ dB | PyChOpMarg s | sireach s | ratio |")
print("|---|---|---|---|---|---|---|---|---|")
ratios = []
refs = [r for c in configs for r in sorted(glob.glob(os.path.join(root, "reference", "*__%s.json" % c)))]
for ref in refs:
    config = os.path.basename(ref)[:-5].split("__")[1]
    d = json.load(open(ref))
    sid = d["set_id"]
    cmd = [binary, "com", "--config", os.path.join(root, "configs", "anchor_%s.toml" % config), "--json"]
    n_agg = 0
    for kind, flag in (("THRU", "--thru"), ("FEXT", "--fext"), ("NEXT", "--next")):
        for name in d["channels"].get(kind, []):
            cmd += [flag, where[(sid, name)]]
            n_agg += kind != "THRU"
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    want, ref_s = d["results"]["COM_dB"], d["timing"]["total_s"]
    if p.returncode:
        print("| %s | %s | %d | %.3f | error: %s | | %.1f | | |" % (config, sid, n_agg, want, p.stderr.strip()[:60], ref_s))
        continue
    got = json.loads(p.stdout)["com_db"]
    ratios.append(ref_s / dt)
    print("| %s | %s | %d | %.3f | %.3f | %+.1e | %.1f | %.2f | %.0fx |" % (config, sid, n_agg, want, got, got - want, ref_s, dt, ref_s / dt))
if ratios:
    print("\nmedian speed ratio over %d runs: %.0fx" % (len(ratios), statistics.median(ratios)))
PY
