//! Property tests: Touchstone write → read round trips (every version × format × unit), and the
//! data tokenizer (parallel = sequential = naive oracle; `parse_number` = `str::parse::<f64>`).

use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64 as C;
use proptest::prelude::*;
use proptest::test_runner::Config;
use sireach::network::{Network, WaveDef};
use sireach::touchstone::tokens::{
    Chunk, TokenError, Values, parse_number, tokenize, tokenize_chunk, tokenize_naive,
};
use sireach::touchstone::{
    DataFormat, FrequencyUnit, MatrixFormat, ReadOptions, Touchstone, Version, WriteOptions,
    read_bytes, write_string,
};

const VERSIONS: [Version; 3] = [Version::V1, Version::V2_0, Version::V2_1];
const FORMATS: [DataFormat; 3] = [DataFormat::RI, DataFormat::MA, DataFormat::DB];
const UNITS: [FrequencyUnit; 4] = [
    FrequencyUnit::Hz,
    FrequencyUnit::KHz,
    FrequencyUnit::MHz,
    FrequencyUnit::GHz,
];

/// `cases` per property, or `PROPTEST_CASES` from the environment for a longer run.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        // no `proptest-regressions/` files written next to the tests
        failure_persistence: None,
        ..Config::default()
    }
}

// ------------------------------------------------------------------------------------------
// Random networks
// ------------------------------------------------------------------------------------------

/// A complex number with magnitude 1e-12..10 (log-uniform) at any angle, sometimes purely real
/// or imaginary.
fn s_value() -> impl Strategy<Value = C> {
    prop_oneof![
        8 => (-12.0f64..=1.0, -180.0f64..180.0)
            .prop_map(|(lg, deg)| C::from_polar(10f64.powf(lg), deg.to_radians())),
        1 => (-12.0f64..=1.0, any::<bool>())
            .prop_map(|(lg, neg)| C::new(if neg { -1.0 } else { 1.0 } * 10f64.powf(lg), 0.0)),
        1 => (-12.0f64..=1.0, any::<bool>())
            .prop_map(|(lg, neg)| C::new(0.0, if neg { -1.0 } else { 1.0 } * 10f64.powf(lg))),
    ]
}

/// `nf` strictly increasing frequencies, Hz, steps of at least 1 Hz (so they stay distinct in
/// every unit), starting at 0 or anywhere below 100 GHz.
fn frequencies(nf: usize) -> impl Strategy<Value = Vec<f64>> {
    (
        prop_oneof![1 => Just(0.0), 3 => 0.0f64..1e11],
        prop::collection::vec(1.0f64..1e9, nf - 1),
    )
        .prop_map(|(start, steps)| {
            let mut f = vec![start];
            for d in steps {
                let next = f[f.len() - 1] + d;
                f.push(next);
            }
            f
        })
}

#[derive(Debug, Clone)]
struct Case {
    n: usize,
    freqs: Vec<f64>,
    /// `nf * n * n` values, row-major.
    s: Vec<C>,
    /// Entries set to exactly zero in the RI/MA variant.
    zeros: Vec<bool>,
    /// A uniform real reference, ohms.
    r: f64,
}

fn case(max_ports: usize) -> impl Strategy<Value = Case> {
    (1..=max_ports, 1usize..=20).prop_flat_map(|(n, nf)| {
        (
            frequencies(nf),
            prop::collection::vec(s_value(), nf * n * n),
            prop::collection::vec(prop::bool::weighted(0.08), nf * n * n),
            1.0f64..1000.0,
        )
            .prop_map(move |(freqs, s, zeros, r)| Case {
                n,
                freqs,
                s,
                zeros,
                r,
            })
    })
}

impl Case {
    fn nf(&self) -> usize {
        self.freqs.len()
    }

    fn s_array(&self, with_zeros: bool) -> Array3<C> {
        let (nf, n) = (self.nf(), self.n);
        Array3::from_shape_fn((nf, n, n), |(k, i, j)| {
            let g = (k * n + i) * n + j;
            if with_zeros && self.zeros[g] {
                C::new(0.0, 0.0)
            } else {
                self.s[g]
            }
        })
    }

