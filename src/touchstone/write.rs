//! Writing Touchstone 1.1 and 2.0/2.1, in RI, MA or DB, in any unit, with numbers written as
//! the shortest decimal that reads back to the same `f64` (or to a caller's precision).
//!
//! What each version can carry:
//! - version 1 has one real reference resistance `R` for every port; version 2 has one real
//!   reference per port (`[Reference]`);
//! - neither has complex or frequency-dependent references. Those are written the way HFSS
//!   writes them, as `! Port Impedance re im …` comments after each frequency's data, which
//!   sireach and scikit-rf read back (with a comment naming the wave definition). A network
//!   with per-port references asked to be written as version 1 is an error (write version 2).
//!
//! Layout (both versions): one- and two-ports on one line per frequency (version 1 two-ports in
//! the `S11 S21 S12 S22` order; version 2 writes `[Two-Port Data Order] 12_21`); larger
//! networks one matrix row per line group, at most four pairs per line.

use std::fmt::Write as _;
use std::path::Path;

use num_complex::Complex64;

use super::header::{DataFormat, FrequencyUnit, MatrixFormat, Version};
use crate::error::{Error, Result};
use crate::network::{Network, WaveDef};

/// How to write.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    pub version: Version,
    pub format: DataFormat,
    pub unit: FrequencyUnit,
    /// Significant digits; `None` writes the shortest round-trip representation.
    pub precision: Option<usize>,
    /// Version 2 only: `Lower`/`Upper` need a symmetric (reciprocal) matrix.
    pub matrix_format: MatrixFormat,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            version: Version::V1,
            format: DataFormat::RI,
            unit: FrequencyUnit::GHz,
            precision: None,
            matrix_format: MatrixFormat::Full,
        }
    }
}

struct Num {
    precision: Option<usize>,
    buf: ryu::Buffer,
}

impl Num {
    fn push(&mut self, out: &mut String, x: f64) {
        match self.precision {
            None => out.push_str(self.buf.format_finite(x)),
            Some(p) => {
                let _ = write!(out, "{:.*e}", p.saturating_sub(1), x);
            }
        }
    }
}

fn pair(format: DataFormat, z: Complex64) -> (f64, f64) {
    match format {
        DataFormat::RI => (z.re, z.im),
        DataFormat::MA => (z.norm(), z.arg().to_degrees()),
        DataFormat::DB => (20.0 * z.norm().log10(), z.arg().to_degrees()),
    }
}

