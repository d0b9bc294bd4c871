//! The elementary terms of the IEEE 802.3 example link model (10GEPBud3_1_16a, Hanson,
//! Cunningham, Dawe, Dolfi), one free function each, in SI units (Hz, s, m; dB only in names
//! ending `_db`). [`super::LinkModel`] composes them; a PAM4 model can reuse them with its own
//! constants (every constant of the spreadsheet is a parameter or a named `pub const`).
//!
//! Sources: the spreadsheet's formulas as transcribed in `../shared/optical/README.md` and
//! `../shared/reference/reach-references.md` §4.2 and §4.4 (grade A), cross-read with the
//! Python port of the spreadsheet in INCITS T11-2016-013 ("Python script for IEEE
//! GEPBud3_1_16a"); background: FC-MSQS-2 (ANSI/INCITS TR-60-2014) Annex B and Cunningham &
//! Lane, *Gigabit Ethernet Networking*, ch. 9. Where the spreadsheet uses a rounded literal
//! (B1 = 2.563, π ≈ 3.14) the literal is kept, because the regression vectors pin it.
//!
//! Penalties are `+∞` when their argument closes the eye (a ratio ≤ 0 or a negative square
//! root), never NaN.

/// The spreadsheet's ISI constant B1: `ISI = erf(B1·T/(√8·T_c))`; B1/√8 ≈ erfinv(0.8).
pub const SPREADSHEET_B1: f64 = 2.563;
/// The literal the spreadsheet uses for π in the mode-partition-noise β (not `std::f64::consts::PI`).
#[allow(clippy::approx_constant)] // deliberately the spreadsheet's 3.14, pinned by its vectors
pub const SPREADSHEET_PI: f64 = 3.14;
/// Chromatic-dispersion bandwidth constant: `BW_cd = 0.187/(Δλ·D·L)` (Hz·s; 0.187e6 MHz·ps in
/// the spreadsheet).
pub const CD_BANDWIDTH_CONSTANT: f64 = 0.187;
/// Gaussian 20–80 % to 10–90 % rise-time ratio (1.518 in the spreadsheet).
pub const GAUSSIAN_2080_TO_1090: f64 = 1.518;
/// Weight of the receiver's single-pole bandwidth in the RIN noise bandwidth (0.477).
pub const RIN_RX_BANDWIDTH_WEIGHT: f64 = 0.477;
/// The spreadsheet's dispersion-spread factor for the spectral width: `D2 = 0.7·S0·Δλ`.
pub const D2_FACTOR: f64 = 0.7;
/// The spectral-attenuation model's normalisation: `c_att = Attn/3.5`.
pub const ATTENUATION_NORMALISATION_DB_PER_KM: f64 = 3.5;

/// `-10·log10(ratio)`, or `+∞` when the ratio is not positive (a closed eye).
#[inline]
pub fn penalty_db_from_ratio(ratio: f64) -> f64 {
    if ratio > 0.0 {
        -10.0 * ratio.log10()
    } else {
        f64::INFINITY
    }
}

/// `-10·log10(√(1 − x))`: the penalty of a noise term whose normalised variance is `x`
/// (`x = Q²σ²/ISI²`); `+∞` when `x ≥ 1`.
#[inline]
pub fn noise_penalty_db(x: f64) -> f64 {
    let r = 1.0 - x;
    if r > 0.0 {
        -5.0 * r.log10()
    } else {
        f64::INFINITY
    }
}

/// Spectral attenuation of multimode fibre, dB/m (10GEPBud cell P5; reach-references §4.2):
///
/// `α(λ) = c_att·(1.05 + (1/(0.00094·λ[nm]))⁴)` dB/km with `c_att = Attn/3.5`, where `Attn` is
/// the fibre's specified attenuation (3.5 dB/km for cabled MMF at 850 nm). In SI,
/// `α = spec/3.5·(1.05 + (1/(9.4e5 m⁻¹·λ))⁴)` with `spec` in dB/m. Gives 3.62 dB/km at 840 nm.
pub fn spectral_attenuation_db_per_m(spec_attenuation_db_per_m: f64, wavelength_m: f64) -> f64 {
    let x = 1.0 / (0.00094e9 * wavelength_m);
    let x2 = x * x;
    spec_attenuation_db_per_m / ATTENUATION_NORMALISATION_DB_PER_KM * (1.05 + x2 * x2)
}

