//! Frequency records: checking that the numbers of the data block form whole records (each
//! starting a new line, frequencies increasing, the two-port noise block found where it starts),
//! and assembling them, in parallel, into the `[nfreq, n, n]` parameter array.

use std::mem::MaybeUninit;

use memchr::memchr;
use ndarray::Array3;
use num_complex::Complex64;

use super::header::{DataFormat, FrequencyUnit, MatrixFormat};
use super::read::{Reader, is_blank};
use super::tokens::Values;
use crate::error::{ParseErrorKind as K, Result};

impl Reader<'_> {
    /// Byte offset of the `g`-th value of the block `[a, b)` (slow; for messages only).
    pub(super) fn byte_of_value(&self, block: (usize, usize), g: usize) -> usize {
        let b = &self.bytes[block.0..block.1];
        let mut i = 0;
        let mut count = 0;
        while i < b.len() {
            let c = b[i];
            if is_blank(c) || c == b'\n' {
                i += 1;
            } else if c == b'!' {
                i = memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
            } else {
                if count == g {
                    return block.0 + i;
                }
                count += 1;
                while i < b.len() && !is_blank(b[i]) && b[i] != b'\n' && b[i] != b'!' {
                    i += 1;
                }
            }
        }
        block.1
    }

    pub(super) fn scan_records(
        &self,
        values: &Values,
        rl: usize,
        block: (usize, usize),
        noise_capable: bool,
        unit: FrequencyUnit,
    ) -> Result<Scan> {
        let total = values.len();
        let mut freqs = Vec::with_capacity(total / rl + 1);
        let mut lines = values.line_starts().peekable();
        let mut g = 0;
        let mut noise_at = None;
        let mult = unit.multiplier();
        let unit = unit.as_str();
        while g < total {
            // a record must start a line
            while lines.next_if(|&l| l < g).is_some() {}
            if lines.peek() != Some(&g) {
                let prev = g - rl;
                let at = self.byte_of_value(block, prev);
                let mid = self.pos(self.byte_of_value(block, g));
                return Err(self.err(
                    at,
                    K::WrongValueCount,
                    format!(
                        "expected {rl} values for the frequency record starting here (a frequency and {} numbers), but they run into the middle of line {}: a value is missing or extra",
                        rl - 1,
                        mid.line
                    ),
                ));
            }
            let f = values.get(g);
            if let Some(&prev) = freqs.last() {
                if noise_capable && (f < prev || (f == prev && self.line_len(values, g) == Some(5)))
                {
                    noise_at = Some(g);
                    break;
                }
                if f == prev {
                    return Err(self.err(
                        self.byte_of_value(block, g),
                        K::DuplicateFrequency,
                        format!("expected frequencies to increase; {f} {unit} appears twice"),
                    ));
                }
                if f < prev {
                    return Err(self.err(
                        self.byte_of_value(block, g),
                        K::NonMonotonicFrequency,
                        format!(
                            "expected frequencies to increase; {f} {unit} follows {prev} {unit}"
                        ),
                    ));
                }
            }
            if !(f * mult).is_finite() {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::InvalidNumber,
                    format!(
                        "expected a frequency that fits in an f64 once in Hz, found {f} {unit}"
                    ),
                ));
            }
            if f < 0.0 {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::NegativeFrequency,
                    format!("expected a frequency of zero or more, found {f}"),
                ));
            }
            if g + rl > total {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::Truncated,
                    format!(
                        "expected {rl} values for the record starting here, found {} before the data ends",
                        total - g
                    ),
                ));
            }
            freqs.push(f);
            g += rl;
        }
        let noise_rows = match noise_at {
            Some(start) => self.noise_rows(values, start, block)?,
            None => Vec::new(),
        };
        Ok(Scan {
            network_values: noise_at.unwrap_or(total),
            frequencies: freqs,
            noise_rows,
        })
    }

    /// The noise rows from global value `start` to the end of `values`: five values each
    /// (frequency, NFmin dB, |Γopt|, ∠Γopt degrees, Rn), each row on its own line, frequencies
    /// increasing.
    pub(super) fn noise_rows(
        &self,
        values: &Values,
        start: usize,
        block: (usize, usize),
    ) -> Result<Vec<[f64; 5]>> {
        let total = values.len();
        let mut lines = values.line_starts().peekable();
        let mut rows = Vec::new();
        let mut g = start;
        let mut prev = f64::NEG_INFINITY;
        while g < total {
            while lines.next_if(|&l| l < g).is_some() {}
            if lines.peek() != Some(&g) || g + 5 > total {
                let at = self.byte_of_value(block, g.saturating_sub(5).max(start));
                return Err(self.err(at, K::WrongValueCount, "expected 5 values per noise row (frequency, NFmin, |Γopt|, ∠Γopt, Rn), each row on its own line"));
            }
            let mut row = [0.0; 5];
            values.copy_range(g, &mut row);
            if row[0] <= prev {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::NonMonotonicFrequency,
                    format!(
                        "expected noise frequencies to increase; {} follows {prev}",
                        row[0]
                    ),
                ));
            }
            prev = row[0];
            rows.push(row);
            g += 5;
        }
        Ok(rows)
    }

    /// Number of values on the line whose first value is `g`.
    pub(super) fn line_len(&self, values: &Values, g: usize) -> Option<usize> {
        let next = values.line_starts().find(|&l| l > g);
        Some(next.unwrap_or(values.len()) - g)
    }
}

