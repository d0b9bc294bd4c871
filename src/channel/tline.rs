//! The IEEE 802.3 COM transmission-line model for host PCB and package traces (Annex 93A.1.2.3,
//! eqs. 93A-9 to 93A-14, kept in Clauses 162/178), and the shunt capacitances of the package
//! model (Annex 93A.1.2.2), as two-ports between references `R0` (50 Ω single-ended, so the
//! differential two-ports of this crate use `2 R0 = 100 Ω`).
//!
//! Propagation constant per mm, with `f` in GHz:
//! `γ(f) = γ0 + a1 (1 + j) √f + a2 [1 − j (2/π) ln f] f + j 2π τ f`, and a line of length `z`
//! (mm) and impedance `Zc` between references `2 R0` has
//! `S11 = ρ (1 − e^{−2γz}) / (1 − ρ² e^{−2γz})`, `S21 = (1 − ρ²) e^{−γz} / (1 − ρ² e^{−2γz})`,
//! `ρ = (Zc − 2 R0)/(Zc + 2 R0)`. A shunt capacitance `C` between references `R0` has
//! `S11 = −jωCR0/(2 + jωCR0)`, `S21 = 2/(2 + jωCR0)`.
//! Parameter values per standard come from the IEEE COM configuration sheets
//! (`../shared/reference/reach-references.md` §1.3).

use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;

use crate::error::{Error, Result};
use crate::network::{Network, WaveDef};

/// Annex 93A transmission-line parameters (units as in the COM sheets).
#[derive(Debug, Clone, PartialEq)]
pub struct Annex93aLine {
    /// 1/mm.
    pub gamma0_per_mm: f64,
    /// 1/(mm·√GHz).
    pub a1: f64,
    /// 1/(mm·GHz).
    pub a2: f64,
    /// ns/mm.
    pub tau_ns_per_mm: f64,
    /// Differential characteristic impedance, ohms.
    pub zc_ohm: f64,
}

impl Annex93aLine {
    /// The 802.3ck host board of the CR cable-assembly COM sheet (`3ck_SA_CR_CA_08_17_2022`):
    /// γ0 = 0, a1 = 3.8206e-4, a2 = 9.5909e-5, τ = 5.79e-3 ns/mm, Zc = 100 Ω (grade A).
    pub fn ieee_8023ck_host() -> Annex93aLine {
        Annex93aLine {
            gamma0_per_mm: 0.0,
            a1: 3.8206e-4,
            a2: 9.5909e-5,
            tau_ns_per_mm: 5.79e-3,
            zc_ohm: 100.0,
        }
    }

    /// The 802.3ck package trace of the same sheet: γ0 = 0, a1 = 9.909e-4, a2 = 2.772e-4,
    /// τ = 6.141e-3 ns/mm, Zc = 87.5 Ω (the sheet's first of 87.5/92.5; grade A).
    pub fn ieee_8023ck_package() -> Annex93aLine {
        Annex93aLine {
            gamma0_per_mm: 0.0,
            a1: 9.909e-4,
            a2: 2.772e-4,
            tau_ns_per_mm: 6.141e-3,
            zc_ohm: 87.5,
        }
    }

    /// γ(f), 1/mm (eq. 93A-9 … 93A-12). At f = 0 the `f ln f` term is 0 (its limit).
    pub fn gamma_per_mm(&self, frequency_hz: f64) -> Complex64 {
        let f = frequency_hz / 1e9;
        let skin = self.a1 * Complex64::new(1.0, 1.0) * f.sqrt();
        let dielectric = if f > 0.0 {
            self.a2 * f * Complex64::new(1.0, -2.0 / std::f64::consts::PI * f.ln())
        } else {
            Complex64::new(0.0, 0.0)
        };
        let delay = Complex64::new(0.0, 2.0 * std::f64::consts::PI * self.tau_ns_per_mm * f);
        self.gamma0_per_mm + skin + dielectric + delay
    }
}