    fn network(&self, with_zeros: bool) -> Network {
        Network::with_uniform_z0(
            Array1::from(self.freqs.clone()),
            self.s_array(with_zeros),
            self.r,
        )
        .unwrap()
    }

    /// The same S made symmetric (upper triangle mirrored), for Lower/Upper.
    fn symmetric(&self) -> Network {
        let mut net = self.network(true);
        let n = self.n;
        for k in 0..self.nf() {
            for i in 0..n {
                for j in 0..i {
                    net.s[[k, i, j]] = net.s[[k, j, i]];
                }
            }
        }
        net
    }
}

fn opts(version: Version, format: DataFormat, unit: FrequencyUnit) -> WriteOptions {
    WriteOptions {
        version,
        format,
        unit,
        precision: None,
        matrix_format: MatrixFormat::Full,
    }
}

/// Write, then read back (with the port count as a `.sNp` name would give it for version 1).
fn roundtrip(net: &Network, o: &WriteOptions) -> Result<(Touchstone, String), TestCaseError> {
    let text = write_string(net, o)
        .map_err(|e| TestCaseError::fail(format!("write failed ({o:?}): {e}")))?;
    let hint = (o.version == Version::V1).then_some(net.nports());
    let t =
        read_bytes(text.as_bytes(), "roundtrip", hint, &ReadOptions::default()).map_err(|e| {
            TestCaseError::fail(format!("read failed ({o:?}): {e}\n--- written ---\n{text}"))
        })?;
    Ok((t, text))
}

fn check_shape(net: &Network, t: &Touchstone, o: &WriteOptions) -> Result<(), TestCaseError> {
    prop_assert_eq!(t.network.s.dim(), net.s.dim(), "shape, {:?}", o);
    prop_assert_eq!(t.header.version, o.version);
    prop_assert_eq!(t.header.format, o.format);
    prop_assert_eq!(t.header.unit, o.unit);
    Ok(())
}

/// Hz: bit-exact; other units: two roundings (divide, multiply), relative 4e-16.
fn check_freqs(net: &Network, t: &Touchstone, o: &WriteOptions) -> Result<(), TestCaseError> {
    for (k, (&want, &got)) in net
        .frequency_hz
        .iter()
        .zip(t.network.frequency_hz.iter())
        .enumerate()
    {
        if o.unit == FrequencyUnit::Hz {
            prop_assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "f[{}]: got {:e}, want {:e}, {:?}",
                k,
                got,
                want,
                o
            );
        } else {
            prop_assert!(
                (got - want).abs() <= 4e-16 * want.abs(),
                "f[{}]: got {:e}, want {:e} (rel {:e}), {:?}",
                k,
                got,
                want,
                (got - want).abs() / want.abs(),
                o
            );
        }
    }
    Ok(())
}

