//! `sireach com`: IEEE 802.3 Annex 93A Channel Operating Margin of a thru channel with its
//! crosstalk aggressors, from Touchstone files and a COM preset or parameter TOML.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use rayon::prelude::*;

use crate::channel::link::{host_recipe, host_recipes};
use crate::com::{ComConfig, ComResult};
use crate::error::{Error, Result};
use crate::network::{Network, PortPairing};
use crate::presets::Presets;
use crate::presets::com::{ComPreset, com_config_by_name_or_path, com_presets};
use crate::reach::com::{CaseResults, ComSearch, com_cases};
use crate::touchstone::{ReadOptions, read_path};

/// Channel Operating Margin (IEEE 802.3 Annex 93A, classic CTLE + DFE with the MMSE FOM).
///
/// Channels are 4-port single-ended Touchstone files (thrus 1→2 and 3→4; .gz accepted) or
/// differential 2-ports. --config is a built-in preset name (see --list-configs: 100GBASE-CR1,
/// 50GBASE-CR, 25GBASE-CR, or any PMD of the same lane such as 400GBASE-CR4; any case) or a TOML
/// file with `[params]` in PyChOpMarg's field names, e.g. ../shared/com/configs/anchor_r53_ctle_dfe.toml.
///
/// A preset is the clause's cable-assembly test: COM adds the Annex 93A packages (and runs
/// every package case of the preset, reporting the smallest COM), and sireach adds the
/// preset's host board at both ends of every channel (the test's include_pcb = 1; turn it off
/// with --host-board none when the files already contain the hosts). Values of a preset marked
/// UNCONFIRMED in its file are not verified against the standard (--list-configs counts them).
///
/// COM ≥ 3 dB passes. The text output gives the chosen equaliser and the noise budget (σ of each
/// term at the sampling point, next to the signal A_s); --json the same for scripts; --plot a
/// figure of the equalised pulses (victim with its one-per-UI samples, aggressors) and the
/// noise budget as bars.
///
/// Examples:
///   sireach com --list-configs
///   C=../shared/com/channels/ck_CA_19p75dB/CA_19p75dB
///   sireach com --thru ${C}_thru.s4p.gz --fext ${C}_fext1.s4p.gz --next ${C}_next1.s4p.gz --config 100GBASE-CR1
///   sireach com --thru ${C}_thru.s4p.gz --config 100gbase-cr1 --search local --plot com.png
///   sireach com --thru thru.s4p --config my.toml --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ComArgs {
    /// The victim (thru) channel.
    #[arg(long, required_unless_present = "list_configs")]
    thru: Option<PathBuf>,
    /// Far-end crosstalk aggressors.
    #[arg(long)]
    fext: Vec<PathBuf>,
    /// Near-end crosstalk aggressors.
    #[arg(long)]
    next: Vec<PathBuf>,
    /// COM preset name (case-insensitive; --list-configs) or parameter TOML file.
    #[arg(
        long,
        value_name = "NAME|FILE",
        required_unless_present = "list_configs"
    )]
    config: Option<String>,
    /// List the built-in COM presets (name, rate, clause, how many values are unconfirmed).
    #[arg(long)]
    list_configs: bool,
    /// Host board added at both ends of every channel: a host recipe of
    /// data/standards/hosts.toml, or none. Default: the preset's (none for a plain TOML).
    #[arg(long, value_name = "NAME|none")]
    host_board: Option<String>,
    /// Equaliser search: full (every candidate of the config's grid; 802.3ck: 283 416 per
    /// package case, about 40 s) or local (a coarse grid, then full resolution around its best;
    /// about a second, within 0.03 dB of full on the 802.3ck channels tested).
    #[arg(long, value_enum, default_value_t = SearchArg::Full)]
    search: SearchArg,
    /// Also draw the equalised pulses and the noise budget into this file (.png or .svg).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Print a JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum SearchArg {
    Full,
    Local,
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

