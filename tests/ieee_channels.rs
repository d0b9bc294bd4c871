//! The IEEE 802.3 channel sets of `../shared/com/channels` (gzip'd four-port Touchstone files):
//! read, converted to mixed mode with the files' port order (1→2, 3→4, so the differential pairs
//! are ports 1-3 in and 2-4 out), and the differential insertion loss compared with the values
//! recorded in `manifest.json` (scikit-rf's SDD21, linearly interpolated in dB, rounded to
//! 0.001 dB, by `shared/com/tools/make_channels.py`).

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sireach::network::PortPairing;
use sireach::touchstone::{ReadOptions, read_bytes};

/// Frequencies and SDD21 insertion loss (dB) with the files' pairing, ports 1-3 in, 2-4 out.
fn sdd21_il_db(net: &sireach::network::Network) -> (Vec<f64>, Vec<f64>) {
    let mm = net
        .to_mixed_mode(&PortPairing::parse("1-3/2-4").unwrap())
        .unwrap();
    let il = mm.insertion_loss_db(1, 0).unwrap();
    (mm.frequency_hz.to_vec(), il.to_vec())
}

#[test]
fn every_thru_channel_has_the_manifest_insertion_loss() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/com/channels");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("manifest.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    for set in manifest["sets"].as_array().unwrap() {
        for file in set["files"]["THRU"].as_array().into_iter().flatten() {
            assert_eq!(file["port_order"], "1->2,3->4");
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(
                std::fs::File::open(root.join(file["file"].as_str().unwrap())).unwrap(),
            )
            .read_to_end(&mut bytes)
            .unwrap();
            let t = read_bytes(
                &bytes,
                file["name"].as_str().unwrap(),
                Some(4),
                &ReadOptions::default(),
            )
            .unwrap();
            let (f, il) = sdd21_il_db(&t.network);
            for (key, want) in file["sdd21_IL_dB"].as_object().unwrap() {
                let Some(want) = want.as_f64() else { continue };
                let fq: f64 = key.trim_end_matches("GHz").parse::<f64>().unwrap() * 1e9;
                let k = f.iter().position(|&x| x >= fq).unwrap();
                let got = if f[k] == fq {
                    il[k]
                } else {
                    let w = (fq - f[k - 1]) / (f[k] - f[k - 1]);
                    il[k - 1] + w * (il[k] - il[k - 1])
                };
                assert!(
                    (got - want).abs() <= 0.0006,
                    "{}: SDD21 at {key}: {got:.4} dB vs {want}",
                    file["name"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked} values checked");
}

#[test]
fn the_ieee_8023ck_cable_assembly_is_the_19_75_db_its_name_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/touchstone/files");
    let t = sireach::touchstone::read_path(
        &root.join("serdespy__CA_19p75dB_thru.s4p"),
        &ReadOptions::default(),
    )
    .unwrap();
    let (f, il) = sdd21_il_db(&t.network);
    // 26.56 and 26.57 GHz bracket the 100G PAM4 Nyquist frequency, 26.5625 GHz
    let k = f.iter().position(|&x| x >= 26.5625e9).unwrap();
    assert!(
        (il[k - 1] - 19.75).abs() < 0.05 && (il[k] - 19.75).abs() < 0.05,
        "{} {}",
        il[k - 1],
        il[k]
    );
}
