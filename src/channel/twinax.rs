//! A shielded differential twinax pair, per metre, from its construction: conductor gauge and
//! conductivity, a surface factor, the dielectric (a causal Djordjevic–Sarkar wideband Debye
//! model), and the differential impedance; as frequency-dependent series impedance `Z(ω)` and
//! shunt admittance `Y(ω)` per metre, and as a differential two-port [`Network`] of any length
//! through the telegrapher's equations.
//!
//! Differential mode only: the pair is one TEM line whose conductor loop runs out on one wire
//! and back on the other, `Z = 2 Z_int(ω) + jω L_ext`, `Y = jω ε(ω) C₀`, with
//! - `Z_int(ω) = R_dc √(1 + j f K² / f_δ)` per conductor, `R_dc = 4/(σπd²)`,
//!   `f_δ = 8/(π μ₀ σ d²)`: the exact DC resistance and the exact skin-effect limit
//!   `K (1 + j) R_s / (π d)`, `R_s = √(π f μ₀ / σ)` (Ramo, Whinnery & Van Duzer, *Fields and
//!   Waves in Communication Electronics*, 3rd ed., §5.16, internal impedance of a round wire),
//!   joined by a minimum-phase function, hence causal, with the internal inductance that goes
//!   with the resistance. `K` scales the skin-effect resistance for proximity, shield return
//!   and surface finish (`../shared/reference/reach-references.md` §2.2: K ≈ 1.2–1.3);
//! - `ε(ω) = ε_∞ + Δε/(m₂ − m₁) · log₁₀((ω₂ + jω)/(ω₁ + jω))`, `ω_i = 10^{m_i}` rad/s
//!   (Djordjevic, Biljić, Likar-Smiljanić & Sarkar, "Wideband frequency-domain characterization
//!   of FR-4 and time-domain causality", IEEE Trans. EMC 43(4), 2001), fitted so that
//!   `ε'(f_ref) = ε_r` and `tan δ(f_ref) = tan δ`: causal, with the dispersion that the loss
//!   implies;
//! - `L_ext = Z_d √ε_r / c` and `C₀ = 1 / (c Z_d √ε_r)` so that the lossless impedance at
//!   `f_ref` is `Z_d` and `L_ext C₀ = 1/c²` (TEM).
//!
//! At high frequency the loss is the textbook `α_c + α_d` with `α_c = K R_s / (π d Z_d)` and
//! `α_d = π f √ε_r tan δ / c` (Np/m), i.e. `a1 √f + a2 f` in dB of the reference's §2.2.

use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;

use crate::error::{Error, Result};
use crate::kernels::rlgc::{self, RlgcConstants};
use crate::network::{Network, WaveDef};

/// Speed of light in vacuum, m/s (exact, SI).
pub const C0_M_PER_S: f64 = 299_792_458.0;
/// Vacuum permeability, H/m (CODATA 2018: 1.25663706212e-6).
pub const MU0_H_PER_M: f64 = 1.256_637_062_12e-6;
/// Annealed copper, 100 % IACS, S/m (IEC 60028: 58.0 MS/m at 20 °C).
pub const COPPER_S_PER_M: f64 = 5.8e7;
/// Nepers to decibels, 20/ln 10.
pub const DB_PER_NEPER: f64 = 8.685_889_638_065_037;

/// Diameter of a solid conductor of American Wire Gauge `awg`, m: `0.005 in · 92^((36 − n)/39)`
/// (ASTM B258-18).
pub fn awg_diameter_m(awg: f64) -> f64 {
    0.005 * 0.0254 * 92f64.powf((36.0 - awg) / 39.0)
}

/// Skin depth `δ = 1/√(π f μ₀ σ)`, m.
pub fn skin_depth_m(frequency_hz: f64, conductivity_s_per_m: f64) -> f64 {
    1.0 / (std::f64::consts::PI * frequency_hz * MU0_H_PER_M * conductivity_s_per_m).sqrt()
}

