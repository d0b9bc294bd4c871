//! Causality check: does each S-parameter's impulse response stay (nearly) silent before
//! `t = 0`?
//!
//! A physical network cannot respond before it is excited, so the impulse response
//! `h_ij(t) = F⁻¹{S_ij(f)}` is zero for `t < 0` (Paley–Wiener; for sampled data see IEEE Std
//! 370-2020, §7, "causality"). With S sampled on a uniform grid `0, Δf, …, f_max`, the inverse
//! real FFT of the Hermitian-extended spectrum gives `h` on `N = 2(M − 1)` points spaced
//! `1/(2 f_max)`, circularly: the second half of the array is negative time. Truncating the
//! spectrum at `f_max` rings (Gibbs), symmetrically about every feature of `h`; the spectrum is
//! therefore tapered by a raised cosine `w(f) = cos²(π f / 2 f_max)` (a half Hann window), and
//! the first `GUARD` samples of negative time are ignored, where the taper's own spread lives.
//!
//! The metric, per `(i, j)`: the largest `|h|` in negative time `[−T/2, −GUARD·Δt]` over the
//! largest `|h|` anywhere (`T = 1/Δf`). A causal, well-sampled network gives a small value (the
//! residual ringing of the taper); a time advance or a phase inconsistent with the loss gives a
//! value near 1. Non-causality confined within `GUARD` samples of `t = 0` (160 ps at 50 GHz) is
//! not seen. It is a report, with a verdict at a tolerance the caller chooses; it does not
//! repair anything. Delays longer than `T/2` alias and cannot be judged on that grid.

use ndarray::{ArrayView1, ArrayView3};
use num_complex::Complex64;
use realfft::RealFftPlanner;

use super::Network;
use super::interp::{DcFill, extrapolate_to_dc};
use super::linalg::square_dims;
use crate::error::{Error, Result};

/// Samples of negative time next to `t = 0` left out of the metric (the taper's spread).
pub const GUARD: usize = 16;

/// Default tolerance of [`Network::causality`]: −40 dB (1 %) of the peak.
pub const DEFAULT_CAUSALITY_TOLERANCE: f64 = 1e-2;

/// The outcome of [`causality`].
#[derive(Debug, Clone, PartialEq)]
pub struct CausalityReport {
    /// For each `(i, j)`, row-major: largest `|h|` in negative time over the largest `|h|`.
    pub ratio: Vec<f64>,
    /// The worst `(i, j)`, 0-based, and its ratio.
    pub worst_pair: (usize, usize),
    pub worst_ratio: f64,
    /// The tolerance used: causal means `worst_ratio <= tolerance`.
    pub tolerance: f64,
    pub causal: bool,
}

/// Tapered impulse responses `h(t)` on one uniform grid from DC (see the module doc for the
/// taper), planned once and run for as many spectra as needed (RustFFT style: the plan and its
/// scratch are built once). `h[k]` is at `t = k·dt` for `k < len/2` and at `t = (k − len)·dt`
/// after, with `len = 2(M − 1)` and `dt = 1/(2 f_max)`.
pub struct ImpulsePlan {
    inverse: std::sync::Arc<dyn realfft::ComplexToReal<f64>>,
    taper: Vec<f64>,
    spectrum: Vec<Complex64>,
    h: Vec<f64>,
    scratch: Vec<Complex64>,
    /// Time step, s.
    pub dt_s: f64,
}

impl ImpulsePlan {
    /// Errors: fewer than 2·`GUARD` points, a grid that does not start at 0 or is not uniform
    /// (to 1e-6 of the step).
    pub fn new(frequency_hz: ArrayView1<f64>) -> Result<ImpulsePlan> {
        let nf = frequency_hz.len();
        if nf < 2 * GUARD {
            return Err(Error::invalid(format!(
                "an impulse response needs at least {} frequencies, found {nf}",
                2 * GUARD
            )));
        }
        if frequency_hz[0] != 0.0 {
            return Err(Error::invalid(
                "an impulse response needs a grid that starts at DC (extrapolate to DC first)",
            ));
        }
        let step = frequency_hz[1];
        let uniform = frequency_hz
            .iter()
            .enumerate()
            .all(|(k, f)| (f - k as f64 * step).abs() <= 1e-6 * step);
        if step.is_nan() || step <= 0.0 || !uniform {
            return Err(Error::invalid(
                "an impulse response needs a uniform frequency grid from DC (interpolate onto one first)",
            ));
        }
        let fmax = frequency_hz[nf - 1];
        let len = 2 * (nf - 1);
        let mut planner = RealFftPlanner::<f64>::new();
        let inverse = planner.plan_fft_inverse(len);
        Ok(ImpulsePlan {
            spectrum: inverse.make_input_vec(),
            h: inverse.make_output_vec(),
            scratch: inverse.make_scratch_vec(),
            inverse,
            taper: frequency_hz
                .iter()
                .map(|f| (std::f64::consts::FRAC_PI_2 * f / fmax).cos().powi(2))
                .collect(),
            dt_s: 1.0 / (2.0 * fmax),
        })
    }

