//! `sireach reach`: the DAC reach table.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::{Error, Result};
use crate::presets::Presets;
use crate::reach::{DAC_SEARCH_MAX_M, ReachRow, TableOptions, dac_table_with};

/// The longest passive DAC and AOC per IEEE PMD, wire gauge and fibre.
///
/// Each DAC row: the longest bulk twinax (plus two plugs) that meets the criterion — by default
/// COM ≥ 3 dB where the lane rate has a COM preset, else the clause's cable-assembly insertion
/// loss at Nyquist (see --criterion) — from the physical twinax model (gauge, copper, surface
/// factor, causal dielectric) with every parameter cited in data/cables/twinax.toml and
/// data/standards/copper.toml. `margin` is the criterion's margin at the IEEE reach objective
/// length; `limited by` says what stops each row. Limits graded C or M are not verified against the standard
/// text and are flagged. AOC rows: the longest fibre whose optical lane budget (power budget
/// less internal coupling, fibre attenuation, dispersion and mode-partition penalties; see
/// `sireach optical budget --help`) stays positive, for the multimode PMDs of data/optics.
/// Transceiver rows: every optical PMD (multimode and single-mode, up to 1.6TBASE-DR8) as
/// pluggable transceivers over patch-corded fibre, paying the IEEE connection allocation.
///
/// Examples:
///   sireach reach --medium aoc
///   sireach reach --medium transceiver --json
///   sireach reach
///   sireach reach --json > reach.json
///   sireach reach --csv > reach.csv
///   sireach reach --presets my_data/
///   sireach reach --plot reach.svg          (also .png; the table is still printed)
///
/// Studies (your PMDs, media — twinax gauges or your measured cable — criteria and Monte
/// Carlo spreads in a TOML file; a commented example: data/studies/dac_study.toml):
///   sireach reach --study study.toml --out rows.csv        (or rows.jsonl)
///   sireach reach --study study.toml --out rows.csv --resume   (continue an interrupted run)
///   sireach reach --study study.toml --shard 2/8 --out part2.csv   (one of 8 batch jobs)
///   sireach reach merge all.csv part1.csv … part8.csv
#[derive(Args, Debug)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
pub struct ReachArgs {
    #[command(subcommand)]
    command: Option<ReachCommand>,
    /// Run a study file instead of the built-in table: rows (one per PMD × medium ×
    /// criterion × Monte Carlo sample) go to --out, the reach distribution to stdout.
    #[arg(long, value_name = "STUDY.toml")]
    study: Option<PathBuf>,
    /// With --study: run only shard i of N (points with index mod N = i − 1); merge the
    /// parts with `sireach reach merge`.
    #[arg(long, value_name = "i/N", requires = "study")]
    shard: Option<String>,
    /// With --study: write the rows here as they finish (.csv, or .jsonl for JSON Lines).
    #[arg(long, value_name = "FILE", requires = "study")]
    out: Option<PathBuf>,
    /// With --study and --out: keep the rows already in --out and run only the rest.
    #[arg(long, requires = "out")]
    resume: bool,
    /// With --study: write an HTML report into this folder (index.html, self-contained, with
    /// the reach table, the reach spread, margin-against-length curves and Monte Carlo
    /// histograms as SVG; rows.csv and summary.json beside it).
    #[arg(long, value_name = "DIR", requires = "study")]
    report: Option<PathBuf>,
    /// Print the rows as a JSON array.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the rows as CSV.
    #[arg(long)]
    csv: bool,
    /// Read presets from this folder (laid out like data/) instead of the built-in ones.
    #[arg(long)]
    presets: Option<PathBuf>,
    /// Also draw the rows as a bar chart into this file: .svg or .png (reach per PMD and
    /// gauge, grouped by lane rate, with each IEEE reach objective marked). With DAC rows in the
    /// table the chart shows those; `--medium aoc` charts the AOC rows.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Also check the modelled cable assembly at each reach length: ERL of both ends against
    /// the clause's limit (where data/standards has an ERL set) and FOM_ILD. Slower (an ERL
    /// per row).
    #[arg(long)]
    checks: bool,
    /// What the DAC reach is searched on. com (default): Channel Operating Margin ≥ 3 dB
    /// (IEEE 802.3 Annex 93A) with the COM preset of the lane rate (data/standards/com:
    /// 100GBASE-CR1, 50GBASE-CR, 25GBASE-CR; `sireach com --list-configs`) on host board +
    /// plug + twinax + plug + host board, COM adding its packages, with the modelled NEXT and
    /// FEXT of data/standards/com/crosstalk.toml; families without a preset (Clause 179) keep
    /// il. il: the IEEE cable-assembly insertion loss at Nyquist. eye: the equalised eye (the
    /// die-to-die channel with the family's host recipe, a reduced CTLE/Tx FFE search, a 12-tap
    /// DFE, the statistical eye at --eye-ber against --eye-min-mv; about a second per row).
    #[arg(long, value_enum, default_value_t = CriterionArg::Com)]
    criterion: CriterionArg,
    /// Eye height threshold of the eye criterion, mV (default 15 mV: 802.3ck C2M host-output
    /// eye height as recalled, grade C).
    #[arg(long, default_value_t = 15.0)]
    eye_min_mv: f64,
    /// Target BER of the eye criterion.
    #[arg(long, default_value_t = 1e-4)]
    eye_ber: f64,
    /// Which media to list: passive copper (dac), active optical cables (aoc), pluggable
    /// optical transceivers with patch-corded fibre (transceiver), or all.
    #[arg(long, value_enum, default_value_t = Medium::All)]
    medium: Medium,
}

