//! The eye criterion of the reach engine: at a length, the link — the family's host recipe at
//! both ends when it has one (package + host board, `data/standards/hosts.toml`), else the bare
//! cable assembly — plugs, `length` of twinax — through the equaliser search and statistical eye
//! of [`crate::eye::link`]; the margin is `20·log10(min eye height / threshold)` (and the same
//! for the width when a width threshold is set), so it is ≥ 0 while every eye is open by the
//! thresholds at the target BER.

use num_complex::Complex64;

use super::Criterion;
use crate::Par;
use crate::channel::link::{HostRecipe, Plug, cable_assembly, die_to_die, phase_resolving_grid};
use crate::channel::twinax::TwinaxParams;
use crate::error::{Error, Result};
use crate::eye::link::{EyeSetup, link_eye};
use crate::eye::statistical::{NRZ, PAM4};
use crate::presets::CopperFamily;
use crate::serdes::adapt::FomTerms;
use crate::serdes::ctle::Ctle;
use crate::serdes::ffe::Ffe;
use crate::serdes::optimise::EqSearch;
use crate::signal::pulse::PulseOptions;

/// The receiver and thresholds of the eye criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct EyeCriterionOptions {
    /// Eye height threshold, V.
    pub min_height_v: f64,
    /// Eye width threshold, UI (0: none).
    pub min_width_ui: f64,
    pub ber: f64,
    pub dfe_taps: usize,
    /// Transmitter amplitude, V; receiver noise density, V²/Hz; jitter (UI); Tx SNR (dB).
    pub amplitude_v: f64,
    pub eta0_v2_per_hz: f64,
    pub rj_rms_ui: f64,
    pub dj_dd_ui: f64,
    pub snr_tx_db: f64,
}

impl Default for EyeCriterionOptions {
    /// The `sireach eye` defaults (802.3ck COM values, grade C) and a 15 mV eye height at 1e-4
    /// (the 100G/lane C2M host-output eye height of 802.3ck Annex 120G as recalled, grade C; no
    /// published threshold for a CR channel's eye after a reference receiver was found).
    fn default() -> Self {
        EyeCriterionOptions {
            min_height_v: 15e-3,
            min_width_ui: 0.0,
            ber: 1e-4,
            dfe_taps: 12,
            amplitude_v: 0.413,
            eta0_v2_per_hz: 8.2e-18,
            rj_rms_ui: 0.01,
            dj_dd_ui: 0.02,
            snr_tx_db: 32.5,
        }
    }
}

/// The eye criterion for one family, gauge and host.
pub struct EyeCriterion<'a> {
    pub cable: TwinaxParams,
    pub plug: Plug,
    pub host: Option<&'a HostRecipe>,
    pub setup: EyeSetup,
    pub options: EyeCriterionOptions,
}