/// RI: bit-exact; MA/DB: within 1e-12 relative to max(1, |s|).
fn check_s(want: &Array3<C>, got: &Array3<C>, o: &WriteOptions) -> Result<(), TestCaseError> {
    for ((idx, w), g) in want.indexed_iter().zip(got.iter()) {
        match o.format {
            DataFormat::RI => prop_assert!(
                w.re.to_bits() == g.re.to_bits() && w.im.to_bits() == g.im.to_bits(),
                "S{:?}: got {:e}, want {:e}, {:?}",
                idx,
                g,
                w,
                o
            ),
            _ => {
                let tol = 1e-12 * w.norm().max(1.0);
                prop_assert!(
                    (g - w).norm() <= tol,
                    "S{:?}: got {:e}, want {:e} (|diff| {:e}), {:?}",
                    idx,
                    g,
                    w,
                    (g - w).norm(),
                    o
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    /// Uniform real z0: every version × format × unit gives back the same numbers.
    #[test]
    fn roundtrip_all_versions_formats_units(c in case(5)) {
        for version in VERSIONS {
            for format in FORMATS {
                // exact zeros have no dB value: only RI and MA get them
                let net = c.network(format != DataFormat::DB);
                for unit in UNITS {
                    let o = opts(version, format, unit);
                    let (t, _) = roundtrip(&net, &o)?;
                    check_shape(&net, &t, &o)?;
                    check_freqs(&net, &t, &o)?;
                    check_s(&net.s, &t.network.s, &o)?;
                    prop_assert_eq!(&t.network.z0, &net.z0, "z0, {:?}", o);
                    prop_assert_eq!(t.network.wave, WaveDef::Power);
                    prop_assert!(!t.header.per_frequency_z0);
                    prop_assert!(t.network.noise.is_none());
                }
            }
        }
    }

    /// Per-port real references: version 2 `[Reference]` round-trips them; version 1 cannot
    /// say them and must refuse to write.
    #[test]
    fn roundtrip_per_port_real_z0(c in case(5).prop_filter("two or more ports", |c| c.n >= 2),
                                  r0 in 1.0f64..500.0, step in 0.0f64..100.0) {
        let mut net = c.network(true);
        let n = c.n;
        let refs: Vec<f64> = (0..n).map(|p| r0 + p as f64 * (1.0 + step)).collect();
        net.z0 = Array2::from_shape_fn((c.nf(), n), |(_, p)| C::new(refs[p], 0.0));
        prop_assert!(
            write_string(&net, &opts(Version::V1, DataFormat::RI, FrequencyUnit::GHz)).is_err(),
            "version 1 cannot carry per-port references; writing must fail"
        );
        for version in [Version::V2_0, Version::V2_1] {
            for format in [DataFormat::RI, DataFormat::MA] {
                let o = opts(version, format, FrequencyUnit::GHz);
                let (t, _) = roundtrip(&net, &o)?;
                check_shape(&net, &t, &o)?;
                check_freqs(&net, &t, &o)?;
                check_s(&net.s, &t.network.s, &o)?;
                prop_assert_eq!(&t.network.z0, &net.z0, "z0, {:?}", o);
                prop_assert_eq!(
                    &t.header.reference_ohm,
                    &refs.iter().map(|&r| C::new(r, 0.0)).collect::<Vec<_>>()
                );
                prop_assert!(!t.header.per_frequency_z0);
            }
        }
    }

    /// Complex, per-frequency references: written as HFSS `! Port Impedance` comments in both
    /// versions and read back exactly, with the wave definition (power or travelling) kept.
    #[test]
    fn roundtrip_per_frequency_complex_z0(
        c in case(4),
        zr in prop::collection::vec(1.0f64..200.0, 20 * 4),
        zi in prop::collection::vec((0.5f64..50.0, any::<bool>()), 20 * 4),
        traveling in any::<bool>(),
    ) {
        let mut net = c.network(true);
        let n = c.n;
        net.z0 = Array2::from_shape_fn((c.nf(), n), |(k, p)| {
            let (im, neg) = zi[k * 4 + p];
            C::new(zr[k * 4 + p], if neg { -im } else { im })
        });
        net.wave = if traveling { WaveDef::Traveling } else { WaveDef::Power };
        for version in VERSIONS {
            for format in FORMATS {
                let mut net = net.clone();
                if format == DataFormat::DB {
                    net.s = c.s_array(false);
                }
                let o = opts(version, format, FrequencyUnit::GHz);
                let (t, text) = roundtrip(&net, &o)?;
                check_shape(&net, &t, &o)?;
                check_freqs(&net, &t, &o)?;
                check_s(&net.s, &t.network.s, &o)?;
                prop_assert_eq!(&t.network.z0, &net.z0, "z0, {:?}\n{}", o, text);
                prop_assert_eq!(t.network.wave, net.wave, "wave definition, {:?}", o);
                prop_assert!(t.header.per_frequency_z0);
            }
        }
        // pseudo-waves with complex references have no Touchstone representation
        let mut pseudo = net.clone();
        pseudo.wave = WaveDef::Pseudo;
        prop_assert!(write_string(&pseudo, &opts(Version::V2_0, DataFormat::RI, FrequencyUnit::GHz)).is_err());
    }

    /// `precision: Some(p)`: every written number within relative 10^(1-p) (p significant
    /// digits), in the format's own coordinates.
    #[test]
    fn roundtrip_with_precision(c in case(4), p in 3usize..=15, spacing in 1.0f64..1e10) {
        let mut net = c.network(false);
        // frequencies (k+1) * spacing: 5% apart at least, so p >= 3 digits keep them distinct
        net.frequency_hz = Array1::from_shape_fn(c.nf(), |k| (k + 1) as f64 * spacing);
        let rel = 10f64.powi(1 - p as i32);
        for version in VERSIONS {
            for format in FORMATS {
                for unit in UNITS {
                    let o = WriteOptions { precision: Some(p), ..opts(version, format, unit) };
                    let (t, text) = roundtrip(&net, &o)?;
                    check_shape(&net, &t, &o)?;
                    for (&w, &g) in net.frequency_hz.iter().zip(t.network.frequency_hz.iter()) {
                        prop_assert!((g - w).abs() <= (rel + 4e-16) * w, "f: got {:e} want {:e}, {:?}", g, w, o);
                    }
                    for (&w, &g) in net.z0.iter().zip(t.network.z0.iter()) {
                        prop_assert!((g - w).norm() <= rel * w.norm(), "z0: got {} want {}, {:?}", g, w, o);
                    }
                    for ((idx, &w), &g) in net.s.indexed_iter().zip(t.network.s.iter()) {
                        let ok = match format {
                            DataFormat::RI => (g.re - w.re).abs() <= rel * w.re.abs()
                                && (g.im - w.im).abs() <= rel * w.im.abs(),
                            DataFormat::MA => {
                                (g.norm() - w.norm()).abs() <= rel * w.norm()
                                    && angle_diff(g, w) <= rel * w.arg().to_degrees().abs() + 1e-12
                            }
                            DataFormat::DB => {
                                let (gd, wd) = (20.0 * g.norm().log10(), 20.0 * w.norm().log10());
                                (gd - wd).abs() <= rel * wd.abs() + 1e-12
                                    && angle_diff(g, w) <= rel * w.arg().to_degrees().abs() + 1e-12
                            }
                        };
                        prop_assert!(ok, "S{:?}: got {:e} want {:e}, p = {}, {:?}\n{}", idx, g, w, p, o, text);
                    }
                }
            }
        }
    }

    /// Version 2 `[Matrix Format] Lower`/`Upper` for symmetric matrices; refused for
    /// non-symmetric ones and in version 1.
    #[test]
    fn roundtrip_lower_upper(c in case(5)) {
        let net = c.symmetric();
        for version in [Version::V2_0, Version::V2_1] {
            for mf in [MatrixFormat::Lower, MatrixFormat::Upper] {
                for format in [DataFormat::RI, DataFormat::MA] {
                    let o = WriteOptions { matrix_format: mf, ..opts(version, format, FrequencyUnit::MHz) };
                    let (t, _) = roundtrip(&net, &o)?;
                    check_shape(&net, &t, &o)?;
                    prop_assert_eq!(t.header.matrix_format, mf);
                    check_freqs(&net, &t, &o)?;
                    check_s(&net.s, &t.network.s, &o)?;
                }
            }
        }
        let lower = |v| WriteOptions { matrix_format: MatrixFormat::Lower, ..opts(v, DataFormat::RI, FrequencyUnit::GHz) };
        prop_assert!(write_string(&net, &lower(Version::V1)).is_err(), "Lower in version 1");
        if c.n >= 2 {
            let mut asym = net.clone();
            asym.s[[0, 1, 0]] += C::new(0.5, 0.0);
            prop_assert!(write_string(&asym, &lower(Version::V2_0)).is_err(), "Lower of a non-symmetric matrix");
        }
    }
}

/// |arg(g) - arg(w)| in degrees, modulo 360.
fn angle_diff(g: C, w: C) -> f64 {
    let d = (g.arg().to_degrees() - w.arg().to_degrees()).rem_euclid(360.0);
    d.min(360.0 - d)
}

// ------------------------------------------------------------------------------------------
// Tokenizer
// ------------------------------------------------------------------------------------------

/// A finite f64 from anywhere in the range, or a typical S-parameter-sized one.
fn any_finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<u64>().prop_map(f64::from_bits).prop_filter("finite", |x| x.is_finite()),
        3 => -10.0f64..10.0,
        1 => (-1000i32..1000).prop_map(f64::from),
        1 => (-100_000i32..100_000).prop_map(|k| k as f64 / 1000.0),
        1 => Just(0.0),
    ]
}

/// `x` printed one of many ways writers use.
fn format_number(x: f64, style: u8, digits: usize, plus: bool) -> String {
    let s = match style % 9 {
        0 => format!("{x}"),
        1 => format!("{x:e}"),
        2 => format!("{x:.9e}"),
        3 => format!("{x:.digits$e}"),
        4 => format!("{x:E}"),
        // `% .15g`-like: fixed notation in a moderate range, else exponent
        5 => {
            if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
                format!("{x:.digits$}")
            } else {
                format!("{x:.digits$e}")
            }
        }
        // `.5` (no leading zero)
        6 => {
            let s = format!("{x}");
            if let Some(rest) = s.strip_prefix("0.") {
                format!(".{rest}")
            } else if let Some(rest) = s.strip_prefix("-0.") {
                format!("-.{rest}")
            } else {
                s
            }
        }
        // `5.` (trailing dot)
        7 => {
            let s = format!("{x}");
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.")
            }
        }
        _ => format!("{x:.17e}").replace('e', "E+").replace("E+-", "E-"),
    };
    if plus && !s.starts_with('-') {
        format!("+{s}")
    } else {
        s
    }
}