/// Chromatic dispersion D1 at `wavelength_m`, s/m² (s per m of spectral width per m of fibre;
/// 1 ps/(nm·km) = 1e-6 s/m²), spreadsheet cell P9 and T11-2016-013 eq. 2:
///
/// `D1 = (S0/4)·λ·(1 − (λ0/λ)⁴)`, `S0` the zero-dispersion slope in s/m³ (1 ps/(nm²·km) =
/// 1e3 s/m³), `λ0` the zero-dispersion wavelength. Negative below λ0.
pub fn dispersion_d1_s_per_m2(s0_s_per_m3: f64, u0_m: f64, wavelength_m: f64) -> f64 {
    let r = u0_m / wavelength_m;
    let r2 = r * r;
    0.25 * s0_s_per_m3 * wavelength_m * (1.0 - r2 * r2)
}

/// The spectral-width term D2 = 0.7·S0·Δλ_rms, s/m² (spreadsheet cell AB4).
pub fn dispersion_d2_s_per_m2(s0_s_per_m3: f64, rms_spectral_width_m: f64) -> f64 {
    D2_FACTOR * s0_s_per_m3 * rms_spectral_width_m
}

/// Chromatic-dispersion bandwidth, Hz (spreadsheet column F):
///
/// `BW_cd = 0.187/(Δλ·√(D1² + D2²)·L)`; `+∞` at zero length or zero dispersion.
pub fn chromatic_bandwidth_hz(rms_spectral_width_m: f64, d1: f64, d2: f64, length_m: f64) -> f64 {
    let spread_s = rms_spectral_width_m * (d1 * d1 + d2 * d2).sqrt() * length_m;
    CD_BANDWIDTH_CONSTANT / spread_s
}

/// Modal bandwidth, Hz: `BW_md = EMB/L` (spreadsheet column G); `+∞` at zero length.
pub fn modal_bandwidth_hz(emb_hz_m: f64, length_m: f64) -> f64 {
    emb_hz_m / length_m
}

/// Transmitter 10–90 % rise time from its 20–80 % rise time, Gaussian edge:
/// `T(10–90) = 1.518·T(20–80)` (spreadsheet cell G3).
pub fn tx_rise_1090_s(t2080_s: f64) -> f64 {
    GAUSSIAN_2080_TO_1090 * t2080_s
}

/// 10–90 % rise time of a response of bandwidth `bandwidth_hz`: `T = c/BW`, with `c = 0.48`
/// for a Gaussian fibre response (480 ns·MHz, columns H–I) and `c = 0.329` for a single-pole
/// receiver (329 ns·MHz, cell T7). Zero when the bandwidth is infinite.
pub fn rise_time_from_bandwidth_s(c: f64, bandwidth_hz: f64) -> f64 {
    c / bandwidth_hz
}

/// Root-sum-square combination of 10–90 % rise times: `T = √(Σ Tᵢ²)` (columns H, I).
pub fn rss(times_s: &[f64]) -> f64 {
    times_s.iter().map(|t| t * t).sum::<f64>().sqrt()
}

/// Noise bandwidth for RIN, Hz: the fibre and receiver without the transmitter,
/// `1/BW² = 1/BW_cd² + 1/BW_md² + 0.477/BW_rx²`.
pub fn rin_bandwidth_hz(bw_cd_hz: f64, bw_md_hz: f64, rx_bw_hz: f64) -> f64 {
    let a = 1.0 / bw_cd_hz;
    let b = 1.0 / bw_md_hz;
    1.0 / (a * a + b * b + RIN_RX_BANDWIDTH_WEIGHT / (rx_bw_hz * rx_bw_hz)).sqrt()
}

