//! `sireach channel fom`: the IEEE cable-assembly figures of a measured channel.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use crate::channel::assembly::{CaFigures, figures};
use crate::error::{Error, Result};
use crate::network::{Network, PortPairing};
use crate::presets::{CopperFamily, Presets};
use crate::touchstone::{ReadOptions, read_path};

/// IEEE cable-assembly figures of a channel, against one PMD's clause.
///
/// Reads the thru channel (a 4-port, or a differential 2-port), forms its differential
/// two-port with --pairing, and reports: insertion loss at the PMD's Nyquist frequency against
/// the clause's cable-assembly limit; the fitted insertion loss a0 + a1 √f + a2 f + a4 f²
/// (Annex 93A.3) over 50 MHz … f_b; the insertion-loss deviation (RMS and FOM_ILD, Annex 93A.4,
/// weighted by the clause's reference transmitter and receiver); with --next/--fext
/// aggressors, the integrated crosstalk noise ICN (power-summed, Clause 85.10.7 form).
/// Each limit carries its grade (A: read in the standard's material; B: quoted; C/M: not
/// verified: never trust a C or M verdict alone). Files may be gzip'd (.s4p.gz).
///
/// Examples:
///   sireach channel fom CA_19p75dB_thru.s4p.gz --pmd 100GBASE-CR1
///   sireach channel fom thru.s4p --next next*.s4p --fext fext*.s4p --pmd 100GBASE-CR1 --json
///   sireach channel fom cable.s4p --pmd 200GBASE-CR1 --pairing 1-2/3-4
///   sireach channel fom thru.s4p.gz --pmd 100GBASE-CR1 --plot fom.png
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct FomArgs {
    /// The thru channel (Touchstone, optionally .gz).
    thru: PathBuf,
    /// PMD whose clause sets the Nyquist frequency, limits and reference Tx/Rx (e.g. 100GBASE-CR1).
    #[arg(long)]
    pmd: String,
    /// Near-end crosstalk aggressors (same port order as the thru).
    #[arg(long, num_args = 1..)]
    next: Vec<PathBuf>,
    /// Far-end crosstalk aggressors.
    #[arg(long, num_args = 1..)]
    fext: Vec<PathBuf>,
    /// Differential pairs of a 4-port, "p-n/p-n" (input pair first). The default, 1-3/2-4, is
    /// the IEEE 802.3 channel files' order (port 1→2 and 3→4 are the two legs).
    #[arg(long, default_value = "1-3/2-4")]
    pairing: String,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
    /// Also draw IL with its fit and limit, ILD and RL of both ends (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Read presets from this folder (laid out like data/) instead of the built-in ones.
    #[arg(long)]
    presets: Option<PathBuf>,
}

/// The differential two-port of a 2- or 4-port file.
pub(crate) fn differential(path: &Path, pairing: &PortPairing) -> Result<Network> {
    let t = read_path(path, &ReadOptions::default())?;
    match t.network.nports() {
        2 => Ok(t.network),
        4 => t
            .network
            .differential(pairing)
            .map_err(|e| e.with_file(path)),
        n => Err(Error::invalid(format!(
            "{}: {n} ports; the cable-assembly figures need a 4-port (or a differential 2-port)",
            path.display()
        ))),
    }
}