fn list_configs() -> Result<ExitCode> {
    println!(
        "{:<14} {:>9} {:>5}  {:<44} {:<12} status",
        "preset", "rate GBd", "mod", "clause (table)", "host board"
    );
    for p in com_presets()? {
        let Some(i) = &p.info else { continue };
        println!(
            "{:<14} {:>9} {:>5}  {:<44} {:<12} {}",
            i.name,
            i.signalling_rate_gbd,
            i.modulation,
            format!("{}, {}", i.clause, i.table),
            i.host_board.as_deref().unwrap_or("-"),
            p.status()
        );
        if !i.also.is_empty() {
            println!("{:<14} also: {}", "", i.also.join(", "));
        }
    }
    println!(
        "\nEach value's source is in its file (data/standards/com/NAME.toml, built into the binary);\n\
         UNCONFIRMED values were not found in the standard or a task-force sheet."
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run(a: ComArgs) -> Result<ExitCode> {
    if a.list_configs {
        return list_configs();
    }
    if let Some(p) = &a.plot {
        crate::plot::PlotFormat::from_path(p)?;
    }
    let start = Instant::now();
    let (Some(thru_path), Some(config)) = (&a.thru, &a.config) else {
        return Err(Error::invalid("sireach com needs --thru and --config"));
    };
    let preset = com_config_by_name_or_path(config)?;
    let board_name = match a.host_board.as_deref() {
        Some(n) if n.eq_ignore_ascii_case("none") => None,
        Some(n) => Some(n.to_string()),
        None => preset.info.as_ref().and_then(|i| i.host_board.clone()),
    };
    let board = match &board_name {
        Some(n) => {
            let p = Presets::embedded()?;
            Some(host_recipe(&host_recipes(&p)?, n)?.board.clone())
        }
        None => None,
    };
    let r0 = preset.config.r0_ohm;
    let prepare = |p: &PathBuf| -> Result<Network> {
        let n = load(p)?;
        match &board {
            Some(b) => crate::reach::com::with_board(&n, b, r0),
            None => Ok(n),
        }
    };
    let thru = prepare(thru_path)?;
    let fext = a.fext.par_iter().map(prepare).collect::<Result<Vec<_>>>()?;
    let next = a.next.par_iter().map(prepare).collect::<Result<Vec<_>>>()?;
    let search = match a.search {
        SearchArg::Full => ComSearch::Full,
        SearchArg::Local => ComSearch::Local,
    };
    let cases = preset.case_configs()?;
    let res = com_cases(&cases, search, &thru, &fext, &next)?;
    let secs = start.elapsed().as_secs_f64();
    let (zp, r) = &res.cases[res.worst];
    let cfg = &cases[res.worst].1;
    if let Some(path) = &a.plot {
        let chart = com_figure(&preset, cfg, r, *zp, &fext, &next)?;
        crate::plot::com_chart(&chart, path)?;
    }
    let threshold = preset.threshold_db();
    if a.json {
        print_json(&preset, &res, board_name.as_deref(), threshold, secs)?;
    } else {
        print_text(&preset, &res, board_name.as_deref(), threshold, secs);
        if let Some(p) = &a.plot {
            println!("plot: {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(
    preset: &ComPreset,
    res: &CaseResults,
    board: Option<&str>,
    threshold: f64,
    secs: f64,
) -> Result<()> {
    let (zp, r) = &res.cases[res.worst];
    let n = &r.noise;
    let v = serde_json::json!({
        "config": preset.name(),
        "config_status": preset.status(),
        "host_board": board,
        "com_db": r.com_db,
        "pass": r.com_db >= threshold,
        "threshold_db": threshold,
        "package_case_mm": zp,
        "cases": res.cases.iter().map(|(z, c)| serde_json::json!({"z_p_mm": z, "com_db": c.com_db})).collect::<Vec<_>>(),
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
        "n_fom_evals": res.cases.iter().map(|(_, c)| c.choice.n_evals).sum::<usize>(),
        "time_s": secs,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?
    );
    Ok(())
}

fn print_text(
    preset: &ComPreset,
    res: &CaseResults,
    board: Option<&str>,
    threshold: f64,
    secs: f64,
) {
    let (zp, r) = &res.cases[res.worst];
    let n = &r.noise;
    println!(
        "COM {:.3} dB: {} (threshold {threshold} dB)",
        r.com_db,
        if r.com_db >= threshold {
            "PASS"
        } else {
            "FAIL"
        }
    );
    println!(
        "config {} ({}); host board {}",
        preset.name(),
        preset.status(),
        board.unwrap_or("none")
    );
    if res.cases.len() > 1 {
        let list: Vec<String> = res
            .cases
            .iter()
            .map(|(z, c)| format!("z_p {z} mm: {:.3} dB", c.com_db))
            .collect();
        println!(
            "package cases: {} (COM is the smallest; below: z_p {zp} mm)",
            list.join(", ")
        );
    }
    println!(
        "FOM {:.3} dB, A_s {:.3} mV, A_ni {:.3} mV, eye height 2·(A_s − A_ni) {:.3} mV",
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
        "equaliser: CTLE g_DC {} dB, g_DC2 {} dB; Tx FFE c(-{n_pre})…c(3): {}",
        r.choice.g_dc_db,
        r.choice.g_dc2_db,
        list(&r.choice.tx_taps)
    );
    if r.choice.rx_taps.len() > 1 {
        // the taps in use, by position relative to the cursor tap (floating ones included)
        let dw = r
            .choice
            .rx_cols
            .iter()
            .position(|&c| r.choice.rx_taps[c] == 1.0);
        let used: Vec<String> = r
            .choice
            .rx_cols
            .iter()
            .map(|&c| {
                let k = c as i64 - dw.map_or(0, |d| r.choice.rx_cols[d]) as i64;
                format!("{k:+}:{:.3}", r.choice.rx_taps[c])
            })
            .collect();
        println!(
            "           Rx FFE ({} of {} positions, by offset from the cursor): {}",
            r.choice.rx_cols.len(),
            r.choice.rx_taps.len(),
            used.join(" ")
        );
    }
    println!("           DFE b(1)…: {}", list(&n.dfe_taps));
    if let Some(m) = &r.mlsd {
        println!(
            "MLSD (178A.1.10): COM_DFE {:.3} dB, ΔCOM {:+.3} dB (g_an {:.2}, DER_MLSD {:.2e}); COM = max(COM_DFE, COM_DFE + ΔCOM)",
            m.com_dfe_db, m.delta_com_db, m.g_an, m.der_mlsd
        );
    }
    println!(
        "noise at the sampling point (σ, mV rms; A_s {:.3} mV):",
        r.as_v * 1e3
    );
    let rows = [
        (
            "ISI",
            n.sigma_isi_v,
            "residual ISI after the DFE, cursor phase",
        ),
        (
            "XT",
            n.sigma_xt_v,
            "crosstalk, each aggressor at its worst phase",
        ),
        ("Tx", n.sigma_tx_v, "transmitter noise (SNR_TX)"),
        (
            "J",
            n.sigma_j_v,
            "random jitter σ_RJ (A_DD is a dual-Dirac PMF)",
        ),
        (
            "N",
            n.sigma_n_v,
            "receiver noise η_0 through Rx filter and CTLE",
        ),
        ("G", n.sigma_g_v, "Gaussian total √(Tx² + J² + N²)"),
        (
            "Q",
            n.sigma_q_v,
            "quantisation (N_qb bits) through the Rx FFE taps",
        ),
    ];
    for (name, s, what) in rows {
        if name == "Q" && n.quant_step_v == 0.0 {
            continue; // no quantiser in this configuration (N_qb = 0)
        }
        println!("  σ_{name:<4} {:8.4}   {what}", s * 1e3);
    }
    let evals: usize = res.cases.iter().map(|(_, c)| c.choice.n_evals).sum();
    println!("{evals} equaliser candidates in {secs:.2} s");
}

/// `(t UI, v)` of `p` from `before` UI before sample `at` to `after` UI after it (circular).
fn window(p: &[f64], at: usize, m: usize, before: usize, after: usize) -> (Vec<f64>, Vec<f64>) {
    let n = p.len();
    let (mut t, mut v) = (Vec::new(), Vec::new());
    for k in 0..(before + after) * m {
        let i = (at + n + k - before * m) % n;
        t.push(k as f64 / m as f64 - before as f64);
        v.push(p[i]);
    }
    (t, v)
}

fn com_figure(
    preset: &ComPreset,
    cfg: &ComConfig,
    r: &ComResult,
    zp: f64,
    fext: &[Network],
    next: &[Network],
) -> Result<crate::plot::ComChart> {
    let m = cfg.samples_per_ui;
    let (before, after) = (4, 24);
    let cur = r.choice.fom.cursor_ix;
    let (t, v) = window(&r.eq_pulse_v, cur, m, before, after);
    let cursors: Vec<(f64, f64)> = t
        .iter()
        .zip(&v)
        .enumerate()
        .filter(|(k, _)| k % m == 0)
        .map(|(_, (a, b))| (*a, *b))
        .collect();
    let vic_peak = v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let eq = if r.choice.rx_taps.len() > 1 {
        "Tx FFE + CTLE + Rx FFE"
    } else {
        "Tx FFE + CTLE"
    };
    let mut curves = vec![(format!("victim ({eq})"), t, v)];
    let mut agg = Vec::new();
    let names = fext
        .iter()
        .map(|n| ("FEXT", n))
        .chain(next.iter().map(|n| ("NEXT", n)));
    for (k, ((kind, net), p)) in names.zip(&r.xt_pulses_v).enumerate() {
        if k >= 5 {
            break; // the legend stays readable; every aggressor is in the noise bar
        }
        let peak = (0..p.len())
            .max_by(|&a, &b| p[a].abs().total_cmp(&p[b].abs()))
            .unwrap_or(0);
        let (t, v) = window(p, peak, m, before, after);
        agg.push((format!("{kind} {}", net.name), t, v));
    }
    // aggressors are drawn magnified (1, 2 or 5 × 10^k) to a third of the victim's peak
    let agg_peak = agg
        .iter()
        .flat_map(|(_, _, v)| v.iter())
        .fold(0.0f64, |a, b| a.max(b.abs()));
    let gain = if agg_peak > 0.0 && vic_peak > 0.0 {
        let raw = (vic_peak / 3.0 / agg_peak).max(1.0);
        let mag = 10f64.powf(raw.log10().floor());
        [5.0, 2.0, 1.0]
            .into_iter()
            .map(|k| k * mag)
            .find(|&g| g <= raw)
            .unwrap_or(1.0)
    } else {
        1.0
    };
    for (label, t, v) in agg {
        let v = v.iter().map(|x| x * gain).collect();
        let label = if gain > 1.0 {
            format!("{label} ×{gain}")
        } else {
            label
        };
        curves.push((label, t, v));
    }
    let n = &r.noise;
    Ok(crate::plot::ComChart {
        title: format!(
            "COM {:.2} dB ({}, z_p {zp} mm): equalised pulses",
            r.com_db,
            preset.name()
        ),
        curves,
        cursors,
        noise: [
            ("σ_ISI", n.sigma_isi_v),
            ("σ_XT", n.sigma_xt_v),
            ("σ_Tx", n.sigma_tx_v),
            ("σ_J", n.sigma_j_v),
            ("σ_N", n.sigma_n_v),
            ("σ_G", n.sigma_g_v),
            ("σ_Q", n.sigma_q_v),
        ]
        .into_iter()
        .filter(|&(k, v)| k != "σ_Q" || v > 0.0)
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        signal_v: r.as_v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_returns_the_plotted_pulses() {
        // the victim pulse's cursor sample is A_s (L − 1) / R_LM (93A-23), and there is one
        // aggressor pulse per FEXT and NEXT file, in order
        let dir = Path::new("../shared/com/channels/ck_DPO_12dB");
        let (Ok(thru), Ok(fext)) = (
            load(&dir.join("DPO_4in_Meg7_THRU.s4p.gz")),
            load(&dir.join("DPO_4in_Meg7_FENG89.s4p.gz")),
        ) else {
            return;
        };
        let Ok(text) = std::fs::read_to_string("../shared/com/configs/anchor_r53_ctle_dfe.toml")
        else {
            return;
        };
        let cfg = ComConfig::from_toml_str(&text).unwrap();
        let r = crate::com::compute(&cfg, &thru, std::slice::from_ref(&fext), &[]).unwrap();
        let h0 = r.eq_pulse_v[r.choice.fom.cursor_ix];
        let want = r.as_v * (cfg.levels as f64 - 1.0) / cfg.rlm;
        assert!((h0 - want).abs() < 1e-9 * want, "{h0} vs {want}");
        assert_eq!(r.xt_pulses_v.len(), 1);
        assert_eq!(r.xt_pulses_v[0].len(), r.eq_pulse_v.len());
        // the FEXT pulse sampled at its reported phase carries the σ_XT of the budget
        let ph = r.noise.xt_phases[0];
        let m = cfg.samples_per_ui;
        let e: f64 = r.xt_pulses_v[0]
            .iter()
            .skip(ph)
            .step_by(m)
            .map(|v| v * v)
            .sum();
        assert!(e > 0.0);
    }
}
