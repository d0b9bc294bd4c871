//! `sireach channel il`: insertion loss, return loss and ILD of a twinax cable assembly (the
//! preset cable model plus two plugs) over frequency, against a PMD's cable-assembly IL limit
//! at Nyquist.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use crate::channel::assembly::ild::{FittedIl, fitted_il};
use crate::channel::twinax::{TwinaxParams, network};
use crate::error::{Error, Result};
use crate::plot::{FrequencyChart, Limit, LimitLine, Marker, PlotFormat, Series, frequency_panels};
use crate::presets::{CopperFamily, Presets, Variant};

/// Reference impedance of both differential ports, Ω (the IEEE 802.3 cable-assembly reference).
const REF_OHM: f64 = 100.0;
/// Lowest frequency of the ILD fit, Hz (Annex 93A: f_min = 0.05 GHz).
const FIT_MIN_HZ: f64 = 0.05e9;

const AFTER_HELP: &str = "\
Examples:
  sireach channel il --length 2                      2 m of 26 AWG, the fastest PMD's limit
  sireach channel il --awg 26 --length 2 --pmd 100GBASE-CR1 --plot il.svg
  sireach channel il --awg 30 --length 1.5 --pmd 50GBASE-CR --plot il.png
  sireach channel il --length 2 --json > il.json
  sireach channel il --length 2 --csv --fmax-hz 60e9 --points 2001 > il.csv

What is computed: the bulk twinax of the preset model (data/cables/twinax.toml: gauge,
copper, surface factor, causal dielectric, 100 Ω) as a two-port from the telegrapher's
equations, referred to 100 Ω, plus two plugs modelled as loss only (a1·√f + a2·f dB each, an
assumption graded in the preset: they add loss, not reflections).
  IL  = bulk cable IL + two plugs
  RL  = return loss of the bulk cable (|S11|)
  ILD = IL − fitted IL (Annex 93A.3: a0 + a1·√f + a2·f + a4·f², least squares from
        0.05 GHz to the PMD's signalling rate f_b)
The limit is the clause's cable-assembly IL limit at the Nyquist frequency (f_b / 2), the
one value the preset holds, shown with its grade: A read in a primary source, B from a
secondary source, C recalled and not verified against the standard text, M a placeholder.";

/// Insertion loss, return loss and ILD of a twinax cable assembly against a PMD's limit.
#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct IlArgs {
    /// Conductor gauge, AWG (the presets tabulate 24, 26, 28 and 30; the model takes 16 to 40).
    #[arg(long, default_value_t = 26.0)]
    awg: f64,
    /// Length of bulk cable between the two plugs, m.
    #[arg(long, value_name = "METRES")]
    length: f64,
    /// The PMD whose cable-assembly limit applies, e.g. 100GBASE-CR1 (any PMD of `sireach
    /// reach`; case does not matter). Default: the first PMD of the fastest family in the
    /// presets (200GBASE-CR1 with the built-in ones).
    #[arg(long)]
    pmd: Option<String>,
    /// Highest frequency, Hz, e.g. 60e9. Default: the PMD's signalling rate f_b (twice
    /// Nyquist), the top of the ILD fit.
    #[arg(long, value_name = "HZ")]
    fmax_hz: Option<f64>,
    /// Number of frequencies, evenly spaced from 0 Hz to the highest.
    #[arg(long, default_value_t = 1001)]
    points: usize,
    /// Also draw IL, RL and ILD over frequency into this file: .svg or .png.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Print JSON: the arrays over frequency (Hz, dB) and the summary at Nyquist.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print one CSV row per frequency.
    #[arg(long)]
    csv: bool,
    /// Read presets from this folder (laid out like data/) instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    presets: Option<PathBuf>,
}

/// Everything the command prints or draws.
struct Sweep<'a> {
    family: &'a CopperFamily,
    variant: &'a Variant,
    frequency_hz: Vec<f64>,
    il_cable_db: Vec<f64>,
    plugs_db: Vec<f64>,
    il_db: Vec<f64>,
    rl_db: Vec<f64>,
    fit: FittedIl,
    fit_band_hz: (f64, f64),
    nyq: AtNyquist,
}

/// The values at the Nyquist frequency (computed there, not read off the grid).
struct AtNyquist {
    frequency_hz: f64,
    il_cable_db: f64,
    plugs_db: f64,
    il_db: f64,
    rl_db: f64,
    ild_db: f64,
    limit_db: f64,
    margin_db: f64,
}

