//! The header loop of the reader: comment lines (with the vendor comments that carry meaning),
//! the option line, and the version 2 keywords up to `[Network Data]`; then the checks that make
//! a [`Header`] out of what was seen (port count, references, two-port order, declared sizes).

use memchr::memchr;
use num_complex::Complex64;

use super::header::{
    Header, MatrixFormat, TwoPortOrder, Version, keyword_text, parse_option_line,
    port_name_comment, sigrity_port_comment, split_keyword, tokens_with_offsets,
};
use super::read::{HeaderState, Pending, Reader, Stop, decode, trim};
use crate::error::{ParseErrorKind as K, Result};
use crate::network::ParamType;

impl Reader<'_> {
    /// Lines before the data: comments, option line, keywords.
    pub(super) fn header_loop(
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
                        h.header_end = cstart;
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
                            h.header_end = ls;
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
                "expected `[End Information]` before the end of the file",
            ));
        }
        if let Pending::Reference = pending {
            return Err(self.err(
                h.reference_at,
                K::Truncated,
                "expected as many `[Reference]` values as ports",
            ));
        }
        h.header_end = self.bytes.len();
        Ok(Stop::End)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn keyword(
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
                "expected a keyword of the form `[Name]`: no closing `]`",
            )
        })?;
        let vat = at + voff + (value.len() - value.trim_start().len());
        let v = value.trim();
        if name != "version" && h.version.is_none() {
            return Err(self.err(
                at,
                K::UnknownKeyword,
                format!("`{}` is a Touchstone 2 keyword, but the file has no `[Version] 2.0` line before it", keyword_text(s)),
            ));
        }
        let count = |this: &Self| -> Result<usize> {
            let n: usize = v.parse().map_err(|_| {
                this.err(
                    vat,
                    K::InvalidKeywordValue,
                    format!("expected a whole number after `[{name}]`, found `{v}`"),
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
                            format!("expected `[Version]` 2.0 or 2.1, found `{v}`"),
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
                        format!(
                            "expected a port count from 1 to {}, found {n}",
                            self.opts.max_ports
                        ),
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
                            format!("expected `12_21` or `21_12`, found `{v}`"),
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
                        "expected `[Number of Ports]` before `[Reference]`",
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
                            format!("expected `Full`, `Lower` or `Upper`, found `{v}`"),
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
                return Err(self.err(
                    at,
                    K::Structure,
                    "expected `[Network Data]` before `[Noise Data]`",
                ));
            }
            "end" => return Ok(Some(Stop::End)),
            _ => {
                return Err(self.err(
                    at,
                    K::UnknownKeyword,
                    format!("expected a Touchstone keyword, found `{}`", keyword_text(s)),
                ));
            }
        }
        Ok(None)
    }

    pub(super) fn more_reference(
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
                    format!("expected a reference impedance in ohms, found `{t}`"),
                )
            })?;
            if !x.is_finite() || x <= 0.0 {
                return Err(self.err(
                    at + o,
                    K::InvalidKeywordValue,
                    format!("expected a positive reference impedance, found `{t}`"),
                ));
            }
            if refs.len() >= want {
                return Err(self.err(
                    at + o,
                    K::WrongValueCount,
                    format!("expected {want} `[Reference]` values, one per port; found more"),
                ));
            }
            refs.push(Complex64::new(x, 0.0));
        }
        if refs.len() >= want {
            *pending = Pending::None;
        }
        Ok(())
    }

    pub(super) fn finish_header(
        &mut self,
        h: &mut HeaderState,
        nports_hint: Option<usize>,
    ) -> Result<Header> {
        let version = h.version.unwrap_or(Version::V1);
        let n = if version.is_v2() {
            h.nports_kw.ok_or_else(|| {
                self.err(
                    h.header_end,
                    K::MissingKeyword,
                    "expected `[Number of Ports]` in a version 2 file, before the data",
                )
            })?
        } else {
            let n = self.opts.nports.or(nports_hint).ok_or_else(|| {
                self.err(
                    0,
                    K::MissingKeyword,
                    "expected a version 1 file named `.sNp` (N = number of ports), or the port count given explicitly (`--ports N`)",
                )
            })?;
            if n == 0 || n > self.opts.max_ports {
                return Err(self.err(
                    0,
                    K::SizeLimit,
                    format!(
                        "expected a port count from 1 to {}, found {n}",
                        self.opts.max_ports
                    ),
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
                        format!(
                            "expected one `R` value or one per port ({n}), found {}",
                            rs.len()
                        ),
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
                    format!("expected {n} `[Reference]` values, found {}", refs.len()),
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
                format!(
                    "expected {n} `[Mixed-Mode Order]` entries, found {}",
                    mm.len()
                ),
            ));
        }
        header.mixed_mode_order = h.mixed_mode.clone();
        header.declared_nfreq = h.nfreq;
        header.declared_noise_nfreq = h.noise_nfreq;
        header.information = std::mem::take(&mut h.information);
        Ok(header)
    }
}
