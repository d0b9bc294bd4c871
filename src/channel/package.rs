//! The IEEE 802.3 COM package model (Annex 93A.1.2.2–93A.1.2.3; the multi-stage die ladder and
//! package classes of Annex 178A.1.2): die capacitance ladder `C_d(i)` with series `L_s(i)`,
//! bump capacitance `C_b`, package transmission-line segments (the [`super::tline`] model, one
//! `Z_c` and length per segment) and ball/board capacitance `C_p`, as a differential two-port
//! from the die (port 1) to the board (port 2). The die termination `R_d` is the receiver's or
//! transmitter's, not part of the two-port; it is kept for the COM issue.
//!
//! Element values per standard are data (`data/standards/hosts.toml`, each with its source).

use serde::Deserialize;

use super::tline::{Annex93aLine, line_network, series_inductance, shunt_capacitance};
use crate::error::{Error, Result};
use crate::network::{Network, cascade};

/// One transmission-line segment of a package or board: impedance and length.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Differential characteristic impedance, Ω.
    pub zc_ohm: f64,
    pub length_mm: f64,
}

/// Loss and delay of a family of lines (eq. 93A-9…12), shared by its segments.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineLoss {
    /// 1/mm.
    pub gamma0_per_mm: f64,
    /// 1/(mm·√GHz).
    pub a1: f64,
    /// 1/(mm·GHz).
    pub a2: f64,
    /// ns/mm.
    pub tau_ns_per_mm: f64,
}

impl LineLoss {
    /// The line of impedance `zc_ohm` with this loss.
    pub fn line(&self, zc_ohm: f64) -> Annex93aLine {
        Annex93aLine {
            gamma0_per_mm: self.gamma0_per_mm,
            a1: self.a1,
            a2: self.a2,
            tau_ns_per_mm: self.tau_ns_per_mm,
            zc_ohm,
        }
    }
}

/// A package, die side first. Capacitances in F, inductances in H, single-ended (the model's
/// convention: single-ended elements between `R0` equal differential ones between `2 R0`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageModel {
    /// Die ladder: `C_d(i)` then `L_s(i)`, for i = 1…N (same length).
    pub c_d_f: Vec<f64>,
    pub l_s_h: Vec<f64>,
    pub c_b_f: f64,
    pub loss: LineLoss,
    pub segments: Vec<Segment>,
    pub c_p_f: f64,
}

/// Cascade of two-ports, left to right.
pub(crate) fn chain(parts: &[Network]) -> Result<Network> {
    let (first, rest) = parts
        .split_first()
        .ok_or_else(|| Error::invalid("an empty cascade"))?;
    rest.iter()
        .try_fold(first.clone(), |acc, n| cascade(&acc, n))
}

impl PackageModel {
    /// The package as a differential two-port between references `2 r0_ohm`, die at port 1.
    pub fn network(&self, frequency_hz: &[f64], r0_ohm: f64) -> Result<Network> {
        if self.c_d_f.len() != self.l_s_h.len() {
            return Err(Error::invalid(format!(
                "a package die ladder needs as many C_d as L_s ({} and {})",
                self.c_d_f.len(),
                self.l_s_h.len()
            )));
        }
        let mut parts = Vec::new();
        for (&c, &l) in self.c_d_f.iter().zip(&self.l_s_h) {
            parts.push(shunt_capacitance(frequency_hz, c, r0_ohm)?);
            parts.push(series_inductance(frequency_hz, l, r0_ohm)?);
        }
        parts.push(shunt_capacitance(frequency_hz, self.c_b_f, r0_ohm)?);
        for seg in &self.segments {
            parts.push(line_network(
                &self.loss.line(seg.zc_ohm),
                frequency_hz,
                seg.length_mm,
                r0_ohm,
            )?);
        }
        parts.push(shunt_capacitance(frequency_hz, self.c_p_f, r0_ohm)?);
        let mut net = chain(&parts)?;
        net.name = "package".into();
        Ok(net)
    }
}
