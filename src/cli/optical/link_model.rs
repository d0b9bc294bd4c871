//! `sireach optical link-model`: the IEEE example link model at one length.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::{Error, Result};
use crate::optical::link_model::{LinkInputs, evaluate};

/// Arguments of `sireach optical link-model` (its help text is on `OpticalCmd::LinkModel`).
#[derive(Args, Debug)]
pub struct LinkModelArgs {
    /// TOML file with the link's inputs (keys with units in their names: base_rate_mbd,
    /// lambda_nm, tx_t2080_ps, emb_mhz_km, …; every key required, rin_test_isi optional).
    #[arg(long, value_name = "FILE.toml")]
    inputs: PathBuf,
    /// Fibre length, km.
    #[arg(long, value_name = "L", allow_negative_numbers = true)]
    length_km: f64,
    /// Print one JSON object with the [[vector]] keys (l_km, p_atten_db, chil_db, bwcd_mhz,
    /// bwmd_mhz, te_ps, tc_ps, pisi_center_db, pisi_corners_db, sigma_mpn, pmpn_db, v_rin,
    /// prin_db, pcross_center_db, ptotal_center_db, ptotal_corners_db, margin_db).
    #[arg(long)]
    json: bool,
}

/// What each vector key is, for the text table.
fn describe(key: &str) -> &'static str {
    match key {
        "l_km" => "fibre length, km",
        "p_atten_db" => "fibre attenuation, dB",
        "chil_db" => "channel insertion loss (attenuation + connectors), dB",
        "bwcd_mhz" => "chromatic-dispersion bandwidth, MHz",
        "bwmd_mhz" => "modal bandwidth, MHz",
        "te_ps" => "rise time at the fibre end (Tx, CD, modal), ps",
        "tc_ps" => "rise time of the link (with the receiver), ps",
        "pisi_center_db" => "ISI penalty at the eye centre, dB",
        "pisi_corners_db" => "extra ISI penalty at the Tx-mask corners, dB",
        "sigma_mpn" => "mode-partition-noise sigma",
        "pmpn_db" => "MPN penalty, dB",
        "v_rin" => "RIN variance",
        "prin_db" => "RIN penalty, dB",
        "pcross_center_db" => "cross term at the centre, dB",
        "ptotal_center_db" => "total penalty at the centre, dB",
        "ptotal_corners_db" => "total penalty at the corners, dB",
        "margin_db" => "margin: Tx OMA - Rx sens - connectors - total, dB",
        _ => "",
    }
}

pub fn run(a: LinkModelArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&a.inputs).map_err(|e| Error::io(&a.inputs, e))?;
    let inputs = LinkInputs::from_toml_str(&text, &a.inputs.to_string_lossy())?;
    if !(a.length_km.is_finite() && a.length_km >= 0.0) {
        return Err(Error::invalid(format!(
            "--length-km must be finite and non-negative, found {}",
            a.length_km
        )));
    }
    let b = evaluate(&inputs, a.length_km * 1e3)?;
    if a.json {
        let s = serde_json::to_string_pretty(&b.vector_json())
            .map_err(|e| Error::invalid(e.to_string()))?;
        println!("{s}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "IEEE example link model (10GEPBud3_1_16a), {} at {} km",
        a.inputs.display(),
        a.length_km
    );
    for (k, v) in b.vector_values() {
        let _ = writeln!(out, "  {k:<18} {:>24}  {}", format!("{v}"), describe(k));
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
