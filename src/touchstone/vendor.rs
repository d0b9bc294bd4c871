//! Vendor conventions carried in comments or keywords that change the numbers: HFSS
//! `! Port Impedance` blocks (per-frequency complex references), port names, and the references
//! of `[Mixed-Mode Order]` columns.

use num_complex::Complex64;

use super::header::Header;
use super::read::{HeaderState, Reader, decode};
use super::tokens::trim_start;
use crate::error::{ParseErrorKind as K, Result};

impl Reader<'_> {
    /// Parse an HFSS `! Port Impedance` block at `byte` (the `!`), with its `!` continuation
    /// lines: one complex value per port, or a full matrix of which the diagonal is used.
    pub(super) fn impedance_comment(&self, byte: usize, n: usize) -> Result<Vec<Complex64>> {
        let mut nums = Vec::new();
        let mut at = byte;
        let mut first = true;
        loop {
            let (_, le, next) = self.line(at);
            let line = &self.bytes[at..le];
            let body = trim_start(line);
            let Some(body) = body.strip_prefix(b"!") else {
                break;
            };
            let body = if first {
                let t = trim_start(body);
                &t[14.min(t.len())..] // "Port Impedance"
            } else {
                body
            };
            let text = decode(body);
            let mut parsed = Vec::new();
            for t in text.split_whitespace() {
                match t.parse::<f64>() {
                    Ok(x) if x.is_finite() => parsed.push(x),
                    _ => {
                        if first {
                            return Err(self.err(
                                byte,
                                K::InvalidNumber,
                                format!("expected numbers after `Port Impedance`, found `{t}`"),
                            ));
                        }
                        parsed.clear();
                        break;
                    }
                }
            }
            if parsed.is_empty() && !first {
                break;
            }
            nums.extend(parsed);
            first = false;
            if nums.len() >= 2 * n * n || next >= self.bytes.len() {
                break;
            }
            at = next;
        }
        let pairs: Vec<Complex64> = nums
            .chunks_exact(2)
            .map(|c| Complex64::new(c[0], c[1]))
            .collect();
        if pairs.len() == n || (n == 1 && !pairs.is_empty()) {
            Ok(pairs[..n].to_vec())
        } else if pairs.len() >= n * n {
            Ok((0..n).map(|p| pairs[p * n + p]).collect())
        } else {
            Err(self.err(
                byte,
                K::WrongValueCount,
                format!(
                    "expected {n} complex port impedances (or a {n}x{n} matrix), found {} numbers",
                    nums.len()
                ),
            ))
        }
    }
}

/// The reference of each column of a `[Mixed-Mode Order]` file. `[Reference]` gives the
/// single-ended ports' references (Touchstone 2.0, §"[Mixed-Mode Order]"); a differential mode
/// of ports p, q is referred to `r_p + r_q` and a common mode to `r_p r_q / (r_p + r_q)` (the
/// series and parallel combinations: 2r and r/2 for equal references, as scikit-rf does).
pub fn mixed_mode_references(
    order: &[String],
    single_ended: &[Complex64],
) -> std::result::Result<Vec<Complex64>, String> {
    let n = single_ended.len();
    let port = |t: &str, tok: &str| -> std::result::Result<usize, String> {
        let p: usize = t.trim().parse().map_err(|_| {
            format!("expected a port number in `[Mixed-Mode Order]` entry `{tok}`, found `{t}`")
        })?;
        if p == 0 || p > n {
            return Err(format!(
                "expected ports 1 to {n} in `[Mixed-Mode Order]` entry `{tok}`, found {p}"
            ));
        }
        Ok(p - 1)
    };
    order
        .iter()
        .map(|tok| {
            let mut chars = tok.chars();
            let kind = chars.next().unwrap_or(' ').to_ascii_uppercase();
            let rest = chars.as_str();
            match kind {
                'S' => Ok(single_ended[port(rest, tok)?]),
                'D' | 'C' => {
                    let (a, b) = rest.split_once(',').ok_or_else(|| {
                        format!("expected `D<p>,<q>` or `C<p>,<q>` in `[Mixed-Mode Order]`, found `{tok}`")
                    })?;
                    let (ra, rb) = (single_ended[port(a, tok)?], single_ended[port(b, tok)?]);
                    Ok(if kind == 'D' {
                        ra + rb
                    } else {
                        ra * rb / (ra + rb)
                    })
                }
                _ => Err(format!(
                    "expected `S<p>`, `D<p>,<q>` or `C<p>,<q>` in `[Mixed-Mode Order]`, found `{tok}`"
                )),
            }
        })
        .collect()
}

pub(super) fn port_names(h: &HeaderState, header: &Header) -> Option<Vec<String>> {
    let n = header.nports;
    if let Some(mm) = &header.mixed_mode_order {
        return Some(mm.clone());
    }
    if !h.port_names.is_empty() {
        let mut names: Vec<String> = (1..=n).map(|p| p.to_string()).collect();
        let mut any = false;
        for (p, name) in &h.port_names {
            if (1..=n).contains(p) {
                names[p - 1] = name.clone();
                any = true;
            }
        }
        return any.then_some(names);
    }
    if h.sigrity_names.len() == n {
        return Some(h.sigrity_names.clone());
    }
    None
}
