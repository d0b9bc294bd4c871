//! The statistical eye of an equalised pulse response: at each sampling phase, the PMF of the
//! residual intersymbol interference (the convolution of per-cursor PMFs, IEEE 802.3 Annex
//! 93A.1.7.1 eqs. 93A-39 to 93A-41, as COM computes it: `../shared/com/README.md` pitfall 9),
//! the dual-Dirac jitter as a two-delta PMF, and Gaussian noise and random jitter; from these
//! the eye's edges, height and width at any probability, contours and bathtubs.
//!
//! The model, at phase `φ` (samples from the main cursor `c`, `M` samples per UI):
//! * cursors `h_k(φ) = v[c + φ + k·M]`, pre- and post-cursors alike, zero outside the pulse;
//!   the DFE taps `b_j = clip(h_j(0)/h_0(0), ±limit_j)·h_0(0)` (93A-26) are set at `φ = 0` and
//!   held, so the residual post-cursor at `φ` is `h_j(φ) − b_j` (in `isi.rs`);
//! * the residual ISI `X(φ) = Σ_{k≠0} a_k·r_k(φ)`, `a_k` independent and uniform over the
//!   symbol levels, as a PMF on a grid of `bin_v` (default `min(h_0/1000, 10 µV)`, COM's
//!   93A.1.7.1 note 1); a cursor too small to move any of its deltas off bin 0 is not
//!   convolved, its mean and variance join the Gaussian part instead of being dropped (COM
//!   also drops every cursor below `10⁻³·A_s`; here all the others are convolved);
//! * jitter through the pulse's slopes `h'_k(φ)` (central difference, V/UI, 93A-28) combined as
//!   COM does, `σ_J² = (σ_RJ² + A_DD²)·σ_X²·Σ_k h_J²(k)` (Annex 93A.1.6, as PyChOpMarg 3.4.0
//!   computes it): here `s(φ)² = E[(Σ_k a_k·h'_k(φ))²]` over every cursor (`σ_X²·Σ h'_k²` for
//!   zero-mean levels; COM keeps the cursor and the post-cursors above `10⁻³·A_s`, and neither
//!   conditions on the current symbol); random jitter adds `(σ_RJ·s)²` to the Gaussian variance
//!   and the dual-Dirac jitter is the delta pair `±A_DD·s` (mass ½ each) convolved into the
//!   PMF, as COM's final step treats `A_DD` (pitfall 9);
//! * the Gaussian part `σ² = σ_noise² + (σ_RJ·s)²` (+ the variance of unconvolved cursors).
//!
//! A sample given the current symbol `L_i` is `L_i·h_0(φ) + X(φ) + n`. For the eye `e` between
//! levels `L_e < L_{e+1}` (`e = 0` lowest), at probability `p`, the **upper edge** is the lower
//! `p`-quantile of `L_{e+1}·h_0 + X + n` and the **lower edge** the `(1 − p)`-quantile of
//! `L_e·h_0 + X + n`; the height is upper − lower (negative when closed). This is the
//! definition the time-domain eye ([`super::time_domain`]) measures as well.

mod gauss;
mod isi;
mod tail;
#[cfg(test)]
mod tests;
mod view;

pub use isi::{MAX_BINS, Pmf};
pub use view::BATHTUB_POINTS;

use crate::error::{Error, Result};
use crate::signal::pulse::Sampled;
use tail::Dist;

/// The smallest probability the eye is evaluated at; tails are accurate to about `10⁻⁸` in
/// relative terms down to it.
pub const P_MIN: f64 = 1e-25;
/// Most bins all phases' PMFs may hold together (64 MiB of `f64`).
pub const MAX_TOTAL_BINS: usize = 1 << 23;
/// Most DFE taps.
pub const MAX_DFE_TAPS: usize = 1024;
/// Most symbol levels.
pub const MAX_LEVELS: usize = 64;

/// NRZ levels.
pub const NRZ: [f64; 2] = [-1.0, 1.0];
/// PAM4 levels (equally spaced, no level mismatch).
pub const PAM4: [f64; 4] = [-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0];

/// A decision-feedback equaliser: `taps` taps, each limited to `|b_j|/h_0 ≤ limits[j − 1]`
/// (COM's `b_max(n)`, 93A-26) when limits are given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DfeSpec {
    pub taps: usize,
    pub limits: Option<Vec<f64>>,
}

