//! Effective return loss, ERL (IEEE Std 802.3-2022 Annex 93A.5, as used by the 802.3cd/ck
//! cable-assembly, host and channel clauses, e.g. 162.11.3): one number, in dB, for how much
//! the reflections seen at a differential port would hurt a reference receiver.
//!
//! This module owns the whole computation; it needs only a reflection coefficient `Γ(f)` (a
//! port of a [`Network`]). Steps, with the symbols of Annex 93A.5 and the IEEE COM program that
//! implements it (`com_ieee8023_93a`, version 4.30, functions `get_TDR`, `get_PulseR`,
//! `get_pdf_from_sampled_signal`; called "COM" below):
//!
//! 1. **Filtered reflection.** `H(f) = Γ(f) H_t(f) H_r(f) H_w(f)`, with the Gaussian TDR edge
//!    `H_t(f) = exp(−2 (π f T_r / 1.6832)²)` (eq. 93A-46 form; `T_r` is the 20–80 % transition
//!    time, since a Gaussian step rises from 20 % to 80 % in 1.6832 σ), the receiver's
//!    fourth-order Butterworth `H_r(f)` with 3 dB frequency `f_r f_b` (eq. 93A-20), and the
//!    802.3ck raised-cosine (Tukey) window `H_w`, 1 below `f_r f_b` falling to 0 at `f_b`.
//!    `Γ` is taken with the port driven and the other end terminated in `2 Z_t` (`Z_t` per wire).
//! 2. **Pulse TDR.** `PTDR(t)`: the response of `H` to a rectangular pulse one unit interval
//!    `T_b = 1/f_b` long and of unit amplitude, sampled `M` times per UI (the impulse response
//!    by inverse FFT, then a running sum over `M` samples, as COM does). Time 0 is the centre
//!    of the Gaussian edge for a reflection at the reference plane.
//! 3. **Gating** (eqs. 93A-57…93A-59 as recalled; COM 4.30 `param.Grr = 1`, "the .3cd release"):
//!    `R_eff(t) = PTDR(t) G_rr(t) G_loss(t)` with, for `T_fx ≤ t ≤ T_fx + (N_bx + 1) T_b`,
//!    `G_rr = ρ_x (1 + ρ_x) exp(−((t − T_fx)/T_b − N_bx − 1)² / (N_bx + 1)²)` and
//!    `G_loss = 10^(β_x (t − T_fx − (N_bx + 1) T_b) / 20)`; `G_rr G_loss = 0` before the fixture
//!    delay `T_fx` and 1 after the window (ρ_x = 0.618 makes `ρ_x(1 + ρ_x) = 1`, so the gate is
//!    continuous). The window ends at `T_fx + N T_b`.
//! 4. **Statistics.** Of the `M` sampling phases, the one whose samples `R_eff(t_s + k T_b)`
//!    have the largest energy `Σ R²` is taken (COM's default `ERL_FOM = 1`, "variance"). Each
//!    sample is an independent `L`-level PAM symbol times the sample: the probability
//!    distribution of the sum is built by convolution on a grid of `pdf_bin` (COM eq. 93A-39
//!    levels, `get_pdf_from_sampled_signal`, samples smaller than a bin dropped), and `R_peak`
//!    is minus the value where the cumulative distribution first reaches `DER_0`.
//!    `ERL = −20 log10(R_peak)` (93A-60 form); no reflection gives `+∞`.
//!
//! The equations above were checked against COM 4.30's code; their equation numbers are
//! recalled, not read in the standard. Agreement with that code, run in GNU Octave on five
//! IEEE 802.3ck channel files, is in `tests/channel_erl.rs` (fixture and the command that made
//! it in `tests/fixtures/erl/`).
//!
//! Grids: the spectrum is put on the uniform grid `0, Δf, …, M f_b/2` (`Δf` the data's own step
//! when uniform, otherwise the smallest step, made finer if `1/Δf` would not hold the time
//! window). Data without a DC point are extended to DC ([`extrapolate_to_dc`], cubic, mirrored),
//! non-uniform data are interpolated linearly (real and imaginary parts), and above the data's
//! last frequency the spectrum is zero: the data must reach `f_b`, where the Tukey window (on in
//! every 802.3ck set) closes. COM instead extrapolates magnitude and phase above the data; with
//! the window on, nothing above `f_b` is used either way.