pub(super) struct Scan {
    pub(super) frequencies: Vec<f64>,
    pub(super) network_values: usize,
    pub(super) noise_rows: Vec<[f64; 5]>,
}

/// How values map into a matrix.
pub(super) struct Layout {
    pub(super) n: usize,
    pub(super) rl: usize,
    pub(super) format: DataFormat,
    pub(super) matrix: MatrixFormat,
    pub(super) swap_21_12: bool,
}

#[inline]
fn to_complex(format: DataFormat, a: f64, b: f64) -> Complex64 {
    match format {
        DataFormat::RI => Complex64::new(a, b),
        DataFormat::MA => {
            let (s, c) = b.to_radians().sin_cos();
            Complex64::new(a * c, a * s)
        }
        DataFormat::DB => {
            let m = 10f64.powf(a / 20.0);
            let (s, c) = b.to_radians().sin_cos();
            Complex64::new(m * c, m * s)
        }
    }
}

/// Fill one `n x n` matrix from a record's `2 * entries` values (the frequency already removed).
fn fill_matrix(l: &Layout, vals: &[f64], out: &mut [MaybeUninit<Complex64>]) {
    let n = l.n;
    let mut k = 0;
    let mut next = || {
        let z = to_complex(l.format, vals[2 * k], vals[2 * k + 1]);
        k += 1;
        z
    };
    match l.matrix {
        MatrixFormat::Full => {
            if l.swap_21_12 {
                out[0].write(next());
                out[2].write(next());
                out[1].write(next());
                out[3].write(next());
            } else {
                for o in out.iter_mut().take(n * n) {
                    o.write(next());
                }
            }
        }
        MatrixFormat::Lower => {
            for i in 0..n {
                for j in 0..=i {
                    let z = next();
                    out[i * n + j].write(z);
                    out[j * n + i].write(z);
                }
            }
        }
        MatrixFormat::Upper => {
            for i in 0..n {
                for j in i..n {
                    let z = next();
                    out[i * n + j].write(z);
                    out[j * n + i].write(z);
                }
            }
        }
    }
}

/// Convert every record into a `[nfreq, n, n]` array, in parallel over records. Every entry is
/// written (full, or both triangles), so the array starts uninitialised instead of zeroed.
pub(super) fn assemble(
    values: &Values,
    l: &Layout,
    nrec: usize,
    threads: usize,
) -> Array3<Complex64> {
    let nn = l.n * l.n;
    let mut out = Array3::<Complex64>::uninit((nrec, l.n, l.n));
    crate::memory::advise_huge_pages(
        out.as_ptr() as *const u8,
        out.len() * std::mem::size_of::<Complex64>(),
    );
    let convert = |first: usize, block: &mut [MaybeUninit<Complex64>]| {
        let mut tmp = Vec::new();
        for (k, m) in block.chunks_exact_mut(nn).enumerate() {
            let g = (first + k) * l.rl;
            let rec = match values.slice(g, l.rl) {
                Some(s) => s,
                None => {
                    tmp.resize(l.rl, 0.0);
                    values.copy_range(g, &mut tmp);
                    &tmp[..]
                }
            };
            fill_matrix(l, &rec[1..], m);
        }
    };
    if nrec > 0 && nn > 0 {
        let Some(flat) = out.as_slice_mut() else {
            unreachable!("a freshly allocated array is contiguous")
        };
        if threads <= 1 || nrec * l.rl < 1 << 16 {
            convert(0, flat);
        } else {
            use rayon::prelude::*;
            let per = nrec.div_ceil(threads * 4);
            flat.par_chunks_mut(per * nn)
                .enumerate()
                .for_each(|(c, block)| convert(c * per, block));
        }
    }
    // SAFETY: `fill_matrix` writes all n*n entries of every record (full matrices entry by
    // entry, triangular ones both halves), and there are exactly `nrec` records.
    unsafe { out.assume_init() }
}