pub fn run(a: FomArgs) -> Result<ExitCode> {
    let presets = Presets::from_dir_or_embedded(a.presets.as_deref())?;
    let (family, variant) = CopperFamily::find(&presets.copper, &a.pmd)?;
    let pairing = PortPairing::parse(&a.pairing)?;
    let thru = differential(&a.thru, &pairing)?;
    let load = |ps: &[PathBuf]| -> Result<Vec<Network>> {
        ps.iter().map(|p| differential(p, &pairing)).collect()
    };
    let (next, fext) = (load(&a.next)?, load(&a.fext)?);
    let fig = figures(&thru, &next, &fext, family).map_err(|e| e.with_file(&a.thru))?;
    if let Some(path) = &a.plot {
        crate::plot::PlotFormat::from_path(path)?;
        plot(&a, &variant.pmd, &fig, path)?;
    }
    if a.json {
        let v = serde_json::json!({
            "file": a.thru.display().to_string(),
            "pmd": variant.pmd,
            "next_files": a.next.len(),
            "fext_files": a.fext.len(),
            "figures": fig,
            "plot": a.plot.as_ref().map(|p| p.display().to_string()),
        });
        let text =
            serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", report(&a, &variant.pmd, &fig, &family.figures.source));
        if let Some(p) = &a.plot {
            println!("  plot written to {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn report(a: &FomArgs, pmd: &str, f: &CaFigures, tx_rx_source: &str) -> String {
    let verdict = |pass: bool, grade: &str| {
        let v = if pass { "pass" } else { "FAIL" };
        if grade == "A" || grade == "B" {
            v.to_string()
        } else {
            format!("{v} (limit grade {grade}: not verified)")
        }
    };
    let [a0, a1, a2, a4] = f.fitted_il_coefficients;
    let mut s = format!("{} against {pmd}, Clause {}\n", a.thru.display(), f.clause);
    s += &format!(
        "  IL at {:.4} GHz      {:7.2} dB   limit {:.2} dB   margin {:+.2} dB   {}\n",
        f.nyquist_hz / 1e9,
        f.il_nyquist_db,
        f.il_limit_db,
        f.il_limit_db - f.il_nyquist_db,
        verdict(f.il_pass, &f.il_limit_grade)
    );
    s += &format!(
        "  fitted IL              {a0:.3} + {a1:.3} √f + {a2:.4} f + {a4:.6} f² dB (f in GHz, {:.2}–{:.3} GHz)\n",
        f.fom_band_hz.0 / 1e9,
        f.fom_band_hz.1 / 1e9
    );
    s += &format!(
        "  ILD                    FOM_ILD {:.3} dB   (unweighted RMS to Nyquist {:.3} dB)\n",
        f.fom_ild_db, f.ild_rms_to_nyquist_db
    );
    match f.icn_v {
        Some(v) => {
            s += &format!(
                "  ICN                    {:.3} mV   (NEXT {:.3} mV from {} files, FEXT {:.3} mV from {} files)\n",
                v * 1e3,
                f.icn_next_v.unwrap_or(0.0) * 1e3,
                a.next.len(),
                f.icn_fext_v.unwrap_or(0.0) * 1e3,
                a.fext.len()
            );
        }
        None => s += "  ICN                    (no --next/--fext aggressors given)\n",
    }
    match (f.erl_db, &f.erl_note) {
        (Some([e1, e2]), _) => {
            let lim = f
                .erl_min_db
                .map_or(String::new(), |m| format!("   limit {m:.2} dB"));
            let verdict = f.erl_pass.map_or(String::new(), |p| {
                format!("   {}", if p { "pass" } else { "FAIL" })
            });
            s += &format!(
                "  ERL                    end 1 {e1:.2} dB, end 2 {e2:.2} dB{lim}{verdict}   (Annex 93A.5; N, N_bx, β_x, T_fx grade C)\n"
            );
        }
        (None, Some(note)) => s += &format!("  ERL                    {note}\n"),
        (None, None) => {}
    }
    s += &format!(
        "  reference Tx/Rx: {tx_rx_source} (grade {})\n",
        f.figures_grade
    );
    s
}

fn plot(a: &FomArgs, pmd: &str, f: &CaFigures, path: &Path) -> Result<()> {
    use crate::plot::{FrequencyChart, Limit, LimitLine, Marker, Series, frequency_panels};
    let c = &f.curves;
    let band: Vec<usize> = (0..c.frequency_hz.len())
        .filter(|&k| c.frequency_hz[k] >= f.fom_band_hz.0 && c.frequency_hz[k] <= f.fom_band_hz.1)
        .collect();
    let pick = |v: &[f64]| -> (Vec<f64>, Vec<f64>) {
        band.iter().map(|&k| (c.frequency_hz[k], v[k])).unzip()
    };
    let nyquist = Marker {
        label: format!("Nyquist {:.2} GHz", f.nyquist_hz / 1e9),
        x: f.nyquist_hz,
    };
    let (fx, fy) = pick(&c.fitted_il_db);
    let il = FrequencyChart {
        title: format!(
            "Insertion loss (SDD21): {:.2} dB at Nyquist, limit {:.2} dB (grade {})",
            f.il_nyquist_db, f.il_limit_db, f.il_limit_grade
        ),
        y_label: "Insertion loss (dB)".into(),
        series: vec![
            Series::solid("IL, measured", c.frequency_hz.clone(), c.il_db.clone()),
            Series::dashed("fitted IL (Annex 93A.3)", fx, fy),
        ],
        limit_lines: vec![LimitLine {
            label: format!("CA IL limit at Nyquist (grade {})", f.il_limit_grade),
            limit: Limit::Points(vec![(f.nyquist_hz, f.il_limit_db)]),
        }],
        markers: vec![nyquist.clone()],
        min_y_span: None,
    };
    let (dx, dy) = pick(&c.ild_db);
    let ild = FrequencyChart {
        title: format!("Insertion-loss deviation: FOM_ILD {:.3} dB", f.fom_ild_db),
        y_label: "ILD (dB)".into(),
        series: vec![Series::solid("IL − fitted IL", dx, dy)],
        limit_lines: vec![],
        markers: vec![nyquist.clone()],
        min_y_span: Some(1.0),
    };
    let erl = match f.erl_db {
        Some([e1, e2]) => format!(": ERL {e1:.2} / {e2:.2} dB"),
        None => String::new(),
    };
    let rl = FrequencyChart {
        title: format!("Return loss (SDD11, SDD22){erl}"),
        y_label: "Return loss (dB)".into(),
        series: vec![
            Series::solid("RL, end 1", c.frequency_hz.clone(), c.rl_db[0].clone()),
            Series::solid("RL, end 2", c.frequency_hz.clone(), c.rl_db[1].clone()),
        ],
        limit_lines: vec![],
        markers: vec![nyquist],
        min_y_span: None,
    };
    let name = a
        .thru
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    frequency_panels(&format!("{name} against {pmd}"), &[il, ild, rl], path)
}
