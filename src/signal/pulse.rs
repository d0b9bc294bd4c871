//! The impulse, step and single-symbol pulse responses of a channel from its differential
//! transfer function (SDD21 of a 4-port, or S21 of a differential 2-port), with the IEEE COM
//! transmitter and receiver filters applied in frequency.
//!
//! The steps, each an explicit choice with a documented default:
//! 1. **System grid** (as IEEE COM, Annex 93A.1.4 and the MATLAB/PyChOpMarg code): `M` samples
//!    per UI, `dt = T/M`, a time window of `1/Δf` (`Δf` = [`PulseOptions::f_step_hz`], 10 MHz),
//!    so `N = round(1/(Δf·dt))` samples and the real-FFT grid `f_k = k/(N·dt)`, `k = 0..N/2`.
//! 2. **Re-gridding** the measured `H(f)` (any grid, uniform or not): magnitude linear between
//!    the data; phase unwrapped and linear between the data ([`regrid`]). Below the first data
//!    point (files without DC) the magnitude is the linear fit of the first 10 points evaluated
//!    at `f` and the phase follows the low-frequency group delay (mean of the first ≤ 50 group
//!    delays); `H(0)` is real. Above the last data point the magnitude falls linearly to the
//!    linear fit of the upper half of the data at the grid's end (clamped between 1e-12 and
//!    `|H(f_last)|`, as COM's "vtf" interpolation) and the phase follows the high-frequency group
//!    delay (mean of the last ≤ 51). Band-limit: nothing beyond what the filters do.
//! 3. **Filters**: the transmitter's Gaussian edge `H_t(f) = exp(−2(π f T_r/1.6832)²)`
//!    (eq. 93A-46, `T_r` the 20–80 % transition time) and the receiver's 4th-order Butterworth
//!    `H_r` at `f_r` (eq. 93A-20), both optional.
//! 4. **Impulse**: `h[n] = irfft(H)[n]`, the response to one sample of width `dt` (so the
//!    continuous impulse response is `h/dt`); the step response is its running sum and the
//!    pulse of one unit symbol (a causal 1-UI rectangle of 1 V) the sum of `M` consecutive
//!    samples. (COM convolves with a zero-phase rectangle, `M·sinc(f·T)`; the two differ by a
//!    shift of T/2 only.)
//! 5. **Causality check**: the energy of the impulse response in the last 5 % of the window
//!    (where a non-causal or under-resolved response wraps to) relative to the total, reported in
//!    [`PulseResponse::wrap_energy_fraction`].
//! 6. **Truncation**: the pulse keeps from `pre_ui` UI before its peak to the last sample above
//!    `truncate_rel` of the peak (COM's 1e-3 rule), plus one UI.

use num_complex::Complex64;
use realfft::RealFftPlanner;

use crate::error::{Error, Result};
use crate::network::{Network, PortPairing};

/// A response sampled uniformly from `t = 0`: `samples_per_ui` samples per unit interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    /// Unit interval, s.
    pub ui_s: f64,
    /// Samples per unit interval (the oversampling `M`).
    pub samples_per_ui: usize,
    /// Values, V (per volt of transmitter swing where the response is normalised).
    pub v: Vec<f64>,
}

impl Sampled {
    /// Sample interval, s.
    pub fn dt_s(&self) -> f64 {
        self.ui_s / self.samples_per_ui as f64
    }
}

/// The choices of the pulse computation (module doc, steps 1–6).
#[derive(Debug, Clone, PartialEq)]
pub struct PulseOptions {
    /// Samples per UI, `M` (COM: 32).
    pub samples_per_ui: usize,
    /// Frequency step of the system grid, Hz (COM: 10 MHz); the time window is `1/Δf`.
    pub f_step_hz: f64,
    /// Transmitter 20–80 % transition time `T_r` of eq. 93A-46, s; `None`: no Tx filter.
    pub tx_rise_s: Option<f64>,
    /// Receiver 4th-order Butterworth −3 dB frequency `f_r`, Hz (eq. 93A-20); `None`: none.
    pub rx_bandwidth_hz: Option<f64>,
    /// Truncation threshold relative to the pulse peak (COM: 1e-3).
    pub truncate_rel: f64,
    /// UIs kept before the pulse peak.
    pub pre_ui: usize,
}

