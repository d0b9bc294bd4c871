//! sireach's statistical eye of a link modelled as PyBERT 11.1.0 (pipbert 11.1.0) models its
//! native transmitter and receiver, for comparisons with PyBERT (`tests/eye_pybert.rs`,
//! `benches/compare/eye_vs_pybert.py`, the anchors of `../shared/com/reference/*pybert_r53.json`).
//!
//! What is PyBERT's, each from its source (`pybert/` in the pipbert 11.1.0 wheel):
//! - the channel is the differential S21 loaded by the Tx and Rx RC networks
//!   ([`RcTermination`], `calc_G` in `utility/channel.py`), referred to the driver's
//!   open-circuit voltage, and zero outside the file's frequency range and above PyBERT's
//!   `f_max` (its `interp_s2p` in `utility/sparam.py` fills S21 with 0 outside the data; the
//!   system grid ends at `f_max`): [`PybertRx::f_max_hz`];
//! - no transmitter edge filter and no separate receiver filter: the CTLE's `rx_bw` pole is
//!   the receiver's bandwidth ([`PybertCtle`], `make_ctle` in `utility/sigproc.py`);
//! - the Tx FFE: symbol-spaced taps, cursor `1 − Σ|c_k|` (`_get_ffe` in `pybert.py`);
//! - the Rx FFE: symbol-spaced taps applied as given, not normalised (`my_run_simulation` in
//!   `models/bert.py`; its optimiser's MMSE sets them so the equalised cursor is about 1 V);
//! - white Gaussian noise of `rn` V rms per sample (32 per UI) added at the receiver input,
//!   before the CTLE (`my_run_simulation`);
//! - the DFE's taps clipped to per-tap `(min, max)` multiples of the cursor
//!   ([`dfe_taps_bounded`]; PyBERT's defaults `(−0.2, 0.4)`, `(−0.15, 0.15)`, then
//!   `(−0.05, 0.1)`).
//!
//! What is sireach's: the channel on COM's grid ([`ChannelGrid`], 32 samples/UI, 10 MHz), the
//! pulse through all of the above in frequency, and the statistical eye
//! ([`super::statistical`]: every ISI combination of independent equiprobable symbols, the
//! noise Gaussian) at a fixed sampling phase. The phase is that of a bang-bang CDR
//! ([`bang_bang_lock`]), PyBERT's `cdr_type = "Bang-Bang"`.
//!
//! Not modelled (differences to expect, `tests/eye_pybert.rs` quantifies them): PyBERT
//! simulates a PRBS-9 (511 patterns) and reads its eye at 1e-4 from a Gaussian extrapolation of
//! the measured tails; its CDR dithers between the two samples around the lock point; its DFE
//! adapts by LMS; it truncates the channel's impulse response (99.9 % of the derivative's
//! energy, 20 to 100 UI).

use num_complex::Complex64;
use realfft::RealFftPlanner;

use super::statistical::{DfeSpec, MAX_TOTAL_BINS, StatEye, StatEyeInputs, stat_eye};
use crate::error::{Error, Result};
use crate::serdes::adapt::{dfe_taps_bounded, per_ui};
use crate::serdes::ctle::PybertCtle;
use crate::serdes::ffe::Ffe;
use crate::signal::pulse::{ChannelGrid, PulseOptions, Sampled};
use crate::signal::termination::RcTermination;

/// PyBERT's DFE tap bounds (its `dfe_tap_tuners` defaults in `pybert.py`), as multiples of the
/// cursor: tap 1, tap 2, then taps 3 to 20.
pub fn pybert_dfe_bounds(taps: usize) -> Vec<(f64, f64)> {
    (0..taps)
        .map(|j| match j {
            0 => (-0.2, 0.4),
            1 => (-0.15, 0.15),
            _ => (-0.05, 0.1),
        })
        .collect()
}

