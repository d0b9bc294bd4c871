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

use std::path::Path;

use memchr::{memchr, memchr_iter, memrchr};
use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;

use super::header::{
    DataFormat, Header, MatrixFormat, OptionLine, TwoPortOrder, Version, keyword_text,
    split_keyword,
};
use super::records::{Layout, assemble};
use super::tokens::{TokenError, Values, tokenize, tokenize_chunk, trim_start};
use super::vendor::{mixed_mode_references, port_names};
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

/// Read a Touchstone file from disk (memory-mapped when large). A name ending `.gz`
/// (`cable.s4p.gz`) is gunzipped first; the port count comes from the inner name.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Touchstone> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        return read_gzip(path, opts);
    }
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

fn read_gzip(path: &Path, opts: &ReadOptions) -> Result<Touchstone> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::io::BufReader::new(file))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let inner = Path::new(path.file_stem().unwrap_or_default());
    let name = inner
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    read_bytes(&bytes, &name, nports_from_name(inner), opts)
        .map_err(|e| e.with_file(path))
        .map(|mut t| {
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

pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) opts: &'a ReadOptions,
    pub(super) threads: usize,
    pub(super) warnings: Vec<Warning>,
}

/// What the header loop collected.
#[derive(Default)]
pub(super) struct HeaderState {
    pub(super) version: Option<Version>,
    pub(super) option: Option<OptionLine>,
    pub(super) option_line_at: usize,
    pub(super) nports_kw: Option<usize>,
    pub(super) two_port_order: Option<TwoPortOrder>,
    pub(super) nfreq: Option<usize>,
    pub(super) noise_nfreq: Option<usize>,
    pub(super) reference: Option<Vec<Complex64>>,
    pub(super) reference_at: usize,
    pub(super) matrix: Option<MatrixFormat>,
    pub(super) mixed_mode: Option<Vec<String>>,
    pub(super) information: Vec<String>,
    pub(super) comments: Vec<String>,
    pub(super) port_names: Vec<(usize, String)>,
    pub(super) sigrity_names: Vec<String>,
    pub(super) power_wave_comment: bool,
    pub(super) saw_content: bool,
    /// Where the header ended (the data line, or the keyword that stopped it).
    pub(super) header_end: usize,
}

pub(super) enum Pending {
    None,
    Reference,
    MixedMode,
}

/// Where the header loop stopped.
pub(super) enum Stop {
    /// Data starts at this byte; `keyword` says whether `[Network Data]` introduced it.
    Data { at: usize, keyword: bool },
    /// `[End]` or the end of the file, with no data.
    End,
}

pub(super) fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(), // Latin-1
    }
}

pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r' || b == b'\x0c' || b == b'\x0b'
}

pub(super) fn trim(b: &[u8]) -> &[u8] {
    let s = trim_start(b);
    let n = s.iter().rev().take_while(|&&c| is_blank(c)).count();
    &s[..s.len() - n]
}

impl<'a> Reader<'a> {
    pub(super) fn pos(&self, byte: usize) -> Position {
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

    pub(super) fn err(&self, byte: usize, kind: K, msg: impl Into<String>) -> Error {
        Error::parse(self.pos(byte), kind, msg)
    }

    pub(super) fn warn(&mut self, byte: usize, msg: impl Into<String>) -> Result<()> {
        let msg = msg.into();
        if self.opts.strict {
            return Err(self.err(byte, K::Structure, format!("{msg} (strict mode)")));
        }
        let pos = self.pos(byte);
        self.warnings.push(Warning { pos, message: msg });
        Ok(())
    }

    /// The line starting at `at`: (start, end without `\r\n`, next line start).
    pub(super) fn line(&self, at: usize) -> (usize, usize, usize) {
        let b = self.bytes;
        let nl = memchr(b'\n', &b[at..]).map_or(b.len(), |k| at + k);
        let mut end = nl;
        if end > at && b[end - 1] == b'\r' {
            end -= 1;
        }
        (at, end, (nl + 1).min(b.len()).max(nl))
    }

    pub(super) fn text(&self, a: usize, b: usize) -> Result<&'a str> {
        std::str::from_utf8(&self.bytes[a..b]).map_err(|e| {
            self.err(
                a + e.valid_up_to(),
                K::UnexpectedText,
                "expected ASCII text outside comments",
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
        let mut z0 = crate::memory::array2_from_rows(nfreq, &column_z0);
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

        // The token buffers are as large as the matrix; when reading in parallel, free them off
        // the critical path (unmapping tens of megabytes takes milliseconds).
        if self.threads > 1 && values.len() > 1 << 20 {
            rayon::spawn(move || drop(values));
        } else {
            drop(values);
        }

        let s = self.to_s(&header, raw, &z0, wave)?;
        if (header.format == DataFormat::DB || header.param != ParamType::S)
            && let Some(bad) = s
                .outer_iter()
                .position(|m| m.iter().any(|z| !z.re.is_finite() || !z.im.is_finite()))
        {
            let why = if header.param == ParamType::S {
                "expected a dB value small enough to give a finite magnitude".to_string()
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

    /// Start of the first line after `from` whose first non-blank byte is `[` (outside comments).
    pub(super) fn next_keyword_line(&self, from: usize) -> usize {
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

    pub(super) fn token_err(&self, e: TokenError) -> Error {
        let TokenError::NotANumber { byte } = e;
        let end = self.bytes[byte..]
            .iter()
            .position(|&c| is_blank(c) || c == b'\n' || c == b'!')
            .map_or(self.bytes.len(), |k| byte + k);
        let found = decode(&self.bytes[byte..end.min(byte + 40)]);
        self.err(
            byte,
            K::InvalidNumber,
            format!("expected a finite number, found `{found}`"),
        )
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
                    "expected a keyword after the network data",
                ));
            };
            match name.as_str() {
                "noise data" => {
                    if header.nports != 2 {
                        return Err(self.err(
                            cstart,
                            K::Structure,
                            "`[Noise Data]` in a file that is not a two-port",
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
                    rows = self.noise_rows(&vals, 0, (start, end))?;
                    *at = end;
                    continue;
                }
                "end" => seen_end = true,
                _ => {
                    return Err(self.err(
                        cstart,
                        K::UnknownKeyword,
                        format!(
                            "expected `[Noise Data]` or `[End]` after the network data, found `{}`",
                            keyword_text(s)
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
