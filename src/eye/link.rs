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