fn number_token() -> impl Strategy<Value = String> {
    (
        any_finite(),
        any::<u8>(),
        0usize..=20,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(x, style, digits, plus)| format_number(x, style, digits, plus))
}

const SEPARATORS: [&str; 8] = [" ", "  ", "\t", " \t ", "\r", "          ", "\x0b", "\x0c "];

/// Comment bodies (after `!`), and whether each is an HFSS port-impedance comment.
const COMMENTS: [(&str, bool); 10] = [
    ("", false),
    (" comment", false),
    (" Port Impedance 50 0 50 0", true),
    ("Port Impedance49.5 1", true),
    (" port IMPEDANCE 1 2", true),
    ("\tPort Impedance 1 2", true),
    (" Port Imp 50", false),
    (" Gamma 1 2 ! nested", false),
    (" café ✓", false),
    ("!! 1 2 3", false),
];

#[derive(Debug, Clone)]
enum Line {
    Blank(String),
    Comment(String, usize),
    Data {
        lead: String,
        /// (token, separator after it)
        tokens: Vec<(String, String)>,
        comment: Option<usize>,
    },
}

fn separator() -> impl Strategy<Value = String> {
    prop::sample::select(SEPARATORS.to_vec()).prop_map(str::to_string)
}

fn whitespace() -> impl Strategy<Value = String> {
    prop::collection::vec(separator(), 0..3).prop_map(|v| v.concat())
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        1 => whitespace().prop_map(Line::Blank),
        1 => (whitespace(), 0..COMMENTS.len()).prop_map(|(w, c)| Line::Comment(w, c)),
        6 => (
            whitespace(),
            prop::collection::vec((number_token(), separator()), 1..9),
            prop::option::weighted(0.3, 0..COMMENTS.len()),
            any::<bool>(),
        )
            .prop_map(|(lead, mut tokens, comment, tight)| {
                // a number may touch the `!` of a trailing comment or the line end
                if tight && let Some(last) = tokens.last_mut() {
                    last.1.clear();
                }
                Line::Data { lead, tokens, comment }
            }),
    ]
}