/// The link, PyBERT-style (module doc). Voltages in V, frequencies in Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct PybertRx {
    /// Symbol rate, Bd.
    pub baud: f64,
    /// Symbol levels, ±1 outer (PyBERT's PAM4 `−1, −1/3, 1/3, 1`).
    pub levels: Vec<f64>,
    /// The driver's open-circuit voltage of a level-1 symbol (PyBERT's `vod`).
    pub amplitude_v: f64,
    /// Tx and Rx loading; `None`: the bare S21, halved (a matched, capacitance-free source and
    /// load).
    pub termination: Option<RcTermination>,
    /// The channel is zero above this and above the file's last frequency (PyBERT's `f_max`,
    /// 80 GHz in the anchors); `None`: sireach's extrapolation ([`crate::signal::pulse`]).
    pub f_max_hz: Option<f64>,
    pub ctle: Option<PybertCtle>,
    pub tx: Ffe,
    /// The receiver FFE, taps as given (PyBERT's own, from its optimiser); `None`: none.
    pub rx: Option<Ffe>,
    /// One `(min, max)` per DFE tap, multiples of the cursor.
    pub dfe_bounds: Vec<(f64, f64)>,
    /// Noise at the receiver input, V rms per sample of the system grid (PyBERT's `rn`).
    pub noise_rms_v: f64,
    /// Target probability for heights and widths.
    pub ber: f64,
    /// Trim the loaded channel's impulse response as PyBERT does ([`pybert_trim`]) and cut the
    /// transmitter FFE's output to the trimmed length (`tx_out_h = convolve(tx_h,
    /// chnl_h)[:len_h]` in `my_run_simulation`); `false`: keep the whole response.
    pub trim_impulse: bool,
}

impl PybertRx {
    /// The settings of `../shared/com/tools/run_pybert.py` at `baud` with PyBERT's chosen
    /// equaliser still to set: PAM4, `vod` 1 V, 100 Ω / 0.1 pF at both ends, `f_max` 80 GHz,
    /// CTLE `rx_bw` 0.75·f_b and `peak_freq` f_b/2 at 0 dB, no Tx or Rx FFE, 5 DFE taps with
    /// PyBERT's bounds, `rn` 1 mV, BER 1e-4.
    pub fn anchor_defaults(baud: f64) -> PybertRx {
        PybertRx {
            baud,
            levels: vec![-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0],
            amplitude_v: 1.0,
            termination: Some(RcTermination::pybert_default()),
            f_max_hz: Some(80e9),
            ctle: Some(PybertCtle {
                rx_bw_hz: 0.75 * baud,
                peak_freq_hz: 0.5 * baud,
                peak_mag_db: 0.0,
            }),
            tx: Ffe::identity(),
            rx: None,
            dfe_bounds: pybert_dfe_bounds(5),
            noise_rms_v: 1e-3,
            ber: 1e-4,
            trim_impulse: true,
        }
    }

    /// The system grid: 32 samples per UI and 10 MHz (PyBERT's `nspui` and `f_step` in the
    /// anchors), no COM filters, the pulse kept to `1e-4` of its peak.
    pub fn pulse_options(&self) -> PulseOptions {
        PulseOptions {
            tx_rise_s: None,
            rx_bandwidth_hz: None,
            truncate_rel: 1e-4,
            ..PulseOptions::com_defaults(self.baud)
        }
    }
}

/// The eye at one sampling instant.
#[derive(Debug, Clone)]
pub struct SampledEye {
    /// The sampling instant: index into [`PybertEye::pulse`].
    pub cursor_index: usize,
    /// DFE taps, V.
    pub dfe_v: Vec<f64>,
    pub eye: StatEye,
    /// Per eye, lowest first, at the target probability: heights V, widths UI.
    pub heights_v: Vec<f64>,
    pub widths_ui: Vec<f64>,
}

/// The eye and what it was computed from.
#[derive(Debug, Clone)]
pub struct PybertEye {
    /// The equalised pulse of a level-1 symbol before the DFE, V.
    pub pulse: Sampled,
    /// The bang-bang CDR's lock point ([`bang_bang_lock`]), a fractional index into `pulse.v`.
    pub lock_index: f64,
    /// The receiver FFE used.
    pub rx: Option<Ffe>,
    /// Noise rms at the slicer, V.
    pub noise_rms_v: f64,
    /// The eye at the sample nearest the lock point: sireach's answer.
    pub nearest: SampledEye,
    /// The eye at the other sample next to the lock point. A bang-bang CDR on a sampled
    /// waveform (PyBERT's: 32 samples per UI) dithers between the two, so PyBERT's eye mixes
    /// them.
    pub other: SampledEye,
}

