//! COM (IEEE 802.3 Annex 93A / 178A) against PyChOpMarg 3.4.0's anchors in
//! `../shared/com/reference/<set>__<config>.json`, for the configurations `r53_ctle_dfe`
//! (CTLE + Tx FFE + 12-tap DFE, 1,980 candidates) and `dj_xls_vs_matlab` (16-tap MMSE Rx FFE,
//! Δf 50 MHz, per-end package lengths, 3-segment die ladders): every set's COM within 0.1 dB,
//! the same CTLE, Tx FFE and cursor, the FOM within 0.05 dB, A_s and A_ni within 0.5 %, the Rx
//! FFE taps within 1e-6. The anchors are PyChOpMarg's outputs (independent reference), read
//! from the JSON, not typed in. Release only: `cargo test --release --test com_anchors`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use sireach::com::{ComConfig, compute};
use sireach::network::{Network, PortPairing};
use sireach::touchstone::{ReadOptions, read_path};

const ROOT: &str = "../shared/com";

fn load(path: &Path) -> Network {
    let t = read_path(path, &ReadOptions::default()).expect("shared channel");
    t.network
        .differential(&PortPairing::parse("1-3/2-4").unwrap())
        .expect("4-port")
}

fn files(manifest: &Value, set: &str) -> std::collections::HashMap<String, PathBuf> {
    let mut m = std::collections::HashMap::new();
    for s in manifest["sets"].as_array().unwrap() {
        if s["id"] != set {
            continue;
        }
        for kind in ["THRU", "FEXT", "NEXT"] {
            for f in s["files"][kind].as_array().unwrap() {
                m.insert(
                    f["name"].as_str().unwrap().to_string(),
                    Path::new(ROOT)
                        .join("channels")
                        .join(f["file"].as_str().unwrap()),
                );
            }
        }
    }
    m
}

fn check(set: &str) {
    check_config(set, "r53_ctle_dfe");
}

