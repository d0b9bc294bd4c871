//! `sireach touchstone info|convert`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::network::{Network, PortPairing};
use crate::touchstone::{self, DataFormat, FrequencyUnit, ReadOptions, Touchstone, Version};

#[derive(Subcommand, Debug)]
pub enum TouchstoneCmd {
    /// Describe a Touchstone file: ports, points, frequency range, version, format, references,
    /// passivity and reciprocity, and insertion/return loss at a chosen frequency.
    ///
    /// Examples:
    ///   sireach touchstone info cable.s4p
    ///   sireach touchstone info cable.s4p --at 26.5625GHz --json
    ///   sireach touchstone info odd_file.s2p --strict     (list every irregularity)
    #[command(verbatim_doc_comment)]
    Info(InfoArgs),
    /// Convert a Touchstone file to another version, format or unit, to mixed mode, to new
    /// reference impedances, or to JSON (when OUT ends in .json).
    ///
    /// Examples:
    ///   sireach touchstone convert in.s4p out.s4p --format ri --unit ghz
    ///   sireach touchstone convert in.s4p out.ts --version 2
    ///   sireach touchstone convert in.s4p sdd.s4p --mixed-mode 1-3/2-4
    ///   sireach touchstone convert in.s2p out.s2p --renormalise 100
    ///   sireach touchstone convert in.s4p out.json
    #[command(verbatim_doc_comment)]
    Convert(ConvertArgs),
}