fn two_port(
    frequency_hz: &[f64],
    z_ref_ohm: f64,
    s: Array3<Complex64>,
    name: String,
) -> Result<Network> {
    let z0 = Array2::from_elem((frequency_hz.len(), 2), Complex64::new(z_ref_ohm, 0.0));
    let mut net = Network::new(Array1::from(frequency_hz.to_vec()), s, z0, WaveDef::Power)?;
    net.name = name;
    Ok(net)
}

/// A line of `length_mm` as a differential two-port between references `2 R0` (eq. 93A-13/14).
pub fn line_network(
    line: &Annex93aLine,
    frequency_hz: &[f64],
    length_mm: f64,
    r0_ohm: f64,
) -> Result<Network> {
    if !(length_mm.is_finite() && length_mm >= 0.0 && line.zc_ohm > 0.0 && r0_ohm > 0.0) {
        return Err(Error::invalid(
            "a line needs length ≥ 0 and positive impedances",
        ));
    }
    let rho = (line.zc_ohm - 2.0 * r0_ohm) / (line.zc_ohm + 2.0 * r0_ohm);
    let mut s = Array3::zeros((frequency_hz.len(), 2, 2));
    for (k, &f) in frequency_hz.iter().enumerate() {
        let e1 = (-line.gamma_per_mm(f) * length_mm).exp();
        let e2 = e1 * e1;
        let den = 1.0 - rho * rho * e2;
        s[[k, 0, 0]] = rho * (1.0 - e2) / den;
        s[[k, 1, 1]] = s[[k, 0, 0]];
        s[[k, 1, 0]] = (1.0 - rho * rho) * e1 / den;
        s[[k, 0, 1]] = s[[k, 1, 0]];
    }
    two_port(
        frequency_hz,
        2.0 * r0_ohm,
        s,
        format!("Annex 93A line {length_mm} mm"),
    )
}

/// A shunt capacitance `C` (farads) between references `R0` (Annex 93A.1.2.2), as a two-port
/// referred to `R0` on both ports; for the differential two-ports of this crate use
/// single-ended `C` and `R0` (the differential equivalent, `C/2` between `2 R0`, is the same).
pub fn shunt_capacitance(frequency_hz: &[f64], c_farad: f64, r0_ohm: f64) -> Result<Network> {
    if !(c_farad.is_finite() && c_farad >= 0.0 && r0_ohm > 0.0) {
        return Err(Error::invalid("a shunt capacitance needs C ≥ 0 and R0 > 0"));
    }
    let mut s = Array3::zeros((frequency_hz.len(), 2, 2));
    for (k, &f) in frequency_hz.iter().enumerate() {
        let x = Complex64::new(0.0, 2.0 * std::f64::consts::PI * f * c_farad * r0_ohm);
        s[[k, 0, 0]] = -x / (2.0 + x);
        s[[k, 1, 1]] = s[[k, 0, 0]];
        s[[k, 1, 0]] = 2.0 / (2.0 + x);
        s[[k, 0, 1]] = s[[k, 1, 0]];
    }
    two_port(
        frequency_hz,
        2.0 * r0_ohm,
        s,
        format!("shunt {c_farad:e} F"),
    )
}

