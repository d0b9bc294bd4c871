//! The data-section tokenizer: one pass over the bytes of a Touchstone data block, turning
//! whitespace-separated numbers into `f64`s, skipping `!` comments, and remembering just enough
//! structure to check records and to place errors: where each line's first value is, and where
//! the HFSS `! Port Impedance` comments are.
//!
//! Large blocks are split at line boundaries and tokenized in parallel ([`tokenize`]); each chunk
//! keeps its own value vector (no concatenation copy), and [`Values`] indexes across them.
//! [`tokenize_naive`] is the obvious line-by-line oracle the fast path is tested against.

use memchr::memchr;

/// Why tokenizing stopped early.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenError {
    /// Text that does not parse as a finite number, starting at this byte (absolute offset).
    NotANumber { byte: usize },
}

/// What one chunk of the data section held.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Chunk {
    /// The numbers, in file order.
    pub values: Vec<f64>,
    /// For every line that holds numbers: the chunk-local index of its first number.
    pub line_starts: Vec<usize>,
    /// HFSS `! Port Impedance` comments: (number of values before it, chunk-local; byte offset
    /// of the `!`, absolute).
    pub impedance_comments: Vec<(usize, usize)>,
}

/// Numbers of a data section held in chunks, addressed by a global index.
#[derive(Debug, Default)]
pub struct Values {
    pub chunks: Vec<Chunk>,
    /// `offsets[c]` is the global index of chunk `c`'s first value; one extra entry at the end.
    pub offsets: Vec<usize>,
}

impl Values {
    fn new(chunks: Vec<Chunk>) -> Self {
        let mut offsets = Vec::with_capacity(chunks.len() + 1);
        let mut total = 0;
        for c in &chunks {
            offsets.push(total);
            total += c.values.len();
        }
        offsets.push(total);
        Values { chunks, offsets }
    }

    pub fn len(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The chunk holding global index `g` (which must be `< len()`).
    pub fn chunk_of(&self, g: usize) -> usize {
        // the last chunk whose first index is <= g; it holds g because the next one starts > g
        self.offsets.partition_point(|&o| o <= g) - 1
    }

    /// The value at global index `g` (which must be `< len()`).
    pub fn get(&self, g: usize) -> f64 {
        let c = self.chunk_of(g);
        self.chunks[c].values[g - self.offsets[c]]
    }

    /// Copy global range `[start, start + out.len())` into `out`.
    pub fn copy_range(&self, start: usize, out: &mut [f64]) {
        let mut g = start;
        let mut written = 0;
        while written < out.len() {
            let c = self.chunk_of(g);
            let local = g - self.offsets[c];
            let avail = &self.chunks[c].values[local..];
            let n = avail.len().min(out.len() - written);
            out[written..written + n].copy_from_slice(&avail[..n]);
            written += n;
            g += n;
        }
    }

    /// A contiguous slice for `[start, start+len)` when it lies in one chunk.
    pub fn slice(&self, start: usize, len: usize) -> Option<&[f64]> {
        let c = self.chunk_of(start);
        let local = start - self.offsets[c];
        self.chunks[c].values.get(local..local + len)
    }

    /// Global indices of the first value of every line, in order.
    pub fn line_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.chunks
            .iter()
            .zip(&self.offsets)
            .flat_map(|(c, &off)| c.line_starts.iter().map(move |&i| i + off))
    }

    /// `(values before it, byte offset)` of every HFSS port-impedance comment, globally indexed.
    pub fn impedance_comments(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.chunks
            .iter()
            .zip(&self.offsets)
            .flat_map(|(c, &off)| c.impedance_comments.iter().map(move |&(i, b)| (i + off, b)))
    }
}

#[inline]
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r' || b == b'\x0c' || b == b'\x0b'
}

/// True when a comment body (after `!`) starts a port-impedance block.
fn is_impedance_comment(body: &[u8]) -> bool {
    let t = trim_start(body);
    t.len() >= 14 && t[..14].eq_ignore_ascii_case(b"port impedance")
}

pub(crate) fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| is_space(c)).count();
    &b[n..]
}