/// The speed-up from duty-cycle distortion: `1/(1 − BR·DCD)` (spreadsheet cell Y44).
pub fn dcd_speedup(base_rate_baud: f64, dcd_s: f64) -> f64 {
    1.0 / (1.0 - base_rate_baud * dcd_s)
}

/// The unit interval shrunk by duty-cycle distortion, s: `T = 1/(speedup·BR) = 1/BR − DCD`
/// (the spreadsheet's `1/(1e-6·speedup·BR[MBd])`).
pub fn effective_unit_interval_s(base_rate_baud: f64, dcd_s: f64) -> f64 {
    1.0 / (dcd_speedup(base_rate_baud, dcd_s) * base_rate_baud)
}

/// The eye opening at the centre of the eye for a Gaussian composite response of 10–90 % rise
/// time `tc_s` (spreadsheet column Z): `erf(B1·T/(√8·T_c))`, `T` the effective unit interval.
/// (`B1/√8 ≈ erfinv(0.8)`; the spreadsheet's `B1 = 2.563` is [`SPREADSHEET_B1`].) The penalty
/// uses `2·ISI − 1` ([`isi_center_penalty_db`]). At `tc_s = 0` the value is 1.
pub fn isi_center(b1: f64, ui_s: f64, tc_s: f64) -> f64 {
    libm::erf(b1 * ui_s / (8f64.sqrt() * tc_s))
}

/// The eye opening with a symmetric time offset `x` (in UI) about the centre:
/// `erf(a·(1+x)) + erf(a·(1−x)) − 1` with `a = B1·T/(√8·T_c)` (columns AB–AJ). With
/// `x = dj_ui` it is the centre with residual DJ, with `x = 2·(½ − X2)·speedup` the corners of
/// the Tx mask, with both summed the corners with DJ. `x = 0` gives `2·isi_center − 1`.
pub fn isi_offset(b1: f64, ui_s: f64, tc_s: f64, x: f64) -> f64 {
    let a = b1 * ui_s / (8f64.sqrt() * tc_s);
    libm::erf(a * (1.0 + x)) + libm::erf(a * (1.0 - x)) - 1.0
}

/// ISI penalty at the centre of the eye: `P_isi = −10·log10(2·ISI_center − 1)` (column J).
pub fn isi_center_penalty_db(isi_center: f64) -> f64 {
    penalty_db_from_ratio(2.0 * isi_center - 1.0)
}

/// RIN variance (column AK; FC-MSQS-2 eq. B.47):
/// `V_rin = k_RIN·ISI_test²·10^(RIN_OMA/10)·BW_rin`, `RIN_OMA` in dB/Hz, `BW_rin` in Hz,
/// `ISI_test` the eye opening of the RIN test (1 in the spreadsheet), `k_RIN` 0.7.
pub fn rin_variance(k_rin: f64, isi_test: f64, rin_oma_db_per_hz: f64, rin_bw_hz: f64) -> f64 {
    k_rin * isi_test * isi_test * 10f64.powf(0.1 * rin_oma_db_per_hz) * rin_bw_hz
}

/// RIN penalty: `P_rin = −10·log10 √(1 − V_rin·(Q/ISI)²)` (column R), `ISI` the centre eye
/// opening with DJ and reflections.
pub fn rin_penalty_db(v_rin: f64, q: f64, isi: f64) -> f64 {
    let r = q / isi;
    noise_penalty_db(v_rin * r * r)
}

/// Mode-partition-noise β (column O): `β = π·BR_eff·Δλ·D1·L`, dimensionless, `BR_eff` the rate
/// after the DCD speed-up in Bd; the spreadsheet's π is [`SPREADSHEET_PI`] = 3.14.
pub fn mpn_beta(pi: f64, rate_baud: f64, rms_spectral_width_m: f64, d1: f64, length_m: f64) -> f64 {
    pi * rate_baud * rms_spectral_width_m * d1 * length_m
}

/// MPN standard deviation: `σ_mpn = (k_mpn/√2)·(1 − exp(−β²))` (column P).
pub fn mpn_sigma(k_mpn: f64, beta: f64) -> f64 {
    k_mpn / 2f64.sqrt() * (1.0 - (-beta * beta).exp())
}