/// Where a bang-bang (Alexander) CDR locks on pulse `v` (`m` samples per UI): it balances early
/// and late votes from the edge sample half a UI after each data sample, so for transitions
/// between opposite levels (PyBERT counts only those) the edge sample sits at the mean zero
/// crossing, `a·(v(c + m/2) − v(c − m/2)) = 0`: the lock point `c` is where the pulse has the
/// same value half a UI either side. Returns the `c` (fractional, `v` linear between samples)
/// nearest the pulse's peak where `v(c + m/2) − v(c − m/2)` falls through zero, within half a UI
/// of the peak. (Residual ISI moves single crossings, not their median, as long as it is
/// independent of the transition.)
pub fn bang_bang_lock(v: &[f64], m: usize) -> Option<f64> {
    let peak = argmax(v);
    let half = m / 2;
    let at = |i: i64| {
        if i >= 0 && (i as usize) < v.len() {
            v[i as usize]
        } else {
            0.0
        }
    };
    // with m even the edge samples are whole samples: g(i) = v(i + m/2) − v(i − m/2)
    let g = |i: i64| at(i + half as i64) - at(i - half as i64);
    let p = peak as i64;
    let mut best: Option<f64> = None;
    for i in p - half as i64..p + half as i64 {
        let (a, b) = (g(i), g(i + 1));
        if a > 0.0 && b <= 0.0 {
            let c = i as f64 + a / (a - b);
            if best.is_none_or(|x| (c - peak as f64).abs() < (x - peak as f64).abs()) {
                best = Some(c);
            }
        }
    }
    best
}

/// PyBERT's `trim_impulse` (`pybert/utility/sigproc.py`) as `calc_chnl_h` calls it on the
/// channel's impulse response `g` (V per sample): keep from where the running sum of the
/// squared first difference reaches `(1 − kept)/2` of its total (but at least one sample before
/// the peak) to where it reaches `1 − (1 − kept)/2`, then stretch to at least `min_len` or cut
/// to at most `max_len` samples. PyBERT uses `kept = 0.999` and, at `impulse_length = 0`,
/// 20 and 100 UI. Returns `[start, end)`.
pub fn pybert_trim(g: &[f64], min_len: usize, max_len: usize, kept: f64) -> (usize, usize) {
    let n = g.len();
    if n < 2 {
        return (0, n);
    }
    let d2: Vec<f64> = g.windows(2).map(|w| (w[1] - w[0]).powi(2)).collect();
    let total: f64 = d2.iter().sum();
    let half_rest = 0.5 * (1.0 - kept);
    let (p_beg, p_end) = (half_rest * total, (1.0 - half_rest) * total);
    // PyBERT's loops: add d2[i] while the sum is below the mark, so each index is one past the
    // sample that reached it
    let mut acc = 0.0;
    let mut beg = 0;
    while acc < p_beg && beg < d2.len() {
        acc += d2[beg];
        beg += 1;
    }
    let mut end = beg;
    while acc < p_end && end < d2.len() {
        acc += d2[end];
        end += 1;
    }
    let peak = argmax(g);
    if peak < beg + 1 {
        beg = peak.saturating_sub(1);
    }
    if end - beg < min_len {
        end = (beg + min_len).min(n);
    }
    if end - beg > max_len {
        end = beg + max_len;
    }
    (beg, end)
}

