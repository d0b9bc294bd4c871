//! Fitting a measured cable: least squares on insertion loss over a band, so a user can say
//! "this cable, but 3.5 m".
//!
//! The insertion loss of a TEM cable is, to first order, `IL(f) = a0 + a1 √f + a2 f` (dB, f in
//! GHz): the skin-effect conductor loss grows as √f and the dielectric loss as f
//! (`../shared/reference/reach-references.md` §2.2; the same form, with an f² term, is the
//! fitted insertion loss of IEEE 802.3 Clause 85/92). [`fit_il`] solves the normal equations
//! for `[a0, a1, a2]`. [`fit_twinax`] removes the loss of two plugs from a cable assembly of
//! known length, divides by the length, and maps the per-metre coefficients onto the twinax
//! model: `a1 = 8.686 K R_s(1 GHz)/(π d Z_d)` gives the surface factor `K`, and
//! `a2 = 8.686 π √ε_r tan δ · 1 GHz / c` gives `tan δ` ([`super::twinax`]).

use nalgebra::{Matrix3, Vector3};

use super::twinax::{C0_M_PER_S, DB_PER_NEPER, MU0_H_PER_M, TwinaxParams};
use crate::error::{Error, Result};

/// The outcome of [`fit_il`].
#[derive(Debug, Clone, PartialEq)]
pub struct IlFit {
    /// dB.
    pub a0_db: f64,
    /// dB/√GHz.
    pub a1_db_per_sqrt_ghz: f64,
    /// dB/GHz.
    pub a2_db_per_ghz: f64,
    /// RMS and largest |IL − fit| over the band, dB.
    pub rms_residual_db: f64,
    pub max_residual_db: f64,
    pub points: usize,
}

impl IlFit {
    /// The fitted loss at `frequency_hz`, dB.
    pub fn at(&self, frequency_hz: f64) -> f64 {
        let f = frequency_hz / 1e9;
        self.a0_db + self.a1_db_per_sqrt_ghz * f.sqrt() + self.a2_db_per_ghz * f
    }
}

/// Least squares of `il_db` against `[1, √f, f]` (f in GHz) over the points with
/// `band_hz.0 ≤ f ≤ band_hz.1`, with `a1, a2 ≥ 0` (a passive cable's conductor and dielectric
/// losses cannot be negative): the unconstrained solution when it is feasible, else the best of
/// the fits with the offending terms removed (an exact active-set solution for three
/// unknowns). Errors: fewer than 3 points in the band, non-finite values.
pub fn fit_il(frequency_hz: &[f64], il_db: &[f64], band_hz: (f64, f64)) -> Result<IlFit> {
    if frequency_hz.len() != il_db.len() {
        return Err(Error::invalid(
            "fit_il: frequencies and losses differ in length",
        ));
    }
    let pts: Vec<(f64, f64)> = frequency_hz
        .iter()
        .zip(il_db)
        .filter(|(f, _)| **f >= band_hz.0 && **f <= band_hz.1)
        .map(|(f, il)| (f / 1e9, *il))
        .collect();
    if pts.len() < 3 {
        return Err(Error::invalid(format!(
            "fitting IL needs at least 3 points between {} and {} Hz, found {}",
            band_hz.0,
            band_hz.1,
            pts.len()
        )));
    }
    if pts.iter().any(|(f, il)| !f.is_finite() || !il.is_finite()) {
        return Err(Error::invalid(
            "fitting IL: a non-finite frequency or loss in the band",
        ));
    }
    let mut ata = Matrix3::<f64>::zeros();
    let mut atb = Vector3::<f64>::zeros();
    for &(f, il) in &pts {
        let row = Vector3::new(1.0, f.sqrt(), f);
        ata += row * row.transpose();
        atb += row * il;
    }
    let x = nonnegative_least_squares(&ata, &atb, &pts)
        .ok_or_else(|| Error::invalid("fitting IL: the band is too narrow to separate √f and f"))?;
    let fit = IlFit {
        a0_db: x[0],
        a1_db_per_sqrt_ghz: x[1],
        a2_db_per_ghz: x[2],
        rms_residual_db: 0.0,
        max_residual_db: 0.0,
        points: pts.len(),
    };
    let res: Vec<f64> = pts.iter().map(|&(f, il)| il - fit.at(f * 1e9)).collect();
    Ok(IlFit {
        rms_residual_db: (res.iter().map(|r| r * r).sum::<f64>() / res.len() as f64).sqrt(),
        max_residual_db: res.iter().fold(0.0f64, |m, r| m.max(r.abs())),
        ..fit
    })
}

/// Solve the normal equations on the columns in `keep` (others fixed at 0); `None` if singular.
fn solve_subset(ata: &Matrix3<f64>, atb: &Vector3<f64>, keep: [bool; 3]) -> Option<Vector3<f64>> {
    let idx: Vec<usize> = (0..3).filter(|&i| keep[i]).collect();
    let n = idx.len();
    let m = nalgebra::DMatrix::from_fn(n, n, |r, c| ata[(idx[r], idx[c])]);
    let b = nalgebra::DVector::from_fn(n, |r, _| atb[idx[r]]);
    let sol = m.cholesky()?.solve(&b);
    let mut x = Vector3::zeros();
    for (k, &i) in idx.iter().enumerate() {
        x[i] = sol[k];
    }
    Some(x)
}