/// Exact powers of ten representable in an `f64` (10^0 ..= 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[inline]
fn is_end(c: u8) -> bool {
    is_space(c) || c == b'\n' || c == b'!'
}

/// Parse one number at the start of `b`; return it and the bytes used. The number must be
/// followed by whitespace, a comment, or the end of the block, and be finite.
///
/// The fast path reads the decimal digits into a `u64` and, when the mantissa has at most 15
/// digits... precisely: when it is below 2^53 and the decimal exponent is within ±22, computes
/// `m * 10^e` or `m / 10^-e` with one correctly rounded IEEE operation (Clinger 1990, "How to
/// read floating point numbers accurately", PLDI); anything else goes to `fast-float2`
/// (Eisel–Lemire), which is correctly rounded everywhere. Both are tested against `str::parse`.
#[inline]
pub fn parse_number(b: &[u8]) -> Option<(f64, usize)> {
    match parse_simple(b) {
        Some(r) => Some(r),
        None => parse_fallback(b),
    }
}

#[inline(always)]
fn load8(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..i + 8)
        .map(|s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
}

/// All eight bytes are ASCII digits (Lemire's SWAR test, as in fast_float).
#[inline(always)]
fn is_8digits(v: u64) -> bool {
    let a = v.wrapping_add(0x4646_4646_4646_4646);
    let b = v.wrapping_sub(0x3030_3030_3030_3030);
    (a | b) & 0x8080_8080_8080_8080 == 0
}

/// The value of eight ASCII digits (first digit in the lowest byte).
#[inline(always)]
fn parse_8digits(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 0x000F_4240_0000_0064;
    const MUL2: u64 = 0x0000_2710_0000_0001;
    let v = v.wrapping_sub(0x3030_3030_3030_3030);
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let v1 = (v & MASK).wrapping_mul(MUL1);
    let v2 = ((v >> 16) & MASK).wrapping_mul(MUL2);
    v1.wrapping_add(v2) >> 32
}

/// Read digits at `b[*i..]` into `m`; returns how many were read.
#[inline(always)]
fn digits(b: &[u8], i: &mut usize, m: &mut u64) -> usize {
    let start = *i;
    while let Some(v) = load8(b, *i) {
        if !is_8digits(v) {
            break;
        }
        *m = m.wrapping_mul(100_000_000).wrapping_add(parse_8digits(v));
        *i += 8;
    }
    while let Some(&c) = b.get(*i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        *m = m.wrapping_mul(10).wrapping_add(d as u64);
        *i += 1;
    }
    *i - start
}

#[inline(always)]
fn parse_simple(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
    let neg = match b.first()? {
        b'-' => {
            i = 1;
            true
        }
        b'+' => {
            i = 1;
            false
        }
        _ => false,
    };
    let mut m: u64 = 0;
    let mut exp: i32 = 0;
    // leading zeros are not significant
    let z0 = i;
    while b.get(i) == Some(&b'0') {
        i += 1;
    }
    let mut any = i > z0;
    let mut sig = digits(b, &mut i, &mut m);
    any |= sig > 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        if m == 0 {
            let z = i;
            while b.get(i) == Some(&b'0') {
                i += 1;
            }
            any |= i > z;
            exp -= (i - z) as i32;
        }
        let f = digits(b, &mut i, &mut m);
        any |= f > 0;
        sig += f;
        exp -= f as i32;
    }
    if !any || sig > 15 {
        return None;
    }
    if let Some(&c) = b.get(i)
        && (c | 0x20) == b'e'
    {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let es = i;
        let mut e: i32 = 0;
        while let Some(&c) = b.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if e < 10_000 {
                e = e * 10 + d as i32;
            }
            i += 1;
        }
        if i == es {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if let Some(&c) = b.get(i)
        && !is_end(c)
    {
        return None;
    }
    // sig <= 15 guarantees m < 10^15 < 2^53: exact as f64
    Some((exact_decimal(m, exp, neg)?, i))
}

