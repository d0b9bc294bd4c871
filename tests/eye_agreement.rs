//! The statistical eye and the bit-by-bit time-domain eye of the same equalised link agree
//! where both can measure (1e-4 and 1e-5 with 10⁶ PRBS31Q symbols): the 802.3ck 19.75 dB
//! cable assembly at 53.125 GBd PAM4 with a fixed CTLE, Tx FFE and a 12-tap DFE, no jitter (the
//! time-domain eye simulates none), the same Gaussian noise.

use std::path::Path;

use sireach::Par;
use sireach::eye::link::{EyeSetup, link_eye, time_domain_eye};
use sireach::eye::statistical::PAM4;
use sireach::network::PortPairing;
use sireach::serdes::adapt::FomTerms;
use sireach::serdes::ctle::Ctle;
use sireach::serdes::ffe::Ffe;
use sireach::serdes::optimise::EqSearch;
use sireach::signal::pulse::{PulseOptions, differential_s21};
use sireach::touchstone::{ReadOptions, read_path};

#[test]
fn statistical_and_time_domain_eyes_agree_at_1e4_and_1e5() {
    let path = Path::new("../shared/com/channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz");
    let t = read_path(path, &ReadOptions::default()).expect("shared channel");
    let (f, h) = differential_s21(&t.network, &PortPairing::parse("1-3/2-4").unwrap()).unwrap();
    let baud = 53.125e9;
    let mut dfe_limits = vec![0.3; 12];
    dfe_limits[0] = 0.85;
    for p in [1e-4, 1e-5] {
        let setup = EyeSetup {
            baud,
            pulse: PulseOptions::com_defaults(baud),
            search: EqSearch {
                ctle: vec![Ctle::ieee_8023ck(baud, -8.0, -3.0)],
                tx: vec![Ffe::transmitter(&[0.04, -0.2], &[0.0], 0.5).unwrap()],
                rx_ffe: None,
                dfe_taps: 12,
                dfe_limits: dfe_limits.clone(),
                levels: PAM4.to_vec(),
                amplitude_v: 0.413,
                // noise large enough that the Gaussian tails, not the finite ISI, set the edges
                eta0_v2_per_hz: 2e-17,
                terms: FomTerms::NONE,
                phase_step: 1,
            },
            rj_rms_ui: 0.0,
            dj_dd_ui: 0.0,
            ber: p,
        };
        let stat = link_eye(&f, &h, &setup, Par::Seq).unwrap();
        let td = time_domain_eye(&stat.equalised, &PAM4, 1_000_000, 0x5eed, p, None).unwrap();
        let h0 = stat.equalised.pulse.v[stat.equalised.cursor_index];
        println!(
            "p {p:e}: noise {:.3} mV, h0 {:.2} mV; stat heights {:?} widths {:?}; time-domain heights {:?} widths {:?}",
            stat.equalised.noise_rms_v * 1e3,
            h0 * 1e3,
            stat.heights_v,
            stat.widths_ui,
            td.eye.heights_v,
            td.eye.widths_ui
        );
        for e in 0..3 {
            let (s, d) = (stat.heights_v[e], td.eye.heights_v[e]);
            // 10⁶ symbols leave 2.5·10⁵ per level: the empirical 1e-5 quantile rests on ~2
            // samples, so its spread is about one noise σ; 1e-4 on ~25 samples
            let sigma = stat.equalised.noise_rms_v;
            let tol = if p >= 1e-4 { 0.6 * sigma } else { 1.5 * sigma };
            assert!(
                (s - d).abs() <= tol + 0.01 * s.abs(),
                "eye {e} at {p:e}: statistical {s} V vs time-domain {d} V (σ {sigma})"
            );
            let (sw, dw) = (stat.widths_ui[e], td.eye.widths_ui[e]);
            assert!(
                (sw - dw).abs() <= 2.0 / 32.0,
                "eye {e} width at {p:e}: {sw} vs {dw} UI"
            );
        }
    }
}
