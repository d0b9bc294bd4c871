//! A link's eye in one call: a channel's differential transfer function → pulse response
//! ([`crate::signal::pulse`]) → equaliser search ([`crate::serdes::optimise`]) → statistical eye
//! ([`super::statistical`]) with its heights and widths at a target BER. The CLI (`sireach eye`)
//! and the reach engine's eye criterion both call [`link_eye`].

use num_complex::Complex64;

use super::statistical::{DfeSpec, StatEye, StatEyeInputs, stat_eye};
use crate::Par;
use crate::error::Result;
use crate::serdes::optimise::{EqSearch, Equalised, optimise};
use crate::signal::pulse::{ChannelGrid, PulseOptions};

/// Everything but the channel.
#[derive(Debug, Clone, PartialEq)]
pub struct EyeSetup {
    /// Symbol rate, Bd.
    pub baud: f64,
    pub pulse: PulseOptions,
    pub search: EqSearch,
    /// Random jitter rms and dual-Dirac amplitude, UI (in the eye; the search has its own copy
    /// in `search.terms`).
    pub rj_rms_ui: f64,
    pub dj_dd_ui: f64,
    /// Target bit error ratio... of a symbol decision, per eye (the conditional probability of
    /// [`super::statistical`]).
    pub ber: f64,
}

/// The eye of a link.
#[derive(Debug, Clone)]
pub struct LinkEye {
    pub equalised: Equalised,
    pub eye: StatEye,
    /// Heights at `ber`, V, lowest eye first.
    pub heights_v: Vec<f64>,
    /// Widths at `ber`, UI, lowest eye first.
    pub widths_ui: Vec<f64>,
    /// The pulse's wrap-around energy (causality / window check of the pulse response).
    pub wrap_energy_fraction: f64,
}

/// The eye of the channel `h` on `frequency_hz` under `setup`.
pub fn link_eye(
    frequency_hz: &[f64],
    h: &[Complex64],
    setup: &EyeSetup,
    par: Par,
) -> Result<LinkEye> {
    let grid = ChannelGrid::new(frequency_hz, h, setup.baud, &setup.pulse)?;
    let wrap_energy_fraction = grid
        .pulse(|_| Complex64::new(1.0, 0.0))?
        .wrap_energy_fraction;
    let equalised = optimise(&grid, &setup.search, par)?;
    let s = &setup.search;
    let inputs = StatEyeInputs {
        dfe: DfeSpec {
            taps: s.dfe_taps,
            limits: if s.dfe_limits.is_empty() {
                None
            } else {
                Some(s.dfe_limits.clone())
            },
        },
        noise_rms_v: equalised.noise_rms_v,
        rj_rms_ui: setup.rj_rms_ui,
        dj_dd_ui: setup.dj_dd_ui,
        ..StatEyeInputs::new(&equalised.pulse, equalised.cursor_index, &s.levels)
    };
    let eye = stat_eye(&inputs)?;
    let heights_v = eye.heights_v(setup.ber)?;
    let widths_ui = (0..eye.eyes())
        .map(|e| eye.width_ui(e, setup.ber))
        .collect::<Result<Vec<_>>>()?;
    Ok(LinkEye {
        equalised,
        eye,
        heights_v,
        widths_ui,
        wrap_energy_fraction,
    })
}

/// A time-domain eye of an equalised link ([`time_domain_eye`]).
#[derive(Debug, Clone)]
pub struct TimeDomainEye {
    pub eye: crate::eye::time_domain::TdEye,
    pub histogram: crate::eye::time_domain::EyeHistogram,
    pub symbols: usize,
}

/// Simulates `n_symbols` of PRBS31Q (PAM4, Clause 120.5.11.2.2) or PRBS31 (NRZ) from `seed`
/// through the equalised pulse of `e`, with its DFE (ideal decisions) and Gaussian noise of its
/// `noise_rms_v` (seeded), and measures the eye at `p` (the definition shared with the
/// statistical eye). With `jitter`, each transmitted edge moves by its offset
/// ([`crate::signal::jitter::TxJitter::offsets`]) and the waveform is built from the equalised
/// link's step response (`step[n] = pulse[n] + step[n − M]`), exactly but about 15× slower
/// ([`crate::eye::time_domain::waveform_with_jitter`]).
pub fn time_domain_eye(
    e: &Equalised,
    levels: &[f64],
    n_symbols: usize,
    seed: u32,
    p: f64,
    jitter: Option<&crate::signal::jitter::TxJitter>,
) -> Result<TimeDomainEye> {
    use crate::eye::time_domain::{
        EyeHistogram, add_noise, apply_dfe, measure, warmup_symbols, waveform,
    };
    use crate::signal::pam::symbol_values;
    use crate::signal::prbs::{PrbsKind, bits, prbs_q};
    let sym: Vec<u8> = match levels.len() {
        4 => prbs_q(PrbsKind::Prbs31, seed, n_symbols)?,
        2 => bits(PrbsKind::Prbs31, seed, n_symbols)?,
        n => {
            return Err(crate::error::Error::invalid(format!(
                "the time-domain eye sends NRZ or PAM4, not {n} levels"
            )));
        }
    };
    let a = symbol_values(&sym, levels)?;
    let m = e.pulse.samples_per_ui;
    let mut w = match jitter {
        None => waveform(&e.pulse, &a)?,
        Some(j) => {
            let mut step = e.pulse.v.clone();
            for n in m..step.len() {
                step[n] += step[n - m];
            }
            let step = crate::signal::pulse::Sampled {
                v: step,
                ..e.pulse.clone()
            };
            let offsets = j.offsets(n_symbols, e.pulse.ui_s)?;
            crate::eye::time_domain::waveform_with_jitter(&step, &a, &offsets)?
        }
    };
    apply_dfe(&mut w, &a, m, e.cursor_index, &e.dfe_v)?;
    add_noise(&mut w, e.noise_rms_v, u64::from(seed))?;
    let warm = warmup_symbols(&e.pulse);
    let td = measure(&w, &a, m, e.cursor_index, warm, levels, p)?;
    let h0 = e.pulse.v[e.cursor_index];
    let top = levels.iter().fold(0.0f64, |x, l| x.max(l.abs())) * h0 * 1.6;
    let mut histogram = EyeHistogram::new(m, -top, top, 400)?;
    histogram.accumulate(&w, e.cursor_index, warm);
    Ok(TimeDomainEye {
        eye: td,
        histogram,
        symbols: n_symbols,
    })
}
