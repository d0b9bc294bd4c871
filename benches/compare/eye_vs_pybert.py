#!/usr/bin/env python3
"""
Eye heights, width and run time: sireach against PyBERT 11.1.0 on one channel, in one run.

Usage (from anywhere; needs PyBERT, e.g. the venv of ../shared/com/README.md):

    /tmp/pybert-venv/bin/python benches/compare/eye_vs_pybert.py [SET_ID] [--no-build] [--repeat N]

SET_ID is a channel set of ../shared/com/channels (default ck_CA_19p75dB). Steps:
  1. PyBERT, headless, with exactly the settings of ../shared/com/tools/run_pybert.py (imported
     from it: 53.125 GBd PAM4, PRBS-9, 64000 bits, 32 samples/UI, Tx/Rx 100 ohm / 0.1 pF, rn 1 mV,
     CTLE rx_bw 0.75 fb / peak_freq fb/2, 15-tap Rx FFE (5 pre), 5-tap DFE, bang-bang CDR):
     optimize_eq() (its EQ search), then simulate() with the winning EQ, then its eye heights per
     PAM4 eye and 2-D eye width at BER 1e-4 (pybert.mcp.server helpers, as run_pybert.py).
  2. sireach: `target/release/sireach eye FILE --pybert ... --json` with the same settings and
     PyBERT's chosen EQ (Tx taps, CTLE peaking, Rx FFE taps as PyBERT chose them) as flags; the
     statistical eye at the bang-bang CDR's lock point (src/eye/pybert.rs). Best of --repeat
     (default 3) whole-process runs, reading the .s4p.gz itself.
  3. Prints both (heights, width, times) and the time ratio of PyBERT's simulate + eye metrics
     (the step that turns a given EQ into an eye, as sireach does here) to sireach's process.
     PyBERT's optimize_eq (a search sireach's --pybert mode does not do) is printed apart;
     PyBERT's import (~3 s) is not counted.

`cargo build --release` runs first unless --no-build. Timings on a shared 2-core machine vary by
~10%: quote ratios from one run. Why the eyes differ where they do: tests/eye_pybert.rs.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared" / "com").resolve()
sys.path.insert(0, str(SHARED / "tools"))

import run_pybert as rp  # noqa: E402  (SETTINGS, TX_TUNERS: the anchors' configuration)
from pybert.mcp import server as srv  # noqa: E402
from pybert.pybert import PyBERT  # noqa: E402

BAUD_GBD = 53.125
BER = 1e-4


def run_pybert(s4p: Path) -> dict:
    "run_pybert.py's flow: optimize_eq, then simulate with the winner, then the eye metrics."
    cfg = srv.get_default_config()
    cfg.update(rp.SETTINGS)
    cfg.update({"bit_rate": 2 * BAUD_GBD, "ch_file": str(s4p),
                "rx_bw": BAUD_GBD * 0.75, "rx_bw_tune": BAUD_GBD * 0.75,
                "peak_freq": BAUD_GBD / 2, "peak_freq_tune": BAUD_GBD / 2, "peak_mag_tune": 10.0})
    cfg["tx_tap_tuners"] = [list(t) for t in rp.TX_TUNERS]
    t0 = time.perf_counter()
    opt = srv.optimize_eq(cfg)
    t1 = time.perf_counter()
    cfg_opt = opt["config"]
    cfg_opt["ch_file"] = str(s4p)
    pyb = PyBERT(run_simulation=False, gui=False)
    srv._apply_config(pyb, cfg_opt)  # pylint: disable=protected-access
    t2 = time.perf_counter()
    pyb.simulate(initial_run=True, update_plots=True)
    heights = srv._vert_eye_heights_v(pyb, BER)  # pylint: disable=protected-access
    width = srv._eye_width_ui(pyb, BER)  # pylint: disable=protected-access
    t3 = time.perf_counter()
    return {"heights": heights, "width": width, "optimize_eq_s": t1 - t0, "simulate_s": t3 - t2,
            "tx_taps": opt["tx_weights"], "ctle_peak_db": opt["rx_peaking"], "rx_taps": opt["rx_weights"],
            "errors": int(pyb.n_errs_dfe)}


def run_sireach(binary: Path, gz: Path, eq: dict, repeat: int) -> tuple[dict, float]:
    "sireach eye --pybert with PyBERT's settings and chosen EQ; best wall time of `repeat`."
    s = rp.SETTINGS
    tx = [float(x) for x in eq["tx_taps"]]
    fmt = lambda xs: ",".join(repr(float(x)) for x in xs)  # noqa: E731
    args = [str(binary), "eye", str(gz), "--baud-gbd", str(BAUD_GBD), "--pam4", "--dfe", "5",
            "--ber", str(BER), "--pybert", "--json",
            f"--ctle-pybert-peak-db={eq['ctle_peak_db']}", "--ctle-pybert-bw-fb=0.75", "--ctle-pybert-peak-fb=0.5",
            f"--tx-ffe={fmt(tx[:3])}/{fmt(tx[3:])}",
            f"--rx-ffe-taps={fmt(eq['rx_taps'])}", f"--rx-ffe-pre={s['rx_n_pre']}",
            f"--noise-rms-mv={s['rn'] * 1e3}", f"--vod={s['vod']}",
            f"--rc-load={s['rs']},{s['cout']},{s['rin']},{s['cin']}",
            f"--pybert-f-max-ghz={s['f_max']}"]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        res = subprocess.run(args, check=True, capture_output=True, text=True)
        best = min(best, time.perf_counter() - t)
        out = json.loads(res.stdout)
    return out, best


def mv(xs) -> str:
    return ", ".join("closed" if x is None or x <= 0 else f"{1e3 * x:.1f}" for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set_id", nargs="?", default="ck_CA_19p75dB")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    binary = REPO / "target" / "release" / "sireach"
    manifest = json.loads((SHARED / "channels" / "manifest.json").read_text())
    cset = next(s for s in manifest["sets"] if s["id"] == a.set_id)
    rec = cset["files"]["THRU"][0]
    gz = SHARED / "channels" / rec["file"]
    with tempfile.TemporaryDirectory() as tmp:
        s4p = Path(tmp) / rec["name"]
        s4p.write_bytes(gzip.decompress(gz.read_bytes()))
        p = run_pybert(s4p)
    sr, t_sr = run_sireach(binary, gz, p, a.repeat)
    t_pb = p["simulate_s"]
    other = sr["other_sample"]
    print(f"{a.set_id} ({rec['name']}), {BAUD_GBD} GBd PAM4, BER {BER:g}")
    print(f"  PyBERT's EQ: Tx {[round(x, 3) for x in p['tx_taps']]}, CTLE {p['ctle_peak_db']} dB, "
          f"Rx FFE sum {sum(p['rx_taps']):.3f} (15 taps, 5 pre); DFE bit errors {p['errors']}")
    print(f"  {'':<34} {'eye heights mV (low, mid, up)':<32} {'width UI':>9} {'time s':>8}")
    w = p["width"]
    print(f"  {'PyBERT simulate + eye metrics':<34} {mv(p['heights']):<32} "
          f"{'closed' if w is None else f'{w:.3f}':>9} {t_pb:8.2f}")
    print(f"  {'sireach eye --pybert (nearest)':<34} {mv(sr['eye_heights_v']):<32} "
          f"{sr['eye_width_ui']:9.3f} {t_sr:8.3f}")
    print(f"  {'sireach, other sample':<34} {mv(other['eye_heights_v']):<32} "
          f"{min(other['eye_widths_ui']):9.3f}")
    print(f"  PyBERT optimize_eq (EQ search, not timed against): {p['optimize_eq_s']:.2f} s")
    print(f"  time ratio PyBERT / sireach: {t_pb / t_sr:.0f}x "
          f"(sireach: whole process incl. reading the .gz, best of {a.repeat}; in-process {sr['time_s'] * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