/// MPN penalty: `P_mpn = −10·log10 √(1 − Q²σ_mpn²)` (column Q).
pub fn mpn_penalty_db(q: f64, sigma_mpn: f64) -> f64 {
    noise_penalty_db(q * q * sigma_mpn * sigma_mpn)
}

/// The eye opening left by interferometric noise from the two end reflections (column N):
///
/// `ISI_refl = 1 − 2·RNF·10^(−ChIL/10)·√(R_tx·R_rx)·√(2·ER·(ISI·(ER−1) + ER + 1))/(ISI·(ER−1))`,
/// reflectances and ER given in dB, `ISI` the centre opening with DJ. (The form of
/// `../shared/optical/README.md`; the vectors have RNF = 0 and do not test it.) 1 when
/// `RNF = 0`; 0 (closed) when `ISI ≤ 0`.
pub fn reflection_isi(
    rnf: f64,
    chil_db: f64,
    tx_reflectance_db: f64,
    rx_reflectance_db: f64,
    er_db: f64,
    isi: f64,
) -> f64 {
    if rnf == 0.0 {
        return 1.0;
    }
    if isi <= 0.0 {
        return 0.0;
    }
    let r = 10f64.powf(0.05 * (tx_reflectance_db + rx_reflectance_db));
    let er = 10f64.powf(0.1 * er_db);
    let spread = (2.0 * er * (isi * (er - 1.0) + er + 1.0)).sqrt() / (isi * (er - 1.0));
    1.0 - 2.0 * rnf * 10f64.powf(-0.1 * chil_db) * r * spread
}

/// Baseline-wander penalty: `P_blw = −10·log10 √(1 − (Q·σ_blw/ISI_TP4)²)` (cell T13), with
/// `ISI_TP4` the opening of the receiver-test eye (the vectors pin the division by it).
pub fn baseline_wander_penalty_db(q: f64, sigma_blw: f64, isi_tp4: f64) -> f64 {
    let r = q * sigma_blw / isi_tp4;
    noise_penalty_db(r * r)
}

/// Modal-noise variance from its allocated penalty: `V_mn = (1 − 10^(−P_mn/5))/Q²` (cell AG7),
/// the variance whose noise penalty alone is `P_mn`.
pub fn modal_noise_variance(q: f64, modal_noise_penalty_db: f64) -> f64 {
    (1.0 - 10f64.powf(-0.2 * modal_noise_penalty_db)) / (q * q)
}

/// The combined penalty of every noise at once on an eye of opening `isi` (column S before the
/// subtraction):
///
/// `P_all = −10·log10(ISI·√(1 − Q²·((σ_blw² + V_rin)/ISI² + V_mn + σ_mpn²)))`.
pub fn combined_penalty_db(
    q: f64,
    isi: f64,
    sigma_blw: f64,
    v_rin: f64,
    v_mn: f64,
    sigma_mpn: f64,
) -> f64 {
    if isi <= 0.0 {
        return f64::INFINITY;
    }
    let x = 1.0
        - q * q * ((sigma_blw * sigma_blw + v_rin) / (isi * isi) + v_mn + sigma_mpn * sigma_mpn);
    if x > 0.0 {
        penalty_db_from_ratio(isi * x.sqrt())
    } else {
        f64::INFINITY
    }
}

/// The cross term (column S): the combined penalty minus the individual ones,
/// `P_cross = P_all − (P_blw + P_isi + P_dj + P_mpn + P_refl + P_rin + P_mn)`; `+∞` when the
/// combined penalty is (the eye is closed).
pub fn cross_penalty_db(combined_db: f64, individual_db: &[f64]) -> f64 {
    if combined_db.is_finite() {
        combined_db - individual_db.iter().sum::<f64>()
    } else {
        f64::INFINITY
    }
}