/// How a twinax pair is built. Defaults are the model of `reach-references.md` §2.2 (grade M):
/// copper, K = 1.25, a foamed FEP/PE dielectric with ε_r = 1.8 and tan δ = 3e-4 (at 10 GHz),
/// 100 Ω differential.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinaxParams {
    /// Conductor diameter, m (see [`awg_diameter_m`]).
    pub conductor_diameter_m: f64,
    pub conductivity_s_per_m: f64,
    /// Skin-effect resistance factor K (proximity, shield return, plating, roughness), ≥ 1.
    pub surface_factor: f64,
    /// Differential impedance at `f_ref_hz`, ohms.
    pub z_diff_ohm: f64,
    /// Relative permittivity (real part) at `f_ref_hz`.
    pub eps_r: f64,
    /// Loss tangent at `f_ref_hz`.
    pub tan_delta: f64,
    pub f_ref_hz: f64,
    /// Djordjevic–Sarkar corner exponents: the loss is flat between 10^m1 and 10^m2 rad/s. The
    /// defaults, 4 and 13 (1.6 kHz to 1.6 THz), put both corners far outside the band we model
    /// (to 110 GHz), so tan δ is nearly constant across it; Djordjevic et al. used m2 = 12 for
    /// FR-4 measured to 10 GHz, which would roll the loss off above ~50 GHz.
    pub ds_m1: f64,
    pub ds_m2: f64,
    /// RMS surface roughness Δ of the conductors, m, for the Hammerstad–Jensen factor
    /// `K_H(f) = 1 + (2/π) atan(1.4 (Δ/δ)²)` on the internal impedance (0: smooth; then
    /// `surface_factor` carries all of the excess loss).
    pub roughness_rms_m: f64,
}

impl TwinaxParams {
    /// The default construction with conductors of gauge `awg`.
    pub fn awg(awg: f64) -> TwinaxParams {
        TwinaxParams {
            conductor_diameter_m: awg_diameter_m(awg),
            conductivity_s_per_m: COPPER_S_PER_M,
            surface_factor: 1.25,
            z_diff_ohm: 100.0,
            eps_r: 1.8,
            tan_delta: 3e-4,
            f_ref_hz: 10e9,
            ds_m1: 4.0,
            ds_m2: 13.0,
            roughness_rms_m: 0.0,
        }
    }

    /// The construction of a preset (`data/cables/twinax.toml`) with conductors of gauge `awg`.
    pub fn from_preset(p: &crate::presets::TwinaxPreset, awg: f64) -> TwinaxParams {
        TwinaxParams {
            conductor_diameter_m: awg_diameter_m(awg),
            conductivity_s_per_m: p.conductivity_s_per_m,
            surface_factor: p.surface_factor,
            z_diff_ohm: p.z_diff_ohm,
            eps_r: p.eps_r,
            tan_delta: p.tan_delta,
            f_ref_hz: p.f_ref_hz,
            ds_m1: p.ds_m1,
            ds_m2: p.ds_m2,
            roughness_rms_m: p.roughness_rms_m,
        }
    }

    fn check(&self) -> Result<()> {
        let positive = [
            ("conductor diameter", self.conductor_diameter_m),
            ("conductivity", self.conductivity_s_per_m),
            ("surface factor", self.surface_factor),
            ("differential impedance", self.z_diff_ohm),
            ("reference frequency", self.f_ref_hz),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(format!(
                    "twinax {name} must be positive, found {v}"
                )));
            }
        }
        if !(self.eps_r.is_finite() && self.eps_r >= 1.0) {
            return Err(Error::invalid(format!(
                "twinax ε_r must be at least 1, found {}",
                self.eps_r
            )));
        }
        if !(self.tan_delta.is_finite() && (0.0..0.1).contains(&self.tan_delta)) {
            return Err(Error::invalid(format!(
                "twinax tan δ must be in [0, 0.1), found {}",
                self.tan_delta
            )));
        }
        if !(self.roughness_rms_m.is_finite() && self.roughness_rms_m >= 0.0) {
            return Err(Error::invalid(format!(
                "twinax roughness must be ≥ 0 m, found {}",
                self.roughness_rms_m
            )));
        }
        if !(self.ds_m2 > self.ds_m1 && self.ds_m1.is_finite() && self.ds_m2.is_finite()) {
            return Err(Error::invalid("Djordjevic–Sarkar corners need m1 < m2"));
        }
        Ok(())
    }
}

