#!/usr/bin/env bash
# sireach com vs PyChOpMarg 3.4.0 on the shared COM anchor sets (r53_ctle_dfe, or CONFIG):
# runs `sireach com` on each set, reads PyChOpMarg's COM and wall time from its anchor JSON
# (re-running PyChOpMarg takes 4-11 min per set; see ../shared/com/README.md), prints both, the
# difference and the speed ratio. Run from the repository root:
#   bash benches/compare/com_vs_pychopmarg.sh [CONFIG]
set -eu
config=${1:-r53_ctle_dfe}
root=../shared/com
cargo build --release --quiet
python3 - "$PWD/target/release/sireach" "$root" "$config" <<'PY'
import glob, json, os, subprocess, sys, time
binary, root, config = sys.argv[1:]
manifest = json.load(open(os.path.join(root, "channels", "manifest.json")))
where = {(s["id"], f["name"]): os.path.join(root, "channels", f["file"])
         for s in manifest["sets"] for files in s["files"].values() for f in files}
print("| set | aggressors | PyChOpMarg COM dB | sireach COM dB | Δ dB | PyChOpMarg s | sireach s | ratio |")
print("|---|---|---|---|---|---|---|---|")
for ref in sorted(glob.glob(os.path.join(root, "reference", "*__%s.json" % config))):
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
        print("| %s | %d | %.3f | error: %s | | %.1f | | |" % (sid, n_agg, want, p.stderr.strip()[:60], ref_s))
        continue
    got = json.loads(p.stdout)["com_db"]
    print("| %s | %d | %.3f | %.3f | %+.1e | %.1f | %.2f | %.0fx |" % (sid, n_agg, want, got, got - want, ref_s, dt, ref_s / dt))
PY
