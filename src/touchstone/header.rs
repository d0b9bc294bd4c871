//! The header of a Touchstone file: the option line (`# GHz S MA R 50`), the version 2
//! keywords (`[Number of Ports]`, `[Reference]`, `[Matrix Format]`, …) and the vendor comments
//! that carry meaning (port names, the wave definition).
//!
//! Sources: Touchstone File Format Specification, Rev. 1.1 (EIA/IBIS Open Forum, 2002) and
//! Version 2.0 (IBIS Open Forum, 2009) / 2.1 (2024).

use num_complex::Complex64;

use crate::network::ParamType;

/// Touchstone version, detected from the content (`[Version]`), never from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Version 1.0/1.1: no `[Version]` keyword.
    V1,
    V2_0,
    V2_1,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2_0 => "2.0",
            Version::V2_1 => "2.1",
        }
    }
    pub fn is_v2(self) -> bool {
        self != Version::V1
    }
}

/// How a complex number is written: real/imaginary, magnitude/angle (degrees), dB/angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    RI,
    MA,
    DB,
}

impl DataFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DataFormat::RI => "RI",
            DataFormat::MA => "MA",
            DataFormat::DB => "DB",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ri" => Some(DataFormat::RI),
            "ma" => Some(DataFormat::MA),
            "db" => Some(DataFormat::DB),
            _ => None,
        }
    }
}

/// The frequency unit of the option line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyUnit {
    Hz,
    KHz,
    MHz,
    GHz,
}

impl FrequencyUnit {
    /// Hz per unit.
    pub fn multiplier(self) -> f64 {
        match self {
            FrequencyUnit::Hz => 1.0,
            FrequencyUnit::KHz => 1e3,
            FrequencyUnit::MHz => 1e6,
            FrequencyUnit::GHz => 1e9,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FrequencyUnit::Hz => "Hz",
            FrequencyUnit::KHz => "kHz",
            FrequencyUnit::MHz => "MHz",
            FrequencyUnit::GHz => "GHz",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "hz" => Some(FrequencyUnit::Hz),
            "khz" => Some(FrequencyUnit::KHz),
            "mhz" => Some(FrequencyUnit::MHz),
            "ghz" => Some(FrequencyUnit::GHz),
            _ => None,
        }
    }
}

/// Column order of two-port data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoPortOrder {
    /// `S11 S21 S12 S22`: always in version 1, and `[Two-Port Data Order] 21_12`.
    Order21_12,
    /// `S11 S12 S21 S22`: `[Two-Port Data Order] 12_21`.
    Order12_21,
}

/// Which part of the matrix a version 2 file stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixFormat {
    Full,
    /// Lower triangle, row by row (`S11; S21 S22; …`); the matrix is symmetric.
    Lower,
    /// Upper triangle, row by row (`S11 S12 …; S22 …`); the matrix is symmetric.
    Upper,
}

impl MatrixFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            MatrixFormat::Full => "Full",
            MatrixFormat::Lower => "Lower",
            MatrixFormat::Upper => "Upper",
        }
    }
    /// Number of stored complex entries for `n` ports.
    pub fn entries(self, n: usize) -> Option<usize> {
        match self {
            MatrixFormat::Full => n.checked_mul(n),
            _ => n.checked_mul(n + 1).map(|x| x / 2),
        }
    }
}

/// Everything the header said, kept so a file can be described and written back.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub version: Version,
    pub nports: usize,
    /// What the file held (the network is converted to S on reading).
    pub param: ParamType,
    pub format: DataFormat,
    pub unit: FrequencyUnit,
    /// Whether an option line was present (defaults `# GHz S MA R 50` apply otherwise).
    pub has_option_line: bool,
    /// Reference resistance per port as the file gave it (option-line `R`, or `[Reference]`).
    pub reference_ohm: Vec<Complex64>,
    pub two_port_order: Option<TwoPortOrder>,
    pub matrix_format: MatrixFormat,
    pub mixed_mode_order: Option<Vec<String>>,
    pub declared_nfreq: Option<usize>,
    pub declared_noise_nfreq: Option<usize>,
    /// Lines of a `[Begin Information]` … `[End Information]` block.
    pub information: Vec<String>,
    /// Per-frequency reference impedances came from HFSS `! Port Impedance` comments.
    pub per_frequency_z0: bool,
}