pub fn run(a: IlArgs) -> Result<ExitCode> {
    if let Some(p) = &a.plot {
        PlotFormat::from_path(p)?;
    }
    if !(a.awg.is_finite() && (16.0..=40.0).contains(&a.awg)) {
        return Err(Error::invalid(format!(
            "--awg must be a gauge from 16 to 40, found {}",
            a.awg
        )));
    }
    if !(a.length.is_finite() && a.length >= 0.0) {
        return Err(Error::invalid(format!(
            "--length must be a length in metres, ≥ 0, found {}",
            a.length
        )));
    }
    if !(10..=1_000_000).contains(&a.points) {
        return Err(Error::invalid(format!(
            "--points must be from 10 to 1000000, found {}",
            a.points
        )));
    }
    let presets = Presets::from_dir_or_embedded(a.presets.as_deref())?;
    let (family, variant) = find_pmd(&presets, a.pmd.as_deref())?;
    let sweep = sweep(&a, &presets, family, variant)?;

    if let Some(p) = &a.plot {
        plot(&a, &sweep, p)?;
    }
    if a.json {
        let text = serde_json::to_string_pretty(&to_json(&a, &presets, &sweep))
            .map_err(|e| Error::invalid(format!("JSON: {e}")))?;
        println!("{text}");
    } else if a.csv {
        print!("{}", csv(&sweep));
    } else {
        print!("{}", summary(&a, &presets, &sweep));
    }
    Ok(ExitCode::SUCCESS)
}

/// The PMD named (any case), or the first variant of the fastest family.
fn find_pmd<'a>(
    presets: &'a Presets,
    name: Option<&str>,
) -> Result<(&'a CopperFamily, &'a Variant)> {
    match name {
        Some(n) => CopperFamily::find(&presets.copper, n.trim()),
        None => presets
            .copper
            .iter()
            .filter(|f| !f.variants.is_empty())
            .max_by(|x, y| x.signalling_rate_gbd.total_cmp(&y.signalling_rate_gbd))
            .map(|f| (f, &f.variants[0]))
            .ok_or_else(|| Error::invalid("the presets hold no copper PMD")),
    }
}

fn sweep<'a>(
    a: &IlArgs,
    presets: &Presets,
    family: &'a CopperFamily,
    variant: &'a Variant,
) -> Result<Sweep<'a>> {
    let fb = family.signalling_rate_gbd * 1e9;
    let fmax = a.fmax_hz.unwrap_or(fb);
    if !(fmax.is_finite() && fmax > FIT_MIN_HZ) {
        return Err(Error::invalid(format!(
            "--fmax-hz must be above {FIT_MIN_HZ} Hz (the start of the ILD fit), found {fmax}"
        )));
    }
    let n = a.points;
    let frequency_hz: Vec<f64> = (0..n).map(|k| fmax * k as f64 / (n - 1) as f64).collect();
    let cable = TwinaxParams::from_preset(&presets.twinax, a.awg);
    let net = network(&cable, &frequency_hz, a.length, REF_OHM)?;
    let il_cable_db = net.insertion_loss_db(1, 0)?.to_vec();
    let rl_db = net.return_loss_db(0)?.to_vec();
    let plugs_db: Vec<f64> = frequency_hz
        .iter()
        .map(|&f| 2.0 * presets.twinax.plug_loss_db(f))
        .collect();
    let il_db: Vec<f64> = il_cable_db
        .iter()
        .zip(&plugs_db)
        .map(|(c, p)| c + p)
        .collect();
    let fit_band_hz = (FIT_MIN_HZ, fb.min(fmax));
    let fit = fitted_il(&frequency_hz, &il_db, fit_band_hz).map_err(|e| {
        Error::invalid(format!(
            "{e} (the ILD fit needs more --points between 0.05 GHz and f_b)"
        ))
    })?;

    let f_nyq = family.nyquist_hz();
    let at = network(&cable, &[f_nyq], a.length, REF_OHM)?;
    let il_cable = at.insertion_loss_db(1, 0)?[0];
    let plugs = 2.0 * presets.twinax.plug_loss_db(f_nyq);
    let il = il_cable + plugs;
    let nyq = AtNyquist {
        frequency_hz: f_nyq,
        il_cable_db: il_cable,
        plugs_db: plugs,
        il_db: il,
        rl_db: at.return_loss_db(0)?[0],
        ild_db: il - fit.at(f_nyq),
        limit_db: family.ca_il_max_db,
        margin_db: family.ca_il_max_db - il,
    };
    Ok(Sweep {
        family,
        variant,
        frequency_hz,
        il_cable_db,
        plugs_db,
        il_db,
        rl_db,
        fit,
        fit_band_hz,
        nyq,
    })
}

fn clause_number(f: &CopperFamily) -> &str {
    f.clause.split(' ').next().unwrap_or(&f.clause)
}

fn grade_meaning(grade: &str) -> &'static str {
    match grade {
        "A" => "read in a primary source",
        "B" => "from a secondary source quoting the standard",
        "C" => "recalled, not verified against the standard text",
        "M" => "a placeholder, not from the standard",
        _ => "of unknown provenance",
    }
}