/// The kernel constants of `p` ([`crate::kernels::rlgc`]): DC resistance, skin-effect corner,
/// external inductance and capacitance at 100 Ω / ε_r, and the Djordjevic–Sarkar permittivity
/// `ε(f) = ε_∞ + Δ·shape(f)` pinned so that `ε(f_ref) = ε_r (1 − j tan δ)`.
fn kernel_constants(p: &TwinaxParams) -> RlgcConstants {
    let d = p.conductor_diameter_m;
    let sigma = p.conductivity_s_per_m;
    let sqrt_eps = p.eps_r.sqrt();
    let (w1, w2) = (10f64.powf(p.ds_m1), 10f64.powf(p.ds_m2));
    let span = p.ds_m2 - p.ds_m1;
    let w = 2.0 * std::f64::consts::PI * p.f_ref_hz;
    let at_ref =
        (Complex64::new(w2, w) / Complex64::new(w1, w)).ln() / std::f64::consts::LN_10 / span;
    // Im ε(f_ref) = −tan δ · ε_r  and  Re ε(f_ref) = ε_r
    let delta = -p.tan_delta * p.eps_r / at_ref.im;
    RlgcConstants {
        r_dc_ohm_per_m: 4.0 / (sigma * std::f64::consts::PI * d * d),
        f_delta_hz: 8.0 / (std::f64::consts::PI * MU0_H_PER_M * sigma * d * d),
        k2: p.surface_factor * p.surface_factor,
        l_ext_h_per_m: p.z_diff_ohm * sqrt_eps / C0_M_PER_S,
        c0_f_per_m: 1.0 / (C0_M_PER_S * p.z_diff_ohm * sqrt_eps),
        skin_depth_1hz_m: 1.0 / (std::f64::consts::PI * MU0_H_PER_M * sigma).sqrt(),
        roughness_rms_m: p.roughness_rms_m,
        eps_inf: p.eps_r - delta * at_ref.re,
        eps_delta: delta,
        w1,
        w2,
        span,
    }
}

/// The cable's complex relative permittivity `ε' − jε''` at `frequency_hz` (Djordjevic–Sarkar).
pub fn permittivity_at(p: &TwinaxParams, frequency_hz: f64) -> Complex64 {
    let c = kernel_constants(p);
    let w = 2.0 * std::f64::consts::PI * frequency_hz;
    let shape =
        (Complex64::new(c.w2, w) / Complex64::new(c.w1, w)).ln() / std::f64::consts::LN_10 / c.span;
    c.eps_inf + c.eps_delta * shape
}

fn check_frequencies(frequency_hz: &[f64]) -> Result<()> {
    match frequency_hz.iter().find(|f| !(f.is_finite() && **f >= 0.0)) {
        Some(f) => Err(Error::invalid(format!(
            "frequencies must be finite and ≥ 0, found {f}"
        ))),
        None => Ok(()),
    }
}

/// Series impedance and shunt admittance per metre of the differential mode at each frequency
/// (evaluated by [`crate::kernels::rlgc::zy_scalar`]).
pub fn zy_per_metre(p: &TwinaxParams, frequency_hz: &[f64]) -> Result<Vec<(Complex64, Complex64)>> {
    p.check()?;
    check_frequencies(frequency_hz)?;
    let n = frequency_hz.len();
    let (mut z, mut y) = (
        vec![Complex64::new(0.0, 0.0); n],
        vec![Complex64::new(0.0, 0.0); n],
    );
    rlgc::zy_scalar(&kernel_constants(p), frequency_hz, &mut z, &mut y);
    Ok(z.into_iter().zip(y).collect())
}