mod pdf;
mod ptdr;

use std::f64::consts::PI;

use ndarray::{Array1, Array2, Array3, s};
use num_complex::Complex64;

use crate::error::{Error, Result};
use crate::network::{DcFill, Network, extrapolate_to_dc};

pub use ptdr::PtdrPlan;

/// Parameters of the ERL computation (Annex 93A.5 and the clause's ERL table). SI units.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlParams {
    /// Signalling rate `f_b`, Bd (1/`T_b`).
    pub signalling_rate_baud: f64,
    /// Samples per unit interval `M` of the pulse TDR.
    pub samples_per_ui: usize,
    /// `T_r`, the 20–80 % transition time of the Gaussian TDR edge, s.
    pub transition_time_s: f64,
    /// `f_r`, the receiver filter's 3 dB frequency as a fraction of `f_b` (eq. 93A-20); also
    /// where the Tukey window starts.
    pub f_r: f64,
    /// Apply the fourth-order Butterworth receiver filter `H_r` (COM `TDR_Butterworth`).
    pub butterworth: bool,
    /// Apply the raised-cosine (Tukey) window from `f_r f_b` to `f_b` (COM `Tukey_Window`).
    pub tukey_window: bool,
    /// `ρ_x`, the permitted reflection from a transmission line outside the device.
    pub rho_x: f64,
    /// `N_bx`, UI: the equalizer length the gate `G_rr` spans.
    pub n_bx: usize,
    /// `β_x`, the incremental available signal loss factor, in Hz (the tables' GHz): `G_loss`
    /// is `10^(β_x t / 20)`, so numerically dB per second.
    pub beta_x_hz: f64,
    /// `T_fx`, the fixture delay: reflections before it are not counted, s.
    pub fixture_delay_s: f64,
    /// `N`, UI: how long after `T_fx` the reflection is followed.
    pub n_ui: usize,
    /// `L`, the number of signal levels (4 for PAM4).
    pub levels: usize,
    /// `DER_0`, the target detector error ratio.
    pub der0: f64,
    /// `Z_t`, the single-ended termination the reflection is referred to, Ω (`2 Z_t`
    /// differential).
    pub z_t_ohm: f64,
    /// Bin of the amplitude distribution, relative to a unit pulse (COM: 10 × `PDF bin size`,
    /// 1e-4).
    pub pdf_bin: f64,
}

impl ErlParams {
    /// The IEEE 802.3ck cable-assembly ERL set (Clause 162.11.3, 100GBASE-CR1 …), as sireach
    /// reads it. Grades as in `../shared/reference/reach-references.md`: from the 802.3ck COM
    /// configuration sheets (`3ck_SA_CR_CA_08_17_2022`, `3ck_SA_162_ERL_HOST_10_26_2022`,
    /// grade A): `f_b` = 53.125 GBd, `L` = 4, `M` = 32, `DER_0` = 1e-4, `T_r` = 10 ps (TR_TDR),
    /// `ρ_x` = 0.618, `f_r` = 0.75, Butterworth and Tukey on, `Z_t` = 50 Ω. Not confirmed from
    /// the standard's table (grade C): `N` = 3500 UI (the sheets hold 3500–4500), `N_bx` = 12
    /// (COM's default, `N_b` = 12 in the CA sheet), `β_x` = 0 (COM's default), `T_fx` = 0 (a
    /// cable assembly measured at its plugs). COM's PDF bin 1e-4. The pass limit is
    /// [`ERL_MIN_8023CK_CABLE_ASSEMBLY_DB`].
    pub fn ieee_8023ck_cable_assembly() -> ErlParams {
        ErlParams {
            signalling_rate_baud: 53.125e9,
            samples_per_ui: 32,
            transition_time_s: 10e-12,
            f_r: 0.75,
            butterworth: true,
            tukey_window: true,
            rho_x: 0.618,
            n_bx: 12,
            beta_x_hz: 0.0,
            fixture_delay_s: 0.0,
            n_ui: 3500,
            levels: 4,
            der0: 1e-4,
            z_t_ohm: 50.0,
            pdf_bin: 1e-4,
        }
    }