impl<'a> EyeCriterion<'a> {
    /// The criterion for `family` (its rate, modulation, Tx edge and Rx bandwidth) over
    /// `cable`. The equaliser search is the reduced one of a reach sweep: CTLE g_DC 0..−20 dB
    /// in 2 dB with g_DC2 0/−3/−6 dB, Tx c(−1) 0..−0.3 in 0.1 with c(−2) 0/0.04 and c(1) 0/−0.1,
    /// every second sampling phase.
    pub fn new(
        family: &CopperFamily,
        cable: TwinaxParams,
        plug: Plug,
        host: Option<&'a HostRecipe>,
        options: EyeCriterionOptions,
    ) -> Result<EyeCriterion<'a>> {
        let baud = family.signalling_rate_gbd * 1e9;
        let levels = match family.bits_per_symbol {
            1 => NRZ.to_vec(),
            2 => PAM4.to_vec(),
            b => {
                return Err(Error::invalid(format!(
                    "{b} bits per symbol: NRZ or PAM4 only"
                )));
            }
        };
        let mut pulse = PulseOptions::com_defaults(baud);
        pulse.tx_rise_s = Some(family.figures.tx_transition_time_s);
        pulse.rx_bandwidth_hz = Some(family.figures.rx_bandwidth_over_fb * baud);
        let pre1: Vec<f64> = (0..=3).map(|k| -0.1 * k as f64).collect();
        let tx = Ffe::transmitter_grid(&[0.0, 0.04], &pre1, &[0.0, -0.1], 0.5);
        let mut dfe_limits = vec![0.3; options.dfe_taps];
        if let Some(f) = dfe_limits.first_mut() {
            *f = 0.85;
        }
        let setup = EyeSetup {
            baud,
            pulse,
            search: EqSearch {
                ctle: Ctle::grid(baud, -20.0, 2.0, &[0.0, -3.0, -6.0])?,
                tx,
                rx_ffe: None,
                dfe_taps: options.dfe_taps,
                dfe_limits,
                levels,
                amplitude_v: options.amplitude_v,
                eta0_v2_per_hz: options.eta0_v2_per_hz,
                terms: FomTerms {
                    snr_tx_db: options.snr_tx_db,
                    rj_rms_ui: options.rj_rms_ui,
                    dj_dd_ui: options.dj_dd_ui,
                },
                phase_step: 2,
            },
            rj_rms_ui: options.rj_rms_ui,
            dj_dd_ui: options.dj_dd_ui,
            ber: options.ber,
        };
        Ok(EyeCriterion {
            cable,
            plug,
            host,
            setup,
            options,
        })
    }

    /// The frequencies the channel of `length_m` is evaluated at: 10 MHz to 2.5 × the symbol
    /// rate (past the receiver filter's roll-off), in steps that resolve the channel's phase —
    /// at most a quarter turn per step for a delay of 6 ns/m plus 4 ns of hosts, and no coarser
    /// than 20 MHz (a coarser step aliases the phase, and the unwrapped delay comes out wrong).
    pub fn frequency_hz(&self, length_m: f64) -> Vec<f64> {
        phase_resolving_grid(6e-9 * length_m + 4e-9, 2.5 * self.setup.baud)
    }

    /// The eye heights (V) and widths (UI) at `length_m`.
    pub fn eye_at(&self, length_m: f64) -> Result<(Vec<f64>, Vec<f64>)> {
        let f = self.frequency_hz(length_m);
        let net = match self.host {
            Some(h) => die_to_die(&f, h, h, &self.plug, &self.cable, length_m)?,
            None => cable_assembly(&f, &self.plug, &self.cable, length_m, 50.0)?,
        };
        let h: Vec<Complex64> = (0..net.nfreq()).map(|k| net.s[[k, 1, 0]]).collect();
        let e = link_eye(&f, &h, &self.setup, Par::Seq)?;
        Ok((e.heights_v, e.widths_ui))
    }
}

impl Criterion for EyeCriterion<'_> {
    fn name(&self) -> &str {
        "eye"
    }

    fn margin_db(&self, length_m: f64) -> Result<f64> {
        let (h, w) = match self.eye_at(length_m) {
            Ok(x) => x,
            // no equaliser setting leaves a positive cursor: the eye is shut
            Err(e) if e.to_string().contains("too lossy") => return Ok(f64::NEG_INFINITY),
            Err(e) => return Err(e),
        };
        let hmin = h.iter().copied().fold(f64::INFINITY, f64::min);
        let wmin = w.iter().copied().fold(f64::INFINITY, f64::min);
        let ratio_db = |x: f64, t: f64| {
            if x > 0.0 {
                20.0 * (x / t).log10()
            } else {
                f64::NEG_INFINITY
            }
        };
        let mut m = ratio_db(hmin, self.options.min_height_v);
        if self.options.min_width_ui > 0.0 {
            m = m.min(ratio_db(wmin, self.options.min_width_ui));
        }
        Ok(m)
    }
}