#[derive(Debug, Clone)]
struct Block {
    lines: Vec<Line>,
    crlf: Vec<bool>,
    final_newline: bool,
    base: usize,
}

fn block() -> impl Strategy<Value = Block> {
    (1usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(line(), n),
            prop::collection::vec(prop::bool::weighted(0.3), n),
            any::<bool>(),
            0usize..1_000_000,
        )
            .prop_map(|(lines, crlf, final_newline, base)| Block {
                lines,
                crlf,
                final_newline,
                base,
            })
    })
}

/// The bytes and what a correct tokenizer must find in them.
struct Built {
    bytes: Vec<u8>,
    tokens: Vec<String>,
    /// Absolute byte offset of every token.
    token_at: Vec<usize>,
    line_starts: Vec<usize>,
    impedance: Vec<(usize, usize)>,
}

impl Block {
    /// Build the text; `bad` replaces the token with that global index.
    fn build(&self, bad: Option<(usize, &str)>) -> Built {
        let mut b = Built {
            bytes: Vec::new(),
            tokens: Vec::new(),
            token_at: Vec::new(),
            line_starts: Vec::new(),
            impedance: Vec::new(),
        };
        let comment = |b: &mut Built, c: usize| {
            let (body, imp) = COMMENTS[c];
            if imp {
                b.impedance
                    .push((b.tokens.len(), self.base + b.bytes.len()));
            }
            b.bytes.push(b'!');
            b.bytes.extend_from_slice(body.as_bytes());
        };
        for (k, line) in self.lines.iter().enumerate() {
            match line {
                Line::Blank(w) => b.bytes.extend_from_slice(w.as_bytes()),
                Line::Comment(w, c) => {
                    b.bytes.extend_from_slice(w.as_bytes());
                    comment(&mut b, *c);
                }
                Line::Data {
                    lead,
                    tokens,
                    comment: c,
                } => {
                    b.bytes.extend_from_slice(lead.as_bytes());
                    for (t, (tok, sep)) in tokens.iter().enumerate() {
                        if t == 0 {
                            b.line_starts.push(b.tokens.len());
                        }
                        let tok = match bad {
                            Some((g, bad)) if g == b.tokens.len() => bad,
                            _ => tok.as_str(),
                        };
                        b.token_at.push(self.base + b.bytes.len());
                        b.tokens.push(tok.to_string());
                        b.bytes.extend_from_slice(tok.as_bytes());
                        // tokens on a line are separated by whitespace
                        let sep = if sep.is_empty() && t + 1 < tokens.len() {
                            " "
                        } else {
                            sep
                        };
                        b.bytes.extend_from_slice(sep.as_bytes());
                    }
                    if let Some(c) = c {
                        comment(&mut b, *c);
                    }
                }
            }
            if k + 1 < self.lines.len() || self.final_newline {
                b.bytes
                    .extend_from_slice(if self.crlf[k] { b"\r\n" } else { b"\n" });
            }
        }
        b
    }
}

