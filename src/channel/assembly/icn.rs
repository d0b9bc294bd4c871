//! Integrated crosstalk noise, ICN: the RMS crosstalk voltage at the receiver, from the
//! power-summed near- and far-end crosstalk of a cable assembly.
//!
//! IEEE 802.3 Clause 85.10.7 (40GBASE-CR4; the same form in Clause 92.10.x and 110.10.x), as
//! recalled and not verified against the clause text (grade C):
//! * multiple-disturber crosstalk loss, power sum over the aggressors (eq. 85-19/85-20):
//!   `MDXT(f) = −10 log10 Σ_i 10^(−XT_i(f)/10)`;
//! * the weighting of each, by the spectrum of the reference transmitter and receiver:
//!   `W(f) = (A²/f_b) sinc²(f/f_b) · 1/(1 + (f/f_t)⁴) · 1/(1 + (f/f_r)⁸)`,
//!   with `A` the disturber's amplitude (`A_nt` near end, `A_ft` far end), `f_t = 0.2365/T_t`
//!   and `f_r` the receiver's −3 dB frequency (the same weighting as FOM_ILD, [`super::ild`]);
//! * `σ_nx² = 2 Σ_n Δf_n W_nt(f_n) 10^(−MDNEXT(f_n)/10)`, likewise `σ_fx`, and
//!   `ICN = σ_x = sqrt(σ_nx² + σ_fx²)` (eq. 85-21 … 85-23), over `f_min ≤ f ≤ f_max`.
//!
//! The clause sums on a uniform grid with step `Δf`; on a non-uniform grid each point here
//! carries the width of its trapezoid cell, which is `Δf` on a uniform grid.

use super::ild::IldWeighting;
use crate::error::{Error, Result};

/// Power sum of crosstalk losses (dB, positive = attenuation) at each frequency:
/// `−10 log10 Σ_i 10^(−XT_i/10)`. Errors: no aggressor, or aggressors of different lengths.
pub fn power_sum_loss_db(losses_db: &[&[f64]]) -> Result<Vec<f64>> {
    let first = losses_db
        .first()
        .ok_or_else(|| Error::invalid("a power sum needs at least one aggressor"))?;
    if losses_db.iter().any(|l| l.len() != first.len()) {
        return Err(Error::invalid(
            "crosstalk aggressors must share one frequency grid",
        ));
    }
    Ok((0..first.len())
        .map(|k| {
            let p: f64 = losses_db.iter().map(|l| 10f64.powf(-l[k] / 10.0)).sum();
            -10.0 * p.log10()
        })
        .collect())
}

/// The reference transmitter and receiver of the ICN weighting, and the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IcnParams {
    pub weighting: IldWeighting,
    /// Near-end disturber amplitude `A_nt`, V (peak).
    pub a_next_v: f64,
    /// Far-end disturber amplitude `A_ft`, V (peak).
    pub a_fext_v: f64,
    /// `(f_min, f_max)`, Hz.
    pub band_hz: (f64, f64),
}

/// The outcome of [`icn`]: RMS crosstalk voltages, V.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Icn {
    pub sigma_next_v: f64,
    pub sigma_fext_v: f64,
    /// `sqrt(σ_nx² + σ_fx²)`.
    pub sigma_v: f64,
}

/// Width of each point's trapezoid cell, Hz (the grid must be strictly increasing).
fn cell_widths_hz(frequency_hz: &[f64]) -> Result<Vec<f64>> {
    let n = frequency_hz.len();
    if n < 2 {
        return Err(Error::invalid("ICN needs at least two frequencies"));
    }
    if frequency_hz
        .windows(2)
        .any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
    {
        return Err(Error::invalid(
            "ICN needs strictly increasing, finite frequencies",
        ));
    }
    Ok((0..n)
        .map(|k| {
            let lo = if k == 0 {
                frequency_hz[0]
            } else {
                frequency_hz[k - 1]
            };
            let hi = if k + 1 == n {
                frequency_hz[n - 1]
            } else {
                frequency_hz[k + 1]
            };
            let w = 0.5 * (hi - lo);
            // the end points of a uniform grid count a full step, as the clause's Σ Δf does
            if k == 0 || k + 1 == n { 2.0 * w } else { w }
        })
        .collect())
}

fn sigma_v(
    frequency_hz: &[f64],
    widths: &[f64],
    md_loss_db: &[f64],
    amplitude_v: f64,
    p: &IcnParams,
) -> Result<f64> {
    if md_loss_db.len() != frequency_hz.len() {
        return Err(Error::invalid(
            "ICN: crosstalk loss and frequencies differ in length",
        ));
    }
    if md_loss_db.iter().any(|v| v.is_nan()) {
        return Err(Error::invalid("ICN: crosstalk loss contains NaN"));
    }
    let fb = p.weighting.signalling_rate_baud;
    let mut s2 = 0.0;
    for k in 0..frequency_hz.len() {
        let f = frequency_hz[k];
        if f >= p.band_hz.0 && f <= p.band_hz.1 {
            let w = amplitude_v * amplitude_v / fb * p.weighting.weight(f);
            s2 += 2.0 * widths[k] * w * 10f64.powf(-md_loss_db[k] / 10.0);
        }
    }
    Ok(s2.sqrt())
}