impl Header {
    pub(crate) fn default_v1(nports: usize) -> Self {
        Header {
            version: Version::V1,
            nports,
            param: ParamType::S,
            format: DataFormat::MA,
            unit: FrequencyUnit::GHz,
            has_option_line: false,
            reference_ohm: vec![Complex64::new(50.0, 0.0); nports],
            two_port_order: None,
            matrix_format: MatrixFormat::Full,
            mixed_mode_order: None,
            declared_nfreq: None,
            declared_noise_nfreq: None,
            information: Vec::new(),
            per_frequency_z0: false,
        }
    }
}

/// The option line's fields, parsed. `r` is `None` when `R` is absent, `Some(vec![])` for a bare
/// `R` with no value (HFSS), else the value(s).
#[derive(Debug, Clone, PartialEq)]
pub struct OptionLine {
    pub unit: FrequencyUnit,
    pub param: ParamType,
    pub format: DataFormat,
    pub r: Option<Vec<Complex64>>,
}

/// Parse the text after `#` (comment already removed). Errors carry the byte offset within
/// `text` of the offending token and the message.
pub fn parse_option_line(text: &str) -> Result<(OptionLine, Vec<String>), (usize, String)> {
    let mut out = OptionLine {
        unit: FrequencyUnit::GHz,
        param: ParamType::S,
        format: DataFormat::MA,
        r: None,
    };
    let mut notes = Vec::new();
    let toks: Vec<(usize, &str)> = tokens_with_offsets(text);
    let mut k = 0;
    let (mut seen_unit, mut seen_param, mut seen_format) = (false, false, false);
    while k < toks.len() {
        let (off, t) = toks[k];
        let lower = t.to_ascii_lowercase();
        if let Some(u) = FrequencyUnit::parse(&lower) {
            if seen_unit {
                return Err((off, format!("one frequency unit, found a second: `{t}`")));
            }
            out.unit = u;
            seen_unit = true;
        } else if let Some(p) = match lower.as_str() {
            "s" => Some(ParamType::S),
            "y" => Some(ParamType::Y),
            "z" => Some(ParamType::Z),
            "h" => Some(ParamType::H),
            "g" => Some(ParamType::G),
            _ => None,
        } {
            if seen_param {
                return Err((off, format!("one parameter type, found a second: `{t}`")));
            }
            out.param = p;
            seen_param = true;
        } else if let Some(f) = DataFormat::parse(&lower) {
            if seen_format {
                return Err((off, format!("one data format, found a second: `{t}`")));
            }
            out.format = f;
            seen_format = true;
        } else if lower == "r" {
            let mut vals = Vec::new();
            k += 1;
            while k < toks.len() {
                let (o, v) = toks[k];
                if let Ok(x) = v.parse::<f64>() {
                    if !x.is_finite() || x <= 0.0 {
                        return Err((o, format!("a positive reference resistance, found `{v}`")));
                    }
                    vals.push(Complex64::new(x, 0.0));
                } else if let Some(z) = parse_paren_complex(v) {
                    notes.push(format!(
                        "complex reference `{v}` on the option line is not standard Touchstone"
                    ));
                    vals.push(z);
                } else {
                    break;
                }
                k += 1;
            }
            if vals.len() > 1 {
                notes
                    .push("per-port R values on the option line (Touchstone 1.1 extension)".into());
            }
            out.r = Some(vals);
            continue;
        } else {
            return Err((
                off,
                format!(
                    "a frequency unit (Hz, kHz, MHz, GHz), parameter (S, Y, Z, H, G), format (RI, MA, DB) or `R <ohms>`, found `{t}`"
                ),
            ));
        }
        k += 1;
    }
    Ok((out, notes))
}

