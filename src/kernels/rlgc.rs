//! The twinax RLGC evaluation over a frequency grid (the model is `channel::twinax`, which
//! derives the constants and documents the physics): per metre of the differential mode,
//!
//! * `Z(f) = 2 K_H(f) R_dc √(1 + j f K²/f_δ) + jω L_ext` (round-wire internal impedance with the
//!   surface factor `K` and the Hammerstad–Jensen roughness factor
//!   `K_H = 1 + (2/π) atan(1.4 (Δ/δ)²)`, δ the skin depth — Hammerstad and Jensen, "Accurate
//!   models for microstrip computer-aided design", IEEE MTT-S 1980 — applied to the whole
//!   internal impedance, resistance and internal inductance alike; plus the external inductance),
//! * `Y(f) = jω C_0 ε(f)` with the Djordjevic–Sarkar permittivity
//!   `ε(f) = ε_∞ + Δ · ln((ω₂ + jω)/(ω₁ + jω)) / (ln 10 · (m₂ − m₁))`,
//! * matched loss `8.686 Re √(Z Y)` dB/m.

use num_complex::Complex64;

/// Constants of one cable, as `channel::twinax` computes them. SI units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RlgcConstants {
    /// DC resistance of one conductor, Ω/m.
    pub r_dc_ohm_per_m: f64,
    /// Frequency at which the skin depth equals a quarter of the diameter's scale, Hz.
    pub f_delta_hz: f64,
    /// Square of the surface factor `K`.
    pub k2: f64,
    /// External (high-frequency) inductance, H/m.
    pub l_ext_h_per_m: f64,
    /// Capacitance per metre at unit relative permittivity, F/m.
    pub c0_f_per_m: f64,
    /// Skin depth at 1 Hz, m (δ(f) = this/√f), and the RMS roughness Δ, m (0: smooth).
    pub skin_depth_1hz_m: f64,
    pub roughness_rms_m: f64,
    /// Djordjevic–Sarkar `ε_∞`, `Δ`, corners `ω₁ = 10^m₁`, `ω₂ = 10^m₂` (rad/s), and `m₂ − m₁`.
    pub eps_inf: f64,
    pub eps_delta: f64,
    pub w1: f64,
    pub w2: f64,
    pub span: f64,
}

/// `Z` and `Y` per metre at each frequency (scalar reference). `z`, `y` and `frequency_hz`
/// must have the same length; frequencies are assumed finite and ≥ 0 (the caller checks).
pub fn zy_scalar(
    c: &RlgcConstants,
    frequency_hz: &[f64],
    z: &mut [Complex64],
    y: &mut [Complex64],
) {
    assert!(z.len() == frequency_hz.len() && y.len() == frequency_hz.len());
    for ((&f, zk), yk) in frequency_hz.iter().zip(z).zip(y) {
        let w = 2.0 * std::f64::consts::PI * f;
        let jw = Complex64::new(0.0, w);
        let z_int = c.r_dc_ohm_per_m * Complex64::new(1.0, f * c.k2 / c.f_delta_hz).sqrt();
        let z_int = if c.roughness_rms_m > 0.0 {
            let ratio = c.roughness_rms_m * f.sqrt() / c.skin_depth_1hz_m;
            z_int * (1.0 + std::f64::consts::FRAC_2_PI * (1.4 * ratio * ratio).atan())
        } else {
            z_int
        };
        let shape = (Complex64::new(c.w2, w) / Complex64::new(c.w1, w)).ln()
            / std::f64::consts::LN_10
            / c.span;
        *zk = 2.0 * z_int + jw * c.l_ext_h_per_m;
        *yk = jw * (c.eps_inf + c.eps_delta * shape) * c.c0_f_per_m;
    }
}

/// Matched-line loss, dB/m, at each frequency (scalar reference): `8.686 Re √(Z Y)`.
pub fn loss_db_per_m_scalar(c: &RlgcConstants, frequency_hz: &[f64], out: &mut [f64]) {
    assert_eq!(out.len(), frequency_hz.len());
    const CHUNK: usize = 256;
    let mut z = [Complex64::new(0.0, 0.0); CHUNK];
    let mut y = [Complex64::new(0.0, 0.0); CHUNK];
    for (fs, os) in frequency_hz.chunks(CHUNK).zip(out.chunks_mut(CHUNK)) {
        let n = fs.len();
        zy_scalar(c, fs, &mut z[..n], &mut y[..n]);
        for k in 0..n {
            os[k] = 8.685_889_638_065_037 * (z[k] * y[k]).sqrt().re;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_loss_equals_the_per_point_formula_on_odd_lengths() {
        let c = RlgcConstants {
            r_dc_ohm_per_m: 0.1,
            f_delta_hz: 5e4,
            k2: 1.5625,
            l_ext_h_per_m: 4.4e-7,
            c0_f_per_m: 3.3e-11,
            eps_inf: 1.79,
            eps_delta: 0.02,
            w1: 1e4,
            w2: 1e13,
            span: 9.0,
            skin_depth_1hz_m: 0.066,
            roughness_rms_m: 0.0,
        };
        for n in [0, 1, 255, 256, 257, 1000] {
            let f: Vec<f64> = (0..n).map(|k| k as f64 * 7.3e7).collect();
            let mut out = vec![0.0; n];
            loss_db_per_m_scalar(&c, &f, &mut out);
            let (mut z, mut y) = (
                vec![Complex64::new(0.0, 0.0); n],
                vec![Complex64::new(0.0, 0.0); n],
            );
            zy_scalar(&c, &f, &mut z, &mut y);
            for k in 0..n {
                assert_eq!(out[k], 8.685_889_638_065_037 * (z[k] * y[k]).sqrt().re);
            }
        }
        // DC: no loss from a lossless dielectric at ω = 0 and Z = 2 R_dc
        let (mut z, mut y) = ([Complex64::new(0.0, 0.0)], [Complex64::new(0.0, 0.0)]);
        zy_scalar(&c, &[0.0], &mut z, &mut y);
        assert_eq!(z[0], Complex64::new(0.2, 0.0));
        assert_eq!(y[0], Complex64::new(0.0, 0.0));
    }
}
