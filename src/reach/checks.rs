//! Checks at the reach length: the cable-assembly figures that are not monotone in length (ERL
//! rises as a longer cable attenuates the far end's echoes; ILD is a shape), so they are
//! evaluated where the insertion-loss search stopped rather than searched on. A failing check
//! is reported beside the row; the reach it would allow is for the user's judgement.
//!
//! The cable assembly is plug + twinax(L) + plug at 100 Ω (`channel::link`), on a uniform grid
//! from DC to the signalling rate in 10 MHz steps (ERL needs data up to `f_b`, Annex 93A.5).

use serde::Serialize;

use crate::channel::assembly::erl::{ErlParams, erl_both_ends};
use crate::channel::assembly::ild::{IldWeighting, fitted_il, fom_ild_db};
use crate::channel::link::{Plug, flipped};
use crate::channel::package::chain;
use crate::channel::twinax::{TwinaxParams, network};
use crate::error::Result;
use crate::network::Network;
use crate::presets::CopperFamily;

/// Grid step of the checks, Hz.
pub const CHECK_STEP_HZ: f64 = 10e6;

/// ERL and FOM_ILD of the modelled cable assembly at one length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssemblyChecks {
    /// The smaller ERL of the two ends, dB, when the family has an ERL set.
    pub erl_db: Option<f64>,
    pub erl_min_db: Option<f64>,
    pub erl_pass: Option<bool>,
    pub fom_ild_db: f64,
}

/// Plug + `length_m` of `cable` + plug, as a differential two-port at 100 Ω.
pub fn cable_assembly(
    frequency_hz: &[f64],
    cable: &TwinaxParams,
    plug: &Plug,
    length_m: f64,
) -> Result<Network> {
    let p = plug.network(frequency_hz, 50.0)?;
    chain(&[
        p.clone(),
        network(cable, frequency_hz, length_m, 100.0)?,
        flipped(&p),
    ])
}

/// The checks of `family` on the cable assembly of `length_m`.
pub fn assembly_checks(
    family: &CopperFamily,
    cable: &TwinaxParams,
    plug: &Plug,
    length_m: f64,
) -> Result<AssemblyChecks> {
    let fb = family.signalling_rate_baud();
    let n = (fb / CHECK_STEP_HZ).ceil() as usize;
    let f: Vec<f64> = (0..=n).map(|k| k as f64 * CHECK_STEP_HZ).collect();
    let ca = cable_assembly(&f, cable, plug, length_m)?;
    let il = ca.insertion_loss_db(1, 0)?.to_vec();
    let band = family.fom_band_hz();
    let fit = fitted_il(&f, &il, band)?;
    let w = IldWeighting {
        signalling_rate_baud: fb,
        tx_transition_time_s: family.figures.tx_transition_time_s,
        rx_bandwidth_hz: family.figures.rx_bandwidth_over_fb * fb,
    };
    let fom_ild_db = fom_ild_db(&f, &fit.ild_db, band, &w)?;
    let erl_db = match &family.figures.erl_set {
        Some(name) => {
            let [a, b] = erl_both_ends(&ca, &ErlParams::named(name)?)?;
            Some(a.erl_db.min(b.erl_db))
        }
        None => None,
    };
    Ok(AssemblyChecks {
        erl_db,
        erl_min_db: family.figures.erl_min_db,
        erl_pass: match (erl_db, family.figures.erl_min_db) {
            (Some(e), Some(m)) => Some(e >= m),
            _ => None,
        },
        fom_ild_db,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Presets;

    #[test]
    fn a_modelled_assembly_is_smooth_and_barely_reflects() {
        // matched plugs and a 100 Ω cable: the only reflection is the cable's own small
        // impedance error at low frequency, so ERL is far above the 8.25 dB limit and FOM_ILD
        // is numerical; a 20 % impedance error (80 Ω cable) is a real reflection, ρ = −0.11,
        // whose ERL must fall near −20 log10 |ρ| ≈ 19 dB (two echoes, both inside the window)
        let p = Presets::embedded().unwrap();
        let (fam, _) = CopperFamily::find(&p.copper, "100GBASE-CR1").unwrap();
        let plug = Plug::from_preset(&p.twinax);
        let cable = TwinaxParams::from_preset(&p.twinax, 26.0);
        let c = assembly_checks(fam, &cable, &plug, 2.0).unwrap();
        assert!(
            c.erl_db.unwrap() > 30.0 && c.erl_pass == Some(true),
            "{c:?}"
        );
        assert!(c.fom_ild_db < 0.01, "{c:?}");
        let bad = TwinaxParams {
            z_diff_ohm: 80.0,
            ..cable
        };
        let c = assembly_checks(fam, &bad, &plug, 2.0).unwrap();
        let rho: f64 = 20.0 / 180.0;
        let single = -20.0 * rho.log10();
        assert!(
            c.erl_db.unwrap() < single + 1.0 && c.erl_db.unwrap() > single - 6.0,
            "{c:?} vs {single}"
        );
        // and the mismatch shows up as ILD ripple
        assert!(c.fom_ild_db > 0.01, "{c:?}");
    }
}