/// `(50+50j)` or `50+50j` style complex numbers.
fn parse_paren_complex(s: &str) -> Option<Complex64> {
    let t = s.trim_start_matches('(').trim_end_matches(')');
    let t = t.strip_suffix('j').or_else(|| t.strip_suffix('i'))?;
    // split at the last + or - that is not an exponent sign or the leading sign
    let bytes = t.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-') && !matches!(bytes[i - 1], b'e' | b'E') {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    let re: f64 = t[..i].parse().ok()?;
    let im: f64 = t[i..].parse().ok()?;
    Some(Complex64::new(re, im))
}

/// Whitespace-separated tokens with their byte offsets.
pub fn tokens_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        out.push((start, &text[start..i]));
    }
    out
}

/// A version 2 keyword line `[Name] value`: the lower-cased name, normalised to single spaces,
/// and the value text with its offset in the line. `None` if the line has no closing `]`.
pub fn split_keyword(line: &str) -> Option<(String, &str, usize)> {
    let open = line.find('[')?;
    let close = line[open..].find(']')? + open;
    let name = line[open + 1..close]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    Some((name, &line[close + 1..], close + 1))
}

/// The `[Name]` of a keyword line as written (for messages).
pub fn keyword_text(line: &str) -> &str {
    match (line.find('['), line.find(']')) {
        (Some(a), Some(b)) if b > a => &line[a..=b],
        _ => line.trim(),
    }
}

/// Port names from vendor comments: `Port[n] = name` (HFSS, Ansys), returns `(n, name)`.
pub fn port_name_comment(body: &str) -> Option<(usize, String)> {
    let t = body.trim();
    let rest = t.strip_prefix("Port[")?;
    let close = rest.find(']')?;
    let n: usize = rest[..close].trim().parse().ok()?;
    let after = rest[close + 1..].trim_start();
    let name = after.strip_prefix('=')?.trim();
    if name.is_empty() {
        return None;
    }
    Some((n, name.to_string()))
}

/// Cadence Sigrity names: a comment that is exactly one token `name::net`.
pub fn sigrity_port_comment(body: &str) -> Option<String> {
    let t = body.trim();
    if t.contains("::") && !t.contains(char::is_whitespace) && !t.starts_with("::") {
        Some(t.to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_line_any_order_and_case() {
        let (o, _) = parse_option_line(" r 75 ri y khz").unwrap();
        assert_eq!(o.unit, FrequencyUnit::KHz);
        assert_eq!(o.param, ParamType::Y);
        assert_eq!(o.format, DataFormat::RI);
        assert_eq!(o.r, Some(vec![Complex64::new(75.0, 0.0)]));
        let (d, _) = parse_option_line("").unwrap();
        assert_eq!(
            (d.unit, d.param, d.format, d.r),
            (FrequencyUnit::GHz, ParamType::S, DataFormat::MA, None)
        );
    }

    #[test]
    fn option_line_errors_point_at_token() {
        let e = parse_option_line(" dBm S dB R 50").unwrap_err();
        assert_eq!(e.0, 1);
        assert!(e.1.contains("dBm"));
        assert!(parse_option_line("GHz MHz").is_err());
        assert!(parse_option_line("GHz R -5").is_err());
    }

    #[test]
    fn per_port_and_complex_r() {
        let (o, notes) = parse_option_line("GHz S RI R 50 75 100").unwrap();
        assert_eq!(o.r.as_ref().map(|v| v.len()), Some(3));
        assert_eq!(notes.len(), 1);
        let (o, _) = parse_option_line("GHz S RI R (50+50j)").unwrap();
        assert_eq!(o.r, Some(vec![Complex64::new(50.0, 50.0)]));
        let (o, _) = parse_option_line("GHz S RI R").unwrap();
        assert_eq!(o.r, Some(vec![]));
    }

    #[test]
    fn keywords_and_port_names() {
        let (n, v, _) = split_keyword("[Number  of Ports] 4").unwrap();
        assert_eq!((n.as_str(), v.trim()), ("number of ports", "4"));
        assert_eq!(
            port_name_comment(" Port[2] = U1.A"),
            Some((2, "U1.A".into()))
        );
        assert_eq!(
            sigrity_port_comment(" Port1_Bump::VDD25"),
            Some("Port1_Bump::VDD25".into())
        );
        assert_eq!(sigrity_port_comment(" see a::b here"), None);
    }
}