impl PulseOptions {
    /// COM's defaults for a lane at `baud`: M = 32, Δf = 10 MHz, `T_r` = 4 ps (802.3ck), `f_r` =
    /// 0.75·f_b (Annex 93A; the 802.3ck/dj tables use 0.58–0.75), truncation 1e-3, 8 UI before
    /// the peak.
    pub fn com_defaults(baud: f64) -> PulseOptions {
        PulseOptions {
            samples_per_ui: 32,
            f_step_hz: 10e6,
            tx_rise_s: Some(4e-12),
            rx_bandwidth_hz: Some(0.75 * baud),
            truncate_rel: 1e-3,
            pre_ui: 8,
        }
    }
}

/// Longest system grid accepted (samples): 2^24, 128 MiB of f64 per array.
pub const MAX_GRID: usize = 1 << 24;

/// The pulse response of a channel and how it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseResponse {
    /// The truncated single-symbol pulse response (1 V, 1 UI rectangle in).
    pub pulse: Sampled,
    /// Index of the pulse's peak in `pulse.v` (the main cursor before equalisation).
    pub peak_index: usize,
    /// Time of `pulse.v[0]` from the transmitter's edge, s.
    pub t0_s: f64,
    /// Fraction of the impulse response's energy in the last 5 % of the window (step 5): above
    /// ~1e-3 the window is too short or the data non-causal.
    pub wrap_energy_fraction: f64,
    /// The step response over the whole window (1 V step in).
    pub step: Sampled,
}

/// `|H_t(f)|` of eq. 93A-46: `exp(−2(π f T_r/1.6832)²)`, `T_r` the 20–80 % time in s.
pub fn tx_filter(f_hz: f64, t_r_s: f64) -> f64 {
    let x = std::f64::consts::PI * f_hz * t_r_s / 1.6832;
    (-2.0 * x * x).exp()
}

/// The receiver filter of eq. 93A-20, a 4th-order Butterworth at `f_r`:
/// `H_r = 1 / (1 − 3.414214 x² + x⁴ + j 2.613126 (x − x³))`, `x = f/f_r`.
pub fn rx_filter(f_hz: f64, f_r_hz: f64) -> Complex64 {
    let x = f_hz / f_r_hz;
    let x2 = x * x;
    Complex64::new(1.0 - 3.414214 * x2 + x2 * x2, 2.613126 * (x - x2 * x)).inv()
}

/// Samples in the window and the rfft grid length for `baud`, `opts`.
fn grid_len(baud: f64, opts: &PulseOptions) -> Result<usize> {
    if !(baud.is_finite() && baud > 0.0) {
        return Err(Error::invalid(format!(
            "the symbol rate must be positive, found {baud} Bd"
        )));
    }
    if opts.samples_per_ui < 2 || opts.samples_per_ui > 1024 {
        return Err(Error::invalid(format!(
            "samples per UI must be 2..=1024, found {}",
            opts.samples_per_ui
        )));
    }
    if !(opts.f_step_hz.is_finite() && opts.f_step_hz > 0.0) {
        return Err(Error::invalid(format!(
            "the frequency step must be positive, found {} Hz",
            opts.f_step_hz
        )));
    }
    let dt = 1.0 / (baud * opts.samples_per_ui as f64);
    let n = (1.0 / (opts.f_step_hz * dt)).round();
    if !(n >= 4.0 * opts.samples_per_ui as f64 && n <= MAX_GRID as f64) {
        return Err(Error::invalid(format!(
            "a {} Hz step at {} samples per UI of {baud} Bd needs {n} samples: keep it between 4 UI and {MAX_GRID}",
            opts.f_step_hz, opts.samples_per_ui
        )));
    }
    // an even length keeps the Nyquist bin real
    Ok((n as usize).div_ceil(2) * 2)
}

