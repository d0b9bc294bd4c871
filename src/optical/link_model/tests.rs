//! Closed-form limits and generality of the link model (the regression against the
//! spreadsheet is `tests/optical_link_model.rs`).

use super::*;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn zero_length_has_no_fibre_terms() {
    let i = LinkInputs::example_850s2000();
    let b = evaluate(&i, 0.0).unwrap();
    assert_eq!(b.p_atten_db, 0.0);
    assert_eq!(b.chil_db, i.connector_loss_db);
    assert_eq!(b.bw_cd_hz, f64::INFINITY);
    assert_eq!(b.bw_md_hz, f64::INFINITY);
    assert_eq!(b.t_cd_s, 0.0);
    assert_eq!(b.t_md_s, 0.0);
    // Only the Tx and Rx rise times remain.
    let t_tx = 1.518 * i.tx_t2080_s;
    let t_rx = i.rx_c / i.rx_bw_hz;
    assert!(rel(b.te_s, t_tx) < 1e-15);
    assert!(rel(b.tc_s, (t_tx * t_tx + t_rx * t_rx).sqrt()) < 1e-15);
    // No dispersion: no MPN; the RIN bandwidth is the receiver's alone.
    assert_eq!(b.sigma_mpn, 0.0);
    assert_eq!(b.p_mpn_db, 0.0);
    assert!(rel(b.rin_bw_hz, i.rx_bw_hz / 0.477f64.sqrt()) < 1e-15);
    assert!(b.margin_db.is_finite());
}

#[test]
fn infinite_fibre_bandwidth_leaves_tx_and_rx() {
    let mut i = LinkInputs::example_850s2000();
    i.emb_hz_m = f64::MAX; // modal bandwidth → ∞ (finite input, effectively infinite)
    i.rms_spectral_width_m = 0.0; // no chromatic dispersion
    let b = evaluate(&i, 300.0).unwrap();
    assert_eq!(b.bw_cd_hz, f64::INFINITY);
    let t_tx = 1.518 * i.tx_t2080_s;
    let t_rx = i.rx_c / i.rx_bw_hz;
    assert!(rel(b.tc_s, (t_tx * t_tx + t_rx * t_rx).sqrt()) < 1e-12);
    // Zero spectral width: no MPN.
    assert_eq!(b.sigma_mpn, 0.0);
    assert_eq!(b.p_mpn_db, 0.0);
    // The attenuation is still there.
    assert!(rel(b.p_atten_db, 300.0 * b.attenuation_db_per_m) < 1e-15);
}

#[test]
fn no_isi_penalty_as_tc_goes_to_zero() {
    let mut i = LinkInputs::example_850s2000();
    i.tx_t2080_s = 0.0;
    i.rx_bw_hz = 1e30;
    i.emb_hz_m = f64::MAX;
    i.rms_spectral_width_m = 0.0;
    let b = evaluate(&i, 100.0).unwrap();
    assert!(b.tc_s < 1e-25);
    assert_eq!(b.isi_center, 1.0);
    assert_eq!(b.p_isi_center_db, 0.0);
    assert_eq!(b.p_isi_corners_db, 0.0);
    assert_eq!(b.p_dj_center_db, 0.0);
}

#[test]
fn closed_form_budget_without_noise() {
    // No noise, no jitter, no reflections, no dispersion: the total is the attenuation plus
    // the ISI of the Tx/Rx rise times plus the modal-noise allocation, exactly, and the cross
    // term is zero.
    let mut i = LinkInputs::example_850s2000();
    i.rms_spectral_width_m = 0.0;
    i.emb_hz_m = f64::MAX;
    i.rin_coef = 0.0;
    i.rms_blw = 0.0;
    i.modal_noise_penalty_db = 0.0;
    i.dj_s = 0.0;
    i.dcd_dj_s = 0.0;
    i.base_rate_baud = 25.78125e9;
    i.wavelength_m = 850e-9;
    let l = 70.0;
    let b = evaluate(&i, l).unwrap();
    let tc = ((1.518 * i.tx_t2080_s).powi(2) + (i.rx_c / i.rx_bw_hz).powi(2)).sqrt();
    let ui = 1.0 / i.base_rate_baud;
    let isi = libm::erf(2.563 * ui / (8f64.sqrt() * tc));
    let p_isi = -10.0 * (2.0 * isi - 1.0).log10();
    let alpha = 3.5e-3 / 3.5 * (1.05 + (1.0 / (0.00094 * 850.0f64)).powi(4));
    assert!(rel(b.p_isi_center_db, p_isi) < 1e-13);
    assert!(b.p_cross_center_db.abs() < 1e-12, "{}", b.p_cross_center_db);
    assert!(rel(b.p_total_center_db, alpha * l + p_isi) < 1e-12);
    let budget = i.tx_oma_dbm - i.rx_sens_oma_dbm - i.connector_loss_db;
    assert!(rel(b.margin_db, budget - alpha * l - p_isi) < 1e-12);
}