    /// The parameter set called `name` in `data/standards` (`ieee_8023ck_cable_assembly`).
    pub fn named(name: &str) -> Result<ErlParams> {
        match name {
            "ieee_8023ck_cable_assembly" => Ok(ErlParams::ieee_8023ck_cable_assembly()),
            _ => Err(Error::invalid(format!(
                "unknown ERL parameter set '{name}'; known: ieee_8023ck_cable_assembly"
            ))),
        }
    }

    /// Unit interval `T_b = 1/f_b`, s.
    pub fn ui_s(&self) -> f64 {
        1.0 / self.signalling_rate_baud
    }

    /// Checks every field (finite, in range). Errors name the field.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("signalling_rate_baud", self.signalling_rate_baud),
            ("transition_time_s", self.transition_time_s),
            ("f_r", self.f_r),
            ("z_t_ohm", self.z_t_ohm),
            ("pdf_bin", self.pdf_bin),
            ("der0", self.der0),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(format!(
                    "ERL parameter {name} must be finite and positive, got {v}"
                )));
            }
        }
        let non_negative = [
            ("rho_x", self.rho_x),
            ("fixture_delay_s", self.fixture_delay_s),
        ];
        for (name, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(format!(
                    "ERL parameter {name} must be finite and non-negative, got {v}"
                )));
            }
        }
        if !self.beta_x_hz.is_finite() {
            return Err(Error::invalid("ERL parameter beta_x_hz must be finite"));
        }
        if self.der0 >= 1.0 {
            return Err(Error::invalid(format!(
                "ERL parameter der0 must be below 1, got {}",
                self.der0
            )));
        }
        if self.f_r >= 1.0 && self.tukey_window {
            return Err(Error::invalid(format!(
                "the Tukey window runs from f_r f_b to f_b, so f_r must be below 1, got {}",
                self.f_r
            )));
        }
        if self.samples_per_ui < 2 || self.samples_per_ui > 4096 {
            return Err(Error::invalid(format!(
                "ERL parameter samples_per_ui must be 2..=4096, got {}",
                self.samples_per_ui
            )));
        }
        if self.levels < 2 || self.levels > 64 {
            return Err(Error::invalid(format!(
                "ERL parameter levels must be 2..=64, got {}",
                self.levels
            )));
        }
        if self.n_ui == 0 || self.n_ui > 1_000_000 {
            return Err(Error::invalid(format!(
                "ERL parameter n_ui must be 1..=1000000 UI, got {}",
                self.n_ui
            )));
        }
        if self.n_bx > self.n_ui {
            return Err(Error::invalid(format!(
                "ERL parameter n_bx ({}) exceeds the reflection window n_ui ({})",
                self.n_bx, self.n_ui
            )));
        }
        Ok(())
    }
}

/// 802.3ck cable-assembly ERL limit, dB (ERL ≥ 8.25 dB; the `ERL Pass threshold` of the CA COM
/// sheet, grade A in `reach-references.md` §1.2).
pub const ERL_MIN_8023CK_CABLE_ASSEMBLY_DB: f64 = 8.25;