fn linear_fit(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|v| (v - mx) * (v - mx)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (my - slope * mx, slope)
}

/// Unwrapped phase of `h`.
fn unwrapped_phase(h: &[Complex64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(h.len());
    let mut prev = 0.0;
    let mut offset = 0.0;
    for (i, z) in h.iter().enumerate() {
        let p = z.arg();
        if i > 0 {
            let d = p - prev;
            if d > std::f64::consts::PI {
                offset -= 2.0 * std::f64::consts::PI;
            } else if d < -std::f64::consts::PI {
                offset += 2.0 * std::f64::consts::PI;
            }
        }
        prev = p;
        out.push(p + offset);
    }
    out
}

/// Mean group delay `−dφ/dω` over consecutive points, s.
fn mean_group_delay(f: &[f64], phase: &[f64]) -> f64 {
    let n = f.len().saturating_sub(1);
    if n == 0 {
        return 0.0;
    }
    let s: f64 = (0..n)
        .map(|i| -(phase[i + 1] - phase[i]) / (2.0 * std::f64::consts::PI * (f[i + 1] - f[i])))
        .sum();
    s / n as f64
}

/// Re-grid `h` (on increasing `frequency_hz`, any spacing, at least 2 points) onto `grid_hz`
/// (increasing, from 0) by the rules of the module doc, step 2.
pub fn regrid(frequency_hz: &[f64], h: &[Complex64], grid_hz: &[f64]) -> Result<Vec<Complex64>> {
    let n = frequency_hz.len();
    if n < 2 || h.len() != n {
        return Err(Error::invalid(format!(
            "a transfer function needs at least 2 points and one value per frequency, found {n} frequencies and {} values",
            h.len()
        )));
    }
    if let Some(i) = (0..n).find(|&i| {
        !(frequency_hz[i].is_finite() && frequency_hz[i] >= 0.0)
            || (i > 0 && frequency_hz[i] <= frequency_hz[i - 1])
    }) {
        return Err(Error::invalid(format!(
            "frequencies must be finite, non-negative and increasing: point {} is {} Hz",
            i + 1,
            frequency_hz[i]
        )));
    }
    if let Some(i) = h
        .iter()
        .position(|z| !(z.re.is_finite() && z.im.is_finite()))
    {
        return Err(Error::invalid(format!(
            "the transfer function is not finite at point {} ({} Hz)",
            i + 1,
            frequency_hz[i]
        )));
    }
    let mag: Vec<f64> = h.iter().map(|z| z.norm()).collect();
    if mag.iter().all(|&m| m == 0.0) {
        return Err(Error::invalid(
            "the transfer function is zero at every frequency",
        ));
    }
    let phase = unwrapped_phase(h);
    let (f0, f_last) = (frequency_hz[0], frequency_hz[n - 1]);
    let lo = n.min(10);
    let (mag_a, mag_b) = linear_fit(&frequency_hz[..lo], &mag[..lo]);
    let tau_lf = mean_group_delay(&frequency_hz[..n.min(51)], &phase[..n.min(51)]);
    let tau_hf = mean_group_delay(&frequency_hz[n - n.min(52)..], &phase[n - n.min(52)..]);
    let f_end = grid_hz.last().copied().unwrap_or(f_last);
    let mag_end = {
        let (a, b) = linear_fit(&frequency_hz[n / 2..], &mag[n / 2..]);
        (a + b * f_end).clamp(1e-12, mag[n - 1].max(1e-12))
    };
    let mut j = 0usize;
    let out = grid_hz
        .iter()
        .map(|&f| {
            let (m, p) = if f < f0 {
                let m = (mag_a + mag_b * f).max(0.0);
                let p = phase[0] + 2.0 * std::f64::consts::PI * tau_lf * (f0 - f);
                (m, p)
            } else if f > f_last {
                let m = if f_end > f_last {
                    mag[n - 1] + (mag_end - mag[n - 1]) * (f - f_last) / (f_end - f_last)
                } else {
                    mag[n - 1]
                };
                (
                    m,
                    phase[n - 1] - 2.0 * std::f64::consts::PI * tau_hf * (f - f_last),
                )
            } else {
                while j + 1 < n - 1 && frequency_hz[j + 1] < f {
                    j += 1;
                }
                let (fa, fb) = (frequency_hz[j], frequency_hz[j + 1]);
                let w = (f - fa) / (fb - fa);
                (
                    mag[j] + w * (mag[j + 1] - mag[j]),
                    phase[j] + w * (phase[j + 1] - phase[j]),
                )
            };
            if f == 0.0 {
                // H(0) is real: keep the sign the phase gives it
                Complex64::new(m * p.cos().signum(), 0.0)
            } else {
                Complex64::from_polar(m, p)
            }
        })
        .collect();
    Ok(out)
}

/// A channel on the system grid (steps 1–3), planned once: the pulse response through any
/// further filter (a CTLE candidate, say) is then one inverse FFT ([`ChannelGrid::pulse`]).
pub struct ChannelGrid {
    /// Symbol rate, Bd.
    pub baud: f64,
    /// The options it was built with.
    pub opts: PulseOptions,
    /// Grid frequencies `k·Δf`, Hz.
    pub grid_hz: Vec<f64>,
    /// `H·H_t·H_r` on the grid.
    pub h: Vec<Complex64>,
    c2r: std::sync::Arc<dyn realfft::ComplexToReal<f64>>,
}

impl ChannelGrid {
    /// `h` on `frequency_hz` at `baud`, re-gridded and filtered (steps 1–3).
    pub fn new(
        frequency_hz: &[f64],
        h: &[Complex64],
        baud: f64,
        opts: &PulseOptions,
    ) -> Result<ChannelGrid> {
        let n = grid_len(baud, opts)?;
        let dt = 1.0 / (baud * opts.samples_per_ui as f64);
        let df = 1.0 / (n as f64 * dt);
        let grid_hz: Vec<f64> = (0..=n / 2).map(|k| k as f64 * df).collect();
        let mut spec = regrid(frequency_hz, h, &grid_hz)?;
        for (z, &f) in spec.iter_mut().zip(&grid_hz) {
            if let Some(tr) = opts.tx_rise_s {
                *z *= tx_filter(f, tr);
            }
            if let Some(fr) = opts.rx_bandwidth_hz {
                *z *= rx_filter(f, fr);
            }
        }
        let c2r = RealFftPlanner::<f64>::new().plan_fft_inverse(n);
        Ok(ChannelGrid {
            baud,
            opts: opts.clone(),
            grid_hz,
            h: spec,
            c2r,
        })
    }

    /// Samples in the time window.
    pub fn len(&self) -> usize {
        2 * (self.grid_hz.len() - 1)
    }

    /// Whether the grid is empty (never, once built).
    pub fn is_empty(&self) -> bool {
        self.grid_hz.is_empty()
    }

    /// The pulse response through `filter(f)` as well (steps 4–6).
    pub fn pulse(&self, filter: impl Fn(f64) -> Complex64) -> Result<PulseResponse> {
        let spec: Vec<Complex64> = self
            .h
            .iter()
            .zip(&self.grid_hz)
            .map(|(z, &f)| z * filter(f))
            .collect();
        self.pulse_of_spectrum(spec)
    }

    /// The pulse response through a filter given on the grid (`filter[k]` at `grid_hz[k]`),
    /// for callers that evaluate the filter once for several uses.
    pub fn pulse_times(&self, filter: &[Complex64]) -> Result<PulseResponse> {
        if filter.len() != self.h.len() {
            return Err(Error::invalid(format!(
                "a filter on the grid needs {} values, found {}",
                self.h.len(),
                filter.len()
            )));
        }
        let spec: Vec<Complex64> = self.h.iter().zip(filter).map(|(a, b)| a * b).collect();
        self.pulse_of_spectrum(spec)
    }

    fn pulse_of_spectrum(&self, mut spec: Vec<Complex64>) -> Result<PulseResponse> {
        let n = self.len();
        let m = self.opts.samples_per_ui;
        let ui = 1.0 / self.baud;
        let dt = ui / m as f64;
        // a real signal: the DC and Nyquist bins are real
        spec[0].im = 0.0;
        if let Some(last) = spec.last_mut() {
            last.im = 0.0;
        }
        let mut impulse = self.c2r.make_output_vec();
        self.c2r
            .process(&mut spec, &mut impulse)
            .map_err(|e| Error::invalid(format!("inverse FFT: {e}")))?;
        let scale = 1.0 / n as f64;
        impulse.iter_mut().for_each(|v| *v *= scale);
        let total: f64 = impulse.iter().map(|v| v * v).sum();
        let tail: f64 = impulse[n - n / 20..].iter().map(|v| v * v).sum();
        let wrap_energy_fraction = if total > 0.0 { tail / total } else { 0.0 };
        let mut step = Vec::with_capacity(n);
        let mut acc = 0.0;
        for v in &impulse {
            acc += v;
            step.push(acc);
        }
        // pulse[i] = step[i] − step[i − M]
        let pulse_full: Vec<f64> = (0..n)
            .map(|i| step[i] - if i >= m { step[i - m] } else { 0.0 })
            .collect();
        let (peak, peak_v) = pulse_full
            .iter()
            .enumerate()
            .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        if !(peak_v.is_finite() && peak_v > 0.0) {
            return Err(Error::invalid(
                "the channel passes no positive pulse (its response is zero or inverted)",
            ));
        }
        let start = peak.saturating_sub(self.opts.pre_ui * m);
        let thresh = self.opts.truncate_rel * peak_v;
        let last = (peak..n)
            .rev()
            .find(|&i| pulse_full[i].abs() > thresh)
            .unwrap_or(peak);
        let end = (last + m + 1).min(n);
        Ok(PulseResponse {
            pulse: Sampled {
                ui_s: ui,
                samples_per_ui: m,
                v: pulse_full[start..end].to_vec(),
            },
            peak_index: peak - start,
            t0_s: start as f64 * dt,
            wrap_energy_fraction,
            step: Sampled {
                ui_s: ui,
                samples_per_ui: m,
                v: step,
            },
        })
    }
}

/// The pulse response of the differential transfer function `h` (on `frequency_hz`) at `baud`
/// symbols per second, by steps 1–6 of the module doc.
pub fn pulse_response(
    frequency_hz: &[f64],
    h: &[Complex64],
    baud: f64,
    opts: &PulseOptions,
) -> Result<PulseResponse> {
    ChannelGrid::new(frequency_hz, h, baud, opts)?.pulse(|_| Complex64::new(1.0, 0.0))
}

/// The differential transfer function of a channel: S21 of a 2-port, or SDD21 of a 4-port
/// with `pairing` (for thrus 1→2 and 3→4, `PortPairing::parse("1-3/2-4")`: the pairs'
/// positive and negative legs). Returns the frequencies and `H`.
pub fn differential_s21(
    net: &Network,
    pairing: &PortPairing,
) -> Result<(Vec<f64>, Vec<Complex64>)> {
    let two = match net.nports() {
        2 => net.clone(),
        4 => net.differential(pairing)?,
        n => {
            return Err(Error::invalid(format!(
                "a channel is a 2-port (differential) or a 4-port (single-ended pairs), found {n} ports"
            )));
        }
    };
    let f = two.frequency_hz.to_vec();
    let h = (0..two.nfreq()).map(|k| two.s[[k, 1, 0]]).collect();
    Ok((f, h))
}

#[cfg(test)]
mod tests;
