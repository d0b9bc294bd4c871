//! `sireach channel fit`: fit the twinax model to a measured cable assembly.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::fom::differential;
use crate::channel::fit::fit_twinax;
use crate::channel::twinax::{TwinaxParams, loss_db_per_metre};
use crate::error::{Error, Result};
use crate::network::PortPairing;
use crate::presets::{CopperFamily, Presets};
use crate::reach::{Criterion, DAC_SEARCH_MAX_M, IlBudget, REACH_RESOLUTION_M, max_length};

/// Fit the twinax model to a measured cable assembly of known length.
///
/// Takes the differential insertion loss of the file, removes two plugs (the preset plug model,
/// data/cables/twinax.toml), divides by --length and fits a0 + a1 √f + a2 f per metre over
/// --band-ghz (non-negative least squares); a1 and a2 become the model's surface factor K and
/// tan δ, keeping the gauge's conductor, 100 Ω and ε_r. Reports the per-metre loss, the
/// residual, and — for "this cable, but 3.5 m" — the fitted cable's loss at --at-length and its
/// reach against a PMD's cable-assembly limit (--pmd). Predictions scale the √f and f terms
/// with length and keep the constant term (connectors) at its measured total.
///
/// Examples:
///   sireach channel fit CA_19p75dB_thru.s4p.gz --length 2 --awg 26
///   sireach channel fit cable.s4p --length 3 --awg 28 --at-length 3.5 --pmd 100GBASE-CR1
///   sireach channel fit cable.s4p --length 2 --awg 26 --band-ghz 0.5 30 --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct FitArgs {
    /// The cable assembly (Touchstone 4-port or differential 2-port, optionally .gz).
    file: PathBuf,
    /// Length of the measured assembly's bulk cable, m.
    #[arg(long)]
    length: f64,
    /// Wire gauge of the cable (sets the conductor diameter of the model), AWG.
    #[arg(long)]
    awg: f64,
    /// Fitting band, GHz (low high). Default: 0.05 GHz up to the Nyquist frequency of --pmd
    /// (the band that matters for that PMD; measured assemblies are often noise above it), or
    /// up to 26.5625 GHz (100G/lane Nyquist) without --pmd, never beyond the data.
    #[arg(long, num_args = 2, value_names = ["LO", "HI"])]
    band_ghz: Option<Vec<f64>>,
    /// Predict the fitted cable assembly's loss at this length, m.
    #[arg(long)]
    at_length: Option<f64>,
    /// PMD whose Nyquist frequency and cable-assembly limit give the prediction and reach.
    #[arg(long)]
    pmd: Option<String>,
    /// Differential pairs of a 4-port (see `channel fom --help`).
    #[arg(long, default_value = "1-3/2-4")]
    pairing: String,
    /// Print the fit as JSON.
    #[arg(long)]
    json: bool,
    /// Read presets from this folder instead of the built-in ones.
    #[arg(long)]
    presets: Option<PathBuf>,
}