#[derive(Args, Debug)]
pub struct ReadArgs {
    /// Port count for a version 1 file whose name is not `.sNp`.
    #[arg(long)]
    ports: Option<usize>,
    /// Treat irregular but readable files as errors (and, for `info`, list every warning).
    #[arg(long)]
    strict: bool,
    /// Read on one thread.
    #[arg(long)]
    single_thread: bool,
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    /// The Touchstone file (any extension; the version is read from the content).
    file: PathBuf,
    /// Frequency at which to report insertion and return loss, e.g. `26.5625GHz`, `13.28e9`.
    /// The nearest point of the file is used. Default: half the highest frequency.
    #[arg(long)]
    at: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Also check causality: the impulse response of every S-parameter before t = 0, relative
    /// to its peak (the grid is extended to DC first; see `network::causality`).
    #[arg(long)]
    causality: bool,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Ri,
    Ma,
    Db,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum UnitArg {
    Hz,
    Khz,
    Mhz,
    Ghz,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Input Touchstone file.
    input: PathBuf,
    /// Output file: `.sNp` or `.ts` for Touchstone, `.json` for JSON.
    output: PathBuf,
    /// Number format of the output.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Touchstone version of the output: 1 (1.1) or 2 (2.0); 2.1 also accepted.
    #[arg(long)]
    version: Option<String>,
    /// Frequency unit of the output.
    #[arg(long, value_enum)]
    unit: Option<UnitArg>,
    /// Convert to mixed mode with this port pairing: `1-2/3-4` (ports 1,2 form pair 1), `1-3/2-4`,
    /// or any list `p-n,p-n,...` (1-based, positive-negative). There is no default pairing.
    #[arg(long)]
    mixed_mode: Option<String>,
    /// Renormalise to this real reference impedance (ohms) on every single-ended port (applied
    /// before --mixed-mode, whose modes then refer to 2R and R/2).
    #[arg(long)]
    renormalise: Option<f64>,
    /// Significant digits of the output numbers (default: shortest round-trip).
    #[arg(long)]
    precision: Option<usize>,
    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(cmd: TouchstoneCmd) -> Result<ExitCode> {
    match cmd {
        TouchstoneCmd::Info(a) => info(a),
        TouchstoneCmd::Convert(a) => convert(a),
    }
}

fn read(path: &Path, a: &ReadArgs, strict: bool) -> Result<Touchstone> {
    let opts = ReadOptions {
        strict,
        nports: a.ports,
        par: if a.single_thread {
            crate::Par::Seq
        } else {
            crate::Par::Rayon(0)
        },
        ..ReadOptions::default()
    };
    touchstone::read_path(path, &opts)
}

/// Parse `26.5625GHz`, `100 MHz`, `13.28e9` (Hz) into Hz.
pub fn parse_frequency(s: &str) -> Result<f64> {
    let t = s.trim();
    let split = t
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let x: f64 = num
        .trim()
        .parse()
        .map_err(|_| Error::invalid(format!("a frequency like `26.5625GHz`, found `{s}`")))?;
    let mult = if unit.trim().is_empty() {
        1.0
    } else {
        FrequencyUnit::parse(unit.trim())
            .ok_or_else(|| Error::invalid(format!("a unit Hz, kHz, MHz or GHz, found `{unit}`")))?
            .multiplier()
    };
    Ok(x * mult)
}

fn fmt_hz(f: f64) -> String {
    let (v, u) = if f >= 1e9 {
        (f / 1e9, "GHz")
    } else if f >= 1e6 {
        (f / 1e6, "MHz")
    } else if f >= 1e3 {
        (f / 1e3, "kHz")
    } else {
        (f, "Hz")
    };
    format!("{} {u}", trim_float(v))
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

fn db(z: num_complex::Complex64) -> f64 {
    20.0 * z.norm().log10()
}

fn info(a: InfoArgs) -> Result<ExitCode> {
    let t = read(&a.file, &a.read, false)?;
    let net = &t.network;
    let h = &t.header;
    let nf = net.nfreq();
    let n = net.nports();
    let at_hz = match &a.at {
        Some(s) => Some(parse_frequency(s)?),
        None => None,
    };
    let k_at = if nf == 0 {
        None
    } else {
        let target = at_hz.unwrap_or_else(|| net.frequency_hz[nf - 1] / 2.0);
        let mut best = 0;
        for k in 0..nf {
            if (net.frequency_hz[k] - target).abs() < (net.frequency_hz[best] - target).abs() {
                best = k;
            }
        }
        Some(best)
    };
    let reference = describe_reference(net);
    let causality = if a.causality {
        Some(net.causality()?)
    } else {
        None
    };
    let (passivity, reciprocity) = if nf > 0 {
        (Some(net.passivity()?), Some(net.reciprocity()?))
    } else {
        (None, None)
    };
    let step = uniform_step(net);
    let code = if a.read.strict && !t.warnings.is_empty() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    };
    if a.json {
        let mut o = serde_json::json!({
            "file": a.file.display().to_string(),
            "version": h.version.as_str(),
            "nports": n,
            "nfreq": nf,
            "parameter": h.param.letter().to_string(),
            "format": h.format.as_str(),
            "unit": h.unit.as_str(),
            "f_min_hz": net.frequency_hz.first(),
            "f_max_hz": net.frequency_hz.last(),
            "uniform_step_hz": step,
            "reference": reference,
            "per_frequency_z0": h.per_frequency_z0,
            "s_def": net.wave.as_str(),
            "matrix_format": h.matrix_format.as_str(),
            "noise_points": net.noise.as_ref().map_or(0, |x| x.frequency_hz.len()),
            "port_names": net.port_names,
            "warnings": t.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        });
        if let Some(p) = &passivity {
            o["passivity"] = serde_json::json!({
                "passive": p.passive,
                "max_singular_value": p.max_singular_value,
                "worst_frequency_hz": p.worst_frequency_hz,
                "tolerance": p.tolerance,
            });
        }
        if let Some(c) = &causality {
            o["causality"] = serde_json::json!({
                "causal": c.causal,
                "worst_ratio": c.worst_ratio,
                "worst_pair": [c.worst_pair.0 + 1, c.worst_pair.1 + 1],
                "tolerance": c.tolerance,
            });
        }
        if let Some(r) = &reciprocity {
            o["reciprocity"] = serde_json::json!({
                "reciprocal": r.reciprocal,
                "max_asymmetry": r.max_asymmetry,
                "worst_frequency_hz": r.worst_frequency_hz,
                "worst_pair": [r.worst_pair.0 + 1, r.worst_pair.1 + 1],
                "tolerance": r.tolerance,
            });
        }
        if let Some(k) = k_at {
            let mut m = Vec::new();
            for i in 0..n {
                let row: Vec<f64> = (0..n).map(|j| db(net.s[[k, i, j]])).collect();
                m.push(row);
            }
            o["at"] = serde_json::json!({"frequency_hz": net.frequency_hz[k], "s_db": m});
        }
        println!("{}", serde_json::to_string_pretty(&o).unwrap_or_default());
        return Ok(code);
    }
    let mut out = String::new();
    let _ = writeln!(out, "file         {}", a.file.display());
    let _ = writeln!(
        out,
        "version      {}{}",
        h.version.as_str(),
        if h.version == Version::V1 {
            " (no [Version] line)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "ports        {n}");
    let _ = writeln!(out, "points       {nf}");
    if nf == 1 {
        let _ = writeln!(
            out,
            "frequency    {} (one point)",
            fmt_hz(net.frequency_hz[0])
        );
    } else if nf > 1 {
        let _ = writeln!(
            out,
            "frequency    {} .. {}{}",
            fmt_hz(net.frequency_hz[0]),
            fmt_hz(net.frequency_hz[nf - 1]),
            match step {
                Some(s) => format!(", uniform step {}", fmt_hz(s)),
                None => ", non-uniform grid".into(),
            }
        );
    }
    let _ = writeln!(
        out,
        "data         {} parameters, {} format, unit {}, matrix {}",
        h.param.letter(),
        h.format.as_str(),
        h.unit.as_str(),
        h.matrix_format.as_str()
    );
    let _ = writeln!(out, "reference    {reference}");
    let _ = writeln!(out, "wave def     {}", net.wave.as_str());
    if let Some(names) = &net.port_names {
        let _ = writeln!(out, "port names   {}", names.join(", "));
    }
    if let Some(noise) = &net.noise {
        let _ = writeln!(out, "noise        {} points", noise.frequency_hz.len());
    }
    if let Some(p) = &passivity {
        let _ = writeln!(
            out,
            "passivity    {} (max singular value {:.6} at {})",
            if p.passive { "passive" } else { "NOT passive" },
            p.max_singular_value,
            fmt_hz(p.worst_frequency_hz)
        );
    }
    if let Some(r) = &reciprocity {
        let (i, j) = r.worst_pair;
        let pair = if net.nports() > 1 {
            format!(", S{}{} vs S{}{}", i + 1, j + 1, j + 1, i + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "reciprocity  {} (max |Sij - Sji| {:.3e} at {}{pair})",
            if r.reciprocal {
                "reciprocal"
            } else {
                "NOT reciprocal"
            },
            r.max_asymmetry,
            fmt_hz(r.worst_frequency_hz)
        );
    }
    if let Some(c) = &causality {
        let (i, j) = c.worst_pair;
        let _ = writeln!(
            out,
            "causality    {} (worst: S{}{} has {:.1} dB of its peak before t = 0; tolerance {:.0} dB)",
            if c.causal { "causal" } else { "NOT causal" },
            i + 1,
            j + 1,
            20.0 * c.worst_ratio.max(1e-300).log10(),
            20.0 * c.tolerance.log10()
        );
    }
    if let Some(k) = k_at {
        let _ = writeln!(
            out,
            "|S| in dB at {} (nearest point):",
            fmt_hz(net.frequency_hz[k])
        );
        let show = n.min(8);
        for i in 0..show {
            let mut line = String::from("   ");
            for j in 0..show {
                let _ = write!(line, " {:>9.3}", db(net.s[[k, i, j]]));
            }
            let _ = writeln!(out, "{line}");
        }
        if n > show {
            let _ = writeln!(out, "    (first {show} of {n} ports shown; --json has all)");
        }
    }
    if t.warnings.is_empty() {
        let _ = writeln!(out, "warnings     none");
    } else {
        let _ = writeln!(out, "warnings     {}", t.warnings.len());
        for w in &t.warnings {
            let _ = writeln!(out, "  {w}");
        }
    }
    print!("{out}");
    Ok(code)
}

fn describe_reference(net: &Network) -> String {
    if net.nfreq() == 0 {
        return "none (no data)".into();
    }
    let fmt = |z: num_complex::Complex64| {
        if z.im == 0.0 {
            format!("{} Ω", trim_float(z.re))
        } else {
            format!("({}{:+}j) Ω", trim_float(z.re), trim_float(z.im))
        }
    };
    if net.z0_is_uniform() {
        format!("{} on every port", fmt(net.z0[[0, 0]]))
    } else if net.z0_is_constant_over_frequency() {
        let v: Vec<String> = net.z0.row(0).iter().map(|z| fmt(*z)).collect();
        format!("per port: {}", v.join(", "))
    } else {
        format!(
            "per port and per frequency (e.g. port 1: {} at the first point)",
            fmt(net.z0[[0, 0]])
        )
    }
}

fn uniform_step(net: &Network) -> Option<f64> {
    let f = &net.frequency_hz;
    if f.len() < 2 {
        return None;
    }
    let step = (f[f.len() - 1] - f[0]) / (f.len() - 1) as f64;
    let ok = f
        .windows(2)
        .into_iter()
        .all(|w| ((w[1] - w[0]) - step).abs() <= 1e-6 * step.abs().max(1.0));
    ok.then_some(step)
}

fn convert(a: ConvertArgs) -> Result<ExitCode> {
    let t = read(&a.input, &a.read, a.read.strict)?;
    let mut net = t.network;
    if let Some(r) = a.renormalise {
        if !(r.is_finite() && r > 0.0) {
            return Err(Error::invalid(format!(
                "--renormalise takes a positive impedance in ohms, found {r}"
            )));
        }
        net = net.renormalised_uniform(num_complex::Complex64::new(r, 0.0), net.wave)?;
    }
    if let Some(pairing) = &a.mixed_mode {
        let pairing = PortPairing::parse(pairing)?;
        net = net.to_mixed_mode(&pairing)?;
    }
    let is_json = a
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let text = touchstone::json::to_json(&net);
        return std::fs::write(&a.output, text)
            .map(|_| ExitCode::SUCCESS)
            .map_err(|e| Error::io(&a.output, e));
    }
    let needs_v2 = !net.z0_is_uniform() && net.z0_is_constant_over_frequency();
    let version = match a.version.as_deref() {
        None if needs_v2 => {
            eprintln!(
                "note: writing Touchstone 2.0: the ports have different references, which version 1 cannot hold"
            );
            if t.header.version == Version::V2_1 {
                Version::V2_1
            } else {
                Version::V2_0
            }
        }
        None => {
            // keep the input's version unless the name asks for .ts
            let ts = a
                .output
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ts"));
            if ts || t.header.version.is_v2() {
                if t.header.version == Version::V2_1 {
                    Version::V2_1
                } else {
                    Version::V2_0
                }
            } else {
                Version::V1
            }
        }
        Some("1") | Some("1.0") | Some("1.1") => Version::V1,
        Some("2") | Some("2.0") => Version::V2_0,
        Some("2.1") => Version::V2_1,
        Some(v) => {
            return Err(Error::invalid(format!(
                "--version 1, 2 or 2.1, found `{v}`"
            )));
        }
    };
    let opts = touchstone::WriteOptions {
        version,
        format: match a.format {
            Some(FormatArg::Ri) => DataFormat::RI,
            Some(FormatArg::Ma) => DataFormat::MA,
            Some(FormatArg::Db) => DataFormat::DB,
            None => t.header.format,
        },
        unit: match a.unit {
            Some(UnitArg::Hz) => FrequencyUnit::Hz,
            Some(UnitArg::Khz) => FrequencyUnit::KHz,
            Some(UnitArg::Mhz) => FrequencyUnit::MHz,
            Some(UnitArg::Ghz) => FrequencyUnit::GHz,
            None => t.header.unit,
        },
        precision: a.precision,
        ..Default::default()
    };
    if net.name.is_empty() {
        net.name = "network".into();
    }
    touchstone::write_path(&net, &a.output, &opts)?;
    Ok(ExitCode::SUCCESS)
}