/// The outcome of [`erl`]: the figure of merit and the waveforms a plot needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlResult {
    /// `ERL = −20 log10(R_peak)`, dB; `+∞` when no sample exceeds a PDF bin.
    pub erl_db: f64,
    /// `R_peak`, the reflection amplitude (relative to a unit pulse) reached with probability
    /// `DER_0`.
    pub r_peak: f64,
    /// Sample times of the waveforms below, s (time 0: the Gaussian edge's centre for a
    /// reflection at the reference plane). Step `T_b / M`.
    pub time_s: Vec<f64>,
    /// `PTDR(t)`: the reflected unit pulse, before gating.
    pub ptdr: Vec<f64>,
    /// `G_rr(t) G_loss(t)`: 0 before `T_fx`, the gate over the equalizer window, 1 after.
    pub gate: Vec<f64>,
    /// `R_eff(t) = PTDR(t) G_rr(t) G_loss(t)`.
    pub r_eff: Vec<f64>,
    /// The sampling phase chosen, `0..M`, as an index into `time_s` of its first sample.
    pub phase: usize,
    /// The chosen phase's samples of `R_eff`, one per UI, and their times, s.
    pub sample_time_s: Vec<f64>,
    pub samples: Vec<f64>,
}

/// ERL of port `port` (0-based) of `network`, a differential port (for instance `D1` of
/// [`Network::to_mixed_mode`], or either port of a differential two-port such as the twinax
/// model), with every other port terminated in its reference. The reference of `port` must be
/// `2 Z_t` (100 Ω for the IEEE sets); to refer a differential two-port to another `Z_t` with the
/// far end terminated in it, as COM does, use [`erl_both_ends`].
///
/// Errors: a port out of range, a reference other than `2 Z_t`, and those of
/// [`erl_reflection`].
pub fn erl(network: &Network, port: usize, params: &ErlParams) -> Result<ErlResult> {
    network.check_shapes()?;
    params.validate()?;
    if port >= network.nports() {
        return Err(Error::invalid(format!(
            "port {port} is out of range for a {}-port",
            network.nports()
        )));
    }
    let want = 2.0 * params.z_t_ohm;
    let column = network.z0.column(port);
    let off = column.iter().find(|z| (**z - want).norm() > 1e-9 * want);
    if let Some(z) = off {
        return Err(Error::invalid(format!(
            "port {port} is referred to {z} Ω, but ERL needs 2 Z_t = {want} Ω: renormalise the \
             differential network first (or use erl_both_ends)"
        )));
    }
    let gamma: Vec<Complex64> = network.s.slice(s![.., port, port]).to_vec();
    let f = network.frequency_hz.to_vec();
    PtdrPlan::new(&f, params)?.erl(&gamma)
}

/// ERL of a reflection coefficient `gamma` sampled at `frequency_hz` (strictly increasing,
/// non-negative, reaching at least `f_b`). See the module doc for the steps.
///
/// Errors: bad parameters, grids or values that are not finite, fewer than two frequencies,
/// data that stop below `f_b`.
pub fn erl_reflection(
    frequency_hz: &[f64],
    gamma: &[Complex64],
    params: &ErlParams,
) -> Result<ErlResult> {
    PtdrPlan::new(frequency_hz, params)?.erl(gamma)
}

