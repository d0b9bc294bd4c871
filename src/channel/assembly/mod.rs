//! IEEE 802.3 cable-assembly and channel figures of merit, for any differential `Network`
//! (a preset cable or a user's Touchstone file): insertion loss at the Nyquist frequency,
//! fitted insertion loss and insertion-loss deviation with FOM_ILD ([`ild`], Annex 93A.3/93A.4),
//! integrated crosstalk noise ([`icn`], Clause 85.10.7 form) and effective return loss
//! ([`erl`], Annex 93A.5). [`figures`] computes them all for one PMD family, with its limits.

pub mod erl;
pub mod icn;
pub mod ild;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::network::Network;
use crate::presets::CopperFamily;

/// Insertion loss `−20 log10 |S21|` of a two-port at `frequency_hz`, dB, interpolated linearly
/// in dB between the two nearest points. Errors: not a two-port, or the frequency outside the
/// data.
pub fn il_at_db(net: &Network, frequency_hz: f64) -> Result<f64> {
    check_two_port(net)?;
    let il = net.insertion_loss_db(1, 0)?;
    let f = net.frequency_hz.to_vec();
    Ok(interp_db(&f, il.as_slice().unwrap_or(&il.to_vec()), &[frequency_hz])?[0])
}

/// Linear interpolation of `y(x)` at each `at` (no extrapolation).
fn interp_db(x: &[f64], y: &[f64], at: &[f64]) -> Result<Vec<f64>> {
    if x.is_empty() || x.len() != y.len() {
        return Err(Error::invalid(
            "interpolation needs matching, non-empty data",
        ));
    }
    let (lo, hi) = (x[0], x[x.len() - 1]);
    at.iter()
        .map(|&f| {
            if !(lo..=hi).contains(&f) {
                return Err(Error::invalid(format!(
                    "{f} Hz is outside the data ({lo} to {hi} Hz)"
                )));
            }
            if x.len() == 1 {
                return Ok(y[0]);
            }
            let i = x.partition_point(|&v| v <= f).clamp(1, x.len() - 1) - 1;
            let b = (f - x[i]) / (x[i + 1] - x[i]);
            Ok(y[i] * (1.0 - b) + y[i + 1] * b)
        })
        .collect()
}

fn check_two_port(net: &Network) -> Result<()> {
    if net.nports() != 2 {
        return Err(Error::invalid(format!(
            "'{}' has {} ports; the figures take a differential two-port (use the SDD block of a \
             4-port, `Network::differential`)",
            net.name,
            net.nports()
        )));
    }
    Ok(())
}

/// The cable-assembly figures of one differential channel against one PMD family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaFigures {
    pub clause: String,
    pub nyquist_hz: f64,
    /// Insertion loss at the Nyquist frequency, dB, its limit, grade and verdict.
    pub il_nyquist_db: f64,
    pub il_limit_db: f64,
    pub il_limit_grade: String,
    pub il_pass: bool,
    /// Fitted IL `[a0, a1, a2, a4]` (dB, f in GHz) over `fom_band_hz`, and its RMS residual.
    pub fitted_il_coefficients: [f64; 4],
    pub fom_band_hz: (f64, f64),
    /// Unweighted RMS of the ILD from `f_min` to the Nyquist frequency, dB.
    pub ild_rms_to_nyquist_db: f64,
    /// FOM_ILD (eq. 93A-54), dB.
    pub fom_ild_db: f64,
    /// ICN (RMS crosstalk, V) when aggressors were given.
    pub icn_next_v: Option<f64>,
    pub icn_fext_v: Option<f64>,
    pub icn_v: Option<f64>,
    /// Grade of the reference transmitter/receiver values behind FOM_ILD and ICN.
    pub figures_grade: String,
    /// ERL at end 1 (SDD11) and end 2 (SDD22), dB, when the family has an ERL parameter set
    /// and the data reach its signalling rate; `erl_note` says why not otherwise.
    pub erl_db: Option<[f64; 2]>,
    pub erl_min_db: Option<f64>,
    pub erl_pass: Option<bool>,
    pub erl_note: Option<String>,
    /// The curves behind the figures, on the channel's grid (not serialised): frequency (Hz),
    /// SDD21 insertion loss, fitted IL and ILD (dB), and return loss of both ends (dB).
    #[serde(skip)]
    pub curves: Curves,
}

/// Per-frequency curves of [`CaFigures`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Curves {
    pub frequency_hz: Vec<f64>,
    pub il_db: Vec<f64>,
    pub fitted_il_db: Vec<f64>,
    pub ild_db: Vec<f64>,
    pub rl_db: [Vec<f64>; 2],
}

