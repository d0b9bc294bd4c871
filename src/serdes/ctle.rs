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

/// PyBERT's native CTLE, as `make_ctle` in `pybert/utility/sigproc.py` of PyBERT 11.1.0
/// (pipbert 11.1.0) builds it: one zero and two poles,
/// `H(s) = (s − z) / ((s − p_1)(s − p_2))` with `p_1 = −2π f_peak`, `p_2 = −2π f_bw` and
/// `z = p_1 / 10^(peak/20)` (PyBERT forms it from residues with `scipy.signal.invres` and
/// evaluates it with `freqs`), divided by its largest magnitude so the peak is 0 dB and the DC
/// gain is `−peak` dB below it. In Hz, with `f_z = f_peak·10^(−peak/20)`:
/// `H(f) = (f_z + j f) / ((f_peak + j f)(f_bw + j f)) / max_f |…|`.
///
/// PyBERT takes the maximum over its frequency grid (10 MHz steps to 100 × the higher pole, in
/// `make_ctle_h`); here it is the exact maximum, at `f² = −f_z² + √((f_peak² − f_z²)(f_bw² −
/// f_z²))` when that is positive, else at DC (they agree to about 1e-7). `f_bw` is PyBERT's
/// `rx_bw`, "the natural (unequalized) signal path bandwidth": the pole stands for the
/// receiver's bandwidth, so a receiver modelled with this CTLE has no separate receiver filter.
/// With `f_peak = f_bw` PyBERT's residues (its `p2 == p1` branch) give `−(s − z)/(s − p)²`, an
/// inverted response; [`PybertCtle::response`] reproduces that sign too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PybertCtle {
    /// PyBERT's `rx_bw`, Hz.
    pub rx_bw_hz: f64,
    /// PyBERT's `peak_freq`, Hz.
    pub peak_freq_hz: f64,
    /// PyBERT's `peak_mag` (the DC gain is this much below the peak), dB.
    pub peak_mag_db: f64,
}

impl PybertCtle {
    /// The zero `f_z`, Hz.
    pub fn zero_hz(&self) -> f64 {
        self.peak_freq_hz * 10f64.powf(-self.peak_mag_db / 20.0)
    }

    /// `max_f |(f_z + j f)/((f_peak + j f)(f_bw + j f))|`, the normalisation.
    pub fn unnormalised_max(&self) -> f64 {
        let (a, b, c) = (
            self.zero_hz().powi(2),
            self.peak_freq_hz.powi(2),
            self.rx_bw_hz.powi(2),
        );
        let mag2 = |u: f64| (u + a) / ((u + b) * (u + c));
        // with u = f²: d/du ln|H|² = 0 ⇔ (u + a)² = (b − a)(c − a)
        let prod = (b - a) * (c - a);
        let u = if prod > 0.0 { -a + prod.sqrt() } else { 0.0 };
        mag2(u.max(0.0)).max(mag2(0.0)).sqrt()
    }

    /// `H(f)` (type doc).
    pub fn response(&self, f_hz: f64) -> Complex64 {
        self.response_scaled(f_hz, 1.0 / self.unnormalised_max())
    }

    /// `H` at every frequency of `f_hz` (the normalisation computed once).
    pub fn responses(&self, f_hz: &[f64]) -> Vec<Complex64> {
        let k = 1.0 / self.unnormalised_max();
        f_hz.iter().map(|&f| self.response_scaled(f, k)).collect()
    }

    fn response_scaled(&self, f_hz: f64, k: f64) -> Complex64 {
        let num = Complex64::new(self.zero_hz(), f_hz);
        let den = Complex64::new(self.peak_freq_hz, f_hz) * Complex64::new(self.rx_bw_hz, f_hz);
        let sign = if self.peak_freq_hz == self.rx_bw_hz {
            -1.0
        } else {
            1.0
        };
        sign * k * num / den
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
    fn pybert_ctle_is_pybert_make_ctle() {
        // PyBERT 11.1.0 `make_ctle(39.84375e9, 26.5625e9, peak, w)` on `make_ctle_h`'s grid
        // (0 to 3.984375 THz in 10 MHz), printed by PyBERT itself (values at its grid points
        // f = 0, 5, 13.28, 26.56, 53.12 GHz)
        let want: [(f64, [(f64, f64); 5]); 3] = [
            (
                0.0,
                [
                    (0.9999999999999999, 0.0),
                    (0.9844963587639479, -0.12354464109978956),
                    (0.9000169406981076, -0.2999774110737785),
                    (0.6923477902021576, -0.46152175203813167),
                    (0.3600433725957275, -0.48001264821421286),
                ],
            ),
            (
                9.0,
                [
                    (0.5658963556235387, 0.0),
                    (0.6149012890969815, 0.10990477544400247),
                    (0.8179805119102047, 0.13894875580320873),
                    (0.985438830695138, -0.1423892543210851),
                    (0.6977159529522886, -0.5185706269407234),
                ],
            ),
            (
                20.0,
                [
                    (0.16611002763729749, 0.0),
                    (0.2474771468075973, 0.24072411894864099),
                    (0.5979398165551297, 0.39866781468316975),
                    (0.9774690553403538, 0.09591041555496214),
                    (0.7774615680370831, -0.4384879907116259),
                ],
            ),
        ];
        let f = [0.0, 5e9, 13.28e9, 26.56e9, 53.12e9];
        for (peak, values) in want {
            let c = PybertCtle {
                rx_bw_hz: 39.84375e9,
                peak_freq_hz: 26.5625e9,
                peak_mag_db: peak,
            };
            let got = c.responses(&f);
            for ((g, (re, im)), fk) in got.iter().zip(values).zip(f) {
                // PyBERT's maximum is over a 10 MHz grid, ours exact: 1e-7 apart at most
                assert!(
                    (g - Complex64::new(re, im)).norm() < 1e-6,
                    "{peak} dB at {fk} Hz: {g} vs {re}{im:+}j"
                );
            }
            // the normalisation: 0 dB at the peak, so nowhere above
            let peak_gain = (0..4000)
                .map(|k| c.response(k as f64 * 25e6).norm())
                .fold(0.0, f64::max);
            assert!(
                peak_gain <= 1.0 + 1e-12 && peak_gain > 1.0 - 1e-6,
                "{peak_gain}"
            );
        }
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