/// ERL at both ends of a differential two-port: ports 0 and 1 of `network` (a differential
/// two-port, or `D1`, `D2` of a mixed-mode network, in which case only the `SDD` block is used,
/// as COM does). When the two-port's references are not `2 Z_t` it is first renormalised to
/// `2 Z_t` at both ports (COM's `TDR_RL`: the far end terminated in `2 Z_t`). One plan serves
/// both ends. Returns `[end 1 (SDD11), end 2 (SDD22)]`.
pub fn erl_both_ends(network: &Network, params: &ErlParams) -> Result<[ErlResult; 2]> {
    network.check_shapes()?;
    params.validate()?;
    if network.nports() < 2 {
        return Err(Error::invalid(format!(
            "both-end ERL needs a two-port (or a mixed-mode network), got a {}-port",
            network.nports()
        )));
    }
    let nf = network.nfreq();
    let block: Array3<Complex64> = network.s.slice(s![.., 0..2, 0..2]).to_owned();
    let z0: Array2<Complex64> = network.z0.slice(s![.., 0..2]).to_owned();
    let mut two_port = Network::new(network.frequency_hz.clone(), block, z0, network.wave)?;
    let want = Complex64::new(2.0 * params.z_t_ohm, 0.0);
    if two_port
        .z0
        .iter()
        .any(|z| (*z - want).norm() > 1e-9 * want.re)
    {
        two_port = two_port.renormalised_uniform(want, network.wave)?;
    }
    let f = two_port.frequency_hz.to_vec();
    let mut plan = PtdrPlan::new(&f, params)?;
    let mut out = Vec::with_capacity(2);
    for p in 0..2 {
        let gamma: Vec<Complex64> = (0..nf).map(|k| two_port.s[[k, p, p]]).collect();
        out.push(plan.erl(&gamma)?);
    }
    let second = out
        .pop()
        .ok_or_else(|| Error::invalid("internal: ERL ends"))?;
    let first = out
        .pop()
        .ok_or_else(|| Error::invalid("internal: ERL ends"))?;
    Ok([first, second])
}

/// `gamma` on the uniform grid `k Δf`, `k = 0..n`, from data on `frequency_hz`: extended to DC
/// when the data start above it ([`extrapolate_to_dc`]), interpolated linearly in magnitude and
/// unwrapped phase where the grids differ (exact for a pure delay, as COM's `interp_Sparam`
/// does), zero above the data.
fn on_uniform_grid(
    frequency_hz: &[f64],
    gamma: &[Complex64],
    df_hz: f64,
    n: usize,
) -> Result<Vec<Complex64>> {
    let nf = frequency_hz.len();
    let (f, g): (Vec<f64>, Vec<Complex64>) = if frequency_hz[0] > 0.0 {
        let s = Array3::from_shape_fn((nf, 1, 1), |(k, _, _)| gamma[k]);
        let net = Network::with_uniform_z0(Array1::from(frequency_hz.to_vec()), s, 100.0)?;
        let net = extrapolate_to_dc(&net, DcFill::UniformGrid)?;
        (net.frequency_hz.to_vec(), net.s.iter().copied().collect())
    } else {
        (frequency_hz.to_vec(), gamma.to_vec())
    };
    let f_last = f[f.len() - 1];
    let count = (0..n)
        .take_while(|&k| k as f64 * df_hz <= f_last * (1.0 + 1e-12))
        .count();
    let mut out = vec![Complex64::new(0.0, 0.0); n];
    let same_grid = f.len() == count
        && f.iter()
            .enumerate()
            .all(|(k, x)| (x - k as f64 * df_hz).abs() <= 1e-9 * df_hz);
    if same_grid {
        out[..count].copy_from_slice(&g);
        return Ok(out);
    }
    let magnitude: Vec<f64> = g.iter().map(|z| z.norm()).collect();
    let mut phase: Vec<f64> = g.iter().map(|z| z.arg()).collect();
    for k in 1..phase.len() {
        let jump = phase[k] - phase[k - 1];
        phase[k] -= (jump / (2.0 * PI)).round() * 2.0 * PI;
    }
    for (k, v) in out.iter_mut().enumerate().take(count) {
        let x = (k as f64 * df_hz).min(f_last);
        let i = f.partition_point(|&fi| fi <= x).clamp(1, f.len() - 1) - 1;
        let w = (x - f[i]) / (f[i + 1] - f[i]);
        let mag = magnitude[i] + w * (magnitude[i + 1] - magnitude[i]);
        let arg = phase[i] + w * (phase[i + 1] - phase[i]);
        *v = Complex64::from_polar(mag, arg);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
