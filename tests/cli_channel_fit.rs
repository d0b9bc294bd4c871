//! `sireach channel fit` on the IEEE 802.3ck cable assembly (19.75 dB at 26.5625 GHz): the fitted
//! cable, predicted back at its own length, reproduces the measured loss; its reach against the
//! same limit lands where the prediction meets the limit.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sireach::network::PortPairing;
use sireach::touchstone::{ReadOptions, read_path};

fn ca() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/com/channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz")
}

fn fit(extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["channel", "fit"])
        .arg(ca())
        .args([
            "--length",
            "2",
            "--awg",
            "26",
            "--band-ghz",
            "0.05",
            "26.5625",
            "--json",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn prediction_at_the_measured_length_reproduces_the_measurement() {
    let v = fit(&["--at-length", "2", "--pmd", "100GBASE-CR1"]);
    let measured = {
        let n = read_path(&ca(), &ReadOptions::default())
            .unwrap()
            .network
            .differential(&PortPairing::parse("1-3/2-4").unwrap())
            .unwrap();
        sireach::channel::assembly::il_at_db(&n, 26.5625e9).unwrap()
    };
    let predicted = v["prediction"]["il_db"].as_f64().unwrap();
    let rms = v["rms_residual_db"].as_f64().unwrap();
    assert!(rms > 0.0 && rms < 1.0, "{rms}");
    assert!(
        (predicted - measured).abs() < 3.0 * rms,
        "{predicted} vs {measured} (rms {rms})"
    );
    // this file is not 2 m of 26 AWG twinax: the fit says so rather than inventing a cable
    assert_eq!(v["plausible_twinax"], false);
    assert!(v["warning"].as_str().unwrap().contains("surface factor"));
}

#[test]
fn the_reach_of_the_fitted_cable_is_where_its_loss_meets_the_limit() {
    let v = fit(&["--pmd", "100GBASE-CR1"]);
    let reach = v["reach"]["reach_m"].as_f64().unwrap();
    let limit = v["reach"]["limit_db"].as_f64().unwrap();
    let at = |l: f64| {
        fit(&["--pmd", "100GBASE-CR1", "--at-length", &l.to_string()])["prediction"]["il_db"]
            .as_f64()
            .unwrap()
    };
    assert!(at(reach) <= limit && at(reach + 0.011) > limit, "{reach}");
}

#[test]
fn bad_arguments_are_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["channel", "fit"])
        .arg(ca())
        .args(["--length", "2", "--awg", "40"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--awg 40"));
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["channel", "fit"])
        .arg(ca())
        .args(["--length", "-1", "--awg", "26"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("length"));
}