/// Largest |ILD| inside the fit band, dB.
fn max_abs_ild(s: &Sweep) -> f64 {
    s.frequency_hz
        .iter()
        .zip(&s.fit.ild_db)
        .filter(|(f, _)| **f >= s.fit_band_hz.0 && **f <= s.fit_band_hz.1)
        .map(|(_, d)| d.abs())
        .fold(0.0, f64::max)
}

/// A small dB value to 0.1 mdB, without a "-0.0000".
fn small_db(v: f64) -> String {
    let s = format!("{v:.4}");
    if s == "-0.0000" { "0.0000".into() } else { s }
}

fn source_name(a: &IlArgs) -> String {
    a.presets
        .as_ref()
        .map_or("the built-in presets".into(), |d| d.display().to_string())
}

fn gauge(awg: f64) -> String {
    crate::plot::tick_label(awg)
}

fn summary(a: &IlArgs, presets: &Presets, s: &Sweep) -> String {
    let n = &s.nyq;
    let fam = s.family;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} cable assembly: {} m of {} AWG twinax + two plugs ({})",
        s.variant.pmd,
        crate::plot::tick_label(a.length),
        gauge(a.awg),
        source_name(a)
    );
    let _ = writeln!(
        out,
        "  Nyquist         {} GHz ({} GBd / 2)",
        n.frequency_hz / 1e9,
        fam.signalling_rate_gbd
    );
    let _ = writeln!(
        out,
        "  IL at Nyquist   {:.2} dB = {:.2} dB cable + {:.2} dB plugs",
        n.il_db, n.il_cable_db, n.plugs_db
    );
    let _ = writeln!(
        out,
        "  limit           {:.2} dB: the Clause {} cable-assembly IL limit at Nyquist, grade {} ({})",
        n.limit_db,
        clause_number(fam),
        fam.ca_il_grade,
        grade_meaning(&fam.ca_il_grade)
    );
    let verdict = if n.margin_db >= 0.0 {
        "within the limit"
    } else {
        "OVER the limit"
    };
    let _ = writeln!(out, "  margin          {:.2} dB ({verdict})", n.margin_db);
    let _ = writeln!(
        out,
        "  RL at Nyquist   {:.2} dB (the bulk cable; the plugs are modelled as loss only)",
        n.rl_db
    );
    let _ = writeln!(
        out,
        "  ILD             {} dB at Nyquist, max |ILD| {} dB from {} to {} GHz (fitted IL, Annex 93A.3)",
        small_db(n.ild_db),
        small_db(max_abs_ild(s)),
        s.fit_band_hz.0 / 1e9,
        s.fit_band_hz.1 / 1e9
    );
    let _ = writeln!(
        out,
        "  frequencies     {} points from 0 to {} GHz",
        s.frequency_hz.len(),
        s.frequency_hz.last().copied().unwrap_or(0.0) / 1e9
    );
    let _ = writeln!(
        out,
        "  plugs           {} dB/√GHz·√f + {} dB/GHz·f each (grade {}, an assumption)",
        presets.twinax.plug_loss_a1_db_per_sqrt_ghz,
        presets.twinax.plug_loss_a2_db_per_ghz,
        presets.twinax.plug_loss_grade
    );
    if let Some(p) = &a.plot {
        let _ = writeln!(out, "  plot            {}", p.display());
    }
    out
}

fn csv(s: &Sweep) -> String {
    let mut out =
        String::from("frequency_hz,il_db,il_cable_db,plugs_db,rl_db,il_fitted_db,ild_db\n");
    for k in 0..s.frequency_hz.len() {
        let _ = writeln!(
            out,
            "{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6}",
            s.frequency_hz[k],
            s.il_db[k],
            s.il_cable_db[k],
            s.plugs_db[k],
            s.rl_db[k],
            s.fit.fitted_db[k],
            s.fit.ild_db[k]
        );
    }
    out
}

