//! `sireach optical budget` and `sireach optical reach`: the lane budget of an IEEE optical PMD
//! over a fibre, as a transceiver link or an AOC.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::{Error, Result};
use crate::optical::budget::{LaneBudget, LaneModel, allocation_check, lane_budget};
use crate::presets::Presets;
use crate::presets::optics::{Fibre, OpticalFamily};
use crate::reach::aoc::{AOC_SEARCH_MAX_M, optical_reach};

/// Which PMD, fibre and kind of link.
#[derive(Args, Debug)]
pub struct LinkArgs {
    /// Optical PMD, e.g. 400GBASE-SR8 (any of data/optics; case does not matter).
    #[arg(long)]
    pmd: String,
    /// Fibre: OM3, OM4, OM5 or OS2 (data/fibres.toml).
    #[arg(long)]
    fibre: String,
    /// An AOC: no patch connectors (the AOC's internal coupling, data/optics/aoc.toml) instead
    /// of the IEEE connection allocation (1.5 dB MMF, 2.75 dB SMF).
    #[arg(long)]
    aoc: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also draw the budget as a waterfall (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Read presets from this folder (laid out like data/) instead of the built-in ones.
    #[arg(long)]
    presets: Option<PathBuf>,
}

/// Arguments of `optical budget`.
#[derive(Args, Debug)]
pub struct BudgetArgs {
    #[command(flatten)]
    link: LinkArgs,
    /// Fibre length, m.
    #[arg(long)]
    length: f64,
}

/// Arguments of `optical reach`.
#[derive(Args, Debug)]
pub struct ReachArgs {
    #[command(flatten)]
    link: LinkArgs,
}

struct Resolved {
    presets: Presets,
}

impl Resolved {
    fn load(a: &LinkArgs) -> Result<Resolved> {
        let presets = Presets::from_dir_or_embedded(a.presets.as_deref())?;
        Ok(Resolved { presets })
    }
    fn pick(&self, a: &LinkArgs) -> Result<(&OpticalFamily, &Fibre, f64)> {
        let (fam, _) = self.presets.optics.pmd(&a.pmd)?;
        let fibre = self.presets.optics.fibre(&a.fibre)?;
        if (fam.wavelength_nm > 1200.0) != (fibre.kind == "smf") {
            return Err(Error::invalid(format!(
                "{} is a {} nm PMD and {} is {} fibre: pick a fibre it runs on ({})",
                a.pmd,
                fam.wavelength_nm,
                fibre.name,
                fibre.kind.to_uppercase(),
                fam.reach_objective_m
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let conn = if a.aoc {
            self.presets.optics.aoc.connection_loss_db
        } else {
            fam.connection_allocation_db
        };
        Ok((fam, fibre, conn))
    }
}

fn waterfall(b: &LaneBudget) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  transmitter (OMA − TDECQ)min    {:8.2} dBm",
        b.tx_oma_minus_tdecq_dbm
    );
    let _ = writeln!(
        s,
        "  receiver (sensitivity − SECQ)   {:8.2} dBm",
        b.rx_sens_minus_secq_dbm
    );
    let _ = writeln!(
        s,
        "  power budget                    {:8.2} dB",
        b.power_budget_db
    );
    let _ = writeln!(
        s,
        "  − connections                   {:8.2} dB",
        b.connection_loss_db
    );
    let _ = writeln!(
        s,
        "  − fibre attenuation             {:8.2} dB   ({:.3} dB/km × {} m)",
        b.fibre_attenuation_db,
        b.attenuation_db_per_m * 1e3,
        b.length_m
    );
    let _ = writeln!(
        s,
        "  − dispersion (ISI) penalty      {:8.2} dB   (Tc {:.1} ps vs {:.1} ps for Tx + Rx alone; BW_cd {}, BW_md {})",
        b.dispersion_penalty_db,
        b.tc_s * 1e12,
        b.tc_ref_s * 1e12,
        ghz(b.bw_cd_hz),
        ghz(b.bw_md_hz)
    );
    let _ = writeln!(
        s,
        "  − mode-partition noise          {:8.2} dB   (σ {:.4}, q {:.3})",
        b.mpn_penalty_db, b.sigma_mpn, b.q
    );
    let margin = if b.margin_db.is_finite() {
        format!("{:8.2} dB", b.margin_db)
    } else {
        "  closed (the eye does not open)".to_string()
    };
    let _ = writeln!(
        s,
        "  = margin                        {margin}   (largest length term: {})",
        b.limited_by
    );
    s
}

fn ghz(hz: f64) -> String {
    if hz.is_finite() {
        format!("{:.1} GHz", hz / 1e9)
    } else {
        "∞".into()
    }
}

/// JSON has no infinity: a closed eye's infinite penalties and margin are `null`, as in
/// `sireach reach --json` and `sireach optical link-model --json` (serde_json's own rule).
fn budget_json(b: &LaneBudget) -> Result<serde_json::Value> {
    serde_json::to_value(b).map_err(|e| Error::invalid(format!("JSON: {e}")))
}

pub fn run_budget(a: BudgetArgs) -> Result<ExitCode> {
    let r = Resolved::load(&a.link)?;
    let (fam, fibre, conn) = r.pick(&a.link)?;
    let b = lane_budget(fam, fibre, a.length, conn)?;
    if let Some(path) = &a.link.plot {
        plot_waterfall(&a, fibre, &b, path)?;
    }
    if a.link.json {
        let mut v = budget_json(&b)?;
        v["pmd"] = serde_json::json!(a.link.pmd.to_uppercase());
        v["fibre"] = serde_json::json!(fibre.name);
        v["aoc"] = serde_json::json!(a.link.aoc);
        v["grade"] = serde_json::json!(fam.grade);
        v["eye_closed"] = serde_json::json!(!b.margin_db.is_finite());
        v["ieee_allocation"] = serde_json::json!(allocation_check(fam, &b));
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?
        );
    } else {
        println!(
            "{} over {} m of {}{} (Clause {}, {} at {} GBd, target BER {:e})",
            a.link.pmd.to_uppercase(),
            a.length,
            fibre.name,
            if a.link.aoc { " as an AOC" } else { "" },
            fam.clause,
            fam.modulation,
            fam.signalling_rate_gbd,
            fam.target_ber
        );
        if !fam.other_wavelengths_nm.is_empty() {
            let all: Vec<String> = fam.wavelengths_nm().map(|w| format!("{w}")).collect();
            println!(
                "  lanes at {} nm: the budget of the worst, at {} nm",
                all.join(" and "),
                b.wavelength_nm
            );
        }
        print!("{}", waterfall(&b));
        if let Some(c) = allocation_check(fam, &b) {
            println!(
                "  clause table: penalties (TDEC(Q) {:.2} + dispersion + MPN) {:.2} dB of the {:.2} dB allocation ({}); channel IL {:.2} of {:.2} dB ({})",
                fam.tx_dispersion_allowance_db,
                c.penalties_db,
                c.allocation_for_penalties_db,
                if c.penalties_fit { "fits" } else { "exceeds" },
                c.channel_il_db,
                c.channel_il_max_db,
                if c.channel_il_fits { "fits" } else { "exceeds" },
            );
        }
        println!(
            "  values graded {} (data/optics); the budget structure is a sireach model (grade M)",
            fam.grade
        );
        if let Some(p) = &a.link.plot {
            println!("  plot written to {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_reach(a: ReachArgs) -> Result<ExitCode> {
    let r = Resolved::load(&a.link)?;
    let (fam, fibre, conn) = r.pick(&a.link)?;
    let model = LaneModel::new(fam, fibre, conn)?;
    let (reach, at) = optical_reach(fam, fibre, conn)?;
    let objective = fam.reach_objective_m.get(&fibre.name).copied();
    let curve: Vec<(f64, f64)> = (0..=100)
        .map(|k| {
            let l = reach.reach_m.max(1.0) * 1.5 * k as f64 / 100.0;
            model.at(l).map(|b| (l, b.margin_db))
        })
        .collect::<Result<_>>()?;
    if let Some(path) = &a.link.plot {
        let mut markers = vec![(format!("reach {:.1} m", reach.reach_m), reach.reach_m)];
        if let Some(o) = objective {
            markers.push((format!("IEEE objective {o} m"), o));
        }
        crate::plot::margin_chart(
            &crate::plot::MarginChart {
                title: format!(
                    "{} on {}{}: margin over length",
                    a.link.pmd.to_uppercase(),
                    fibre.name,
                    if a.link.aoc { " (AOC)" } else { "" }
                ),
                length_m: curve.iter().map(|c| c.0).collect(),
                margin_db: curve.iter().map(|c| c.1).collect(),
                markers,
            },
            path,
        )?;
    }
    if a.link.json {
        let v = serde_json::json!({
            "pmd": a.link.pmd.to_uppercase(),
            "fibre": fibre.name,
            "aoc": a.link.aoc,
            "reach_m": reach.reach_m,
            "beyond_search": reach.beyond_search,
            "limited_by": at.limited_by,
            "reach_objective_m": objective,
            "margin_at_objective_db": match objective { Some(o) => serde_json::json!(model.at(o)?.margin_db), None => serde_json::Value::Null },
            "margin_curve": curve.iter().map(|(l, m)| serde_json::json!({"length_m": l, "margin_db": m})).collect::<Vec<_>>(),
            "grade": fam.grade,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::invalid(format!("JSON: {e}")))?
        );
    } else {
        let reach_text = if reach.beyond_search {
            format!("beyond {AOC_SEARCH_MAX_M} m")
        } else {
            format!("{:.1} m", reach.reach_m)
        };
        println!(
            "{} on {}{}: reach {reach_text}, limited by {}{}",
            a.link.pmd.to_uppercase(),
            fibre.name,
            if a.link.aoc { " as an AOC" } else { "" },
            at.limited_by,
            objective.map_or(String::new(), |o| format!(" (IEEE objective {o} m)"))
        );
        println!("  length      margin");
        for (l, m) in curve.iter().step_by(10) {
            let m = if m.is_finite() {
                format!("{m:7.2} dB")
            } else {
                "  closed".into()
            };
            println!("  {l:7.1} m  {m}");
        }
        print!("at the reach:\n{}", waterfall(&at));
    }
    Ok(ExitCode::SUCCESS)
}

fn plot_waterfall(
    a: &BudgetArgs,
    fibre: &Fibre,
    b: &LaneBudget,
    path: &std::path::Path,
) -> Result<()> {
    use crate::plot::{Step, Waterfall, waterfall_chart};
    let mut steps = vec![
        Step::Start("power budget".into(), b.power_budget_db),
        Step::Spend("connections".into(), b.connection_loss_db),
        Step::Spend("fibre loss".into(), b.fibre_attenuation_db),
    ];
    let mut closed: Option<&str> = None;
    for (name, v) in [
        ("dispersion (ISI)", b.dispersion_penalty_db),
        ("MPN", b.mpn_penalty_db),
    ] {
        if v.is_finite() {
            steps.push(Step::Spend(name.into(), v));
        } else {
            closed = Some(name);
        }
    }
    if closed.is_none() {
        steps.push(Step::Result("margin".into(), b.margin_db));
    }
    let title = format!(
        "{} over {} m of {}{}: {}",
        a.link.pmd.to_uppercase(),
        a.length,
        fibre.name,
        if a.link.aoc { " (AOC)" } else { "" },
        if let Some(term) = closed {
            format!("the eye is closed ({term} has no finite penalty)")
        } else {
            format!("margin {:+.2} dB", b.margin_db)
        }
    );
    waterfall_chart(
        &Waterfall {
            title,
            unit: "dB".into(),
            steps,
        },
        path,
    )
}
