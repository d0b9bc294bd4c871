//! `sireach reach --study`: run a study file (all of it, or one shard), streaming rows to
//! `--out`, resuming an interrupted run; `sireach reach merge`: join shards. The logic is in
//! `reach::study`; this file reads and writes the files and draws the progress bar.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::channel::fom::differential;
use crate::error::{Error, Result};
use crate::network::PortPairing;
use crate::presets::Presets;
use crate::reach::study::{
    CSV_HEADER, MediumSpec, Study, StudyRow, StudyRun, Summary, SummaryAcc, media, merge_csv,
    parse_csv_rows, shard, summarise,
};

/// The options of a study run (the rest of `sireach reach`'s flags do not apply).
pub struct StudyOptions<'a> {
    pub study: &'a Path,
    pub shard: Option<&'a str>,
    pub out: Option<&'a Path>,
    pub resume: bool,
    pub json: bool,
    pub presets: Option<&'a Path>,
    pub report: Option<&'a Path>,
}

/// Parses `i/N` (1 ≤ i ≤ N).
fn parse_shard(s: &str) -> Result<(usize, usize)> {
    let bad = || {
        Error::invalid(format!(
            "--shard {s}: expected i/N with 1 ≤ i ≤ N, e.g. 3/8 (a Slurm array task: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

enum Sink {
    Csv(BufWriter<std::fs::File>),
    JsonLines(BufWriter<std::fs::File>),
    Memory,
}

/// The rows of a study output file (CSV or JSON Lines; none if it does not exist).
fn read_rows(out: &Path) -> Result<Vec<StudyRow>> {
    if !out.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(out).map_err(|e| Error::io(out, e))?;
    if is_jsonl(out) {
        text.lines()
            .enumerate()
            .map(|(k, l)| {
                serde_json::from_str::<StudyRow>(l).map_err(|e| {
                    Error::invalid(format!(
                        "{}: line {}: not a study row: {e}",
                        out.display(),
                        k + 1
                    ))
                })
            })
            .collect()
    } else if text.is_empty() {
        Ok(Vec::new())
    } else {
        parse_csv_rows(&out.display().to_string(), &text)
    }
}

/// Complete rows already in `out` (resume): the points done, and the file cut back to its last
/// complete line.
fn done_points(out: &Path) -> Result<Vec<usize>> {
    let text = std::fs::read_to_string(out).map_err(|e| Error::io(out, e))?;
    let complete = match text.rfind('\n') {
        Some(k) => &text[..=k],
        None => "",
    };
    if complete.len() != text.len() {
        // an interrupted write: drop the partial line
        let f = OpenOptions::new()
            .write(true)
            .open(out)
            .map_err(|e| Error::io(out, e))?;
        f.set_len(complete.len() as u64)
            .map_err(|e| Error::io(out, e))?;
    }
    if is_jsonl(out) {
        complete
            .lines()
            .enumerate()
            .map(|(k, l)| {
                serde_json::from_str::<StudyRow>(l)
                    .map(|r| r.point)
                    .map_err(|e| {
                        Error::invalid(format!(
                            "{}: line {}: not a study row: {e}",
                            out.display(),
                            k + 1
                        ))
                    })
            })
            .collect()
    } else if complete.is_empty() {
        Ok(Vec::new())
    } else {
        Ok(parse_csv_rows(&out.display().to_string(), complete)?
            .iter()
            .map(|r| r.point)
            .collect())
    }
}

fn is_jsonl(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("jsonl") | Some("ndjson")
    )
}

/// An error about the study file, prefixed with its path.
fn in_file(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e.kind() {
        crate::error::ErrorKind::InvalidArgument(m) => {
            Error::invalid(format!("{}: {m}", path.display()))
        }
        _ => e.with_file(path),
    }
}

pub fn run_study(o: StudyOptions) -> Result<ExitCode> {
    let shard_of = o.shard.map(parse_shard).transpose()?;
    let text = std::fs::read_to_string(o.study).map_err(|e| Error::io(o.study, e))?;
    let study = Study::from_toml_str(&text).map_err(in_file(o.study))?;
    let presets = Presets::from_dir_or_embedded(o.presets)?;
    let base = o.study.parent().unwrap_or(Path::new("."));
    let mut measured = Vec::new();
    for m in &study.media {
        if let MediumSpec::Measured { file, pairing, .. } = m {
            let path = base.join(file);
            measured.push(differential(&path, &PortPairing::parse(pairing)?)?);
        }
    }
    let media = media(&study, &presets, &measured).map_err(in_file(o.study))?;
    let run = StudyRun::new(&study, &presets, media).map_err(in_file(o.study))?;
    let all = run.points();
    let mut points = match shard_of {
        Some((i, n)) => shard(&all, i, n),
        None => all.clone(),
    };
    let sink = match o.out {
        None => Sink::Memory,
        Some(out) => {
            if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let resuming = o.resume && out.exists();
            let skip = if resuming {
                done_points(out)?
            } else {
                Vec::new()
            };
            if resuming {
                eprintln!(
                    "resuming {}: {} rows already there",
                    out.display(),
                    skip.len()
                );
                let skip: std::collections::HashSet<usize> = skip.into_iter().collect();
                points.retain(|p| !skip.contains(&p.index));
            }
            let f = OpenOptions::new()
                .create(true)
                .append(resuming)
                .write(true)
                .truncate(!resuming)
                .open(out)
                .map_err(|e| Error::io(out, e))?;
            let fresh = f.metadata().map(|m| m.len() == 0).unwrap_or(true);
            let mut w = BufWriter::new(f);
            if is_jsonl(out) {
                Sink::JsonLines(w)
            } else {
                if fresh {
                    writeln!(w, "{CSV_HEADER}").map_err(|e| Error::io(out, e))?;
                }
                Sink::Csv(w)
            }
        }
    };
    let bar = ProgressBar::new(points.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} points, {elapsed} elapsed, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // rows are held only for the report (or with no --out); the summary keeps their reaches
    let keep = o.report.is_some() || o.out.is_none();
    let mut kept: Vec<StudyRow> = Vec::new();
    let mut acc = SummaryAcc::default();
    if let (Some(out), true) = (o.out, o.resume) {
        // the rows of an earlier, interrupted run count too
        for r in read_rows(out)? {
            acc.add(&r);
            if keep {
                kept.push(r);
            }
        }
    }
    let out_name = o.out.map(|p| p.display().to_string()).unwrap_or_default();
    let io = |e: std::io::Error| Error::invalid(format!("{out_name}: {e}"));
    let sink = std::cell::RefCell::new(sink);
    run.run(
        &points,
        |r| {
            match &mut *sink.borrow_mut() {
                Sink::Csv(w) => writeln!(w, "{}", r.csv()).map_err(io)?,
                Sink::JsonLines(w) => {
                    let line = serde_json::to_string(r)
                        .map_err(|e| Error::invalid(format!("JSON: {e}")))?;
                    writeln!(w, "{line}").map_err(io)?
                }
                Sink::Memory => {}
            }
            acc.add(r);
            if keep {
                kept.push(r.clone());
            }
            Ok(())
        },
        |n| {
            // a chunk is on disk before the next starts: an interruption loses at most one
            if let Sink::Csv(w) | Sink::JsonLines(w) = &mut *sink.borrow_mut() {
                let _ = w.flush();
            }
            bar.inc(n as u64)
        },
    )?;
    bar.finish_and_clear();
    if let Sink::Csv(w) | Sink::JsonLines(w) = &mut *sink.borrow_mut() {
        w.flush().map_err(io)?;
    }
    kept.sort_by_key(|r| r.point);
    let rows = kept;
    let summary = acc.finish();
    if let Some(dir) = o.report {
        write_report(dir, &run, &text, &rows, &summary)?;
        eprintln!("report: {}", dir.join("index.html").display());
    }
    print_summary(&study.study.name, &summary, o.json, o.out, o.shard)?;
    Ok(ExitCode::SUCCESS)
}

/// The HTML report in `dir`: index.html (self-contained, the figures inlined), the figures
/// as SVG files, rows.csv and summary.json beside it.
fn write_report(
    dir: &Path,
    run: &StudyRun,
    study_toml: &str,
    rows: &[StudyRow],
    summary: &[Summary],
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut csv = String::from(CSV_HEADER);
    csv.push('\n');
    for r in rows {
        csv.push_str(&r.csv());
        csv.push('\n');
    }
    let rows_path = dir.join("rows.csv");
    std::fs::write(&rows_path, csv).map_err(|e| Error::io(&rows_path, e))?;
    let js =
        serde_json::to_string_pretty(summary).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
    let sp = dir.join("summary.json");
    std::fs::write(&sp, js).map_err(|e| Error::io(&sp, e))?;
    // each summary row's objective, and its group's samples
    let objective = |pmd: &str| {
        rows.iter()
            .find(|r| r.pmd == pmd)
            .map_or(f64::NAN, |r| r.objective_m)
    };
    let objectives: Vec<f64> = summary.iter().map(|s| objective(&s.pmd)).collect();
    let label = |s: &Summary| format!("{} · {} · {}", s.pmd, s.medium, s.criterion);
    let samples: Vec<crate::plot::ReachSamples> = summary
        .iter()
        .map(|s| crate::plot::ReachSamples {
            label: label(s),
            // the Monte Carlo samples (the nominal alone when there are none)
            reach_m: rows
                .iter()
                .filter(|r| r.pmd == s.pmd && r.medium == s.medium && r.criterion == s.criterion)
                .filter(|r| r.sample > 0 || s.nominal_m.is_some() && s.samples == 1)
                .map(|r| r.reach_m)
                .collect(),
        })
        .collect();
    // nominal margin curves: 12 lengths up to 1.5× the longest P99 or objective
    let top = summary
        .iter()
        .zip(&objectives)
        .map(|(s, o)| s.p99_m.max(*o))
        .fold(0.5, f64::max)
        * 1.5;
    let lengths: Vec<f64> = (1..=12).map(|k| top * k as f64 / 12.0).collect();
    let pmd_names: Vec<&str> = run.families.iter().map(|(_, n, _)| n.as_str()).collect();
    let mut curves = Vec::new();
    for s in summary {
        let (Some(pi), Some(mi), Some(ci)) = (
            pmd_names.iter().position(|n| *n == s.pmd),
            run.media.iter().position(|m| m.label == s.medium),
            run.criteria.iter().position(|c| c.name() == s.criterion),
        ) else {
            continue;
        };
        curves.push(crate::plot::MarginCurve {
            label: label(s),
            length_m: lengths.clone(),
            margin_db: run.margin_curve(pi, mi, ci, &lengths)?,
        });
    }
    let mut figures = Vec::new();
    let svg = |name: &str| dir.join(name);
    crate::plot::study_reach_chart(summary, &objectives, &svg("reach.svg"))?;
    figures.push(("Reach per PMD, medium and criterion: the P50 bar, the P1–P99 whisker over the Monte Carlo samples, the nominal cable's dot, and the IEEE objective (red).".to_string(), "reach.svg"));
    crate::plot::study_margin_chart(&curves, &svg("margin.svg"))?;
    figures.push(("Nominal margin against length per PMD, medium and criterion; the reach is where a curve crosses 0 dB.".to_string(), "margin.svg"));
    crate::plot::study_histograms(&samples, &svg("histograms.svg"))?;
    figures.push((
        "Reach over the Monte Carlo samples, per PMD, medium and criterion.".to_string(),
        "histograms.svg",
    ));
    let inlined: Vec<(String, String)> = figures
        .into_iter()
        .map(|(c, f)| {
            let p = svg(f);
            std::fs::read_to_string(&p)
                .map(|t| (c, t))
                .map_err(|e| Error::io(&p, e))
        })
        .collect::<Result<_>>()?;
    let page = crate::reach::report::html(&crate::reach::report::Report {
        name: &run.study.study.name,
        study_toml,
        summary,
        objectives: &objectives,
        rows,
        figures: &inlined,
        rows_file: "rows.csv",
        generated_by: concat!("sireach ", env!("CARGO_PKG_VERSION")),
    });
    let index = dir.join("index.html");
    std::fs::write(&index, page).map_err(|e| Error::io(&index, e))
}

fn print_summary(
    name: &str,
    s: &[Summary],
    json: bool,
    out: Option<&Path>,
    shard: Option<&str>,
) -> Result<()> {
    if json {
        let t =
            serde_json::to_string_pretty(s).map_err(|e| Error::invalid(format!("JSON: {e}")))?;
        println!("{t}");
        return Ok(());
    }
    println!(
        "study {name}{}: reach per PMD, medium and criterion (m)",
        shard.map(|s| format!(", shard {s}")).unwrap_or_default()
    );
    println!(
        "{:<16} {:<24} {:<5} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "pmd", "medium", "crit", "nominal", "P1", "P50", "P99", "samples"
    );
    for r in s {
        println!(
            "{:<16} {:<24} {:<5} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8}",
            r.pmd,
            r.medium,
            r.criterion,
            r.nominal_m.map_or("-".into(), |v| format!("{v:.2}")),
            r.p1_m,
            r.p50_m,
            r.p99_m,
            r.samples
        );
    }
    if let Some(o) = out {
        println!("rows: {}", o.display());
    }
    Ok(())
}

/// Join the CSV outputs of a study's shards into the single run's file.
///
/// Checks that every point of the study appears exactly once across the parts (a shard
/// missing, unfinished or given twice is an error naming the points), and writes the rows in
/// point order: the same file `sireach reach --study S.toml --out ALL.csv` writes.
///
/// Example (4 shards, any scheduler):
///   for i in 1 2 3 4; do sireach reach --study S.toml --shard $i/4 --out part$i.csv; done
///   sireach reach merge all.csv part1.csv part2.csv part3.csv part4.csv
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct MergeArgs {
    /// The merged file to write (CSV).
    out: PathBuf,
    /// The shards' CSV files.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run_merge(a: MergeArgs) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for p in &a.parts {
        let t = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
        parts.push((p.display().to_string(), t));
    }
    let lines = merge_csv(&parts)?;
    let text = lines.join("\n") + "\n";
    std::fs::write(&a.out, &text).map_err(|e| Error::io(&a.out, e))?;
    let rows = parse_csv_rows(&a.out.display().to_string(), &text)?;
    let name = rows.first().map(|r| r.study.clone()).unwrap_or_default();
    eprintln!(
        "merged {} rows from {} parts into {}",
        rows.len(),
        a.parts.len(),
        a.out.display()
    );
    print_summary(&name, &summarise(&rows), a.json, Some(&a.out), None)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_syntax() {
        assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
        for bad in ["0/5", "6/5", "2", "a/b", "1/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