pub fn run(a: FitArgs) -> Result<ExitCode> {
    let presets = Presets::from_dir_or_embedded(a.presets.as_deref())?;
    if !(24.0..=34.0).contains(&a.awg) {
        return Err(Error::invalid(format!(
            "--awg {} is outside the model's 24–34 AWG",
            a.awg
        )));
    }
    let family = a
        .pmd
        .as_deref()
        .map(|p| CopperFamily::find(&presets.copper, p))
        .transpose()?;
    let net = differential(&a.file, &PortPairing::parse(&a.pairing)?)?;
    let il = net.insertion_loss_db(1, 0)?.to_vec();
    let f = net.frequency_hz.to_vec();
    let band = match &a.band_ghz {
        Some(b) if b[0] < b[1] => (b[0] * 1e9, b[1] * 1e9),
        Some(b) => {
            return Err(Error::invalid(format!(
                "--band-ghz {} {}: the low edge must be below the high edge",
                b[0], b[1]
            )));
        }
        None => {
            let top = family.map_or(26.5625e9, |(fam, _)| fam.nyquist_hz());
            (0.05e9, top.min(f.last().copied().unwrap_or(top)))
        }
    };
    let base = TwinaxParams::from_preset(&presets.twinax, a.awg);
    let fit = fit_twinax(
        &f,
        &il,
        a.length,
        band,
        |x| presets.twinax.plug_loss_db(x),
        &base,
    )
    .map_err(|e| e.with_file(&a.file))?;
    let nyquist = family.map(|(fam, _)| fam.nyquist_hz());
    // Predictions use the fitted per-metre polynomial itself (the measured cable's own loss),
    // which stays valid when the fitted K or tan δ are not those of a plausible twinax.
    let p = &fit.per_metre;
    // The fitted constant a0 (per metre of the measured length) is a fixed connector term, not
    // a loss that grows with length: it is kept at its measured total a0·length.
    let fixed_db = p.a0_db * a.length;
    let predict = |len: f64, f_hz: f64| -> Result<f64> {
        Ok(fixed_db + len * (p.at(f_hz) - p.a0_db) + 2.0 * presets.twinax.plug_loss_db(f_hz))
    };
    let prediction = match (a.at_length, nyquist) {
        (Some(l), Some(fq)) => Some((l, fq, predict(l, fq)?)),
        (Some(l), None) => Some((l, 26.5625e9, predict(l, 26.5625e9)?)),
        _ => None,
    };
    let reach = match family {
        Some((fam, _)) => {
            let budget = IlBudget {
                limit_db: fam.ca_il_max_db,
                nyquist_hz: fam.nyquist_hz(),
                cable_db_per_m: p.at(fam.nyquist_hz()) - p.a0_db,
                plugs_db: fixed_db + 2.0 * presets.twinax.plug_loss_db(fam.nyquist_hz()),
            };
            let r = max_length(&budget, DAC_SEARCH_MAX_M, REACH_RESOLUTION_M)?;
            Some((
                fam.ca_il_max_db,
                fam.ca_il_grade.clone(),
                r.reach_m,
                budget.name().to_string(),
            ))
        }
        None => None,
    };
    // K < 1 is less conductor loss than smooth copper of this gauge: not a twinax of it.
    let model_loss = loss_db_per_metre(&fit.params, &[26.5625e9])
        .ok()
        .map(|v| v[0]);
    let plausible = fit.params.surface_factor >= 1.0 && model_loss.is_some();
    let warning = (!plausible).then(|| {
        format!(
            "the fitted surface factor K = {:.3} is below 1 (less conductor loss than smooth {} AWG copper): \
             the measured loss does not look like {} m of {} AWG twinax (check --length and --awg, \
             or the file holds more than a cable assembly); predictions use the fitted polynomial",
            fit.params.surface_factor, a.awg, a.length, a.awg
        )
    });
    if a.json {
        let v = serde_json::json!({
            "file": a.file.display().to_string(),
            "length_m": a.length,
            "awg": a.awg,
            "band_hz": [band.0, band.1],
            "points": p.points,
            "per_metre_db": { "a0": p.a0_db, "a1_per_sqrt_ghz": p.a1_db_per_sqrt_ghz, "a2_per_ghz": p.a2_db_per_ghz },
            "rms_residual_db_per_m": p.rms_residual_db,
            "max_residual_db_per_m": p.max_residual_db,
            "rms_residual_db": p.rms_residual_db * a.length,
            "surface_factor": fit.params.surface_factor,
            "plausible_twinax": plausible,
            "warning": warning,
            "tan_delta": fit.params.tan_delta,
            "loss_db_per_m": {
                "12.890625GHz": p.at(12.890625e9),
                "26.5625GHz": p.at(26.5625e9),
                "53.125GHz": p.at(53.125e9),
            },
            "prediction": prediction.map(|(l, fq, db)| serde_json::json!({"length_m": l, "frequency_hz": fq, "il_db": db})),
            "reach": reach.as_ref().map(|(lim, g, r, c)| serde_json::json!({"pmd": a.pmd, "limit_db": lim, "limit_grade": g, "reach_m": r, "criterion": c})),
        });
        let text =
            serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} m of {} AWG, fitted over {:.2}–{:.2} GHz ({} points), two preset plugs removed",
        a.file.display(),
        a.length,
        a.awg,
        band.0 / 1e9,
        band.1 / 1e9,
        p.points
    );
    println!(
        "  per metre      {:.4} + {:.4} √f + {:.5} f dB (f in GHz)",
        p.a0_db, p.a1_db_per_sqrt_ghz, p.a2_db_per_ghz
    );
    println!(
        "  residual       RMS {:.3} dB/m, max {:.3} dB/m ({:.2} dB RMS over the assembly)",
        p.rms_residual_db,
        p.max_residual_db,
        p.rms_residual_db * a.length
    );
    println!(
        "  model          surface factor K = {:.3}, tan δ = {:.2e} (ε_r {} kept)",
        fit.params.surface_factor, fit.params.tan_delta, base.eps_r
    );
    println!(
        "  loss per metre {:.2} dB @ 12.89 GHz, {:.2} dB @ 26.56 GHz, {:.2} dB @ 53.13 GHz",
        p.at(12.890625e9),
        p.at(26.5625e9),
        p.at(53.125e9)
    );
    if let Some(w) = &warning {
        println!("  warning        {w}");
    }
    if let Some((l, fq, db)) = prediction {
        println!(
            "  at {l} m        {db:.2} dB at {:.4} GHz (plugs included)",
            fq / 1e9
        );
    }
    if let Some((lim, g, r, _)) = reach {
        println!(
            "  reach          {r:.2} m for {} ({lim} dB cable-assembly limit, grade {g})",
            a.pmd.as_deref().unwrap_or("")
        );
    }
    Ok(ExitCode::SUCCESS)
}