#[test]
fn general_in_its_inputs() {
    // Closed forms of single terms under changed inputs.
    let mut i = LinkInputs::example_850s2000();
    i.emb_hz_m = 4700e9;
    i.wavelength_m = 850e-9;
    let b = evaluate(&i, 150.0).unwrap();
    assert!(rel(b.bw_md_hz, 4700e9 / 150.0) < 1e-15);
    let d1 = 110.0 / 4.0 * 850e-9 * (1.0 - (1320.0f64 / 850.0).powi(4));
    let d2 = 0.7 * 110.0 * i.rms_spectral_width_m;
    let bw_cd = 0.187 / (i.rms_spectral_width_m * (d1 * d1 + d2 * d2).sqrt() * 150.0);
    assert!(rel(b.bw_cd_hz, bw_cd) < 1e-13);
    let beta =
        terms::SPREADSHEET_PI * b.speedup * i.base_rate_baud * i.rms_spectral_width_m * d1 * 150.0;
    assert!(
        rel(
            b.sigma_mpn,
            0.3 / 2f64.sqrt() * (1.0 - (-beta * beta).exp())
        ) < 1e-12
    );
    // Residual DJ closes the centre eye further.
    i.dj_s = 12e-12;
    let c = evaluate(&i, 150.0).unwrap();
    assert!(c.p_dj_center_db > 0.0 && c.p_dj_corners_db > 0.0);
    assert!(c.margin_db < b.margin_db);
    // Reflections cost margin.
    i.reflection_noise_factor = 0.5;
    let r = evaluate(&i, 150.0).unwrap();
    assert!(r.p_refl_db > 0.0 && r.isi_reflection < 1.0);
    assert!(r.margin_db < c.margin_db);
    // The margin falls with length.
    let m: Vec<f64> = [0.0, 100.0, 200.0, 300.0]
        .iter()
        .map(|&l| evaluate(&i, l).unwrap().margin_db)
        .collect();
    assert!(m.windows(2).all(|w| w[1] < w[0]), "{m:?}");
}

#[test]
fn closed_eye_is_infinite_not_nan() {
    let i = LinkInputs::example_850s2000();
    for l in [500.0, 1000.0, 5000.0, 1e6] {
        let b = evaluate(&i, l).unwrap();
        assert_eq!(b.p_total_center_db, f64::INFINITY, "{l}");
        assert_eq!(b.margin_db, f64::NEG_INFINITY);
        let j = b.vector_json();
        for k in VECTOR_KEYS {
            assert!(!j[k].is_null(), "{k} at {l} m");
        }
        assert!(!b.p_total_corners_db.is_nan());
    }
}

#[test]
fn bad_inputs_are_errors() {
    let i = LinkInputs::example_850s2000();
    assert!(evaluate(&i, -1.0).is_err());
    assert!(evaluate(&i, f64::NAN).is_err());
    assert!(evaluate(&i, f64::INFINITY).is_err());
    type Change = Box<dyn Fn(&mut LinkInputs)>;
    let cases: Vec<(&str, Change)> = vec![
        ("base_rate_baud", Box::new(|i| i.base_rate_baud = 0.0)),
        ("q", Box::new(|i| i.q = f64::NAN)),
        ("rx_bw_hz", Box::new(|i| i.rx_bw_hz = -1.0)),
        (
            "rms_spectral_width_m",
            Box::new(|i| i.rms_spectral_width_m = -1e-9),
        ),
        ("dcd_dj_s", Box::new(|i| i.dcd_dj_s = 7e-12)),
        ("tx_mask_x2", Box::new(|i| i.tx_mask_x2 = 0.6)),
        ("rms_blw", Box::new(|i| i.rms_blw = 0.2)),
        ("min_er_db", Box::new(|i| i.min_er_db = 0.0)),
    ];
    for (key, f) in cases {
        let mut j = i;
        f(&mut j);
        let e = evaluate(&j, 100.0).unwrap_err().to_string();
        assert!(e.contains(key), "{key}: {e}");
    }
}

#[test]
fn toml_errors_name_file_line_and_key() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/optical/linkmodel_10gepbud.toml"
    );
    let text = &std::fs::read_to_string(path).unwrap();
    let i = LinkInputs::from_toml_str(text, "lm.toml").unwrap();
    assert_eq!(i.base_rate_baud, 10312.5e6);
    assert!(rel(i.s0_s_per_m3, 110.0) < 1e-15);
    // Unknown key.
    let bad = text.replace("q = 7.037", "q = 7.037\nqq = 1.0");
    let e = LinkInputs::from_toml_str(&bad, "lm.toml").unwrap_err();
    let s = e.to_string();
    assert!(s.contains("lm.toml") && s.contains("qq"), "{s}");
    assert!(e.position().unwrap().line > 0);
    // Missing key.
    let bad = text.replace("rx_bw_mhz = 8250.0\n", "");
    let s = LinkInputs::from_toml_str(&bad, "lm.toml")
        .unwrap_err()
        .to_string();
    assert!(s.contains("rx_bw_mhz"), "{s}");
    // Wrong type.
    let bad = text.replace("q = 7.037", "q = \"seven\"");
    let e = LinkInputs::from_toml_str(&bad, "lm.toml").unwrap_err();
    assert!(e.to_string().contains("lm.toml"), "{e}");
    // Out of range: names the file's key and its line.
    let bad = text.replace("dcd_dj_ps = 6.0", "dcd_dj_ps = 9.0");
    let e = LinkInputs::from_toml_str(&bad, "lm.toml").unwrap_err();
    let s = e.to_string();
    let line = text
        .lines()
        .position(|l| l.starts_with("dcd_dj_ps"))
        .unwrap()
        + 1;
    assert!(s.contains("dcd_dj_ps") && s.contains("lm.toml"), "{s}");
    assert_eq!(e.position().unwrap().line, line as u64);
    // Keys at the top level, without an [inputs] table, as the acceptance check writes them.
    let flat: String = text
        .lines()
        .skip_while(|l| *l != "[inputs]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(LinkInputs::from_toml_str(&flat, "flat.toml").unwrap(), i);
    // Not TOML at all.
    assert!(LinkInputs::from_toml_str("q = = 1", "x.toml").is_err());
}
