//! Continuous-time linear equalisers: the IEEE COM CTLE (Annex 93A eq. 93A-22, with the
//! low-frequency stage of 802.3ck/dj, Clause 162 COM tables and Annex 178A eq. 178A-14) and a
//! general pole-zero CTLE.
//!
//! IEEE form, `g1 = 10^(g_DC/20)`, `g2 = 10^(g_DC2/20)`:
//! `H_ctf(f) = (g1 + j f/f_z)(g2 + j f/f_LF) / ((1 + j f/f_p1)(1 + j f/f_p2)(1 + j f/f_p3))`,
//! with `f_p3 = f_LF` (so with `g_DC2 = 0 dB` the low-frequency stage is flat and this is the
//! single-stage 93A-22). The gains are used as written (≤ 0 dB): the peaking is
//! `−g_DC` at high frequency relative to DC.

use num_complex::Complex64;

use crate::error::{Error, Result};

/// An IEEE COM CTLE setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ctle {
    pub g_dc_db: f64,
    pub g_dc2_db: f64,
    pub f_z_hz: f64,
    pub f_p1_hz: f64,
    pub f_p2_hz: f64,
    /// Low-frequency zero and pole `f_LF`, Hz.
    pub f_lf_hz: f64,
}

impl Ctle {
    /// The 802.3ck (100G/lane) CTLE family at `baud`: `f_z = f_p1 = f_b/2.5`, `f_p2 = f_b`,
    /// `f_LF = f_b/80` (802.3ck COM table values as used by PyChOpMarg's `r53` anchor
    /// configuration: 21.25, 21.25, 53.125 and 0.664 GHz at 53.125 GBd; grade C, the table
    /// itself was not read).
    pub fn ieee_8023ck(baud: f64, g_dc_db: f64, g_dc2_db: f64) -> Ctle {
        Ctle {
            g_dc_db,
            g_dc2_db,
            f_z_hz: baud / 2.5,
            f_p1_hz: baud / 2.5,
            f_p2_hz: baud,
            f_lf_hz: baud / 80.0,
        }
    }

    /// `H_ctf(f)` (module doc).
    pub fn response(&self, f_hz: f64) -> Complex64 {
        let g1 = 10f64.powf(self.g_dc_db / 20.0);
        let g2 = 10f64.powf(self.g_dc2_db / 20.0);
        self.response_with_gains(f_hz, g1, g2)
    }

    /// `H_ctf` at every frequency of `f_hz` (the gains converted once).
    pub fn responses(&self, f_hz: &[f64]) -> Vec<Complex64> {
        let g1 = 10f64.powf(self.g_dc_db / 20.0);
        let g2 = 10f64.powf(self.g_dc2_db / 20.0);
        f_hz.iter()
            .map(|&f| self.response_with_gains(f, g1, g2))
            .collect()
    }

    fn response_with_gains(&self, f_hz: f64, g1: f64, g2: f64) -> Complex64 {
        let j = |x: f64| Complex64::new(0.0, x);
        let num = (g1 + j(f_hz / self.f_z_hz)) * (g2 + j(f_hz / self.f_lf_hz));
        let den = (1.0 + j(f_hz / self.f_p1_hz))
            * (1.0 + j(f_hz / self.f_p2_hz))
            * (1.0 + j(f_hz / self.f_lf_hz));
        num / den
    }

    /// The family's candidates: `g_DC` from 0 down to `g_dc_min_db` in `step_db`, each with
    /// every `g_DC2` in `g_dc2_db`.
    pub fn grid(baud: f64, g_dc_min_db: f64, step_db: f64, g_dc2_db: &[f64]) -> Result<Vec<Ctle>> {
        if !(step_db > 0.0 && (-40.0..=0.0).contains(&g_dc_min_db)) {
            return Err(Error::invalid(format!(
                "a CTLE grid runs from 0 dB down to at most -40 dB in a positive step, found {g_dc_min_db} dB in {step_db} dB"
            )));
        }
        let n = (-g_dc_min_db / step_db).round() as usize;
        let mut out = Vec::with_capacity((n + 1) * g_dc2_db.len().max(1));
        for k in 0..=n {
            for &g2 in if g_dc2_db.is_empty() {
                &[0.0][..]
            } else {
                g_dc2_db
            } {
                out.push(Ctle::ieee_8023ck(baud, -(k as f64) * step_db, g2));
            }
        }
        Ok(out)
    }
}

/// A general CTLE: `H(f) = k · Π(1 + j f/z_i) / Π(1 + j f/p_i)`, DC gain `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleZero {
    pub dc_gain: f64,
    pub zeros_hz: Vec<f64>,
    pub poles_hz: Vec<f64>,
}

impl PoleZero {
    /// `H(f)`.
    pub fn response(&self, f_hz: f64) -> Complex64 {
        let j = |x: f64| Complex64::new(1.0, x);
        let num: Complex64 = self.zeros_hz.iter().map(|z| j(f_hz / z)).product();
        let den: Complex64 = self.poles_hz.iter().map(|p| j(f_hz / p)).product();
        self.dc_gain * num / den
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dc_gain_and_peaking_are_the_settings() {
        let b = 53.125e9;
        let c = Ctle::ieee_8023ck(b, -12.0, -3.0);
        // DC: g1·g2
        let dc = c.response(0.0);
        assert!((dc.re - 10f64.powf(-15.0 / 20.0)).abs() < 1e-12 && dc.im == 0.0);
        // far above every corner but below f_p2 the gain approaches 1/(1 + j f/f_p2)-limited
        // unity: at f = f_z = f_p1, |num1/den1| = |g1 + j|/|1 + j|
        let mid = c.response(c.f_z_hz);
        let g1 = 10f64.powf(-0.6);
        let stage1 = Complex64::new(g1, 1.0).norm() / 2f64.sqrt();
        let lf = (Complex64::new(10f64.powf(-0.15), c.f_z_hz / c.f_lf_hz)
            / Complex64::new(1.0, c.f_z_hz / c.f_lf_hz))
        .norm();
        let p2 = Complex64::new(1.0, c.f_z_hz / c.f_p2_hz).norm();
        assert!((mid.norm() - stage1 * lf / p2).abs() < 1e-12);
        // 0 dB settings are flat below the poles' effect
        let flat = Ctle::ieee_8023ck(b, 0.0, 0.0);
        assert!((flat.response(1e6).norm() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn the_grid_has_every_candidate_once() {
        let g = Ctle::grid(53.125e9, -20.0, 2.0, &[0.0, -3.0, -6.0]).unwrap();
        assert_eq!(g.len(), 33);
        assert_eq!((g[0].g_dc_db, g[0].g_dc2_db), (0.0, 0.0));
        assert_eq!((g[32].g_dc_db, g[32].g_dc2_db), (-20.0, -6.0));
        assert!(Ctle::grid(53.125e9, 5.0, 1.0, &[]).is_err());
    }

    #[test]
    fn pole_zero_is_the_product() {
        let pz = PoleZero {
            dc_gain: 0.5,
            zeros_hz: vec![1e9],
            poles_hz: vec![1e9, 1e10],
        };
        // zero and first pole cancel
        let f = 3e9;
        let want = 0.5 / Complex64::new(1.0, f / 1e10);
        assert!((pz.response(f) - want).norm() < 1e-15);
    }
}
