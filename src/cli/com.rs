//! `sireach com`: IEEE 802.3 Annex 93A Channel Operating Margin of a thru channel with its
//! crosstalk aggressors, from Touchstone files and a COM parameter TOML.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use rayon::prelude::*;

use crate::com::{ComConfig, compute};
use crate::error::{Error, Result};
use crate::network::{Network, PortPairing};
use crate::touchstone::{ReadOptions, read_path};

/// Channel Operating Margin (IEEE 802.3 Annex 93A, classic CTLE + DFE with the MMSE FOM).
///
/// Channels are 4-port single-ended Touchstone files (thrus 1→2 and 3→4; .gz accepted) or
/// differential 2-ports. The configuration is a TOML file with `[params]` in PyChOpMarg's
/// field names (and optional `[run_options]`), e.g. ../shared/com/configs/anchor_r53_ctle_dfe.toml.
///
/// Examples:
///   sireach com --thru thru.s4p.gz --fext f1.s4p.gz --next n1.s4p.gz --config anchor_r53_ctle_dfe.toml
///   sireach com --thru thru.s4p --config my.toml --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ComArgs {
    /// The victim (thru) channel.
    #[arg(long)]
    thru: PathBuf,
    /// Far-end crosstalk aggressors.
    #[arg(long)]
    fext: Vec<PathBuf>,
    /// Near-end crosstalk aggressors.
    #[arg(long)]
    next: Vec<PathBuf>,
    /// COM parameter TOML.
    #[arg(long)]
    config: PathBuf,
    /// Print a JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn load(path: &Path) -> Result<Network> {
    let t = read_path(path, &ReadOptions::default())?;
    match t.network.nports() {
        2 => Ok(t.network),
        4 => t.network.differential(&PortPairing::parse("1-3/2-4")?),
        n => Err(Error::invalid(format!(
            "{}: a COM channel is a 4-port or a differential 2-port, found {n} ports",
            path.display()
        ))),
    }
}

pub fn run(a: ComArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let text = std::fs::read_to_string(&a.config)
        .map_err(|e| Error::invalid(format!("{}: {e}", a.config.display())))?;
    let cfg = ComConfig::from_toml_str(&text)?;
    let thru = load(&a.thru)?;
    let fext = a
        .fext
        .par_iter()
        .map(|p| load(p))
        .collect::<Result<Vec<_>>>()?;
    let next = a
        .next
        .par_iter()
        .map(|p| load(p))
        .collect::<Result<Vec<_>>>()?;
    let r = compute(&cfg, &thru, &fext, &next)?;
    let secs = start.elapsed().as_secs_f64();
    let n = &r.noise;
    if a.json {
        let v = serde_json::json!({
            "com_db": r.com_db,
            "pass": r.com_db >= 3.0,
            "fom_db": r.fom_db,
            "as_v": r.as_v,
            "ani_v": r.ani_v,
            "eye_height_v": r.eye_height_v,
            "equaliser": {
                "g_dc_db": r.choice.g_dc_db,
                "g_dc2_db": r.choice.g_dc2_db,
                "tx_ffe_taps": r.choice.tx_taps,
                "rx_ffe_taps": r.choice.rx_taps,
                "rx_ffe_tap_positions": r.choice.rx_cols,
                "dfe_taps": n.dfe_taps,
                "cursor_ix": r.choice.fom.cursor_ix,
            },
            "noise_v": {
                "sigma_tx": n.sigma_tx_v, "sigma_g": n.sigma_g_v, "sigma_n": n.sigma_n_v,
                "sigma_j": n.sigma_j_v, "sigma_isi": n.sigma_isi_v, "sigma_xt": n.sigma_xt_v,
                "sigma_q": n.sigma_q_v,
            },
            "xt_phases": n.xt_phases,
            "quant_step_v": n.quant_step_v,
            "com_dfe_db": r.mlsd.as_ref().map(|m| m.com_dfe_db),
            "delta_com_mlsd_db": r.mlsd.as_ref().map(|m| m.delta_com_db),
            "mlsd_g_an": r.mlsd.as_ref().map(|m| m.g_an),
            "n_fom_evals": r.choice.n_evals,
            "time_s": secs,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?
        );
    } else {
        println!(
            "COM {:.3} dB ({}; threshold 3 dB)",
            r.com_db,
            if r.com_db >= 3.0 { "pass" } else { "fail" }
        );
        println!(
            "FOM {:.3} dB, A_s {:.3} mV, A_ni {:.3} mV, eye height {:.3} mV",
            r.fom_db,
            r.as_v * 1e3,
            r.ani_v * 1e3,
            r.eye_height_v * 1e3
        );
        let list = |v: &[f64]| {
            v.iter()
                .map(|c| format!("{c:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let n_pre = r.choice.tx_taps.len().saturating_sub(4);
        println!(
            "CTLE g_DC {} dB, g_DC2 {} dB; Tx FFE c(-{n_pre})…c(3): {}",
            r.choice.g_dc_db,
            r.choice.g_dc2_db,
            list(&r.choice.tx_taps)
        );
        if r.choice.rx_taps.len() > 1 {
            println!(
                "Rx FFE ({} positions, cursor at {}): {}",
                r.choice.rx_taps.len(),
                cfg.rx_ffe.dw,
                list(&r.choice.rx_taps)
            );
        }
        println!("DFE b(1)…: {}", list(&n.dfe_taps));
        println!(
            "noise (mV rms): Tx {:.4}  G {:.4}  N {:.4}  J {:.4}  ISI {:.4}  XT {:.4}",
            n.sigma_tx_v * 1e3,
            n.sigma_g_v * 1e3,
            n.sigma_n_v * 1e3,
            n.sigma_j_v * 1e3,
            n.sigma_isi_v * 1e3,
            n.sigma_xt_v * 1e3
        );
        println!("{} equaliser candidates in {secs:.2} s", r.choice.n_evals);
    }
    Ok(ExitCode::SUCCESS)
}
