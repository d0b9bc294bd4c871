//! Transmitter and receiver RC loading of a channel's transfer function, as PyBERT models its
//! native (non-IBIS) Tx and Rx: `calc_G` in `pybert/utility/channel.py` of PyBERT 11.1.0
//! (pipbert 11.1.0).
//!
//! The interconnect is its transfer function `H` (the differential S21) with characteristic
//! impedance `Z_c` (the reference impedance of that S21, 100 Ω for a mixed-mode pair of 50 Ω
//! ports); the source is `R_s` (differential) with two single-ended capacitances `C_s` in
//! series across it, the load `R_L` with `C_L` likewise. With `ω = 2π f`:
//! - `Z_s = R_s / (1 + jω R_s C_s/2)`, `Z_L = R_L / (1 + jω R_L C_L/2)`;
//! - the launch divider `Y = Z' / (R_s + Z')`, `Z' = Z_c / (1 + jω Z_c C_s/2)`;
//! - reflections `Γ_L = (Z_L − Z_c)/(Z_L + Z_c)`, `Γ_s = (Z_s − Z_c)/(Z_s + Z_c)`;
//! - `G = Y·H·(1 + Γ_L) / (1 − Γ_L Γ_s H²)`.
//!
//! `G` is referred to the driver's open-circuit voltage: with matched resistors and no
//! capacitance it is `H/2`. It uses the channel's S21 only (not its S11/S22), as PyBERT does.

use num_complex::Complex64;

/// Source and load of a channel (module doc). Resistances differential, capacitances single
/// ended (each side has two in series), `z0_ohm` the channel's characteristic impedance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RcTermination {
    pub rs_ohm: f64,
    pub cs_f: f64,
    pub rl_ohm: f64,
    pub cl_f: f64,
    pub z0_ohm: f64,
}

impl RcTermination {
    /// PyBERT's defaults (and the settings of the PyBERT anchors in `shared/com`): 100 Ω and
    /// 0.1 pF at both ends, a 100 Ω channel.
    pub fn pybert_default() -> RcTermination {
        RcTermination {
            rs_ohm: 100.0,
            cs_f: 0.1e-12,
            rl_ohm: 100.0,
            cl_f: 0.1e-12,
            z0_ohm: 100.0,
        }
    }

    /// The loaded transfer function `G` of a channel with `H` at `f_hz` (module doc).
    pub fn loaded(&self, f_hz: f64, h: Complex64) -> Complex64 {
        h * self.factor(f_hz, h)
    }

    /// `G/H`: the loading as a filter on the channel, `Y (1 + Γ_L) / (1 − Γ_L Γ_s H²)`.
    pub fn factor(&self, f_hz: f64, h: Complex64) -> Complex64 {
        // PyBERT replaces ω = 0 by 1e-12 rad/s and C_L = 0 by 1e-18 F; neither changes G
        let w = 2.0 * std::f64::consts::PI * f_hz;
        let par = |r: f64, c: f64| r / Complex64::new(1.0, w * r * c / 2.0);
        let zc = Complex64::new(self.z0_ohm, 0.0);
        let zs = par(self.rs_ohm, self.cs_f);
        let zl = par(self.rl_ohm, self.cl_f);
        let z_in = par(self.z0_ohm, self.cs_f);
        let y = z_in / (self.rs_ohm + z_in);
        let g_l = (zl - zc) / (zl + zc);
        let g_s = (zs - zc) / (zs + zc);
        y * (1.0 + g_l) / (1.0 - g_l * g_s * h * h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matched_resistors_halve_and_a_zero_length_line_is_one_rc_node() {
        let t = RcTermination {
            cs_f: 0.0,
            cl_f: 0.0,
            ..RcTermination::pybert_default()
        };
        let h = Complex64::from_polar(0.3, -1.0);
        assert!((t.loaded(20e9, h) - h / 2.0).norm() < 1e-15);
        // a zero-length line (H = 1): source and load are one node, R/2 (the two resistors in
        // parallel) driving C (the two series pairs C/2 in parallel), so by circuit theory
        // G = ½ / (1 + jω (R/2) C); the reflection terms must reproduce it
        let p = RcTermination::pybert_default();
        let f = 30e9;
        let tau = 50.0 * 0.1e-12;
        let want = 0.5 / Complex64::new(1.0, 2.0 * std::f64::consts::PI * f * tau);
        let got = p.loaded(f, Complex64::new(1.0, 0.0));
        assert!((got - want).norm() < 1e-12, "{got} vs {want}");
    }
}