/// Insertion loss of a matched line, dB per metre: `8.686 Re γ`, `γ = √(ZY)`
/// ([`crate::kernels::rlgc::loss_db_per_m_scalar`]).
pub fn loss_db_per_metre(p: &TwinaxParams, frequency_hz: &[f64]) -> Result<Vec<f64>> {
    p.check()?;
    check_frequencies(frequency_hz)?;
    let mut out = vec![0.0; frequency_hz.len()];
    rlgc::loss_db_per_m_scalar(&kernel_constants(p), frequency_hz, &mut out);
    Ok(out)
}

/// `sinh(x)/x`, exact at 0.
fn shc(x: Complex64) -> Complex64 {
    if x.norm() < 1e-4 {
        1.0 + x * x / 6.0
    } else {
        x.sinh() / x
    }
}

/// A length of twinax as a differential two-port referred to `z_ref_ohm` on both ports (power
/// waves; the reference is real): from the telegrapher's solution `A = D = cosh γℓ`,
/// `B = Zℓ·sinh(γℓ)/(γℓ)`, `C = Yℓ·sinh(γℓ)/(γℓ)` (no division by a characteristic impedance, so
/// DC, where Y = 0, needs no special case), and ABCD → S for equal references (Pozar,
/// *Microwave Engineering* 4th ed., Table 4.2). A line whose impedance differs from the
/// reference reflects: that is the mismatch, handled exactly.
pub fn network(
    p: &TwinaxParams,
    frequency_hz: &[f64],
    length_m: f64,
    z_ref_ohm: f64,
) -> Result<Network> {
    if !(length_m.is_finite() && length_m >= 0.0) {
        return Err(Error::invalid(format!(
            "twinax length must be ≥ 0 m, found {length_m}"
        )));
    }
    if !(z_ref_ohm.is_finite() && z_ref_ohm > 0.0) {
        return Err(Error::invalid(format!(
            "reference impedance must be positive, found {z_ref_ohm}"
        )));
    }
    let zy = zy_per_metre(p, frequency_hz)?;
    let nf = frequency_hz.len();
    let mut s = Array3::<Complex64>::zeros((nf, 2, 2));
    for (k, (z, y)) in zy.into_iter().enumerate() {
        let x = (z * y).sqrt() * length_m;
        let a = x.cosh();
        let b = z * length_m * shc(x);
        let c = y * length_m * shc(x);
        let denom = 2.0 * a + b / z_ref_ohm + c * z_ref_ohm;
        s[[k, 0, 0]] = (b / z_ref_ohm - c * z_ref_ohm) / denom;
        s[[k, 1, 1]] = s[[k, 0, 0]];
        s[[k, 1, 0]] = 2.0 / denom;
        s[[k, 0, 1]] = s[[k, 1, 0]];
    }
    let z0 = Array2::from_elem((nf, 2), Complex64::new(z_ref_ohm, 0.0));
    let mut net = Network::new(Array1::from(frequency_hz.to_vec()), s, z0, WaveDef::Power)?;
    net.name = format!("twinax {:.3} m", length_m);
    net.port_names = Some(vec!["D1".into(), "D2".into()]);
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::causality::ImpulsePlan;

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn gauge_diameters_and_skin_depth_match_the_tables() {
        // ASTM B258: 24 AWG 0.511 mm, 26 AWG 0.405 mm, 30 AWG 0.255 mm; 36 AWG 0.127 mm exactly
        assert!(rel(awg_diameter_m(36.0), 0.127e-3) < 1e-12);
        assert!(rel(awg_diameter_m(24.0), 0.5106e-3) < 1e-3);
        assert!(rel(awg_diameter_m(26.0), 0.4049e-3) < 1e-3);
        assert!(rel(awg_diameter_m(30.0), 0.2546e-3) < 1e-3);
        // copper at 1 GHz: 2.09 µm
        assert!(rel(skin_depth_m(1e9, COPPER_S_PER_M), 2.0898e-6) < 1e-3);
    }

    #[test]
    fn loss_is_conductor_plus_dielectric_closed_form_at_high_frequency() {
        // α_c = K R_s/(π d Z_d), α_d = π f √ε_r tan δ / c, at f_ref where ε' and tan δ are exact
        for awg in [24.0, 26.0, 28.0, 30.0, 34.0] {
            let p = TwinaxParams::awg(awg);
            let f = p.f_ref_hz;
            let rs = (std::f64::consts::PI * f * MU0_H_PER_M / p.conductivity_s_per_m).sqrt();
            let alpha_c = p.surface_factor * rs
                / (std::f64::consts::PI * p.conductor_diameter_m * p.z_diff_ohm);
            let alpha_d = std::f64::consts::PI * f * p.eps_r.sqrt() * p.tan_delta / C0_M_PER_S;
            let want = DB_PER_NEPER * (alpha_c + alpha_d);
            let got = loss_db_per_metre(&p, &[f]).unwrap()[0];
            assert!(rel(got, want) < 5e-3, "{awg} AWG: {got} vs {want} dB/m");
        }
    }

    #[test]
    fn reference_model_table_is_reproduced_at_its_frequencies() {
        // reach-references.md §2.3 computes a1√f + a2 f with the same constants (grade M); the
        // physical model must give the same within the dispersion of ε and tan δ (< 2 %).
        let table = [
            (26.0, 12.89e9, 2.99),
            (26.0, 26.56e9, 4.59),
            (30.0, 26.56e9, 6.73),
            (24.0, 53.125e9, 6.00),
        ];
        for (awg, f, want) in table {
            let got = loss_db_per_metre(&TwinaxParams::awg(awg), &[f]).unwrap()[0];
            assert!(rel(got, want) < 0.02, "{awg} AWG at {f}: {got} vs {want}");
        }
    }

    #[test]
    fn dielectric_model_is_dispersive_as_its_loss_requires() {
        let p = TwinaxParams::awg(26.0);
        let eps = |f: f64| permittivity_at(&p, f);
        let (lo, at, hi) = (eps(1e8), eps(p.f_ref_hz), eps(1e11));
        assert!(rel(at.re, p.eps_r) < 1e-12 && rel(-at.im / at.re, p.tan_delta) < 1e-12);
        assert!(
            lo.re > at.re && at.re > hi.re,
            "ε' falls with frequency where there is loss"
        );
    }

    #[test]
    fn lengths_add_and_a_matched_lossless_case_does_not_reflect() {
        let p = TwinaxParams::awg(26.0);
        let f: Vec<f64> = (0..=200).map(|k| k as f64 * 0.25e9).collect();
        let one = network(&p, &f, 1.0, 100.0).unwrap();
        let two = network(&p, &f, 2.0, 100.0).unwrap();
        let cascaded = crate::network::cascade(&one, &one).unwrap();
        for (k, fk) in f.iter().enumerate() {
            for (i, j) in [(0, 0), (1, 0)] {
                let d = (cascaded.s[[k, i, j]] - two.s[[k, i, j]]).norm();
                assert!(d < 1e-12, "S{}{} at {fk} Hz: {d}", i + 1, j + 1);
            }
        }
        // DC: a series resistance 2 R_dc ℓ between 100 Ω ports
        let r = 2.0 * 4.0
            / (p.conductivity_s_per_m * std::f64::consts::PI * p.conductor_diameter_m.powi(2));
        assert!((two.s[[0, 1, 0]].re - 200.0 / (200.0 + 2.0 * r)).abs() < 1e-12);
        // lossless-ish: the reflection of a line matched at f_ref is tiny there
        let at = network(&p, &[p.f_ref_hz], 2.0, 100.0).unwrap();
        assert!(at.s[[0, 0, 0]].norm() < 0.02, "{}", at.s[[0, 0, 0]].norm());
    }

    #[test]
    fn impulse_response_is_silent_before_the_propagation_delay() {
        assert_silent_before_delay(&TwinaxParams::awg(26.0), 1e-4);
    }

    #[test]
    fn hammerstad_roughness_multiplies_the_internal_impedance_by_its_closed_form() {
        // K_H = 1 + (2/π) atan(1.4 (Δ/δ)²): 1 for a smooth wire, → 2 for Δ ≫ δ, and exactly
        // (1 + (2/π) atan(1.4)) where Δ = δ. Z = 2 Z_int K_H + jωL_ext, so Re Z scales by K_H.
        let smooth = TwinaxParams::awg(28.0);
        let rough = TwinaxParams {
            roughness_rms_m: 0.5e-6,
            ..smooth.clone()
        };
        let f_at_delta =
            1.0 / (std::f64::consts::PI * MU0_H_PER_M * smooth.conductivity_s_per_m * 0.25e-12);
        for f in [1e8, f_at_delta, 26.5625e9, 1e11] {
            let zs = zy_per_metre(&smooth, &[f]).unwrap()[0].0;
            let zr = zy_per_metre(&rough, &[f]).unwrap()[0].0;
            let delta = skin_depth_m(f, smooth.conductivity_s_per_m);
            let kh = 1.0 + 2.0 / std::f64::consts::PI * (1.4 * (0.5e-6 / delta).powi(2)).atan();
            assert!(
                (zr.re / zs.re - kh).abs() < 1e-12,
                "{f}: {} vs {kh}",
                zr.re / zs.re
            );
        }
        let zs = zy_per_metre(&smooth, &[f_at_delta]).unwrap()[0].0;
        let zr = zy_per_metre(&rough, &[f_at_delta]).unwrap()[0].0;
        let want = 1.0 + 2.0 / std::f64::consts::PI * 1.4f64.atan();
        assert!((zr.re / zs.re - want).abs() < 1e-9);
        // a rough conductor still gives a causal line (the factor is real and smooth in f);
        // the bound is looser than the smooth wire's: Hammerstad's factor is not a minimum-phase
        // function, so a little energy leaks ahead of the delay (1.1e-4 of the peak for Δ = 0.5 µm
        // on 28 AWG, where the smooth wire stays below 1e-4)
        assert_silent_before_delay(&rough, 1e-3);
        assert!(
            TwinaxParams {
                roughness_rms_m: -1.0,
                ..smooth
            }
            .check()
            .is_err()
        );
    }

    /// Nothing of the impulse response may arrive before ℓ√ε_∞/c (relative `bound` of its peak).
    fn assert_silent_before_delay(p: &TwinaxParams, bound: f64) {
        // The fastest signal travels at c/√ε_∞ (internal inductance vanishes at ∞): nothing may
        // arrive before ℓ√ε_∞/c. Grid: DC to 100 GHz in 10 MHz steps (T = 100 ns).
        let p = p.clone();
        let len_m = 2.0;
        let f: Vec<f64> = (0..=10_000).map(|k| k as f64 * 10e6).collect();
        let net = network(&p, &f, len_m, 100.0).unwrap();
        let eps = |f: f64| permittivity_at(&p, f);
        let eps_inf = eps(1e18).re;
        let tau = len_m * eps_inf.sqrt() / C0_M_PER_S;
        let mut plan = ImpulsePlan::new(net.frequency_hz.view()).unwrap();
        let h = plan.run(|k| net.s[[k, 1, 0]]).unwrap().to_vec();
        let dt = plan.dt_s;
        let peak_at =
            h.iter().enumerate().fold(
                (0, 0.0f64),
                |b, (k, x)| if x.abs() > b.1 { (k, x.abs()) } else { b },
            );
        assert!(
            peak_at.0 as f64 * dt > tau,
            "the peak arrives after ℓ√ε_∞/c"
        );
        let before = (0..h.len())
            .filter(|&k| {
                let t = if k < h.len() / 2 {
                    k as f64 * dt
                } else {
                    (k as f64 - h.len() as f64) * dt
                };
                t < 0.95 * tau && t > -0.45 * (h.len() as f64 * dt)
            })
            .fold(0.0f64, |m, k| m.max(h[k].abs()));
        assert!(
            before < bound * peak_at.1,
            "energy before the delay: {} of {}",
            before,
            peak_at.1
        );
    }
}