/// The budget: `Margin = (Tx OMA_min − Rx sens_OMA − connector loss) − P_total`, dB.
pub fn margin_db(
    tx_oma_dbm: f64,
    rx_sens_oma_dbm: f64,
    connector_loss_db: f64,
    total_db: f64,
) -> f64 {
    tx_oma_dbm - rx_sens_oma_dbm - connector_loss_db - total_db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attenuation_at_850_and_840_nm() {
        // reach-references §4.2: 3.50 dB/km at 850 nm, 3.62 dB/km at 840 nm for Attn = 3.5.
        let a850 = spectral_attenuation_db_per_m(3.5e-3, 850e-9) * 1e3;
        let a840 = spectral_attenuation_db_per_m(3.5e-3, 840e-9) * 1e3;
        assert!((a850 - 3.50).abs() < 0.01, "{a850}");
        assert!((a840 - 3.62).abs() < 0.01, "{a840}");
        // Linear in the specified attenuation.
        let b = spectral_attenuation_db_per_m(7e-3, 840e-9) * 1e3;
        assert!((b - 2.0 * a840).abs() < 1e-12);
    }

    #[test]
    fn dispersion_zero_at_lambda0() {
        assert_eq!(dispersion_d1_s_per_m2(110.0, 1320e-9, 1320e-9), 0.0);
        // 0.11 ps/(nm²km) at 840 nm: D1 = −117.761 ps/(nm·km) = −1.17761e-4 s/m².
        let d1 = dispersion_d1_s_per_m2(110.0, 1320e-9, 840e-9);
        assert!((d1 / 1e-6 + 117.7609).abs() < 1e-3, "{d1}");
    }

    #[test]
    fn rise_times_and_rss() {
        assert!((tx_rise_1090_s(35e-12) - 53.13e-12).abs() < 1e-24);
        assert_eq!(rss(&[3.0, 4.0]), 5.0);
        assert_eq!(rise_time_from_bandwidth_s(0.48, f64::INFINITY), 0.0);
        // Infinite fibre bandwidth: only the receiver in the RIN bandwidth.
        let bw = rin_bandwidth_hz(f64::INFINITY, f64::INFINITY, 8.25e9);
        assert!((bw - 8.25e9 / 0.477f64.sqrt()).abs() < 1e-3);
    }

    #[test]
    fn isi_limits() {
        assert_eq!(isi_center(SPREADSHEET_B1, 97e-12, 0.0), 1.0);
        assert_eq!(isi_center_penalty_db(1.0), 0.0);
        let ui = 97e-12;
        let tc = 100e-12;
        let c = isi_center(SPREADSHEET_B1, ui, tc);
        assert!((isi_offset(SPREADSHEET_B1, ui, tc, 0.0) - (2.0 * c - 1.0)).abs() < 1e-15);
        // Offsets close the eye.
        assert!(isi_offset(SPREADSHEET_B1, ui, tc, 0.2) < 2.0 * c - 1.0);
        assert_eq!(isi_center_penalty_db(0.5), f64::INFINITY);
    }

    #[test]
    fn noise_penalties() {
        assert_eq!(mpn_sigma(0.3, 0.0), 0.0);
        assert_eq!(mpn_penalty_db(7.0, 0.0), 0.0);
        assert_eq!(mpn_penalty_db(7.0, 1.0), f64::INFINITY);
        assert_eq!(rin_penalty_db(0.0, 7.0, 0.5), 0.0);
        // Modal-noise variance reproduces its own penalty.
        let v = modal_noise_variance(7.037, 0.3);
        assert!((noise_penalty_db(7.037f64.powi(2) * v) - 0.3).abs() < 1e-14);
        assert_eq!(reflection_isi(0.0, 2.0, -12.0, -12.0, 3.0, 0.5), 1.0);
        assert!(reflection_isi(0.5, 2.0, -12.0, -12.0, 3.0, 0.5) < 1.0);
        // With nothing but ISI, the combined penalty is the ISI of the opening.
        let p = combined_penalty_db(7.0, 0.5, 0.0, 0.0, 0.0, 0.0);
        assert!((p - penalty_db_from_ratio(0.5)).abs() < 1e-15);
        assert_eq!(cross_penalty_db(f64::INFINITY, &[1.0]), f64::INFINITY);
    }
}