/// What the statistical eye is computed from.
#[derive(Debug, Clone)]
pub struct StatEyeInputs<'a> {
    /// The equalised pulse response of a unit symbol.
    pub pulse: &'a Sampled,
    /// Sample index of the main cursor: the sampling phase `φ = 0`.
    pub cursor_index: usize,
    /// Symbol levels, strictly increasing, equiprobable and independent (e.g. [`PAM4`]).
    pub symbol_levels: &'a [f64],
    pub dfe: DfeSpec,
    /// RMS of the Gaussian noise at the sampler, V.
    pub noise_rms_v: f64,
    /// RMS random jitter, UI.
    pub rj_rms_ui: f64,
    /// Dual-Dirac deterministic jitter amplitude `A_DD` (the deltas are at `±A_DD`), UI.
    pub dj_dd_ui: f64,
    /// Voltage bin; `None` for COM's `min(h_0/1000, 10 µV)`.
    pub bin_v: Option<f64>,
    /// Phases to compute, as sample offsets from the cursor, strictly increasing, including 0,
    /// within one UI either side; `None` for every sample of the UI centred on the cursor
    /// (`−⌊M/2⌋ .. M − ⌊M/2⌋`).
    pub phases: Option<&'a [i64]>,
}

impl<'a> StatEyeInputs<'a> {
    /// No DFE, no noise, no jitter, default bin and phases.
    pub fn new(pulse: &'a Sampled, cursor_index: usize, symbol_levels: &'a [f64]) -> Self {
        StatEyeInputs {
            pulse,
            cursor_index,
            symbol_levels,
            dfe: DfeSpec::default(),
            noise_rms_v: 0.0,
            rj_rms_ui: 0.0,
            dj_dd_ui: 0.0,
            bin_v: None,
            phases: None,
        }
    }
}

/// One computed phase.
#[derive(Debug, Clone)]
struct PhaseEye {
    /// Samples from the cursor.
    offset: i64,
    /// `h_0(φ)`, V.
    h0_v: f64,
    /// `X + n` at this phase.
    dist: Dist,
}

/// A statistical eye: per phase, the distribution of the sample around each level. Read it
/// with [`StatEye::height_v`], [`StatEye::width_ui`], [`StatEye::contour`] and the bathtubs.
#[derive(Debug, Clone)]
pub struct StatEye {
    levels: Vec<f64>,
    samples_per_ui: usize,
    phases: Vec<PhaseEye>,
    /// Index of `φ = 0` in `phases`.
    sampling: usize,
    dfe_v: Vec<f64>,
}