/// The eye of the channel `h` (on `frequency_hz`) under `rx` (module doc), at the two samples
/// either side of the bang-bang lock point.
pub fn pybert_eye(frequency_hz: &[f64], h: &[Complex64], rx: &PybertRx) -> Result<PybertEye> {
    if rx.levels.len() < 2
        || !(rx.amplitude_v.is_finite() && rx.amplitude_v > 0.0)
        || !(rx.noise_rms_v.is_finite() && rx.noise_rms_v >= 0.0)
    {
        return Err(Error::invalid(format!(
            "a PyBERT-style link needs ≥ 2 levels, a positive amplitude and noise ≥ 0 (found {} levels, {} V, {} V)",
            rx.levels.len(),
            rx.amplitude_v,
            rx.noise_rms_v
        )));
    }
    let opts = rx.pulse_options();
    let grid = ChannelGrid::new(frequency_hz, h, rx.baud, &opts)?;
    let f_last = frequency_hz.last().copied().unwrap_or(0.0);
    let f_top = rx.f_max_hz.map(|f| f.min(f_last));
    let ctle = rx
        .ctle
        .map(|c| c.responses(&grid.grid_hz))
        .unwrap_or_else(|| vec![Complex64::new(1.0, 0.0); grid.grid_hz.len()]);
    // the loaded, band-limited channel as a filter on the grid's H
    let load: Vec<Complex64> = grid
        .grid_hz
        .iter()
        .zip(&grid.h)
        .map(|(&f, &hk)| match (&rx.termination, f_top) {
            (_, Some(top)) if f > top => Complex64::new(0.0, 0.0),
            (Some(t), _) => t.factor(f, hk),
            (None, _) => Complex64::new(0.5, 0.0),
        })
        .collect();
    let m = opts.samples_per_ui;
    let mut p = if rx.trim_impulse {
        // the loaded channel alone, trimmed, through the Tx FFE and cut to the trimmed length
        // (`tx_out_h`), then the CTLE: PyBERT's order
        let chan = grid.pulse_times(&load)?;
        let step = &chan.step.v;
        let impulse: Vec<f64> = (0..step.len())
            .map(|i| step[i] - if i > 0 { step[i - 1] } else { 0.0 })
            .collect();
        let (s, e) = pybert_trim(&impulse, 20 * m, 100 * m, 0.999);
        let kept = Sampled {
            v: impulse[s..e].to_vec(),
            ..chan.step.clone()
        };
        let mut tx_out = rx.tx.apply(&kept).v;
        tx_out.truncate(e - s);
        let mut x = vec![0.0; impulse.len()];
        x[s..s + tx_out.len()].copy_from_slice(&tx_out);
        let r2c = RealFftPlanner::<f64>::new().plan_fft_forward(x.len());
        let mut spec = r2c.make_output_vec();
        r2c.process(&mut x, &mut spec)
            .map_err(|e| Error::invalid(format!("forward FFT: {e}")))?;
        // on its own grid, so re-gridding is the identity
        let trimmed = ChannelGrid::new(&grid.grid_hz, &spec, rx.baud, &opts)?;
        trimmed.pulse_times(&ctle)?.pulse
    } else {
        let filter: Vec<Complex64> = load.iter().zip(&ctle).map(|(a, b)| a * b).collect();
        rx.tx.apply(&grid.pulse_times(&filter)?.pulse)
    };
    p.v.iter_mut().for_each(|x| *x *= rx.amplitude_v);
    let pulse = match &rx.rx {
        Some(w) => w.apply(&p),
        None => p,
    };
    let lock_index = bang_bang_lock(&pulse.v, m).ok_or_else(|| {
        Error::invalid("the equalised pulse has no bang-bang lock point near its peak")
    })?;
    // noise: white, rn² per sample, through the CTLE and the Rx FFE: σ² = rn²·Σ g², g their
    // combined impulse response, by Parseval on the N-point DFT (bins 0 and N/2 once, the
    // others twice)
    let last = ctle.len() - 1;
    let sum: f64 = ctle
        .iter()
        .zip(&grid.grid_hz)
        .enumerate()
        .map(|(k, (c, &f))| {
            let weight = if k == 0 || k == last { 1.0 } else { 2.0 };
            let w2 = rx.rx.as_ref().map_or(1.0, |w| ffe_gain2(w, f, rx.baud));
            weight * c.norm_sqr() * w2
        })
        .sum();
    let noise_rms_v = rx.noise_rms_v * (sum / grid.len() as f64).sqrt();
    let lo = lock_index.floor() as usize;
    let (near, far) = if lock_index - lo as f64 >= 0.5 {
        (lo + 1, lo)
    } else {
        (lo, lo + 1)
    };
    Ok(PybertEye {
        nearest: eye_at(&pulse, near, noise_rms_v, rx)?,
        other: eye_at(&pulse, far, noise_rms_v, rx)?,
        pulse,
        lock_index,
        rx: rx.rx.clone(),
        noise_rms_v,
    })
}

