//! Reading Touchstone: one pass over the header lines, then the data block handed to the
//! tokenizer (parallel for big files), then records checked and assembled into a [`Network`].
//!
//! Rules followed (Touchstone 1.1 and 2.0/2.1 specifications):
//! - the version comes from `[Version]` in the content, never from the file name;
//! - version 1 port counts come from the `.sNp` extension (or [`ReadOptions::nports`]);
//! - every frequency record starts on a new line (the specification requires it, every writer
//!   does it, and it is what lets a short row be caught instead of shifting every later value);
//! - within a record, values may wrap at any line length;
//! - a two-port version 1 file switches to noise data at the first frequency lower than the
//!   previous one;
//! - version 1 Z/Y/H/G data are normalised to `R` and are de-normalised here (Z and the
//!   impedance-like H11/G22 multiplied by R, Y and the admittance-like H22/G11 divided by it);
//!   version 2 data are in ohms and siemens;
//! - HFSS `! Port Impedance` comments give each frequency's complex port references.

use std::mem::MaybeUninit;
use std::path::Path;

use memchr::{memchr, memchr_iter, memrchr};
use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;

use super::header::{
    DataFormat, Header, MatrixFormat, OptionLine, TwoPortOrder, Version, parse_option_line,
    port_name_comment, sigrity_port_comment, split_keyword, tokens_with_offsets,
};
use super::tokens::{TokenError, Values, tokenize, tokenize_chunk, trim_start};
use crate::Par;
use crate::error::{Error, ParseErrorKind as K, Position, Result};
use crate::network::{Network, NoiseParameters, ParamType, WaveDef, params};

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Turn every warning (an irregular but unambiguous file) into an error.
    pub strict: bool,
    /// Port count for a version 1 file whose name does not say it (`.sNp`).
    pub nports: Option<usize>,
    /// Parallelism for the data block.
    pub par: Par,
    /// Largest port count accepted (a guard against absurd declared sizes).
    pub max_ports: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            strict: false,
            nports: None,
            par: Par::Rayon(0),
            max_ports: 4096,
        }
    }
}

/// Something irregular in a file that was read anyway.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub pos: Position,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

/// A file read: the network, what the header said, and the warnings.
#[derive(Debug, Clone)]
pub struct Touchstone {
    pub network: Network,
    pub header: Header,
    pub warnings: Vec<Warning>,
}

/// Data blocks at least this big are tokenized in parallel.
const PARALLEL_BYTES: usize = 1 << 20;

/// The port count a file name implies: `.s4p`, `.S8P`, `.h2p`, `.y2p`, `.z1p`, `.g2p`.
pub fn nports_from_name(path: &Path) -> Option<usize> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    let b = ext.as_bytes();
    if b.len() < 3 || !b"syzhg".contains(&b[0]) || b[b.len() - 1] != b'p' {
        return None;
    }
    ext[1..ext.len() - 1].parse().ok()
}

/// Read a Touchstone file from disk (memory-mapped when large).
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Touchstone> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hint = nports_from_name(path);
    let result = if len >= 1 << 20 {
        // SAFETY: the map is read-only and dropped before returning; a file truncated by another
        // process while we read it is the one case memory maps cannot guard against.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        read_bytes(&map, &name, hint, opts)
    } else {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        read_bytes(&bytes, &name, hint, opts)
    };
    result.map_err(|e| e.with_file(path)).map(|mut t| {
        for w in &mut t.warnings {
            w.pos.file = Some(path.to_path_buf());
        }
        t
    })
}

/// Read Touchstone from bytes. `nports_hint` is what the file name said (version 1 needs it
/// unless [`ReadOptions::nports`] is set); `name` becomes the network's name.
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    nports_hint: Option<usize>,
    opts: &ReadOptions,
) -> Result<Touchstone> {
    let threads = match opts.par {
        Par::Seq => 1,
        Par::Rayon(0) => rayon::current_num_threads(),
        Par::Rayon(n) => n,
    };
    let mut r = Reader {
        bytes,
        opts,
        threads,
        warnings: Vec::new(),
    };
    let mut t = r.read(name, nports_hint)?;
    t.warnings = r.warnings;
    Ok(t)
}

struct Reader<'a> {
    bytes: &'a [u8],
    opts: &'a ReadOptions,
    threads: usize,
    warnings: Vec<Warning>,
}