/// Computes the statistical eye.
pub fn stat_eye(inp: &StatEyeInputs<'_>) -> Result<StatEye> {
    validate(inp)?;
    let (v, m, c) = (&inp.pulse.v, inp.pulse.samples_per_ui, inp.cursor_index);
    let h0 = v[c];
    let bin_v = inp.bin_v.unwrap_or((h0 / 1000.0).min(10e-6));
    let default_phases: Vec<i64>;
    let offsets: &[i64] = match inp.phases {
        Some(p) => p,
        None => {
            let half = (m / 2) as i64;
            default_phases = (-half..m as i64 - half).collect();
            &default_phases
        }
    };
    let dfe_v = isi::dfe_taps(v, m, c, inp.dfe.taps, inp.dfe.limits.as_deref());
    let levels = inp.symbol_levels;
    let nl = levels.len() as f64;
    let mean_a = levels.iter().sum::<f64>() / nl;
    let var_a = levels.iter().map(|a| (a - mean_a).powi(2)).sum::<f64>() / nl;
    let phase_eye = |offset: i64| -> Result<PhaseEye> {
        let cur = isi::phase_cursors(v, m, c, offset, &dfe_v);
        let s = &cur.slopes_v_per_ui;
        let (sum, sum_sq) = (s.iter().sum::<f64>(), s.iter().map(|x| x * x).sum::<f64>());
        let slope = (var_a * sum_sq + mean_a * mean_a * sum * sum).sqrt();
        let (mut pmf, (skip_mean, skip_var)) =
            isi::isi_pmf(&cur.residual_v, levels, inp.dj_dd_ui * slope, bin_v)?;
        pmf.first_v += skip_mean;
        let sigma = (inp.noise_rms_v.powi(2) + (inp.rj_rms_ui * slope).powi(2) + skip_var).sqrt();
        let dist = Dist::new(pmf, sigma, MAX_BINS).ok_or_else(|| {
            Error::invalid(format!(
                "the Gaussian part (σ = {sigma:e} V) spans more than {MAX_BINS} bins of \
                 {bin_v:e} V; choose a larger bin_v"
            ))
        })?;
        Ok(PhaseEye {
            offset,
            h0_v: cur.h0_v,
            dist,
        })
    };
    // phases in parallel, a thread-count's worth at a time, so the bin budget is checked before
    // the next batch is allocated
    let mut phases: Vec<PhaseEye> = Vec::with_capacity(offsets.len());
    let mut total_bins = 0usize;
    for batch in offsets.chunks(rayon::current_num_threads().max(1)) {
        use rayon::prelude::*;
        let done: Vec<PhaseEye> = batch
            .par_iter()
            .map(|&o| phase_eye(o))
            .collect::<Result<_>>()?;
        total_bins += done.iter().map(|p| p.dist.pmf.p.len()).sum::<usize>();
        if total_bins > MAX_TOTAL_BINS {
            return Err(Error::invalid(format!(
                "the ISI distributions of {} phases need more than {MAX_TOTAL_BINS} bins of \
                 {bin_v:e} V; choose a larger bin_v or fewer phases",
                offsets.len()
            )));
        }
        phases.extend(done);
    }
    let sampling = offsets.iter().position(|&o| o == 0).unwrap_or(0);
    Ok(StatEye {
        levels: levels.to_vec(),
        samples_per_ui: m,
        phases,
        sampling,
        dfe_v,
    })
}

fn validate(inp: &StatEyeInputs<'_>) -> Result<()> {
    let bad = |m: String| Err(Error::invalid(m));
    let p = inp.pulse;
    let m = p.samples_per_ui;
    if m == 0 || p.v.is_empty() || p.v.iter().any(|x| !x.is_finite()) {
        return bad(format!(
            "a pulse needs samples per UI ≥ 1 and finite samples (found M = {m}, {} samples)",
            p.v.len()
        ));
    }
    if inp.cursor_index >= p.v.len() || p.v[inp.cursor_index] <= 0.0 {
        return bad(format!(
            "the cursor index {} must be a sample of the pulse (0..{}) with a positive value",
            inp.cursor_index,
            p.v.len()
        ));
    }
    let l = inp.symbol_levels;
    if l.len() < 2
        || l.len() > MAX_LEVELS
        || l.iter().any(|x| !x.is_finite())
        || l.windows(2).any(|w| w[1] <= w[0])
    {
        return bad(format!(
            "symbol levels must be 2 to {MAX_LEVELS} finite values, strictly increasing: {l:?}"
        ));
    }
    let d = &inp.dfe;
    if d.taps > MAX_DFE_TAPS {
        return bad(format!("at most {MAX_DFE_TAPS} DFE taps, found {}", d.taps));
    }
    if let Some(lim) = &d.limits
        && (lim.len() != d.taps || lim.iter().any(|x| !(x.is_finite() && *x >= 0.0)))
    {
        return bad(format!(
            "DFE limits must be {} finite values ≥ 0 (one per tap), found {lim:?}",
            d.taps
        ));
    }
    for (name, x) in [
        ("noise_rms_v", inp.noise_rms_v),
        ("rj_rms_ui", inp.rj_rms_ui),
        ("dj_dd_ui", inp.dj_dd_ui),
    ] {
        if !(x.is_finite() && x >= 0.0) {
            return bad(format!("{name} must be finite and ≥ 0, found {x}"));
        }
    }
    if let Some(b) = inp.bin_v
        && !(b.is_finite() && b > 0.0)
    {
        return bad(format!("bin_v must be finite and > 0, found {b}"));
    }
    if let Some(ph) = inp.phases {
        let mi = m as i64;
        if !ph.contains(&0)
            || ph.windows(2).any(|w| w[1] <= w[0])
            || ph.iter().any(|&x| x < -mi || x > mi)
        {
            return bad(format!(
                "phases must be strictly increasing sample offsets within ±{m} that include 0"
            ));
        }
    }
    Ok(())
}