#[derive(clap::Subcommand, Debug)]
enum ReachCommand {
    Merge(crate::cli::study::MergeArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum CriterionArg {
    Com,
    Il,
    Eye,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Medium {
    Dac,
    Aoc,
    Transceiver,
    All,
}

pub fn run(a: ReachArgs) -> Result<ExitCode> {
    if let Some(ReachCommand::Merge(m)) = a.command {
        return crate::cli::study::run_merge(m);
    }
    if let Some(study) = &a.study {
        return crate::cli::study::run_study(crate::cli::study::StudyOptions {
            study,
            shard: a.shard.as_deref(),
            out: a.out.as_deref(),
            resume: a.resume,
            json: a.json,
            presets: a.presets.as_deref(),
            report: a.report.as_deref(),
        });
    }
    if let Some(p) = &a.plot {
        crate::plot::PlotFormat::from_path(p)?;
    }
    let presets = Presets::from_dir_or_embedded(a.presets.as_deref())?;
    let source = a
        .presets
        .as_ref()
        .map_or("the built-in presets".to_string(), |d| {
            d.display().to_string()
        });
    let mut rows = Vec::new();
    let want = |m: Medium| a.medium == m || a.medium == Medium::All;
    if want(Medium::Dac) {
        let eye = match a.criterion {
            CriterionArg::Il | CriterionArg::Com => None,
            CriterionArg::Eye => {
                if !(a.eye_min_mv > 0.0 && a.eye_ber > 0.0 && a.eye_ber < 0.5) {
                    return Err(Error::invalid(
                        "--eye-min-mv must be positive and --eye-ber in (0, 0.5)",
                    ));
                }
                eprintln!(
                    "searching the DAC reach on the equalised eye: {} rows, about a second each on one core…",
                    presets
                        .copper
                        .iter()
                        .map(|f| f.variants.len())
                        .sum::<usize>()
                        * presets.twinax.gauges_awg.len()
                );
                Some(crate::reach::eye::EyeCriterionOptions {
                    min_height_v: a.eye_min_mv * 1e-3,
                    ber: a.eye_ber,
                    ..Default::default()
                })
            }
        };
        rows.extend(dac_rows(
            &presets,
            TableOptions {
                checks: a.checks,
                eye,
                com: a.criterion == CriterionArg::Com,
            },
            &source,
        )?);
    }
    if want(Medium::Aoc) {
        rows.extend(crate::reach::aoc::aoc_table(&presets)?);
    }
    if want(Medium::Transceiver) {
        rows.extend(crate::reach::aoc::transceiver_table(&presets)?);
    }
    emit(&a, &presets, &rows)
}

fn dac_rows(presets: &Presets, options: TableOptions, source: &str) -> Result<Vec<ReachRow>> {
    dac_table_with(presets, options).map_err(|e| {
        let why = match e.kind() {
            crate::error::ErrorKind::InvalidArgument(m) => m.clone(),
            _ => e.to_string(),
        };
        Error::invalid(format!(
            "{why} (from {source}: cables/twinax.toml, standards/copper.toml)"
        ))
    })
}

fn emit(a: &ReachArgs, presets: &Presets, rows: &[ReachRow]) -> Result<ExitCode> {
    if let Some(p) = &a.plot {
        // the chart is drawn for the copper rows (metres of twinax); AOC reach (tens of metres
        // of fibre) would flatten them
        let dac: Vec<ReachRow> = rows.iter().filter(|r| r.medium == "dac").cloned().collect();
        crate::plot::reach_chart(if dac.is_empty() { rows } else { &dac }, p)?;
    }
    if a.json {
        let text =
            serde_json::to_string_pretty(rows).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
        println!("{text}");
    } else if a.csv {
        print!("{}", csv(rows));
    } else {
        print!("{}", table(rows, presets));
        if let Some(p) = &a.plot {
            println!("plot: {}", p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn csv(rows: &[ReachRow]) -> String {
    let mut out = String::from(
        "pmd,clause,medium,variant,port_speed_gbps,lanes,lane_rate_gbps,signalling_rate_gbd,reach_m,criterion,limited_by,margin_db,reach_objective_m,limit_grade,limit_db,cable_db_per_m,plugs_db,host,die_to_die_il_db,erl_db,erl_pass,fom_ild_db\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{},\"{}\",{},{},{},{},{},{},{:.2},{},{},{:.3},{},{},{},{:.4},{:.4},{},{},{},{},{}",
            r.pmd,
            r.clause,
            r.medium,
            r.variant,
            r.port_speed_gbps,
            r.lanes,
            r.lane_rate_gbps,
            r.signalling_rate_gbd,
            r.reach_m,
            r.criterion,
            r.limited_by,
            r.margin_db,
            r.reach_objective_m,
            r.limit_grade,
            r.limit_db,
            r.cable_db_per_m,
            r.plugs_db,
            r.host.as_deref().unwrap_or(""),
            r.die_to_die_il_db
                .map_or(String::new(), |v| format!("{v:.3}")),
            r.checks
                .as_ref()
                .and_then(|c| c.erl_db)
                .map_or(String::new(), |v| format!("{v:.3}")),
            r.checks
                .as_ref()
                .and_then(|c| c.erl_pass)
                .map_or(String::new(), |v| v.to_string()),
            r.checks
                .as_ref()
                .map_or(String::new(), |c| format!("{:.5}", c.fom_ild_db))
        );
    }
    out
}

fn table(rows: &[ReachRow], presets: &Presets) -> String {
    let dac: Vec<ReachRow> = rows.iter().filter(|r| r.medium == "dac").cloned().collect();
    let mut out = String::new();
    if !dac.is_empty() {
        out += &dac_table_text(&dac, presets);
    }
    for medium in ["aoc", "transceiver"] {
        let these: Vec<ReachRow> = rows
            .iter()
            .filter(|r| r.medium == medium)
            .cloned()
            .collect();
        if !these.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out += &optical_table_text(&these, medium, presets);
        }
    }
    out
}

fn optical_table_text(rows: &[ReachRow], medium: &str, presets: &Presets) -> String {
    let mut out = String::from(if medium == "aoc" {
        "Active optical cable reach by optical margin (lane budget of the PMD, no patch connectors)\n\n"
    } else {
        "Optical transceiver reach by optical margin (lane budget of the PMD, IEEE connection allocation)\n\n"
    });
    let _ = writeln!(
        out,
        "{:<14} {:>5} {:>6} {:>9} {:>5} {:>9} {:>9} {:>10}  {:<12} limited by",
        "PMD", "lanes", "port", "lane rate", "fibre", "reach", "objective", "margin", "budget"
    );
    for r in rows {
        let reach = if r.limited_by == "search range" {
            format!(">{:.0} m", crate::reach::aoc::AOC_SEARCH_MAX_M)
        } else {
            format!("{:.1} m", r.reach_m)
        };
        let margin = if r.margin_db.is_finite() {
            format!("{:7.2} dB", r.margin_db)
        } else {
            "  closed".to_string()
        };
        let budget = format!("{:.2} dB{}", r.limit_db, unverified_mark(&r.limit_grade));
        let line = format!(
            "{:<14} {:>5} {:>4} G {:>7} G {:>5} {:>9} {:>7} m {:>10}  {:<12} {}",
            r.pmd,
            r.lanes,
            r.port_speed_gbps,
            r.lane_rate_gbps,
            r.variant,
            reach,
            r.reach_objective_m,
            margin,
            budget,
            r.limited_by
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\n* transmitter/receiver values not verified against the standard (grade C or M): see data/optics/*.toml"
    );
    let coupling = if medium == "aoc" {
        format!(
            "the AOC's {} dB internal coupling instead of the 1.5 dB/2.75 dB connection allocations",
            presets.optics.aoc.connection_loss_db
        )
    } else {
        "the IEEE connection allocation (1.5 dB MMF, 2.75 dB SMF)".to_string()
    };
    let _ = writeln!(
        out,
        "budget: (OMA − TDECQ)min − (sensitivity − SECQ); margin at the IEEE objective length with {coupling} (sireach model, grade M: optical::budget)."
    );
    out
}

fn dac_table_text(rows: &[ReachRow], presets: &Presets) -> String {
    let mut out = String::new();
    let com = rows.iter().any(|r| r.criterion == "com");
    let _ = writeln!(
        out,
        "{}",
        if rows.iter().any(|r| r.criterion == "eye") {
            "Passive DAC reach by the equalised eye (die-to-die channel, CTLE + Tx FFE + DFE, statistical eye at the target BER vs the height threshold)\n"
        } else if com {
            "Passive DAC reach by COM ≥ 3 dB (IEEE 802.3 Annex 93A with the lane rate's COM preset: host board + plug + twinax + plug + host board, packages, modelled NEXT/FEXT); rows without a preset: IL at Nyquist\n"
        } else {
            "Passive DAC reach by IEEE cable-assembly insertion loss at Nyquist (twinax model, two plugs)\n"
        }
    );
    let _ = writeln!(
        out,
        "{:<14} {:>5} {:>6} {:>9} {:>6} {:>8} {:>9} {:>10}  {:<22} {:<14} die-to-die{}",
        "PMD",
        "lanes",
        "port",
        "lane rate",
        "gauge",
        "reach",
        "objective",
        "margin",
        "limit",
        "limited by",
        if rows.iter().any(|r| r.checks.is_some()) {
            "  ERL (min end)  FOM_ILD"
        } else {
            ""
        }
    );
    for r in rows {
        let reach = if r.limited_by == "search range" {
            format!(">{DAC_SEARCH_MAX_M:.0} m")
        } else {
            format!("{:.2} m", r.reach_m)
        };
        let limit = match &r.com {
            Some(c) => format!(
                "COM {}{}",
                c.preset,
                if c.preset_status.contains("UNCONFIRMED") {
                    " †"
                } else {
                    ""
                }
            ),
            None => format!(
                "{:.2} dB @ {:.2} GHz{}",
                r.limit_db,
                r.signalling_rate_gbd / 2.0,
                unverified_mark(&r.limit_grade)
            ),
        };
        let line = format!(
            "{:<14} {:>5} {:>4} G {:>7} G {:>6} {:>8} {:>7} m {:>7.2} dB  {:<22} {:<14} {:<10}{}",
            r.pmd,
            r.lanes,
            r.port_speed_gbps,
            r.lane_rate_gbps,
            r.variant,
            reach,
            r.reach_objective_m,
            r.margin_db,
            limit,
            r.limited_by,
            r.die_to_die_il_db
                .map_or("-".to_string(), |v| format!("{v:.1} dB")),
            r.checks.as_ref().map_or(String::new(), |c| {
                let erl = match (c.erl_db, c.erl_pass) {
                    (Some(e), Some(p)) => format!("{e:.1} dB {}", if p { "pass" } else { "FAIL" }),
                    (Some(e), None) => format!("{e:.1} dB"),
                    _ => "-".to_string(),
                };
                format!("  {erl:<13}  {:.4} dB", c.fom_ild_db)
            })
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\n* limit not verified against the standard text (grade C or M): see data/standards/copper.toml"
    );
    let _ = writeln!(
        out,
        "margin: {} at the IEEE reach objective length. Plugs: {} dB/√GHz·√f + {} dB/GHz·f each (grade {}, an assumption).",
        if rows.iter().any(|r| r.criterion == "eye") {
            "20·log10(smallest eye height / threshold)"
        } else if com {
            "COM − 3 dB (IL margin on rows without a COM preset)"
        } else {
            "insertion-loss margin"
        },
        presets.twinax.plug_loss_a1_db_per_sqrt_ghz,
        presets.twinax.plug_loss_a2_db_per_ghz,
        presets.twinax.plug_loss_grade
    );
    if com {
        let mut seen = Vec::new();
        for c in rows.iter().filter_map(|r| r.com.as_ref()) {
            if !seen.contains(&c.preset) {
                seen.push(c.preset.clone());
                let _ = writeln!(
                    out,
                    "{}COM {}: {} (data/standards/com/{}.toml); host board {} at both ends; COM = min over the package cases.",
                    if c.preset_status.contains("UNCONFIRMED") {
                        "† "
                    } else {
                        "  "
                    },
                    c.preset,
                    c.preset_status,
                    c.preset,
                    c.host_board.as_deref().unwrap_or("none")
                );
            }
        }
        let _ = writeln!(
            out,
            "COM search: local (coarse grid, then full resolution around it; < 0.03 dB from the full grid), Δf 10-50 MHz by channel length (< 0.1 dB from 10 MHz); crosstalk: power-sum NEXT/FEXT fitted to the 802.3ck CA set (crosstalk.toml)."
        );
    }
    let _ = writeln!(
        out,
        "die-to-die: loss at Nyquist at the reach length with the family's host recipe at both ends (package + host board, data/standards/hosts.toml); informational, not a limit."
    );
    if rows.iter().any(|r| r.checks.is_some()) {
        let _ = writeln!(
            out,
            "ERL, FOM_ILD: of the modelled cable assembly (plug + cable + plug) at the reach length; ERL where the clause has a parameter set and limit (Annex 93A.5; grade C settings)."
        );
    }
    out
}

/// `" *"` for a value graded C or M (not verified against the standard), else nothing.
fn unverified_mark(grade: &str) -> &'static str {
    if matches!(grade, "C" | "M") { " *" } else { "" }
}