fn to_json(a: &IlArgs, presets: &Presets, s: &Sweep) -> serde_json::Value {
    let n = &s.nyq;
    let fam = s.family;
    json!({
        "pmd": s.variant.pmd,
        "clause": fam.clause,
        "signalling_rate_gbd": fam.signalling_rate_gbd,
        "awg": a.awg,
        "length_m": a.length,
        "reference_ohm": REF_OHM,
        "presets": source_name(a),
        "plug_loss": {
            "a1_db_per_sqrt_ghz": presets.twinax.plug_loss_a1_db_per_sqrt_ghz,
            "a2_db_per_ghz": presets.twinax.plug_loss_a2_db_per_ghz,
            "grade": presets.twinax.plug_loss_grade,
        },
        "frequency_hz": s.frequency_hz,
        "il_db": s.il_db,
        "il_cable_db": s.il_cable_db,
        "plugs_db": s.plugs_db,
        "rl_db": s.rl_db,
        "il_fitted_db": s.fit.fitted_db,
        "ild_db": s.fit.ild_db,
        "ild_fit": {
            "band_hz": [s.fit_band_hz.0, s.fit_band_hz.1],
            "coefficients": {
                "a0_db": s.fit.coefficients[0],
                "a1_db_per_sqrt_ghz": s.fit.coefficients[1],
                "a2_db_per_ghz": s.fit.coefficients[2],
                "a4_db_per_ghz2": s.fit.coefficients[3],
            },
            "max_abs_ild_db": max_abs_ild(s),
        },
        "nyquist": {
            "frequency_hz": n.frequency_hz,
            "il_db": n.il_db,
            "il_cable_db": n.il_cable_db,
            "plugs_db": n.plugs_db,
            "rl_db": n.rl_db,
            "ild_db": n.ild_db,
            "limit_db": n.limit_db,
            "limit_grade": fam.ca_il_grade,
            "limit_source": fam.ca_il_source,
            "limit_is": "the clause's cable-assembly insertion-loss limit at the Nyquist frequency",
            "margin_db": n.margin_db,
            "within_limit": n.margin_db >= 0.0,
        },
        "plot": a.plot.as_ref().map(|p| p.display().to_string()),
    })
}

fn plot(a: &IlArgs, s: &Sweep, path: &Path) -> Result<()> {
    let n = &s.nyq;
    let fam = s.family;
    let nyq_ghz = n.frequency_hz / 1e9;
    let in_band = |values: &[f64]| -> (Vec<f64>, Vec<f64>) {
        s.frequency_hz
            .iter()
            .zip(values)
            .filter(|(f, _)| **f >= s.fit_band_hz.0 && **f <= s.fit_band_hz.1)
            .map(|(f, v)| (*f, *v))
            .unzip()
    };
    let nyquist = Marker {
        label: format!("Nyquist {nyq_ghz:.2} GHz"),
        x: n.frequency_hz,
    };
    let (fx, fy) = in_band(&s.fit.fitted_db);
    let il = FrequencyChart {
        title: format!(
            "Insertion loss: {:.2} dB at Nyquist, limit {:.2} dB (grade {}), {}",
            n.il_db,
            n.limit_db,
            fam.ca_il_grade,
            if n.margin_db >= 0.0 {
                format!("margin {:.2} dB", n.margin_db)
            } else {
                format!("OVER the limit by {:.2} dB", -n.margin_db)
            }
        ),
        y_label: "Insertion loss (dB)".into(),
        series: vec![
            Series::solid(
                "IL, cable + two plugs",
                s.frequency_hz.clone(),
                s.il_db.clone(),
            ),
            Series::solid(
                "IL, bulk cable alone",
                s.frequency_hz.clone(),
                s.il_cable_db.clone(),
            ),
            Series::dashed("fitted IL (Annex 93A.3)", fx, fy),
        ],
        limit_lines: vec![LimitLine {
            label: format!(
                "CA IL limit at Nyquist, Cl {} (grade {})",
                clause_number(fam),
                fam.ca_il_grade
            ),
            limit: Limit::Points(vec![(n.frequency_hz, n.limit_db)]),
        }],
        markers: vec![nyquist.clone()],
        min_y_span: None,
    };
    let rl = FrequencyChart {
        title: "Return loss of the bulk cable (plugs modelled as loss only)".into(),
        y_label: "Return loss (dB)".into(),
        series: vec![Series::solid(
            "RL, port 1",
            s.frequency_hz.clone(),
            s.rl_db.clone(),
        )],
        limit_lines: vec![],
        markers: vec![nyquist.clone()],
        min_y_span: None,
    };
    let (dx, dy) = in_band(&s.fit.ild_db);
    let ild = FrequencyChart {
        title: format!(
            "Insertion-loss deviation: IL − fitted IL, fitted from {} to {} GHz",
            s.fit_band_hz.0 / 1e9,
            s.fit_band_hz.1 / 1e9
        ),
        y_label: "ILD (dB)".into(),
        series: vec![Series::solid("ILD", dx, dy)],
        limit_lines: vec![],
        markers: vec![nyquist],
        // the model is smooth: show its ILD on a ±0.5 dB scale at least, not magnified noise
        min_y_span: Some(1.0),
    };
    let title = format!(
        "{} cable assembly: {} m of {} AWG twinax + two plugs",
        s.variant.pmd,
        crate::plot::tick_label(a.length),
        gauge(a.awg)
    );
    frequency_panels(&title, &[il, rl, ild], path)
}