/// What the header loop collected.
#[derive(Default)]
struct HeaderState {
    version: Option<Version>,
    option: Option<OptionLine>,
    option_line_at: usize,
    nports_kw: Option<usize>,
    two_port_order: Option<TwoPortOrder>,
    nfreq: Option<usize>,
    noise_nfreq: Option<usize>,
    reference: Option<Vec<Complex64>>,
    reference_at: usize,
    matrix: Option<MatrixFormat>,
    mixed_mode: Option<Vec<String>>,
    information: Vec<String>,
    comments: Vec<String>,
    port_names: Vec<(usize, String)>,
    sigrity_names: Vec<String>,
    power_wave_comment: bool,
    saw_content: bool,
}

enum Pending {
    None,
    Reference,
    MixedMode,
}

/// Where the header loop stopped.
enum Stop {
    /// Data starts at this byte; `keyword` says whether `[Network Data]` introduced it.
    Data { at: usize, keyword: bool },
    /// `[End]` or the end of the file, with no data.
    End,
}

fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(), // Latin-1
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r' || b == b'\x0c' || b == b'\x0b'
}

fn trim(b: &[u8]) -> &[u8] {
    let s = trim_start(b);
    let n = s.iter().rev().take_while(|&&c| is_blank(c)).count();
    &s[..s.len() - n]
}

impl<'a> Reader<'a> {
    fn pos(&self, byte: usize) -> Position {
        let byte = byte.min(self.bytes.len());
        let before = &self.bytes[..byte];
        let line = memchr_iter(b'\n', before).count() as u64 + 1;
        let line_start = memrchr(b'\n', before).map_or(0, |k| k + 1);
        Position {
            file: None,
            line,
            column: (byte - line_start) as u64 + 1,
            byte: byte as u64,
        }
    }

    fn err(&self, byte: usize, kind: K, msg: impl Into<String>) -> Error {
        Error::parse(self.pos(byte), kind, msg)
    }

    fn warn(&mut self, byte: usize, msg: impl Into<String>) -> Result<()> {
        let msg = msg.into();
        if self.opts.strict {
            return Err(self.err(byte, K::Structure, format!("{msg} (strict mode)")));
        }
        let pos = self.pos(byte);
        self.warnings.push(Warning { pos, message: msg });
        Ok(())
    }

    /// The line starting at `at`: (start, end without `\r\n`, next line start).
    fn line(&self, at: usize) -> (usize, usize, usize) {
        let b = self.bytes;
        let nl = memchr(b'\n', &b[at..]).map_or(b.len(), |k| at + k);
        let mut end = nl;
        if end > at && b[end - 1] == b'\r' {
            end -= 1;
        }
        (at, end, (nl + 1).min(b.len()).max(nl))
    }