/// The network as Touchstone text.
pub fn write_string(net: &Network, opts: &WriteOptions) -> Result<String> {
    let (nf, n, _) = net.s.dim();
    if n == 0 {
        return Err(Error::invalid("a network with no ports cannot be written"));
    }
    if let Some(bad) = net
        .s
        .iter()
        .find(|z| !z.re.is_finite() || !z.im.is_finite())
    {
        return Err(Error::invalid(format!(
            "non-finite S-parameter {bad} cannot be written"
        )));
    }
    if opts.format == DataFormat::DB && net.s.iter().any(|z| z.norm() == 0.0) {
        return Err(Error::invalid(
            "an S-parameter of exactly zero has no dB value (-inf); write RI or MA",
        ));
    }
    let v2 = opts.version.is_v2();
    if !v2 && opts.matrix_format != MatrixFormat::Full {
        return Err(Error::invalid(
            "Lower/Upper matrix formats exist only in version 2",
        ));
    }
    if opts.matrix_format != MatrixFormat::Full {
        for k in 0..nf {
            for i in 0..n {
                for j in 0..i {
                    if net.s[[k, i, j]] != net.s[[k, j, i]] {
                        return Err(Error::invalid(format!(
                            "{} matrix format needs a symmetric matrix; S{}{} != S{}{} at frequency index {k}",
                            opts.matrix_format.as_str(),
                            i + 1,
                            j + 1,
                            j + 1,
                            i + 1
                        )));
                    }
                }
            }
        }
    }
    // References: per port constant and real -> R / [Reference]; otherwise HFSS comments.
    let z0_real_const = net.z0_is_constant_over_frequency()
        && net
            .z0
            .iter()
            .all(|z| z.im == 0.0 && z.re > 0.0 && z.re.is_finite());
    let z0_uniform = net.z0_is_uniform();
    let base: Vec<f64> = if nf == 0 {
        vec![50.0; n]
    } else {
        (0..n)
            .map(|p| {
                let r = net.z0[[0, p]].re;
                if r > 0.0 && r.is_finite() { r } else { 50.0 }
            })
            .collect()
    };
    let comments_z0 = !z0_real_const;
    if !v2 && z0_real_const && !z0_uniform {
        return Err(Error::invalid(
            "version 1 has one reference resistance for all ports; this network has per-port references: write version 2 (--version 2) or renormalise first",
        ));
    }
    if comments_z0 && net.wave == WaveDef::Pseudo {
        return Err(Error::invalid(
            "complex or per-frequency references with pseudo-waves have no Touchstone representation; convert to power waves first",
        ));
    }

    let mut num = Num {
        precision: opts.precision,
        buf: ryu::Buffer::new(),
    };
    let per_line = 2 * n * n * 24 + 32;
    let mut out = String::with_capacity(1024 + nf * per_line);
    for c in &net.comments {
        for line in c.lines() {
            let _ = writeln!(out, "!{line}");
        }
    }
    if let Some(names) = &net.port_names {
        for (p, name) in names.iter().enumerate() {
            let _ = writeln!(out, "! Port[{}] = {name}", p + 1);
        }
    }
    if comments_z0 {
        out.push_str("! Reference impedances per frequency follow each frequency as `! Port Impedance` comments (HFSS style)\n");
        if net.wave == WaveDef::Power {
            out.push_str("! S-parameter uses the power definition\n");
        }
    }
    if v2 {
        let _ = writeln!(out, "[Version] {}", opts.version.as_str());
    }
    let _ = write!(
        out,
        "# {} S {} R ",
        opts.unit.as_str(),
        opts.format.as_str()
    );
    num.push(&mut out, base[0]);
    out.push('\n');
    if v2 {
        let _ = writeln!(out, "[Number of Ports] {n}");
        if n == 2 {
            out.push_str("[Two-Port Data Order] 12_21\n");
        }
        let _ = writeln!(out, "[Number of Frequencies] {nf}");
        if let Some(noise) = &net.noise {
            let _ = writeln!(
                out,
                "[Number of Noise Frequencies] {}",
                noise.frequency_hz.len()
            );
        }
        out.push_str("[Reference]");
        for r in &base {
            out.push(' ');
            num.push(&mut out, *r);
        }
        out.push('\n');
        let _ = writeln!(out, "[Matrix Format] {}", opts.matrix_format.as_str());
        out.push_str("[Network Data]\n");
    }
    let mult = opts.unit.multiplier();
    for k in 0..nf {
        num.push(&mut out, net.frequency_hz[k] / mult);
        let entries: Vec<(usize, usize)> = if n == 2 && !v2 {
            vec![(0, 0), (1, 0), (0, 1), (1, 1)]
        } else {
            let mut e = Vec::with_capacity(n * n);
            for i in 0..n {
                let js: Box<dyn Iterator<Item = usize>> = match opts.matrix_format {
                    MatrixFormat::Full => Box::new(0..n),
                    MatrixFormat::Lower => Box::new(0..=i),
                    MatrixFormat::Upper => Box::new(i..n),
                };
                e.extend(js.map(|j| (i, j)));
            }
            e
        };
        if n <= 2 {
            for &(i, j) in &entries {
                let (a, b) = pair(opts.format, net.s[[k, i, j]]);
                out.push(' ');
                num.push(&mut out, a);
                out.push(' ');
                num.push(&mut out, b);
            }
            out.push('\n');
        } else {
            let mut row = usize::MAX;
            let mut on_line = 0;
            for &(i, j) in &entries {
                if i != row {
                    if row != usize::MAX {
                        out.push('\n');
                    }
                    row = i;
                    on_line = 0;
                } else if on_line == 4 {
                    out.push('\n');
                    on_line = 0;
                }
                let (a, b) = pair(opts.format, net.s[[k, i, j]]);
                out.push(' ');
                num.push(&mut out, a);
                out.push(' ');
                num.push(&mut out, b);
                on_line += 1;
            }
            out.push('\n');
        }
        if comments_z0 {
            out.push_str("! Port Impedance");
            for p in 0..n {
                out.push(' ');
                num.push(&mut out, net.z0[[k, p]].re);
                out.push(' ');
                num.push(&mut out, net.z0[[k, p]].im);
            }
            out.push('\n');
        }
    }
    if let Some(noise) = &net.noise {
        if n != 2 {
            return Err(Error::invalid("noise parameters belong to two-ports only"));
        }
        if v2 {
            out.push_str("[Noise Data]\n");
        } else if nf > 0
            && noise
                .frequency_hz
                .first()
                .is_some_and(|f| *f >= net.frequency_hz[nf - 1])
        {
            return Err(Error::invalid(
                "version 1 marks noise data by a frequency lower than the last network frequency; this noise block starts above it: write version 2",
            ));
        }
        let rn_scale = if v2 { 1.0 } else { 1.0 / base[0] };
        for q in 0..noise.frequency_hz.len() {
            num.push(&mut out, noise.frequency_hz[q] / mult);
            let g = noise.gamma_opt[q];
            for x in [
                noise.nf_min_db[q],
                g.norm(),
                g.arg().to_degrees(),
                noise.rn_ohm[q] * rn_scale,
            ] {
                out.push(' ');
                num.push(&mut out, x);
            }
            out.push('\n');
        }
    }
    if v2 {
        out.push_str("[End]\n");
    }
    Ok(out)
}

/// Write the network to `path`. The file name's `.sNp` must match the port count for version 1.
pub fn write_path(net: &Network, path: &Path, opts: &WriteOptions) -> Result<()> {
    if !opts.version.is_v2()
        && let Some(n) = super::read::nports_from_name(path)
        && n != net.nports()
    {
        return Err(Error::invalid(format!(
            "{} names a {n}-port file but the network has {} ports",
            path.display(),
            net.nports()
        )));
    }
    let text = write_string(net, opts)?;
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}