fn flatten(v: &Values) -> Chunk {
    Chunk {
        values: (0..v.len()).map(|g| v.get(g)).collect(),
        line_starts: v.line_starts().collect(),
        impedance_comments: v.impedance_comments().collect(),
    }
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn check_chunk(what: &str, got: &Chunk, want: &Built) -> Result<(), TestCaseError> {
    let want_values: Vec<f64> = want.tokens.iter().map(|t| t.parse().unwrap()).collect();
    prop_assert_eq!(
        bits(&got.values),
        bits(&want_values),
        "{}: values\n got {:?}\nwant {:?}",
        what,
        got.values,
        want_values
    );
    prop_assert_eq!(&got.line_starts, &want.line_starts, "{}: line starts", what);
    prop_assert_eq!(
        &got.impedance_comments,
        &want.impedance,
        "{}: impedance comments",
        what
    );
    Ok(())
}

const BAD_TOKENS: [&str; 14] = [
    "0.5x",
    "1,5",
    "nan",
    "NaN",
    "inf",
    "-infinity",
    "--1",
    "1e",
    "1e+",
    ".",
    "1.2.3",
    "0x10",
    "é",
    "1e5e",
];

proptest! {
    #![proptest_config(config(256))]

    /// Parallel (2 threads, split at line ends) = sequential = naive oracle = `str::parse`.
    #[test]
    fn tokenizer_parallel_equals_sequential_equals_naive(blk in block()) {
        let built = blk.build(None);
        let bytes = &built.bytes[..];
        let chunk = tokenize_chunk(bytes, blk.base).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_chunk("tokenize_chunk", &chunk, &built)?;
        let seq = tokenize(bytes, blk.base, 1, 0).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_chunk("tokenize(1 thread)", &flatten(&seq), &built)?;
        let par = tokenize(bytes, blk.base, 2, 0).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_chunk("tokenize(2 threads)", &flatten(&par), &built)?;
        let naive = tokenize_naive(bytes, blk.base).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_chunk("tokenize_naive", &naive, &built)?;
        // ranges that cross chunk boundaries
        let n = seq.len();
        if n > 0 {
            let mut all = vec![0.0; n];
            par.copy_range(0, &mut all);
            prop_assert_eq!(bits(&all), bits(&chunk.values));
        }
    }

    /// One bad token anywhere: every path reports it at the same byte.
    #[test]
    fn tokenizer_reports_one_bad_token_at_its_byte(
        blk in block(),
        which in any::<prop::sample::Index>(),
        bad in prop::sample::select(BAD_TOKENS.to_vec()),
    ) {
        let count = blk.build(None).tokens.len();
        prop_assume!(count > 0);
        let g = which.index(count);
        let built = blk.build(Some((g, bad)));
        let want = Err(TokenError::NotANumber { byte: built.token_at[g] });
        let bytes = &built.bytes[..];
        prop_assert_eq!(tokenize_chunk(bytes, blk.base).map(|_| ()), want.clone(), "tokenize_chunk");
        prop_assert_eq!(tokenize(bytes, blk.base, 1, 0).map(|_| ()), want.clone(), "tokenize(1)");
        prop_assert_eq!(tokenize(bytes, blk.base, 2, 0).map(|_| ()), want.clone(), "tokenize(2)");
        prop_assert_eq!(tokenize_naive(bytes, blk.base).map(|_| ()), want, "tokenize_naive");
    }

    /// `parse_number` = `str::parse::<f64>` bit for bit on finite f64 printed many ways.
    #[test]
    fn parse_number_matches_std_on_printed_floats(
        x in any::<u64>().prop_map(f64::from_bits).prop_filter("finite", |x| x.is_finite()),
        style in 0u8..6,
        digits in 0usize..=25,
        end in prop::sample::select(vec!["", " ", "\t", "\n", "\r\n", "!x"]),
    ) {
        let s = match style {
            0 => format!("{x}"),
            1 => format!("{x:e}"),
            2 => format!("{x:.digits$e}"),
            3 => format!("{x:E}"),
            4 => format!("{x:?}"),
            _ => format!("{x:.digits$}"),
        };
        check_parse(&s, end)?;
    }

    /// ... and on random digit strings up to 25 digits with exponents in ±330.
    #[test]
    fn parse_number_matches_std_on_digit_strings(
        sign in prop::sample::select(vec!["", "+", "-"]),
        digits in prop::collection::vec(
            prop_oneof![3 => 0u8..10, 1 => Just(0u8), 1 => Just(9u8)], 1..=25),
        dot in prop::option::of(any::<prop::sample::Index>()),
        exp in prop::option::of((
            prop::sample::select(vec!["e", "E"]),
            prop::sample::select(vec!["", "+", "-"]),
            0u32..=330,
            any::<bool>(),
        )),
        end in prop::sample::select(vec!["", " ", "\n", "!"]),
    ) {
        let d: String = digits.iter().map(|&c| char::from(b'0' + c)).collect();
        let mut s = sign.to_string();
        match dot {
            Some(at) => {
                let k = at.index(d.len() + 1);
                s.push_str(&d[..k]);
                s.push('.');
                s.push_str(&d[k..]);
            }
            None => s.push_str(&d),
        }
        if let Some((e, es, v, pad)) = exp {
            s.push_str(e);
            s.push_str(es);
            if pad {
                s.push_str(&format!("{v:03}"));
            } else {
                s.push_str(&v.to_string());
            }
        }
        check_parse(&s, end)?;
    }
}

/// `parse_number(s + end)` must give `s.parse::<f64>()` bit for bit and use all of `s`, or
/// `None` when that is not finite.
fn check_parse(s: &str, end: &str) -> Result<(), TestCaseError> {
    let want: f64 = s
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{s:?} should be a valid number: {e}")))?;
    let text = format!("{s}{end}");
    let got = parse_number(text.as_bytes());
    if want.is_finite() {
        prop_assert_eq!(
            got.map(|(v, n)| (v.to_bits(), n)),
            Some((want.to_bits(), s.len())),
            "{:?}: got {:?}, want {:e}",
            text,
            got,
            want
        );
    } else {
        prop_assert!(got.is_none(), "{:?} overflows; got {:?}", text, got);
    }
    Ok(())
}