    /// The tapered impulse response of the spectrum `x(k)` (one value per grid point).
    pub fn run(&mut self, x: impl Fn(usize) -> Complex64) -> Result<&[f64]> {
        let nf = self.spectrum.len();
        for (k, v) in self.spectrum.iter_mut().enumerate() {
            *v = x(k) * self.taper[k];
        }
        // a real signal's spectrum is real at DC and at the Nyquist bin
        self.spectrum[0].im = 0.0;
        self.spectrum[nf - 1].im = 0.0;
        self.inverse
            .process_with_scratch(&mut self.spectrum, &mut self.h, &mut self.scratch)
            .map_err(|e| Error::invalid(format!("inverse FFT: {e}")))?;
        Ok(&self.h)
    }
}

/// Causality of `s` on a uniform grid that starts at DC (`frequency_hz[0] == 0`); see the
/// module doc. Errors: shapes, and the grids [`ImpulsePlan::new`] refuses.
pub fn causality(
    frequency_hz: ArrayView1<f64>,
    s: ArrayView3<Complex64>,
    tolerance: f64,
) -> Result<CausalityReport> {
    let (nf, n) = square_dims(&s, "S")?;
    if frequency_hz.len() != nf {
        return Err(Error::invalid(
            "causality: frequencies and S differ in length",
        ));
    }
    let mut plan = ImpulsePlan::new(frequency_hz)?;
    let mut ratio = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let h = plan.run(|k| s[[k, i, j]])?;
            let len = h.len();
            let peak = h.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            let negative = h[len / 2..len - GUARD]
                .iter()
                .fold(0.0f64, |m, x| m.max(x.abs()));
            ratio.push(if peak > 0.0 { negative / peak } else { 0.0 });
        }
    }
    let (w, worst_ratio) =
        ratio
            .iter()
            .copied()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |b, (k, r)| if r > b.1 { (k, r) } else { b },
            );
    Ok(CausalityReport {
        worst_pair: (w / n, w % n),
        worst_ratio,
        causal: worst_ratio <= tolerance,
        tolerance,
        ratio,
    })
}

impl Network {
    /// [`causality`] at [`DEFAULT_CAUSALITY_TOLERANCE`], after extending the grid down to DC
    /// when it does not start there (`extrapolate_to_dc` with [`DcFill::UniformGrid`]).
    pub fn causality(&self) -> Result<CausalityReport> {
        self.check_shapes()?;
        let net = if self.frequency_hz.first() == Some(&0.0) {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(extrapolate_to_dc(self, DcFill::UniformGrid)?)
        };
        causality(
            net.frequency_hz.view(),
            net.s.view(),
            DEFAULT_CAUSALITY_TOLERANCE,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array3};

    fn grid(m: usize, step: f64) -> Array1<f64> {
        Array1::from_iter((0..m).map(|k| k as f64 * step))
    }

    fn one_port(f: &Array1<f64>, h: impl Fn(f64) -> Complex64) -> Array3<Complex64> {
        Array3::from_shape_fn((f.len(), 1, 1), |(k, _, _)| h(f[k]))
    }

    #[test]
    fn a_delay_is_causal_and_an_advance_is_not() {
        let f = grid(5001, 10e6); // DC to 50 GHz; T = 100 ns
        let tau = 1e-9;
        let delay = one_port(&f, |f| {
            Complex64::from_polar(0.9, -2.0 * std::f64::consts::PI * f * tau)
        });
        let advance = one_port(&f, |f| {
            Complex64::from_polar(0.9, 2.0 * std::f64::consts::PI * f * tau)
        });
        let d = causality(f.view(), delay.view(), 1e-2).unwrap();
        let a = causality(f.view(), advance.view(), 1e-2).unwrap();
        assert!(d.causal && d.worst_ratio < 1e-3, "{}", d.worst_ratio);
        assert!(!a.causal && a.worst_ratio > 0.9, "{}", a.worst_ratio);
    }

    #[test]
    fn an_rc_low_pass_is_causal() {
        // H(f) = 1 / (1 + j f / fc), fc = 5 GHz: h(t) = 2π fc e^{−2π fc t} for t ≥ 0
        let f = grid(4001, 10e6);
        let rc = one_port(&f, |f| {
            Complex64::new(1.0, 0.0) / Complex64::new(1.0, f / 5e9)
        });
        let r = causality(f.view(), rc.view(), 1e-2).unwrap();
        assert!(r.causal, "{}", r.worst_ratio);
    }

    #[test]
    fn conjugating_the_rc_response_makes_it_anti_causal() {
        // fc = 0.5 GHz: the anti-causal tail e^{t/RC}, RC = 318 ps, reaches well past the guard
        let f = grid(4001, 10e6);
        let rc = one_port(&f, |f| {
            (Complex64::new(1.0, 0.0) / Complex64::new(1.0, f / 0.5e9)).conj()
        });
        let r = causality(f.view(), rc.view(), 1e-2).unwrap();
        assert!(!r.causal && r.worst_ratio > 0.5, "{}", r.worst_ratio);
    }

    #[test]
    fn bad_grids_are_errors() {
        let f = Array1::from_iter((1..100).map(|k| k as f64 * 1e7));
        let s = one_port(&f, |_| Complex64::new(1.0, 0.0));
        assert!(causality(f.view(), s.view(), 1e-2).is_err());
        let f = Array1::from_iter((0..100).map(|k| (k * k) as f64 * 1e6));
        assert!(causality(f.view(), s.view(), 1e-2).is_err());
    }
}