    fn text(&self, a: usize, b: usize) -> Result<&'a str> {
        std::str::from_utf8(&self.bytes[a..b]).map_err(|e| {
            self.err(
                a + e.valid_up_to(),
                K::UnexpectedText,
                "ASCII text outside comments",
            )
        })
    }

    fn read(&mut self, name: &str, nports_hint: Option<usize>) -> Result<Touchstone> {
        let mut at = if self.bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let mut h = HeaderState::default();
        let stop = self.header_loop(&mut at, &mut h, nports_hint)?;
        let header = self.finish_header(&mut h, nports_hint)?;
        let n = header.nports;

        // Locate and tokenize the network data block.
        let (values, block) = match stop {
            Stop::End => (Values::default(), (at, at)),
            Stop::Data { at: start, keyword } => {
                if !keyword && header.version.is_v2() {
                    self.warn(
                        start,
                        "version 2 data without a `[Network Data]` line before it",
                    )?;
                }
                let end = if header.version.is_v2() {
                    self.next_keyword_line(start)
                } else {
                    self.bytes.len()
                };
                let v = tokenize(&self.bytes[start..end], start, self.threads, PARALLEL_BYTES)
                    .map_err(|e| self.token_err(e))?;
                (v, (start, end))
            }
        };

        // Records.
        let entries = header
            .matrix_format
            .entries(n)
            .ok_or_else(|| self.err(0, K::SizeLimit, "port count overflows"))?;
        let rl = 1 + 2 * entries;
        let noise_capable = n == 2 && header.version == Version::V1;
        let scan = self.scan_records(&values, rl, block, noise_capable, header.unit)?;
        let nfreq = scan.frequencies.len();
        if let Some(decl) = header.declared_nfreq
            && decl != nfreq
        {
            let kind = if nfreq < decl {
                K::Truncated
            } else {
                K::WrongValueCount
            };
            return Err(self.err(
                block.1,
                kind,
                format!(
                    "`[Number of Frequencies]` declares {decl} frequencies but the data has {nfreq}"
                ),
            ));
        }

        let layout = Layout {
            n,
            rl,
            format: header.format,
            matrix: header.matrix_format,
            swap_21_12: n == 2 && header.two_port_order != Some(TwoPortOrder::Order12_21),
        };
        let raw = assemble(&values, &layout, nfreq, self.threads);
        let mult = header.unit.multiplier();
        let frequency_hz = Array1::from_iter(scan.frequencies.iter().map(|f| f * mult));

        // References: option line / [Reference], or HFSS per-frequency comments.
        let column_z0 = match &header.mixed_mode_order {
            Some(order) => mixed_mode_references(order, &header.reference_ohm)
                .map_err(|m| self.err(0, K::InvalidKeywordValue, m))?,
            None => header.reference_ohm.clone(),
        };
        let mut z0 = Array2::from_shape_fn((nfreq, n), |(_, p)| column_z0[p]);
        let mut header = header;
        let mut wave = WaveDef::Power;
        let mut hfss = false;
        for (g, byte) in values.impedance_comments() {
            if g == 0 || g > scan.network_values {
                continue;
            }
            let rec = (g - 1) / rl;
            let z = self.impedance_comment(byte, n)?;
            for p in 0..n {
                z0[[rec, p]] = z[p];
            }
            hfss = true;
        }
        if hfss {
            header.per_frequency_z0 = true;
            wave = if h.power_wave_comment {
                WaveDef::Power
            } else {
                WaveDef::Traveling
            };
        }

        let s = self.to_s(&header, raw, &z0, wave)?;
        if (header.format == DataFormat::DB || header.param != ParamType::S)
            && let Some(bad) = s
                .outer_iter()
                .position(|m| m.iter().any(|z| !z.re.is_finite() || !z.im.is_finite()))
        {
            let why = if header.param == ParamType::S {
                "a dB value small enough to give a finite magnitude".to_string()
            } else {
                format!(
                    "{} parameters that convert to finite S-parameters (the matrix is singular at this frequency)",
                    header.param.letter()
                )
            };
            return Err(self.err(self.byte_of_value(block, bad * rl), K::InvalidNumber, why));
        }

        // Noise.
        let mut noise_rows = scan.noise_rows;
        let mut at = block.1;
        if header.version.is_v2() && at < self.bytes.len() {
            noise_rows = self.after_data(&mut at, &header)?;
        }
        let noise = if noise_rows.is_empty() {
            None
        } else {
            if n != 2 {
                return Err(self.err(
                    block.1,
                    K::Structure,
                    "noise data in a file that is not a two-port",
                ));
            }
            let rn_scale = if header.version.is_v2() {
                1.0
            } else {
                header.reference_ohm[0].re
            };
            Some(NoiseParameters {
                frequency_hz: noise_rows.iter().map(|r| r[0] * mult).collect(),
                nf_min_db: noise_rows.iter().map(|r| r[1]).collect(),
                gamma_opt: noise_rows
                    .iter()
                    .map(|r| Complex64::from_polar(r[2], r[3].to_radians()))
                    .collect(),
                rn_ohm: noise_rows.iter().map(|r| r[4] * rn_scale).collect(),
            })
        };
        if let Some(decl) = header.declared_noise_nfreq {
            let got = noise.as_ref().map_or(0, |x| x.frequency_hz.len());
            if got != decl && got != 0 {
                return Err(self.err(
                    block.1,
                    K::WrongValueCount,
                    format!("`[Number of Noise Frequencies]` declares {decl} but the noise data has {got}"),
                ));
            }
        }

        let mut network = Network::new(frequency_hz, s, z0, wave)?;
        network.name = name.to_string();
        network.comments = std::mem::take(&mut h.comments);
        network.noise = noise;
        network.port_names = port_names(&h, &header);
        Ok(Touchstone {
            network,
            header,
            warnings: Vec::new(),
        })
    }

    /// Lines before the data: comments, option line, keywords.
    fn header_loop(
        &mut self,
        at: &mut usize,
        h: &mut HeaderState,
        nports_hint: Option<usize>,
    ) -> Result<Stop> {
        let mut pending = Pending::None;
        let mut in_info = false;
        while *at < self.bytes.len() {
            let (ls, le, next) = self.line(*at);
            let line = &self.bytes[ls..le];
            let (content_end, comment) = match memchr(b'!', line) {
                Some(k) => (ls + k, Some(&line[k + 1..])),
                None => (le, None),
            };
            if let Some(c) = comment {
                let text = decode(c).trim_end().to_string();
                if let Some(pn) = port_name_comment(&text) {
                    h.port_names.push(pn);
                } else if let Some(sn) = sigrity_port_comment(&text) {
                    h.sigrity_names.push(sn);
                }
                if text.contains("S-parameter uses the power definition") {
                    h.power_wave_comment = true;
                }
                h.comments.push(text);
            }
            let content = trim(&self.bytes[ls..content_end]);
            let cstart = ls + (content.as_ptr() as usize - self.bytes[ls..].as_ptr() as usize);
            if content.is_empty() {
                *at = next;
                continue;
            }
            if in_info {
                let s = self.text(cstart, cstart + content.len())?;
                if split_keyword(s).is_some_and(|(k, _, _)| k == "end information") {
                    in_info = false;
                } else {
                    h.information.push(s.to_string());
                }
                *at = next;
                continue;
            }
            match content[0] {
                b'#' => {
                    if h.option.is_some() {
                        self.warn(cstart, "a second option line; it is ignored")?;
                    } else {
                        let s = self.text(cstart + 1, cstart + content.len())?;
                        let (opt, notes) = parse_option_line(s).map_err(|(o, m)| {
                            self.err(
                                cstart + 1 + o,
                                K::InvalidOptionLine,
                                format!("expected {m}"),
                            )
                        })?;
                        for note in notes {
                            self.warn(cstart, note)?;
                        }
                        h.option = Some(opt);
                        h.option_line_at = cstart;
                    }
                    h.saw_content = true;
                }
                b'[' => {
                    let s = self.text(cstart, cstart + content.len())?;
                    if let Some(stop) =
                        self.keyword(s, cstart, next, h, &mut pending, &mut in_info, nports_hint)?
                    {
                        *at = match stop {
                            Stop::Data { at, .. } => at,
                            Stop::End => next,
                        };
                        return Ok(stop);
                    }
                    h.saw_content = true;
                }
                _ => {
                    let s = self.text(cstart, cstart + content.len())?;
                    match pending {
                        Pending::Reference => {
                            self.more_reference(s, cstart, h, &mut pending)?;
                        }
                        Pending::MixedMode => {
                            let want = h.nports_kw.unwrap_or(0);
                            let mm = h.mixed_mode.get_or_insert_with(Vec::new);
                            mm.extend(s.split_whitespace().map(str::to_string));
                            if mm.len() >= want {
                                pending = Pending::None;
                            }
                        }
                        Pending::None => {
                            *at = ls;
                            return Ok(Stop::Data {
                                at: ls,
                                keyword: false,
                            });
                        }
                    }
                }
            }
            *at = next;
        }
        if in_info {
            return Err(self.err(
                self.bytes.len(),
                K::MissingKeyword,
                "`[End Information]` before the end of the file",
            ));
        }
        if let Pending::Reference = pending {
            return Err(self.err(
                h.reference_at,
                K::Truncated,
                "as many `[Reference]` values as ports",
            ));
        }
        Ok(Stop::End)
    }

    #[allow(clippy::too_many_arguments)]
    fn keyword(
        &mut self,
        s: &str,
        at: usize,
        next: usize,
        h: &mut HeaderState,
        pending: &mut Pending,
        in_info: &mut bool,
        nports_hint: Option<usize>,
    ) -> Result<Option<Stop>> {
        let (name, value, voff) = split_keyword(s).ok_or_else(|| {
            self.err(
                at,
                K::InvalidKeywordValue,
                "a keyword of the form `[Name]`: no closing `]`",
            )
        })?;
        let vat = at + voff;
        let v = value.trim();
        if name != "version" && h.version.is_none() {
            return Err(self.err(
                at,
                K::UnknownKeyword,
                format!("`[{name}]` is a Touchstone 2 keyword, but the file has no `[Version] 2.0` line before it"),
            ));
        }
        let count = |this: &Self| -> Result<usize> {
            let n: usize = v.parse().map_err(|_| {
                this.err(
                    vat,
                    K::InvalidKeywordValue,
                    format!("a whole number after `[{name}]`, found `{v}`"),
                )
            })?;
            Ok(n)
        };
        *pending = Pending::None;
        match name.as_str() {
            "version" => {
                if h.saw_content {
                    return Err(self.err(
                        at,
                        K::Structure,
                        "`[Version]` first: it must come before the option line and other keywords",
                    ));
                }
                h.version = Some(match v {
                    "2.0" => Version::V2_0,
                    "2.1" => Version::V2_1,
                    _ => {
                        return Err(self.err(
                            vat,
                            K::InvalidKeywordValue,
                            format!("`[Version]` 2.0 or 2.1, found `{v}`"),
                        ));
                    }
                });
            }
            "number of ports" => {
                let n = count(self)?;
                if n == 0 || n > self.opts.max_ports {
                    return Err(self.err(
                        vat,
                        K::SizeLimit,
                        format!("a port count from 1 to {}, found {n}", self.opts.max_ports),
                    ));
                }
                if let Some(hint) = nports_hint
                    && hint != n
                {
                    self.warn(
                        at,
                        format!(
                            "`[Number of Ports] {n}` but the file name says {hint} ports; using {n}"
                        ),
                    )?;
                }
                h.nports_kw = Some(n);
            }
            "two-port data order" => {
                h.two_port_order = Some(match v {
                    "12_21" => TwoPortOrder::Order12_21,
                    "21_12" => TwoPortOrder::Order21_12,
                    _ => {
                        return Err(self.err(
                            vat,
                            K::InvalidKeywordValue,
                            format!("`12_21` or `21_12`, found `{v}`"),
                        ));
                    }
                });
            }
            "number of frequencies" => h.nfreq = Some(count(self)?),
            "number of noise frequencies" => h.noise_nfreq = Some(count(self)?),
            "reference" => {
                if h.nports_kw.is_none() {
                    return Err(self.err(
                        at,
                        K::MissingKeyword,
                        "`[Number of Ports]` before `[Reference]`",
                    ));
                }
                h.reference = Some(Vec::new());
                h.reference_at = at;
                *pending = Pending::Reference;
                self.more_reference(value, vat, h, pending)?;
            }
            "matrix format" => {
                h.matrix = Some(match v.to_ascii_lowercase().as_str() {
                    "full" => MatrixFormat::Full,
                    "lower" => MatrixFormat::Lower,
                    "upper" => MatrixFormat::Upper,
                    _ => {
                        return Err(self.err(
                            vat,
                            K::InvalidKeywordValue,
                            format!("`Full`, `Lower` or `Upper`, found `{v}`"),
                        ));
                    }
                });
            }
            "mixed-mode order" => {
                let want = h.nports_kw.unwrap_or(0);
                let mm: Vec<String> = v.split_whitespace().map(str::to_string).collect();
                if mm.len() < want {
                    *pending = Pending::MixedMode;
                }
                h.mixed_mode = Some(mm);
            }
            "begin information" => *in_info = true,
            "end information" => {
                return Err(self.err(
                    at,
                    K::Structure,
                    "`[End Information]` without `[Begin Information]`",
                ));
            }
            "network data" => {
                return Ok(Some(Stop::Data {
                    at: next,
                    keyword: true,
                }));
            }
            "noise data" => {
                return Err(self.err(at, K::Structure, "`[Network Data]` before `[Noise Data]`"));
            }
            "end" => return Ok(Some(Stop::End)),
            _ => {
                return Err(self.err(
                    at,
                    K::UnknownKeyword,
                    format!("a Touchstone keyword, found `[{name}]`"),
                ));
            }
        }
        let _ = nports_hint;
        Ok(None)
    }

    fn more_reference(
        &mut self,
        text: &str,
        at: usize,
        h: &mut HeaderState,
        pending: &mut Pending,
    ) -> Result<()> {
        let want = h.nports_kw.unwrap_or(0);
        let refs = h.reference.get_or_insert_with(Vec::new);
        for (o, t) in tokens_with_offsets(text) {
            let x: f64 = t.parse().map_err(|_| {
                self.err(
                    at + o,
                    K::InvalidKeywordValue,
                    format!("a reference impedance in ohms, found `{t}`"),
                )
            })?;
            if !x.is_finite() || x <= 0.0 {
                return Err(self.err(
                    at + o,
                    K::InvalidKeywordValue,
                    format!("a positive reference impedance, found `{t}`"),
                ));
            }
            if refs.len() >= want {
                return Err(self.err(
                    at + o,
                    K::WrongValueCount,
                    format!("{want} `[Reference]` values, one per port; found more"),
                ));
            }
            refs.push(Complex64::new(x, 0.0));
        }
        if refs.len() >= want {
            *pending = Pending::None;
        }
        Ok(())
    }

    fn finish_header(&mut self, h: &mut HeaderState, nports_hint: Option<usize>) -> Result<Header> {
        let version = h.version.unwrap_or(Version::V1);
        let n = if version.is_v2() {
            h.nports_kw.ok_or_else(|| {
                self.err(
                    self.bytes.len(),
                    K::MissingKeyword,
                    "`[Number of Ports]` in a version 2 file",
                )
            })?
        } else {
            let n = self.opts.nports.or(nports_hint).ok_or_else(|| {
                self.err(
                    0,
                    K::MissingKeyword,
                    "a version 1 file named `.sNp` (N = number of ports), or the port count given explicitly (`--ports N`)",
                )
            })?;
            if n == 0 || n > self.opts.max_ports {
                return Err(self.err(
                    0,
                    K::SizeLimit,
                    format!("a port count from 1 to {}, found {n}", self.opts.max_ports),
                ));
            }
            n
        };
        let mut header = Header::default_v1(n);
        header.version = version;
        if let Some(o) = &h.option {
            header.has_option_line = true;
            header.unit = o.unit;
            header.param = o.param;
            header.format = o.format;
            match o.r.as_deref() {
                None | Some([]) => {}
                Some([r]) => header.reference_ohm = vec![*r; n],
                Some(rs) if rs.len() == n => header.reference_ohm = rs.to_vec(),
                Some(rs) => {
                    return Err(self.err(
                        h.option_line_at,
                        K::InvalidOptionLine,
                        format!("one `R` value or one per port ({n}), found {}", rs.len()),
                    ));
                }
            }
        } else {
            self.warn(0, "no option line; using the defaults `# GHz S MA R 50`")?;
        }
        if let Some(refs) = h.reference.take() {
            if refs.len() != n {
                return Err(self.err(
                    h.reference_at,
                    K::WrongValueCount,
                    format!("{n} `[Reference]` values, found {}", refs.len()),
                ));
            }
            header.reference_ohm = refs;
        }
        if matches!(header.param, ParamType::H | ParamType::G) && n != 2 {
            return Err(self.err(
                h.option_line_at,
                K::InvalidOptionLine,
                format!("H and G parameters describe two-ports only; this file has {n} ports"),
            ));
        }
        if version.is_v2() {
            if n == 2 && h.two_port_order.is_none() {
                self.warn(0, "a two-port version 2 file without `[Two-Port Data Order]`; reading it as 21_12")?;
            }
            if h.nfreq.is_none() {
                self.warn(0, "no `[Number of Frequencies]` (required in version 2)")?;
            }
        }
        header.two_port_order = h.two_port_order;
        header.matrix_format = h.matrix.unwrap_or(MatrixFormat::Full);
        if header.matrix_format != MatrixFormat::Full && header.param != ParamType::S && n == 2 {
            // allowed by the spec for symmetric data; nothing to do
        }
        if let Some(mm) = &h.mixed_mode
            && mm.len() != n
        {
            return Err(self.err(
                0,
                K::WrongValueCount,
                format!("{n} `[Mixed-Mode Order]` entries, found {}", mm.len()),
            ));
        }
        header.mixed_mode_order = h.mixed_mode.clone();
        header.declared_nfreq = h.nfreq;
        header.declared_noise_nfreq = h.noise_nfreq;
        header.information = std::mem::take(&mut h.information);
        Ok(header)
    }

    /// Start of the first line after `from` whose first non-blank byte is `[` (outside comments).
    fn next_keyword_line(&self, from: usize) -> usize {
        let b = self.bytes;
        for k in memchr_iter(b'[', &b[from..]) {
            let p = from + k;
            let ls = memrchr(b'\n', &b[..p]).map_or(0, |q| q + 1);
            if b[ls.max(from)..p].iter().all(|&c| is_blank(c)) && ls >= from {
                return ls;
            }
        }
        b.len()
    }

    fn token_err(&self, e: TokenError) -> Error {
        let TokenError::NotANumber { byte } = e;
        let end = self.bytes[byte..]
            .iter()
            .position(|&c| is_blank(c) || c == b'\n' || c == b'!')
            .map_or(self.bytes.len(), |k| byte + k);
        let found = decode(&self.bytes[byte..end.min(byte + 40)]);
        self.err(
            byte,
            K::InvalidNumber,
            format!("a finite number, found `{found}`"),
        )
    }

    /// Byte offset of the `g`-th value of the block `[a, b)` (slow; for messages only).
    fn byte_of_value(&self, block: (usize, usize), g: usize) -> usize {
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

    fn scan_records(
        &self,
        values: &Values,
        rl: usize,
        block: (usize, usize),
        noise_capable: bool,
        unit: super::header::FrequencyUnit,
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
                        "{rl} values for the frequency record starting here (a frequency and {} numbers), but they run into the middle of line {}: a value is missing or extra",
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
                        format!("frequencies to increase; {f} {unit} appears twice"),
                    ));
                }
                if f < prev {
                    return Err(self.err(
                        self.byte_of_value(block, g),
                        K::NonMonotonicFrequency,
                        format!("frequencies to increase; {f} {unit} follows {prev} {unit}"),
                    ));
                }
            }
            if !(f * mult).is_finite() {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::InvalidNumber,
                    format!("a frequency that fits in an f64 once in Hz, found {f} {unit}"),
                ));
            }
            if f < 0.0 {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::NegativeFrequency,
                    format!("a frequency of zero or more, found {f}"),
                ));
            }
            if g + rl > total {
                return Err(self.err(
                    self.byte_of_value(block, g),
                    K::Truncated,
                    format!(
                        "{rl} values for the record starting here, found {} before the data ends",
                        total - g
                    ),
                ));
            }
            freqs.push(f);
            g += rl;
        }
        let mut noise_rows = Vec::new();
        if let Some(start) = noise_at {
            let mut g = start;
            let mut prev = f64::NEG_INFINITY;
            while g < total {
                while lines.next_if(|&l| l < g).is_some() {}
                if lines.peek() != Some(&g) || g + 5 > total {
                    let at = self.byte_of_value(block, g.saturating_sub(5).max(start));
                    return Err(self.err(at, K::WrongValueCount, "5 values per noise row (frequency, NFmin, |Γopt|, ∠Γopt, Rn), each row on its own line"));
                }
                let mut row = [0.0; 5];
                values.copy_range(g, &mut row);
                if row[0] <= prev {
                    return Err(self.err(
                        self.byte_of_value(block, g),
                        K::NonMonotonicFrequency,
                        format!("noise frequencies to increase; {} follows {prev}", row[0]),
                    ));
                }
                prev = row[0];
                noise_rows.push(row);
                g += 5;
            }
        }
        Ok(Scan {
            network_values: noise_at.unwrap_or(total),
            frequencies: freqs,
            noise_rows,
        })
    }

    /// Number of values on the line whose first value is `g`.
    fn line_len(&self, values: &Values, g: usize) -> Option<usize> {
        let next = values.line_starts().find(|&l| l > g);
        Some(next.unwrap_or(values.len()) - g)
    }

    /// Parse an HFSS `! Port Impedance` block at `byte` (the `!`), with its `!` continuation
    /// lines: one complex value per port, or a full matrix of which the diagonal is used.
    fn impedance_comment(&self, byte: usize, n: usize) -> Result<Vec<Complex64>> {
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
                                format!("numbers after `Port Impedance`, found `{t}`"),
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
                    "{n} complex port impedances (or a {n}x{n} matrix), found {} numbers",
                    nums.len()
                ),
            ))
        }
    }

    /// Convert the file's parameters to S, de-normalising version 1 Z/Y/H/G.
    fn to_s(
        &self,
        header: &Header,
        raw: Array3<Complex64>,
        z0: &Array2<Complex64>,
        wave: WaveDef,
    ) -> Result<Array3<Complex64>> {
        if header.param == ParamType::S {
            return Ok(raw);
        }
        let mut p = raw;
        let r = &header.reference_ohm;
        if !header.version.is_v2() {
            let n = header.nports;
            for mut m in p.outer_iter_mut() {
                for i in 0..n {
                    for j in 0..n {
                        let scale = match header.param {
                            ParamType::Z => (r[i] * r[j]).sqrt(),
                            ParamType::Y => 1.0 / (r[i] * r[j]).sqrt(),
                            ParamType::H => match (i, j) {
                                (0, 0) => r[0],
                                (1, 1) => 1.0 / r[1],
                                _ => Complex64::new(1.0, 0.0),
                            },
                            ParamType::G => match (i, j) {
                                (0, 0) => 1.0 / r[0],
                                (1, 1) => r[1],
                                _ => Complex64::new(1.0, 0.0),
                            },
                            ParamType::S => Complex64::new(1.0, 0.0),
                        };
                        m[[i, j]] *= scale;
                    }
                }
            }
        }
        let v = p.view();
        let z = z0.view();
        match header.param {
            ParamType::Z => params::z2s(v, z, wave),
            ParamType::Y => params::y2s(v, z, wave),
            ParamType::H => params::h2s(v, z, wave),
            ParamType::G => params::g2s(v, z, wave),
            ParamType::S => unreachable!("handled above"),
        }
    }

    /// Version 2 sections after the network data: `[Noise Data]`, `[End]`.
    fn after_data(&mut self, at: &mut usize, header: &Header) -> Result<Vec<[f64; 5]>> {
        let mut rows = Vec::new();
        let mut seen_end = false;
        while *at < self.bytes.len() {
            let (ls, le, next) = self.line(*at);
            let line = &self.bytes[ls..le];
            let content = trim(&line[..memchr(b'!', line).unwrap_or(line.len())]);
            if content.is_empty() {
                *at = next;
                continue;
            }
            let cstart = ls + (content.as_ptr() as usize - line.as_ptr() as usize);
            if seen_end {
                self.warn(cstart, "text after `[End]` is ignored")?;
                break;
            }
            let s = self.text(cstart, cstart + content.len())?;
            let Some((name, _, _)) = split_keyword(s) else {
                return Err(self.err(
                    cstart,
                    K::UnexpectedText,
                    "a keyword after the network data",
                ));
            };
            match name.as_str() {
                "noise data" => {
                    if header.nports != 2 {
                        return Err(self.err(
                            cstart,
                            K::Structure,
                            "`[Noise Data]` only in two-port files",
                        ));
                    }
                    let start = next;
                    let end = self.next_keyword_line(start);
                    let c = tokenize_chunk(&self.bytes[start..end], start)
                        .map_err(|e| self.token_err(e))?;
                    let vals = Values {
                        offsets: vec![0, c.values.len()],
                        chunks: vec![c],
                    };
                    let mut prev = f64::NEG_INFINITY;
                    let mut starts = vals.line_starts().peekable();
                    let mut g = 0;
                    while g < vals.len() {
                        while starts.next_if(|&l| l < g).is_some() {}
                        if starts.peek() != Some(&g) || g + 5 > vals.len() {
                            let b = self.byte_of_value((start, end), g.saturating_sub(5));
                            return Err(self.err(b, K::WrongValueCount, "5 values per noise row (frequency, NFmin, |Γopt|, ∠Γopt, Rn), each row on its own line"));
                        }
                        let mut row = [0.0; 5];
                        vals.copy_range(g, &mut row);
                        if row[0] <= prev {
                            return Err(self.err(
                                self.byte_of_value((start, end), g),
                                K::NonMonotonicFrequency,
                                "noise frequencies to increase",
                            ));
                        }
                        prev = row[0];
                        rows.push(row);
                        g += 5;
                    }
                    *at = end;
                    continue;
                }
                "end" => seen_end = true,
                _ => {
                    return Err(self.err(
                        cstart,
                        K::UnknownKeyword,
                        format!(
                            "`[Noise Data]` or `[End]` after the network data, found `[{name}]`"
                        ),
                    ));
                }
            }
            *at = next;
        }
        if !seen_end {
            self.warn(
                self.bytes.len(),
                "no `[End]` at the end of a version 2 file",
            )?;
        }
        Ok(rows)
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
            format!("a port number in `[Mixed-Mode Order]` entry `{tok}`, found `{t}`")
        })?;
        if p == 0 || p > n {
            return Err(format!(
                "ports 1 to {n} in `[Mixed-Mode Order]` entry `{tok}`, found {p}"
            ));
        }
        Ok(p - 1)
    };
    order
        .iter()
        .map(|tok| {
            let (kind, rest) = tok.split_at(tok.len().min(1));
            match kind {
                "S" | "s" => Ok(single_ended[port(rest, tok)?]),
                "D" | "d" | "C" | "c" => {
                    let (a, b) = rest.split_once(',').ok_or_else(|| {
                        format!("`D<p>,<q>` or `C<p>,<q>` in `[Mixed-Mode Order]`, found `{tok}`")
                    })?;
                    let (ra, rb) = (single_ended[port(a, tok)?], single_ended[port(b, tok)?]);
                    Ok(if kind.eq_ignore_ascii_case("d") {
                        ra + rb
                    } else {
                        ra * rb / (ra + rb)
                    })
                }
                _ => Err(format!(
                    "`S<p>`, `D<p>,<q>` or `C<p>,<q>` in `[Mixed-Mode Order]`, found `{tok}`"
                )),
            }
        })
        .collect()
}

struct Scan {
    frequencies: Vec<f64>,
    network_values: usize,
    noise_rows: Vec<[f64; 5]>,
}

fn port_names(h: &HeaderState, header: &Header) -> Option<Vec<String>> {
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

/// How values map into a matrix.
struct Layout {
    n: usize,
    rl: usize,
    format: DataFormat,
    matrix: MatrixFormat,
    swap_21_12: bool,
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
fn assemble(values: &Values, l: &Layout, nrec: usize, threads: usize) -> Array3<Complex64> {
    let nn = l.n * l.n;
    let mut out = Array3::<Complex64>::uninit((nrec, l.n, l.n));
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