fn check_config(set: &str, config: &str) {
    if cfg!(debug_assertions) {
        eprintln!("skipped in debug builds: run with --release");
        return;
    }
    let root = Path::new(ROOT);
    let Ok(text) = std::fs::read_to_string(root.join(format!("configs/anchor_{config}.toml")))
    else {
        eprintln!("no ../shared/com: skipped");
        return;
    };
    let cfg = ComConfig::from_toml_str(&text).unwrap();
    let anchor: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("reference/{set}__{config}.json"))).unwrap(),
    )
    .unwrap();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("channels/manifest.json")).unwrap(),
    )
    .unwrap();
    let where_ = files(&manifest, set);
    let chans = |kind: &str| -> Vec<Network> {
        anchor["channels"][kind]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|n| load(&where_[n.as_str().unwrap()]))
                    .collect()
            })
            .unwrap_or_default()
    };
    let thru = chans("THRU").remove(0);
    let (fext, next) = (chans("FEXT"), chans("NEXT"));
    let t = Instant::now();
    let r = compute(&cfg, &thru, &fext, &next).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let res = &anchor["results"];
    let want = res["COM_dB"].as_f64().unwrap();
    eprintln!(
        "{set} / {config}: PyChOpMarg {want:.3} dB, sireach {:.3} dB, Δ {:+.4} dB, {secs:.2} s",
        r.com_db,
        r.com_db - want
    );
    assert!(
        (r.com_db - want).abs() <= 0.1,
        "{set}: COM {} vs {want}",
        r.com_db
    );
    let fom = res["FOM_dB"].as_f64().unwrap();
    assert!(
        (r.fom_db - fom).abs() <= 0.05,
        "{set}: FOM {} vs {fom}",
        r.fom_db
    );
    assert_eq!(
        r.choice.g_dc_db,
        res["gDC_dB"].as_f64().unwrap(),
        "{set}: gDC"
    );
    assert_eq!(
        r.choice.g_dc2_db,
        res["gDC2_dB"].as_f64().unwrap(),
        "{set}: gDC2"
    );
    let tx: Vec<f64> = res["tx_ffe_taps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(r.choice.tx_taps.len(), tx.len());
    for (a, b) in r.choice.tx_taps.iter().zip(&tx) {
        assert!(
            (a - b).abs() < 1e-9,
            "{set}: Tx taps {:?} vs {tx:?}",
            r.choice.tx_taps
        );
    }
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(
        rel(r.as_v, res["As_V"].as_f64().unwrap()) < 5e-3,
        "{set}: A_s"
    );
    assert!(
        rel(r.ani_v, res["Ani_V"].as_f64().unwrap()) < 5e-3,
        "{set}: A_ni"
    );
    assert_eq!(
        r.choice.fom.cursor_ix as u64,
        res["cursor_ix"].as_u64().unwrap(),
        "{set}: cursor"
    );
    let rx: Vec<f64> = res["rx_ffe_taps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(r.choice.rx_taps.len(), rx.len(), "{set}: Rx FFE span");
    for (a, b) in r.choice.rx_taps.iter().zip(&rx) {
        assert!(
            (a - b).abs() < 1e-6,
            "{set}: Rx FFE {:?} vs {rx:?}",
            r.choice.rx_taps
        );
    }
    if let Some(dfe) = res["COM_DFE_dB"].as_f64() {
        let m = r.mlsd.as_ref().expect("an MLSD result");
        let delta = res["delta_COM_mlsd_dB"].as_f64().unwrap();
        eprintln!(
            "{set} / {config}: COM_DFE {:.4} (PyChOpMarg {dfe:.4}), ΔCOM_MLSD {:+.4} ({delta:+.4}) dB",
            m.com_dfe_db, m.delta_com_db
        );
        assert!((m.com_dfe_db - dfe).abs() <= 0.05, "{set}: COM_DFE");
        assert!((m.delta_com_db - delta).abs() <= 0.05, "{set}: ΔCOM_MLSD");
    }
}

/// P802.3dj/D3.3 CR, host classes HL/HL with partial hosts (178A device models, 87-tap MMSE
/// Rx FFE with 2×4 floating taps, N_qb = 6 quantisation, MLSD), reduced Tx/CTLE grid.
fn check_d3p3(set: &str) {
    check_config(set, "dj_d3p3_cr_hl");
}
#[test]
fn d3p3_ck_ca_19p75db() {
    check_d3p3("ck_CA_19p75dB");
}
#[test]
fn d3p3_tec_smtio_4in_thru() {
    check_d3p3("tec_SMTIO_4in_thru");
}

/// The 16-tap MMSE Rx FFE configuration (PyChOpMarg's own MATLAB-comparison sheet).
fn check_xls(set: &str) {
    check_config(set, "dj_xls_vs_matlab");
}
#[test]
fn xls_ck_ca_19p75db() {
    check_xls("ck_CA_19p75dB");
}
#[test]
fn xls_ck_dpo_12db() {
    check_xls("ck_DPO_12dB");
}
#[test]
fn xls_ck_dpo_24db() {
    check_xls("ck_DPO_24dB");
}
#[test]
fn xls_ck_dpo_32db_thru() {
    check_xls("ck_DPO_32dB_thru");
}
#[test]
fn xls_composite_host4in_ca19p75_host4in_thru() {
    check_xls("composite_host4in_CA19p75_host4in_thru");
}
#[test]
fn xls_gore_c2c_12db_thru() {
    check_xls("gore_C2C_12dB_thru");
}
#[test]
fn xls_pcm_example2() {
    check_xls("pcm_example2");
}
#[test]
fn xls_tec_smtio_4in_thru() {
    check_xls("tec_SMTIO_4in_thru");
}

#[test]
fn ck_ca_19p75db() {
    check("ck_CA_19p75dB");
}
#[test]
fn ck_dpo_12db() {
    check("ck_DPO_12dB");
}
#[test]
fn ck_dpo_24db() {
    check("ck_DPO_24dB");
}
#[test]
fn ck_dpo_32db_thru() {
    check("ck_DPO_32dB_thru");
}
#[test]
fn composite_host4in_ca19p75_host4in_thru() {
    check("composite_host4in_CA19p75_host4in_thru");
}
#[test]
fn gore_c2c_12db_thru() {
    check("gore_C2C_12dB_thru");
}
#[test]
fn pcm_example2() {
    check("pcm_example2");
}
#[test]
fn tec_smtio_4in_thru() {
    check("tec_SMTIO_4in_thru");
}

/// Channel assembly alone (packages, VTF 93A-18, "vtf" interpolation, impulse truncation,
/// Tx/Rx filters, 93A-24 pulse): the unequalised pulse against the anchor's `uneq_window`.
#[test]
fn unequalised_pulse_matches_anchor() {
    use sireach::com::channel::{ChannelKind, channel_h21, irfft, shaping};
    let root = Path::new(ROOT);
    let Ok(text) = std::fs::read_to_string(root.join("configs/anchor_r53_ctle_dfe.toml")) else {
        return;
    };
    let cfg = ComConfig::from_toml_str(&text).unwrap();
    let grid = sireach::com::SystemGrid::new(&cfg).unwrap();
    assert_eq!(grid.n_times, 170_000);
    assert_eq!(grid.freqs_hz.len(), 85_001);
    let anchor: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("reference/ck_CA_19p75dB__r53_ctle_dfe.json")).unwrap(),
    )
    .unwrap();
    let thru = load(&root.join("channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz"));
    let h = channel_h21(&cfg, &grid, &thru, ChannelKind::Thru).unwrap();
    let spec: Vec<_> = h
        .iter()
        .zip(shaping(&cfg, &grid))
        .map(|(a, s)| a * s * cfg.a_v)
        .collect();
    let p = irfft(&spec, grid.n_times);
    let w = &anchor["waveforms"];
    let start = (w["uneq_t0_s"].as_f64().unwrap() / grid.dt_s).round() as usize;
    let want = w["uneq_window"].as_array().unwrap();
    for (k, v) in want.iter().enumerate() {
        let (ours, want) = (p[start + k], v.as_f64().unwrap());
        assert!(
            (ours - want).abs() <= 1e-6,
            "sample {}: {ours} vs {want}",
            start + k
        );
    }
    let peak = p.iter().cloned().fold(f64::MIN, f64::max);
    let want_peak = anchor["results"]["peak_uneq_pulse_V"].as_f64().unwrap();
    eprintln!("unequalised peak {peak} V (PyChOpMarg {want_peak} V)");
    assert!((peak - want_peak).abs() <= 1e-6, "{peak} vs {want_peak}");
}