/// `±m · 10^exp` when one correctly rounded IEEE operation gives it exactly: `m < 2^53` (the
/// callers guarantee it) and `|exp| <= 22`, so both `m` and `10^|exp|` are exact doubles
/// (Clinger 1990). `None` otherwise.
#[inline(always)]
fn exact_decimal(m: u64, exp: i32, neg: bool) -> Option<f64> {
    let mut v = m as f64;
    if m != 0 && exp != 0 {
        if (0..=22).contains(&exp) {
            v *= POW10[exp as usize];
        } else if (-22..0).contains(&exp) {
            v /= POW10[(-exp) as usize];
        } else {
            return None;
        }
    }
    Some(f64::from_bits(v.to_bits() | ((neg as u64) << 63)))
}

/// Bytes the windowed fast path looks at.
const WINDOW: usize = 32;

/// The fast path of [`parse_number`] for a number that starts a window of [`WINDOW`] bytes
/// (all but the last few numbers of a block): reads are at fixed offsets inside the window, so
/// the compiler removes the bounds checks, without `unsafe`. Shapes it does not handle (more
/// than 15 significant digits, a long exponent, the terminator beyond the window) return
/// `None`, and the caller falls back to [`parse_number`]. Same arithmetic (Clinger's exact
/// path), tested against it and against `str::parse`.
#[inline(always)]
pub fn parse_window(w: &[u8; WINDOW]) -> Option<(f64, usize)> {
    let neg = w[0] == b'-';
    let mut i = (neg | (w[0] == b'+')) as usize;
    // integer part: up to 16 digits
    let mut m: u64 = 0;
    let int_start = i;
    while i < 17 {
        let d = w[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m * 10 + d as u64;
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if w[i] == b'.' {
        i += 1;
        let f0 = i;
        if i <= 24 {
            let v = u64::from_le_bytes([
                w[i],
                w[i + 1],
                w[i + 2],
                w[i + 3],
                w[i + 4],
                w[i + 5],
                w[i + 6],
                w[i + 7],
            ]);
            if is_8digits(v) {
                m = m.wrapping_mul(100_000_000).wrapping_add(parse_8digits(v));
                i += 8;
            }
        }
        while i < 26 {
            let d = w[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            m = m.wrapping_mul(10).wrapping_add(d as u64);
            i += 1;
        }
        frac_digits = i - f0;
    }
    let digits = int_digits + frac_digits;
    // at most 15 digits in all (leading zeros included: a conservative test for m < 2^53)
    if digits == 0 || digits > 15 || i >= 26 {
        return None;
    }
    let mut exp = -(frac_digits as i32);
    if w[i] | 0x20 == b'e' {
        i += 1;
        let eneg = w[i] == b'-';
        if eneg || w[i] == b'+' {
            i += 1;
        }
        let d1 = w[i].wrapping_sub(b'0');
        if d1 > 9 {
            return None;
        }
        let mut e = d1 as i32;
        i += 1;
        let d2 = w[i].wrapping_sub(b'0');
        if d2 <= 9 {
            e = e * 10 + d2 as i32;
            i += 1;
            let d3 = w[i].wrapping_sub(b'0');
            if d3 <= 9 {
                e = e * 10 + d3 as i32;
                i += 1;
            }
        }
        exp += if eneg { -e } else { e };
    }
    if !is_end(w[i]) {
        return None;
    }
    Some((exact_decimal(m, exp, neg)?, i))
}

#[cold]
fn parse_fallback(b: &[u8]) -> Option<(f64, usize)> {
    let (v, n) = fast_float2::parse_partial::<f64, _>(b).ok()?;
    if n == 0 || !v.is_finite() {
        return None;
    }
    match b.get(n) {
        None => Some((v, n)),
        Some(&c) if is_end(c) => Some((v, n)),
        Some(_) => None,
    }
}

/// Tokenize `block` (which starts at absolute byte `base` of the file) sequentially.
pub fn tokenize_chunk(block: &[u8], base: usize) -> Result<Chunk, TokenError> {
    let mut out = Chunk {
        values: crate::memory::with_huge_pages(Vec::with_capacity(block.len() / 12)),
        line_starts: Vec::with_capacity(block.len() / 100),
        impedance_comments: Vec::new(),
    };
    let mut i = 0;
    let n = block.len();
    let mut first_on_line = true;
    while i < n {
        // Skip a run of spaces without a data-dependent branch per space: the separators of
        // real files vary in length (`% .9e` pads positive numbers), which a byte loop
        // mispredicts on nearly every number.
        if let Some(v) = load8(block, i) {
            let x = v ^ 0x2020_2020_2020_2020;
            if x == 0 {
                i += 8;
                continue;
            }
            i += (x.trailing_zeros() / 8) as usize;
        } else if block[i] == b' ' {
            i += 1;
            continue;
        }
        let b = block[i];
        if b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'+' {
            let parsed = match block.get(i..i + WINDOW) {
                Some(w) => match parse_window(w.try_into().expect("WINDOW bytes")) {
                    Some(r) => Some(r),
                    None => parse_number(&block[i..]),
                },
                None => parse_number(&block[i..]),
            };
            match parsed {
                Some((v, used)) => {
                    if first_on_line {
                        out.line_starts.push(out.values.len());
                        first_on_line = false;
                    }
                    out.values.push(v);
                    i += used;
                }
                None => return Err(TokenError::NotANumber { byte: base + i }),
            }
        } else if b == b'\n' {
            first_on_line = true;
            i += 1;
        } else if is_space(b) {
            i += 1;
        } else if b == b'!' {
            let end = memchr(b'\n', &block[i..]).map_or(n, |k| i + k);
            if is_impedance_comment(&block[i + 1..end]) {
                out.impedance_comments.push((out.values.len(), base + i));
            }
            i = end;
        } else {
            return Err(TokenError::NotANumber { byte: base + i });
        }
    }
    Ok(out)
}

/// Tokenize `block` (absolute start `base`) with up to `threads` threads, splitting at line
/// boundaries. Blocks under `min_parallel_bytes` are done on the calling thread.
pub fn tokenize(
    block: &[u8],
    base: usize,
    threads: usize,
    min_parallel_bytes: usize,
) -> Result<Values, TokenError> {
    let threads = threads.max(1);
    if threads == 1 || block.len() < min_parallel_bytes {
        return Ok(Values::new(vec![tokenize_chunk(block, base)?]));
    }
    // Split into `4 * threads` pieces at line ends, so work balances without tiny chunks.
    let pieces = threads * 4;
    let target = block.len() / pieces;
    let mut bounds = vec![0usize];
    let mut at = 0;
    while at < block.len() {
        let want = (at + target).min(block.len());
        let end = if want >= block.len() {
            block.len()
        } else {
            memchr(b'\n', &block[want..]).map_or(block.len(), |k| want + k + 1)
        };
        bounds.push(end);
        at = end;
    }
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let run = || {
        use rayon::prelude::*;
        ranges
            .par_iter()
            .map(|&(a, b)| tokenize_chunk(&block[a..b], base + a))
            .collect::<Result<Vec<Chunk>, TokenError>>()
    };
    let mut chunks = match pool {
        Ok(p) => p.install(run)?,
        Err(_) => run()?,
    };
    // A line split by the boundary cannot happen (we split after '\n'), but a chunk starting
    // with a line's continuation does: the first value of every chunk after the first starts
    // a new line only if the previous chunk ended with '\n', which it always does.
    chunks.retain(|c| !c.values.is_empty() || !c.impedance_comments.is_empty());
    Ok(Values::new(chunks))
}

/// The oracle: line by line with `str::split_whitespace` and `str::parse::<f64>`.
pub fn tokenize_naive(block: &[u8], base: usize) -> Result<Chunk, TokenError> {
    let mut out = Chunk::default();
    let mut line_start = 0usize;
    for line in block.split(|&b| b == b'\n') {
        let (data, comment) = match line.iter().position(|&b| b == b'!') {
            Some(k) => (&line[..k], Some(&line[k + 1..])),
            None => (line, None),
        };
        let mut first = true;
        let mut k = 0;
        while k < data.len() {
            if is_space(data[k]) {
                k += 1;
                continue;
            }
            let end = data[k..]
                .iter()
                .position(|&b| is_space(b))
                .map_or(data.len(), |e| k + e);
            let text = std::str::from_utf8(&data[k..end]).map_err(|_| TokenError::NotANumber {
                byte: base + line_start + k,
            })?;
            let v: f64 = text.parse().map_err(|_| TokenError::NotANumber {
                byte: base + line_start + k,
            })?;
            if !v.is_finite() {
                return Err(TokenError::NotANumber {
                    byte: base + line_start + k,
                });
            }
            if first {
                out.line_starts.push(out.values.len());
                first = false;
            }
            out.values.push(v);
            k = end;
        }
        if let Some(c) = comment
            && is_impedance_comment(c)
        {
            out.impedance_comments
                .push((out.values.len(), base + line_start + data.len()));
        }
        line_start += line.len() + 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(v: &Values) -> Chunk {
        Chunk {
            values: (0..v.len()).map(|g| v.get(g)).collect(),
            line_starts: v.line_starts().collect(),
            impedance_comments: v.impedance_comments().collect(),
        }
    }

    #[test]
    fn numbers_comments_and_lines() {
        let text = b"1 2.5 -3e2\n  4 ! c 9\n! Port Impedance 50 0\n\t+5 .5\r\n";
        let c = tokenize_chunk(text, 0).unwrap();
        assert_eq!(c.values, vec![1.0, 2.5, -300.0, 4.0, 5.0, 0.5]);
        assert_eq!(c.line_starts, vec![0, 3, 4]);
        assert_eq!(c.impedance_comments, vec![(4, 21)]);
        assert_eq!(tokenize_naive(text, 0).unwrap(), c);
    }

    #[test]
    fn rejects_text_and_nonfinite() {
        for (t, at) in [
            (&b"1 2 x"[..], 4),
            (b"1 2,5", 2),
            (b"1 nan", 2),
            (b"1 inf 2", 2),
            (b"1 1.0.0", 2),
        ] {
            assert_eq!(
                tokenize_chunk(t, 10),
                Err(TokenError::NotANumber { byte: 10 + at }),
                "{:?}",
                std::str::from_utf8(t)
            );
            assert!(tokenize_naive(t, 10).is_err());
        }
    }

    #[test]
    fn number_parser_matches_std_parse() {
        let cases = [
            "0",
            "-0",
            "+1",
            "1.",
            ".5",
            "-.5e-3",
            "1e22",
            "1e23",
            "9007199254740993",
            "0.1",
            "0.30000000000000004",
            "123456789012345",
            "1234567890123456",
            "1.234567890e+00",
            "-9.876543210e-21",
            "4.9e-324",
            "1.7976931348623157e308",
            "00000000000000000001.5",
            "1.000000000000000000000001",
            "6.02214076e23",
            "1E5",
            "2.5E-3",
            "0.00000000000000000000000000001",
            "-1.0000000000000002",
        ];
        for c in cases {
            let want: f64 = c.parse().unwrap();
            let (got, n) = parse_number(c.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{c}");
            assert_eq!(n, c.len());
        }
        for bad in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1x", "--1", "nan", "inf",
        ] {
            assert!(parse_number(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn parallel_equals_sequential_equals_naive() {
        let mut text = String::new();
        for k in 0..3000 {
            text.push_str(&format!("{k}.5 {} -{}e-3\n", k * 2, k));
            if k % 7 == 0 {
                text.push_str("   ! Port Impedance 1 2\n\n");
            }
            text.push_str(&format!("\t {:.9e} 1\n", k as f64 * 0.37));
        }
        let b = text.as_bytes();
        let seq = tokenize(b, 5, 1, 0).unwrap();
        let par = tokenize(b, 5, 2, 0).unwrap();
        assert!(par.chunks.len() > 2);
        assert_eq!(flat(&seq), flat(&par));
        assert_eq!(flat(&seq), tokenize_naive(b, 5).unwrap());
        let mut buf = vec![0.0; 100];
        par.copy_range(4000, &mut buf);
        for (k, v) in buf.iter().enumerate() {
            assert_eq!(*v, seq.get(4000 + k));
        }
    }
}