/// Losses `−20 log10 |S21|` of `net` on the grid `f`, linearly interpolated in dB.
fn loss_on_grid(net: &Network, f: &[f64]) -> Result<Vec<f64>> {
    let il = net.insertion_loss_db(1, 0)?.to_vec();
    interp_db(&net.frequency_hz.to_vec(), &il, f)
}

/// IL at Nyquist, fitted IL, FOM_ILD and (with aggressors) ICN of the differential two-port
/// `thru`, with the family's limits and reference transmitter/receiver
/// ([`crate::presets::FigureParams`]). NEXT and FEXT aggressors are differential two-ports whose
/// `S21` is the coupled path; they are interpolated onto `thru`'s grid.
pub fn figures(
    thru: &Network,
    next: &[Network],
    fext: &[Network],
    family: &CopperFamily,
) -> Result<CaFigures> {
    check_two_port(thru)?;
    let f: Vec<f64> = thru.frequency_hz.to_vec();
    let il = thru.insertion_loss_db(1, 0)?.to_vec();
    let nyquist_hz = family.nyquist_hz();
    let il_nyquist_db = interp_db(&f, &il, &[nyquist_hz])?[0];
    let band = family.fom_band_hz();
    let fit = ild::fitted_il(&f, &il, band)?;
    let weighting = ild::IldWeighting {
        signalling_rate_baud: family.signalling_rate_baud(),
        tx_transition_time_s: family.figures.tx_transition_time_s,
        rx_bandwidth_hz: family.figures.rx_bandwidth_over_fb * family.signalling_rate_baud(),
    };
    let fom_ild_db = ild::fom_ild_db(&f, &fit.ild_db, band, &weighting)?;
    let to_nyquist: Vec<f64> = f
        .iter()
        .zip(&fit.ild_db)
        .filter(|(x, _)| **x >= band.0 && **x <= nyquist_hz)
        .map(|(_, d)| *d)
        .collect();
    let ild_rms_to_nyquist_db = if to_nyquist.is_empty() {
        0.0
    } else {
        (to_nyquist.iter().map(|d| d * d).sum::<f64>() / to_nyquist.len() as f64).sqrt()
    };

    let md = |nets: &[Network]| -> Result<Option<Vec<f64>>> {
        if nets.is_empty() {
            return Ok(None);
        }
        let losses = nets
            .iter()
            .map(|n| {
                check_two_port(n)?;
                loss_on_grid(n, &f)
            })
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&[f64]> = losses.iter().map(Vec::as_slice).collect();
        icn::power_sum_loss_db(&refs).map(Some)
    };
    let (mdnext, mdfext) = (md(next)?, md(fext)?);
    let icn = if mdnext.is_some() || mdfext.is_some() {
        Some(icn::icn(
            &f,
            mdnext.as_deref(),
            mdfext.as_deref(),
            &icn::IcnParams {
                weighting,
                a_next_v: family.figures.a_next_v,
                a_fext_v: family.figures.a_fext_v,
                band_hz: band,
            },
        )?)
    } else {
        None
    };
    let (erl_db, erl_note) = match &family.figures.erl_set {
        None => (
            None,
            Some("no ERL parameter set for this clause in data/standards".to_string()),
        ),
        Some(name) => {
            let params = erl::ErlParams::named(name)?;
            match erl::erl_both_ends(thru, &params) {
                Ok([a, b]) => (Some([a.erl_db, b.erl_db]), None),
                Err(e) => (None, Some(format!("ERL not computed: {e}"))),
            }
        }
    };
    let erl_pass = match (erl_db, family.figures.erl_min_db) {
        (Some([a, b]), Some(min)) => Some(a.min(b) >= min),
        _ => None,
    };
    let curves = Curves {
        rl_db: [
            thru.return_loss_db(0)?.to_vec(),
            thru.return_loss_db(1)?.to_vec(),
        ],
        frequency_hz: f,
        il_db: il,
        fitted_il_db: fit.fitted_db,
        ild_db: fit.ild_db,
    };
    Ok(CaFigures {
        curves,
        erl_db,
        erl_min_db: family.figures.erl_min_db,
        erl_pass,
        erl_note,
        clause: family.clause.clone(),
        nyquist_hz,
        il_nyquist_db,
        il_limit_db: family.ca_il_max_db,
        il_limit_grade: family.ca_il_grade.clone(),
        il_pass: il_nyquist_db <= family.ca_il_max_db,
        fitted_il_coefficients: fit.coefficients,
        fom_band_hz: band,
        ild_rms_to_nyquist_db,
        fom_ild_db,
        icn_next_v: icn.map(|i| i.sigma_next_v),
        icn_fext_v: icn.map(|i| i.sigma_fext_v),
        icn_v: icn.map(|i| i.sigma_v),
        figures_grade: family.figures.grade.clone(),
    })
}
