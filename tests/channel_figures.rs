//! Cable-assembly figures (`channel::assembly`) on the IEEE 802.3ck cable assembly of
//! `../shared/com/channels/ck_CA_19p75dB` (thru, 8 NEXT, 7 FEXT), against an independent
//! scikit-rf + numpy computation stored in `tests/fixtures/figures/ck_ca_19p75.json` (the
//! command that made it is in `make_figures_fixtures.py` beside it), and on the twinax model.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sireach::channel::assembly::figures;
use sireach::channel::twinax::{TwinaxParams, network};
use sireach::network::{Network, PortPairing};
use sireach::presets::{CopperFamily, Presets};
use sireach::touchstone::{ReadOptions, read_path};

fn set_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/com/channels/ck_CA_19p75dB")
}

fn diff(path: &Path) -> Network {
    read_path(path, &ReadOptions::default())
        .unwrap()
        .network
        .differential(&PortPairing::parse("1-3/2-4").unwrap())
        .unwrap()
}

fn aggressors(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(set_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(&format!("_{kind}")))
        .collect();
    v.sort();
    v
}

fn fixture() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/figures/ck_ca_19p75.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-30),
        "{got} vs {want}"
    );
}

#[test]
fn ck_cable_assembly_figures_match_the_numpy_reference() {
    let presets = Presets::embedded().unwrap();
    let (family, _) = CopperFamily::find(&presets.copper, "100GBASE-CR1").unwrap();
    let thru = diff(&set_dir().join("CA_19p75dB_thru.s4p.gz"));
    let next: Vec<Network> = aggressors("next").iter().map(|p| diff(p)).collect();
    let fext: Vec<Network> = aggressors("fext").iter().map(|p| diff(p)).collect();
    assert_eq!((next.len(), fext.len()), (8, 7));
    let f = figures(&thru, &next, &fext, family).unwrap();
    let want = fixture();
    close(
        f.il_nyquist_db,
        want["il_nyquist_db"].as_f64().unwrap(),
        1e-9,
    );
    // the file is named for its 19.75 dB cable-assembly loss at 26.5625 GHz
    assert!((f.il_nyquist_db - 19.75).abs() < 0.02);
    for (got, w) in f
        .fitted_il_coefficients
        .iter()
        .zip(want["fitted_il_coefficients"].as_array().unwrap())
    {
        close(*got, w.as_f64().unwrap(), 1e-8);
    }
    close(f.fom_ild_db, want["fom_ild_db"].as_f64().unwrap(), 1e-9);
    close(
        f.icn_next_v.unwrap(),
        want["icn_next_v"].as_f64().unwrap(),
        1e-9,
    );
    close(
        f.icn_fext_v.unwrap(),
        want["icn_fext_v"].as_f64().unwrap(),
        1e-9,
    );
    close(f.icn_v.unwrap(), want["icn_v"].as_f64().unwrap(), 1e-9);
}

#[test]
fn a_matched_smooth_cable_has_almost_no_ild_and_no_icn_without_aggressors() {
    // The twinax model at its own 100 Ω is matched and smooth: its IL follows √f and f
    // (plus the slow Djordjevic-Sarkar bend), so the four-term fit leaves a tiny deviation,
    // where the measured assembly (connectors, resonances) has FOM_ILD ≈ 0.35 dB.
    let presets = Presets::embedded().unwrap();
    let (family, _) = CopperFamily::find(&presets.copper, "100GBASE-CR1").unwrap();
    let f: Vec<f64> = (0..=6000).map(|k| k as f64 * 10e6).collect();
    let cable = network(
        &TwinaxParams::from_preset(&presets.twinax, 26.0),
        &f,
        2.0,
        100.0,
    )
    .unwrap();
    let fig = figures(&cable, &[], &[], family).unwrap();
    assert!(fig.fom_ild_db < 0.01, "FOM_ILD {}", fig.fom_ild_db);
    assert!(fig.icn_v.is_none());
    // the loss is the model's own at Nyquist
    let per_m = sireach::channel::twinax::loss_db_per_metre(
        &TwinaxParams::from_preset(&presets.twinax, 26.0),
        &[26.5625e9],
    )
    .unwrap()[0];
    assert!(
        (fig.il_nyquist_db - 2.0 * per_m).abs() < 1e-3,
        "{} vs {}",
        fig.il_nyquist_db,
        2.0 * per_m
    );
}

#[test]
fn channel_fom_cli_prints_the_same_figures_as_json() {
    let dir = set_dir();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sireach"));
    cmd.args(["channel", "fom"])
        .arg(dir.join("CA_19p75dB_thru.s4p.gz"))
        .args(["--pmd", "100gbase-cr1", "--json", "--next"])
        .args(aggressors("next"))
        .arg("--fext")
        .args(aggressors("fext"));
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = fixture();
    assert_eq!(v["pmd"], "100GBASE-CR1");
    assert_eq!(
        (v["next_files"].as_u64(), v["fext_files"].as_u64()),
        (Some(8), Some(7))
    );
    for k in ["il_nyquist_db", "fom_ild_db", "icn_v"] {
        close(
            v["figures"][k].as_f64().unwrap(),
            want[k].as_f64().unwrap(),
            1e-9,
        );
    }
    assert_eq!(v["figures"]["il_limit_grade"], "C");
    // ERL of both ends: the IEEE COM program's values for this file (tests/fixtures/erl)
    let anchors: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/erl/erl_anchors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for (i, end) in ["sdd11", "sdd22"].iter().enumerate() {
        let want = anchors["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["file"] == "ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz"
                    && r["params"] == "ck_ca"
                    && r["end"] == *end
            })
            .unwrap()["erl_db"]
            .as_f64()
            .unwrap();
        let got = v["figures"]["erl_db"][i].as_f64().unwrap();
        assert!((got - want).abs() < 1e-3, "{end}: {got} vs {want}");
    }
    assert_eq!(v["figures"]["erl_pass"], true);
}

#[test]
fn channel_fom_cli_draws_its_plot() {
    let out_path = std::env::temp_dir().join(format!("sireach-fom-{}.png", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["channel", "fom"])
        .arg(set_dir().join("CA_19p75dB_thru.s4p.gz"))
        .args(["--pmd", "100GBASE-CR1", "--plot"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&out_path).unwrap();
    std::fs::remove_file(&out_path).ok();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 50_000, "{} bytes", png.len());
    assert!(String::from_utf8_lossy(&out.stdout).contains("plot written to"));
}

#[test]
fn channel_fom_cli_errors_name_what_is_wrong() {
    let dir = set_dir();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sireach"))
            .args(["channel", "fom"])
            .arg(dir.join("CA_19p75dB_thru.s4p.gz"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--pmd", "100GBASE-XR9"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown PMD") && err.contains("100GBASE-CR1"),
        "{err}"
    );
    let out = run(&["--pmd", "100GBASE-CR1", "--pairing", "1-3/3-4"]);
    assert!(!out.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args([
            "channel",
            "fom",
            "/nonexistent/x.s4p",
            "--pmd",
            "100GBASE-CR1",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("/nonexistent/x.s4p"),
        "{err}"
    );
}