/// ICN from multiple-disturber NEXT and FEXT losses (either may be absent: its σ is 0).
pub fn icn(
    frequency_hz: &[f64],
    mdnext_loss_db: Option<&[f64]>,
    mdfext_loss_db: Option<&[f64]>,
    p: &IcnParams,
) -> Result<Icn> {
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !(ok(p.a_next_v) && ok(p.a_fext_v) && p.band_hz.0 <= p.band_hz.1) {
        return Err(Error::invalid(
            "ICN needs non-negative amplitudes and f_min ≤ f_max",
        ));
    }
    p.weighting.check()?;
    let widths = cell_widths_hz(frequency_hz)?;
    let sigma_next_v = match mdnext_loss_db {
        Some(l) => sigma_v(frequency_hz, &widths, l, p.a_next_v, p)?,
        None => 0.0,
    };
    let sigma_fext_v = match mdfext_loss_db {
        Some(l) => sigma_v(frequency_hz, &widths, l, p.a_fext_v, p)?,
        None => 0.0,
    };
    Ok(Icn {
        sigma_next_v,
        sigma_fext_v,
        sigma_v: sigma_next_v.hypot(sigma_fext_v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> IcnParams {
        IcnParams {
            weighting: IldWeighting {
                signalling_rate_baud: 25.78125e9,
                tx_transition_time_s: 10e-12,
                rx_bandwidth_hz: 0.75 * 25.78125e9,
            },
            a_next_v: 0.6,
            a_fext_v: 0.4,
            band_hz: (50e6, 25.78125e9),
        }
    }

    #[test]
    fn power_sum_of_equal_aggressors_adds_ten_log_n() {
        let a = vec![40.0; 5];
        let s = power_sum_loss_db(&[&a, &a, &a, &a]).unwrap();
        assert!(
            s.iter()
                .all(|v| (v - (40.0 - 10.0 * 4f64.log10())).abs() < 1e-12)
        );
        assert!(power_sum_loss_db(&[]).is_err());
        assert!(power_sum_loss_db(&[&a, &a[..3]]).is_err());
    }

    #[test]
    fn flat_crosstalk_gives_the_integral_of_the_weighting() {
        // XT = 40 dB flat: σ² = 2 A² 1e-4/f_b ∫ W(f) df over the band. The integral by an
        // independent fine Simpson rule on the analytic weighting; the ICN sum on a 10 MHz grid.
        let p = params();
        let f: Vec<f64> = (5..=2578).map(|k| k as f64 * 10e6).collect();
        let xt = vec![40.0; f.len()];
        let got = icn(&f, Some(&xt), None, &p).unwrap();
        let (a, b) = (f[0], *f.last().unwrap());
        let n = 200_000;
        let h = (b - a) / n as f64;
        let mut integral = p.weighting.weight(a) + p.weighting.weight(b);
        for k in 1..n {
            let x = a + k as f64 * h;
            integral += if k % 2 == 1 { 4.0 } else { 2.0 } * p.weighting.weight(x);
        }
        integral *= h / 3.0;
        let want = (2.0 * 0.36 * 1e-4 / p.weighting.signalling_rate_baud * integral).sqrt();
        // the clause's rectangle sum and the integral differ by ~Δf/(band) at the ends
        assert!(
            (got.sigma_next_v - want).abs() < 2e-3 * want,
            "{} vs {want}",
            got.sigma_next_v
        );
        assert_eq!(got.sigma_fext_v, 0.0);
        assert_eq!(got.sigma_v, got.sigma_next_v);
    }

    #[test]
    fn next_and_fext_add_in_power_and_scale_with_amplitude() {
        let p = params();
        let f: Vec<f64> = (1..=1000).map(|k| k as f64 * 20e6).collect();
        let nx: Vec<f64> = f.iter().map(|x| 35.0 + 1e-9 * x).collect();
        let fx: Vec<f64> = f.iter().map(|x| 45.0 + 0.5e-9 * x).collect();
        let both = icn(&f, Some(&nx), Some(&fx), &p).unwrap();
        let n_only = icn(&f, Some(&nx), None, &p).unwrap();
        let f_only = icn(&f, None, Some(&fx), &p).unwrap();
        assert_eq!(both.sigma_next_v, n_only.sigma_v);
        assert_eq!(both.sigma_fext_v, f_only.sigma_v);
        assert!(
            (both.sigma_v.powi(2) - n_only.sigma_v.powi(2) - f_only.sigma_v.powi(2)).abs() < 1e-20
        );
        // 6.02 dB more crosstalk loss halves σ
        let nx6: Vec<f64> = nx.iter().map(|v| v + 20.0 * 2f64.log10()).collect();
        let half = icn(&f, Some(&nx6), None, &p).unwrap();
        assert!((half.sigma_v - 0.5 * n_only.sigma_v).abs() < 1e-12 * n_only.sigma_v);
    }

    #[test]
    fn bad_grids_are_errors() {
        let p = params();
        assert!(icn(&[1e9], Some(&[40.0]), None, &p).is_err());
        assert!(icn(&[1e9, 1e9], Some(&[40.0, 40.0]), None, &p).is_err());
        assert!(icn(&[1e9, 2e9], Some(&[40.0]), None, &p).is_err());
        assert!(icn(&[1e9, 2e9], Some(&[40.0, f64::NAN]), None, &p).is_err());
    }
}
