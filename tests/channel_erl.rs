//! Effective return loss of IEEE 802.3ck channel files against the IEEE COM program's own ERL
//! (COM 4.30 `get_TDR`, run in GNU Octave; `tests/fixtures/erl/erl_anchors.json`, made by
//! `tests/fixtures/erl/make_erl_fixtures.py`, whose header gives the command). Both ends of each
//! thru file, with the 802.3ck cable-assembly set and with a gated variant (T_fx = 0.2 ns,
//! β_x = 1.7 GHz). Run with `--nocapture` to print the table.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use sireach::channel::assembly::erl::{ErlParams, erl_both_ends};
use sireach::network::PortPairing;
use sireach::touchstone::{ReadOptions, read_bytes};

/// Largest |ours − COM| allowed, dB, for data that start at DC (measured: below 1e-5 dB).
const TOLERANCE_DB: f64 = 1e-3;

/// The same for data without a DC point (gore_C2C, from 10 MHz): the two extend to DC
/// differently (sireach: mirrored cubic spline; COM: linear trends), worth 0.008–0.023 dB here.
/// Given sireach's DC value, COM returns sireach's ERL to 1e-4 dB
/// (`tests/fixtures/erl/check_no_dc_difference.py`).
const TOLERANCE_NO_DC_DB: f64 = 0.03;

fn params(set: &Value) -> ErlParams {
    let num = |k: &str| set[k].as_f64().unwrap();
    ErlParams {
        signalling_rate_baud: num("f_b"),
        samples_per_ui: num("M") as usize,
        transition_time_s: num("T_r_s"),
        f_r: num("f_r"),
        butterworth: num("butterworth") != 0.0,
        tukey_window: num("tukey") != 0.0,
        rho_x: num("rho_x"),
        n_bx: num("N_bx") as usize,
        beta_x_hz: num("beta_x"),
        fixture_delay_s: num("T_fx_s"),
        n_ui: num("N") as usize,
        levels: num("L") as usize,
        der0: num("DER_0"),
        z_t_ohm: num("Z_t"),
        pdf_bin: num("bin_size"),
    }
}

fn read_gz(root: &Path, rel: &str) -> sireach::network::Network {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(root.join(rel)).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let name = rel.rsplit('/').next().unwrap().trim_end_matches(".gz");
    read_bytes(&bytes, name, Some(4), &ReadOptions::default())
        .unwrap()
        .network
}

#[test]
fn erl_of_the_ieee_channels_agrees_with_the_com_program() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let anchors: Value = serde_json::from_str(
        &std::fs::read_to_string(here.join("tests/fixtures/erl/erl_anchors.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(anchors["schema"], "sireach-erl-anchor/1");
    let root = here.join("../shared/com/channels");
    let pairing = PortPairing::parse("1-3/2-4").unwrap();
    let rows = anchors["results"].as_array().unwrap();
    let mut worst: f64 = 0.0;
    let mut worst_no_dc: f64 = 0.0;
    let mut checked = 0;
    println!("file | params | end | ours dB | COM dB | delta dB");
    let mut cache: Option<(String, sireach::network::Network)> = None;
    for pair in rows.chunks(2) {
        let rel = pair[0]["file"].as_str().unwrap();
        assert_eq!(pair[1]["file"], pair[0]["file"]);
        assert_eq!(pair[1]["params"], pair[0]["params"]);
        if cache.as_ref().map(|c| c.0.as_str()) != Some(rel) {
            let mm = read_gz(&root, rel).to_mixed_mode(&pairing).unwrap();
            cache = Some((rel.to_string(), mm));
        }
        let mm = &cache.as_ref().unwrap().1;
        let set = pair[0]["params"].as_str().unwrap();
        let p = params(&anchors["params"][set]);
        let ours = erl_both_ends(mm, &p).unwrap();
        for (row, r) in pair.iter().zip(&ours) {
            let want = row["erl_db"].as_f64().unwrap();
            let delta = r.erl_db - want;
            println!(
                "{rel} | {set} | {} | {:.4} | {want:.4} | {delta:+.5}",
                row["end"].as_str().unwrap(),
                r.erl_db
            );
            if mm.frequency_hz[0] > 0.0 {
                worst_no_dc = worst_no_dc.max(delta.abs());
            } else {
                worst = worst.max(delta.abs());
            }
            checked += 1;
        }
    }
    println!(
        "worst |delta| = {worst:.6} dB (data from DC), {worst_no_dc:.4} dB (no DC point); \
         {checked} values"
    );
    assert!(checked >= 20, "{checked}");
    assert!(
        worst <= TOLERANCE_DB,
        "worst |delta| {worst:.6} dB > {TOLERANCE_DB}"
    );
    assert!(
        worst_no_dc <= TOLERANCE_NO_DC_DB,
        "worst |delta| without DC {worst_no_dc:.4} dB > {TOLERANCE_NO_DC_DB}"
    );
}