/// A series inductance `L` (henries) between references `R0`, single-ended (or `2L` between
/// `2 R0`, differential): `S11 = jωL/(jωL + 2R0)`, `S21 = 2R0/(jωL + 2R0)` (Annex 93A.1.2.2,
/// the die-to-bump inductance `L_s`).
pub fn series_inductance(frequency_hz: &[f64], l_henry: f64, r0_ohm: f64) -> Result<Network> {
    if !(l_henry.is_finite() && l_henry >= 0.0 && r0_ohm > 0.0) {
        return Err(Error::invalid("a series inductance needs L ≥ 0 and R0 > 0"));
    }
    let mut s = Array3::zeros((frequency_hz.len(), 2, 2));
    for (k, &f) in frequency_hz.iter().enumerate() {
        let z = Complex64::new(0.0, 2.0 * std::f64::consts::PI * f * l_henry);
        let den = z + 2.0 * r0_ohm;
        s[[k, 0, 0]] = z / den;
        s[[k, 1, 1]] = s[[k, 0, 0]];
        s[[k, 1, 0]] = 2.0 * r0_ohm / den;
        s[[k, 0, 1]] = s[[k, 1, 0]];
    }
    two_port(
        frequency_hz,
        2.0 * r0_ohm,
        s,
        format!("series {l_henry:e} H"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn il_db(n: &Network) -> f64 {
        -20.0 * n.s[[0, 1, 0]].norm().log10()
    }

    #[test]
    fn matched_line_loss_is_the_closed_form() {
        // Zc = 2 R0: IL = 8.686 z (γ0 + a1 √f + a2 f); the 3ck host, 110.3 mm, at 26.5625 GHz:
        // 4.33 dB (reach-references.md §1.3)
        let host = Annex93aLine::ieee_8023ck_host();
        let f = 26.5625e9;
        let n = line_network(&host, &[f], 110.3, 50.0).unwrap();
        let fg = f / 1e9;
        let want = 8.685889638065037 * 110.3 * (host.a1 * fg.sqrt() + host.a2 * fg);
        assert!((il_db(&n) - want).abs() < 1e-12, "{} vs {want}", il_db(&n));
        assert!((il_db(&n) - 4.33).abs() < 0.01);
        assert!(n.s[[0, 0, 0]].norm() < 1e-15);
    }

    #[test]
    fn a_mismatched_line_is_a_line_between_references_and_lengths_add() {
        let pkg = Annex93aLine::ieee_8023ck_package();
        let f: Vec<f64> = (0..=100).map(|k| k as f64 * 0.5e9).collect();
        // the same line from the twinax-style ABCD route: cascade of 12 + 19 mm = 31 mm
        let a = line_network(&pkg, &f, 12.0, 50.0).unwrap();
        let b = line_network(&pkg, &f, 19.0, 50.0).unwrap();
        let ab = crate::network::cascade(&a, &b).unwrap();
        let c = line_network(&pkg, &f, 31.0, 50.0).unwrap();
        for k in 0..f.len() {
            assert!((ab.s[[k, 1, 0]] - c.s[[k, 1, 0]]).norm() < 1e-12);
            assert!((ab.s[[k, 0, 0]] - c.s[[k, 0, 0]]).norm() < 1e-12);
        }
        // a 31 mm package loses a little more than the matched 3.36 dB at 26.56 GHz
        let at = line_network(&pkg, &[26.5625e9], 31.0, 50.0).unwrap();
        assert!(il_db(&at) > 3.36 && il_db(&at) < 3.5, "{}", il_db(&at));
    }

    #[test]
    fn series_inductance_is_the_dual_of_the_shunt_capacitance() {
        // lossless, and S21 = 2R0/(2R0 + jωL): |S21|² = 4R0²/(4R0² + ω²L²)
        let (f, l, r0) = (26.5625e9, 0.12e-9, 50.0);
        let n = series_inductance(&[f], l, r0).unwrap();
        let w = 2.0 * std::f64::consts::PI * f;
        let want = 4.0 * r0 * r0 / (4.0 * r0 * r0 + w * w * l * l);
        assert!((n.s[[0, 1, 0]].norm_sqr() - want).abs() < 1e-15);
        assert!((n.s[[0, 1, 0]].norm_sqr() + n.s[[0, 0, 0]].norm_sqr() - 1.0).abs() < 1e-14);
        assert!(series_inductance(&[f], -1.0, r0).is_err());
    }

    #[test]
    fn shunt_capacitance_closed_form_and_passivity() {
        // 120 fF at 26.5625 GHz with R0 = 50: |S21|² + |S11|² = 1 (lossless)
        let c = shunt_capacitance(&[26.5625e9], 120e-15, 50.0).unwrap();
        let x = 2.0 * std::f64::consts::PI * 26.5625e9 * 120e-15 * 50.0;
        assert!((c.s[[0, 1, 0]].norm() - 2.0 / (4.0 + x * x).sqrt()).abs() < 1e-15);
        assert!((c.s[[0, 1, 0]].norm_sqr() + c.s[[0, 0, 0]].norm_sqr() - 1.0).abs() < 1e-14);
    }
}