/// The least-squares `[a0, a1, a2]` with `a1, a2 ≥ 0`.
fn nonnegative_least_squares(
    ata: &Matrix3<f64>,
    atb: &Vector3<f64>,
    pts: &[(f64, f64)],
) -> Option<Vector3<f64>> {
    let sse = |x: &Vector3<f64>| -> f64 {
        pts.iter()
            .map(|&(f, il)| (il - x[0] - x[1] * f.sqrt() - x[2] * f).powi(2))
            .sum()
    };
    let full = solve_subset(ata, atb, [true, true, true])?;
    if full[1] >= 0.0 && full[2] >= 0.0 {
        return Some(full);
    }
    [
        [true, false, true],
        [true, true, false],
        [true, false, false],
    ]
    .into_iter()
    .filter_map(|keep| solve_subset(ata, atb, keep))
    .filter(|x| x[1] >= 0.0 && x[2] >= 0.0)
    .min_by(|a, b| sse(a).total_cmp(&sse(b)))
}

/// A twinax model fitted to a measured cable assembly.
#[derive(Debug, Clone, PartialEq)]
pub struct CableFit {
    /// The per-metre fit of the bulk cable (plugs removed, divided by the length).
    pub per_metre: IlFit,
    /// The construction with the fitted `surface_factor` and `tan_delta`.
    pub params: TwinaxParams,
}

/// Fit the twinax model to the insertion loss `il_db` (dB, e.g. −20 log|SDD21|) of a cable
/// assembly of `length_m` whose two plugs lose `plug_db(f)` each, over `band_hz`, keeping the
/// conductor diameter, conductivity, impedance and ε_r of `base`.
pub fn fit_twinax(
    frequency_hz: &[f64],
    il_db: &[f64],
    length_m: f64,
    band_hz: (f64, f64),
    plug_db: impl Fn(f64) -> f64,
    base: &TwinaxParams,
) -> Result<CableFit> {
    if !(length_m.is_finite() && length_m > 0.0) {
        return Err(Error::invalid(format!(
            "cable length must be positive, found {length_m}"
        )));
    }
    let bulk: Vec<f64> = frequency_hz
        .iter()
        .zip(il_db)
        .map(|(&f, &il)| (il - 2.0 * plug_db(f)) / length_m)
        .collect();
    let per_metre = fit_il(frequency_hz, &bulk, band_hz)?;
    let rs_1ghz = (std::f64::consts::PI * 1e9 * MU0_H_PER_M / base.conductivity_s_per_m).sqrt();
    let k = per_metre.a1_db_per_sqrt_ghz
        * std::f64::consts::PI
        * base.conductor_diameter_m
        * base.z_diff_ohm
        / (DB_PER_NEPER * rs_1ghz);
    let tan_delta = per_metre.a2_db_per_ghz * C0_M_PER_S
        / (DB_PER_NEPER * std::f64::consts::PI * base.eps_r.sqrt() * 1e9);
    Ok(CableFit {
        params: TwinaxParams {
            surface_factor: k,
            tan_delta,
            ..base.clone()
        },
        per_metre,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::twinax::network;

    #[test]
    fn an_exact_model_is_fitted_exactly() {
        let f: Vec<f64> = (1..=500).map(|k| k as f64 * 0.1e9).collect();
        let il: Vec<f64> = f
            .iter()
            .map(|x| 0.3 + 0.7 * (x / 1e9).sqrt() + 0.04 * x / 1e9)
            .collect();
        let fit = fit_il(&f, &il, (0.0, 1e12)).unwrap();
        assert!((fit.a0_db - 0.3).abs() < 1e-10 && (fit.a1_db_per_sqrt_ghz - 0.7).abs() < 1e-10);
        assert!((fit.a2_db_per_ghz - 0.04).abs() < 1e-11 && fit.rms_residual_db < 1e-10);
        assert!(
            fit_il(&f, &il, (1e9, 1.1e9)).is_err(),
            "two points cannot carry three terms"
        );
    }

    #[test]
    fn the_twinax_model_fitted_to_itself_gives_back_its_construction() {
        // 3 m of 28 AWG with K = 1.4, tan δ = 5e-4, two plugs of 0.15√f + 0.035f: the fit over
        // 1–40 GHz recovers K and tan δ; the small differences are the model terms the
        // √f + f form leaves out (internal inductance, dielectric dispersion, DC resistance).
        let truth = TwinaxParams {
            surface_factor: 1.4,
            tan_delta: 5e-4,
            ..TwinaxParams::awg(28.0)
        };
        let f: Vec<f64> = (1..=4000).map(|k| k as f64 * 10e6).collect();
        let plug = |f: f64| 0.15 * (f / 1e9).sqrt() + 0.035 * f / 1e9;
        let net = network(&truth, &f, 3.0, 100.0).unwrap();
        let il: Vec<f64> = (0..f.len())
            .map(|k| -20.0 * net.s[[k, 1, 0]].norm().log10() + 2.0 * plug(f[k]))
            .collect();
        let base = TwinaxParams::awg(28.0);
        let fit = fit_twinax(&f, &il, 3.0, (1e9, 40e9), plug, &base).unwrap();
        assert!(
            (fit.params.surface_factor - 1.4).abs() / 1.4 < 0.02,
            "K {}",
            fit.params.surface_factor
        );
        assert!(
            (fit.params.tan_delta - 5e-4).abs() / 5e-4 < 0.1,
            "tan δ {}",
            fit.params.tan_delta
        );
        assert!(
            fit.per_metre.rms_residual_db < 0.01,
            "{}",
            fit.per_metre.rms_residual_db
        );
    }
}