/// The statistical eye of `pulse` sampled at `cursor_index`, the DFE's bounded taps subtracted
/// from the pulse over each post-cursor's UI (as a DFE holds its feedback), so the eye's own
/// DFE is not used.
fn eye_at(
    pulse: &Sampled,
    cursor_index: usize,
    noise_rms_v: f64,
    rx: &PybertRx,
) -> Result<SampledEye> {
    let m = pulse.samples_per_ui;
    let (hs, d) = per_ui(&pulse.v, m, cursor_index);
    let h0 = hs[d];
    if !(h0.is_finite() && h0 > 0.0) {
        return Err(Error::invalid(format!(
            "the equalised cursor is {h0} V: the equaliser inverts or closes the pulse"
        )));
    }
    let dfe_v = dfe_taps_bounded(h0, &hs[d + 1..], &rx.dfe_bounds);
    let mut fed_back = pulse.clone();
    let need = cursor_index + (dfe_v.len() + 1) * m;
    if fed_back.v.len() < need {
        fed_back.v.resize(need, 0.0);
    }
    for (j, b) in dfe_v.iter().enumerate() {
        let centre = cursor_index + (j + 1) * m;
        for x in &mut fed_back.v[centre - m / 2..centre + m - m / 2] {
            *x -= b;
        }
    }
    // COM's bin (h0/1000, at most 10 µV) unless the ISI is so wide that 32 phases of it would
    // not fit (a closed eye): then 4 × its peak-to-peak span over the bin budget
    let (r, _) = per_ui(&fed_back.v, m, cursor_index);
    let spread: f64 = r.iter().map(|x| x.abs()).sum::<f64>() - h0;
    let span = 2.0 * spread * rx.levels.iter().fold(0.0f64, |a, l| a.max(l.abs()));
    let bin_v = (h0 / 1000.0)
        .min(10e-6)
        .max(4.0 * m as f64 * span / MAX_TOTAL_BINS as f64);
    let inputs = StatEyeInputs {
        dfe: DfeSpec::default(),
        noise_rms_v,
        bin_v: Some(bin_v),
        ..StatEyeInputs::new(&fed_back, cursor_index, &rx.levels)
    };
    let eye = stat_eye(&inputs)?;
    let heights_v = eye.heights_v(rx.ber)?;
    let widths_ui = eye.widths_ui(rx.ber)?;
    Ok(SampledEye {
        cursor_index,
        dfe_v,
        eye,
        heights_v,
        widths_ui,
    })
}

/// `|W(f)|²` of a symbol-spaced FFE, `W(f) = Σ_k w_k e^{−j2π f k T}`.
fn ffe_gain2(w: &Ffe, f_hz: f64, baud: f64) -> f64 {
    let step = -2.0 * std::f64::consts::PI * f_hz / baud;
    w.taps
        .iter()
        .enumerate()
        .map(|(k, &x)| Complex64::from_polar(x, step * k as f64))
        .sum::<Complex64>()
        .norm_sqr()
}

fn argmax(v: &[f64]) -> usize {
    v.iter()
        .enumerate()
        .fold((0, f64::MIN), |b, (i, &x)| if x > b.1 { (i, x) } else { b })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bang_bang_locks_where_the_pulse_is_equal_half_a_ui_either_side() {
        // a triangle peaking at sample 100, rising over R = 20 samples and falling over F = 50:
        // v(c − M/2) = v(c + M/2) on the two sides gives c = 100 + (M/2)(F − R)/(F + R)
        let v: Vec<f64> = (0..200)
            .map(|i| {
                let t = i as f64 - 100.0;
                if t < 0.0 {
                    (1.0 + t / 20.0).max(0.0)
                } else {
                    (1.0 - t / 50.0).max(0.0)
                }
            })
            .collect();
        let c = bang_bang_lock(&v, 32).unwrap();
        let want = 100.0 + 16.0 * 30.0 / 70.0;
        assert!((c - want).abs() < 1e-9, "{c} vs {want}");
        // a symmetric pulse locks on its peak
        let s: Vec<f64> = (0..200)
            .map(|i| (1.0 - (i as f64 - 90.0).abs() / 30.0).max(0.0))
            .collect();
        assert!((bang_bang_lock(&s, 32).unwrap() - 90.0).abs() < 1e-9);
    }

    #[test]
    fn trim_is_pybert_trim_impulse() {
        // a 10-sample ramp to 1 at sample 150, then 0.9^n; PyBERT 11.1.0's
        // `trim_impulse(g, min_len=20, max_len=100, front_porch=True, kept_energy=0.999)`
        // returns 41 samples from 141 (and 30 with max_len=30)
        let g: Vec<f64> = (0..400)
            .map(|i| match i {
                0..140 => 0.0,
                140..150 => (i - 140) as f64 / 10.0,
                _ => 0.9f64.powi(i - 150),
            })
            .collect();
        assert_eq!(pybert_trim(&g, 20, 100, 0.999), (141, 182));
        assert_eq!(pybert_trim(&g, 20, 30, 0.999), (141, 171));
    }
}
