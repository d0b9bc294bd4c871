//! The COM parameter set (IEEE 802.3 Annex 93A, Table 93A-1 style) as a plain struct, parsed
//! from a TOML file with PyChOpMarg's `COMParams` field names (`[run_options]` + `[params]`,
//! as in `../shared/com/configs/anchor_*.toml`). Units are converted to SI at this edge:
//! GHz → Hz, ns → s, nF → F, nH → H, V²/GHz → V²/Hz; dB values keep names ending `_db`.
//! Fields of configurations this slice does not yet compute (MMSE Rx FFE, 178A device
//! models, MLSD, quantisation noise, package cases, host boards) are named in the error.

use super::device::Devices;
use crate::error::{Error, Result};

/// One COM parameter set, SI units.
#[derive(Debug, Clone, PartialEq)]
pub struct ComConfig {
    /// Signalling rate f_b, Bd.
    pub fb_bd: f64,
    /// Frequency step Δf, Hz.
    pub fstep_hz: f64,
    /// Modulation levels L.
    pub levels: usize,
    /// Samples per UI M.
    pub samples_per_ui: usize,
    /// Target detector error ratio DER_0.
    pub der0: f64,
    /// Tx 20–80 % transition time T_r, s (93A-46).
    pub t_r_s: f64,
    /// Relative level mismatch R_LM.
    pub rlm: f64,
    /// Victim, FEXT and NEXT amplitudes A_v, A_fe, A_ne, V.
    pub a_v: f64,
    pub a_fe: f64,
    pub a_ne: f64,
    /// Single-ended reference impedance R_0, Ω.
    pub r0_ohm: f64,
    /// Dual-Dirac jitter A_DD and random jitter σ_RJ, UI.
    pub a_dd_ui: f64,
    pub sigma_rj_ui: f64,
    /// Tx SNR, dB.
    pub snr_tx_db: f64,
    /// One-sided Rx noise density η_0, V²/Hz.
    pub eta0_v2_per_hz: f64,
    /// CTLE f_z, f_p1, f_p2, f_LF, Hz (93A-22).
    pub f_z_hz: f64,
    pub f_p1_hz: f64,
    pub f_p2_hz: f64,
    pub f_lf_hz: f64,
    /// CTLE gain candidates g_DC and g_DC2, dB.
    pub g_dc_db: Vec<f64>,
    pub g_dc2_db: Vec<f64>,
    /// Tx FFE tap (min, max, step), c(-n_pre)… c(3), cursor excluded.
    pub tx_taps_min: Vec<f64>,
    pub tx_taps_max: Vec<f64>,
    pub tx_taps_step: Vec<f64>,
    /// Minimum Tx cursor.
    pub c0_min: f64,
    /// Rx Butterworth −3 dB frequency f_r·f_b, Hz (93A-20).
    pub f_r_hz: f64,
    /// DFE tap limits, relative to the cursor.
    pub dfe_min: Vec<f64>,
    pub dfe_max: Vec<f64>,
    /// Die termination [Tx, Rx], Ω.
    pub r_d_ohm: [f64; 2],
    /// Die ladder C_d and L_s per segment [Tx, Rx], F and H (93A.1.2.3, 178A ladder: one
    /// shunt C_d then one series L_s per segment); bump C_b and ball C_p [Tx, Rx], F.
    pub c_d_f: [Vec<f64>; 2],
    pub l_s_h: [Vec<f64>; 2],
    pub c_b_f: [f64; 2],
    pub c_p_f: [f64; 2],
    /// Package line segment impedances, Ω, and lengths [z_p(sel), z_pB], mm.
    pub z_c_ohm: Vec<f64>,
    pub z_p_mm: Vec<f64>,
    /// Package line lengths per package [Tx (thru), Rx, NEXT, FEXT], mm (PyChOpMarg's `zp_tx`,
    /// `zp_rx`, `zp_next`, `zp_fext`; each defaults to `z_p_mm`).
    pub zp_end_mm: [Vec<f64>; 4],
    /// Package line loss (93A-9…12): γ_0 1/mm, a_1 √ns/mm, a_2 ns/mm, τ ns/mm.
    pub gamma0: f64,
    pub a1: f64,
    pub a2: f64,
    pub tau_ns_per_mm: f64,
    /// Cursor search range about the pulse peak, samples (inclusive); default ±M/2.
    pub ts_range: (i64, i64),
    /// The receiver FFE (178A.1.6): tap limits relative to the cursor, `dw` pre-cursor taps.
    pub rx_ffe: RxFfeConfig,
    /// MATLAB COM's "Local Search" (grid steps; 0 = full search).
    pub local_search: usize,
    /// CTLE second-stage pole f_p3, Hz (178A-14; f_LF in 93A-22).
    pub f_p3_hz: f64,
    /// Quantiser bits N_qb (178A.1.7.6; 0 = no quantisation noise) and clipping probability P_qc.
    pub n_qb: usize,
    pub p_qc: f64,
    /// The MLSD reference receiver (178A.1.10) and its added-noise penalty ΔCOM_an, dB.
    pub mlsd: bool,
    pub dcom_an_db: f64,
    /// Annex 178A device models replacing the 93A packages (channels renormalised to 2·R_0).
    pub devices: Option<Devices>,
}

/// The MMSE receiver FFE of 802.3dj Annex 178A.1.6 (178A-33…36) and its floating taps
/// (178A.1.8.1): `n_taps` positions, the cursor at `dw`, taps limited to
/// `[min, max]·w(dw)`. With `n_taps = 1` it is the cursor alone (the classic Annex 93A
/// receiver, CTLE + DFE).
#[derive(Debug, Clone, PartialEq)]
pub struct RxFfeConfig {
    pub taps_min: Vec<f64>,
    pub taps_max: Vec<f64>,
    pub dw: usize,
    /// Fixed taps `0..n_fix` (`Nfix`); the rest of the span holds `n_float_groups` groups of
    /// `n_float_taps` contiguous floating taps (`Nwg`, `Nwf`).
    pub n_fix: usize,
    pub n_float_groups: usize,
    pub n_float_taps: usize,
}

impl RxFfeConfig {
    /// The FFE's full span `N_w` (positions).
    pub fn n_taps(&self) -> usize {
        self.taps_max.len()
    }

    /// Whether the FFE is the cursor tap alone.
    pub fn is_single_tap(&self) -> bool {
        self.n_taps() == 1
    }

    /// Whether floating taps are placed (178A.1.8.1).
    pub fn has_floating(&self) -> bool {
        self.n_fix < self.n_taps() && self.n_float_groups > 0
    }
}

type Table = toml::Table;

fn num(t: &Table, key: &str) -> Result<f64> {
    match t.get(key) {
        Some(toml::Value::Float(x)) => Ok(*x),
        Some(toml::Value::Integer(i)) => Ok(*i as f64),
        Some(v) => Err(Error::invalid(format!(
            "COM config: {key} must be a number, found {v}"
        ))),
        None => Err(Error::invalid(format!("COM config: missing {key}"))),
    }
}

fn list(t: &Table, key: &str) -> Result<Vec<f64>> {
    match t.get(key) {
        Some(toml::Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                toml::Value::Float(x) => Ok(*x),
                toml::Value::Integer(i) => Ok(*i as f64),
                _ => Err(Error::invalid(format!(
                    "COM config: {key} must hold numbers, found {v}"
                ))),
            })
            .collect(),
        Some(toml::Value::Float(x)) => Ok(vec![*x]),
        Some(toml::Value::Integer(i)) => Ok(vec![*i as f64]),
        Some(v) => Err(Error::invalid(format!(
            "COM config: {key} must be a list of numbers, found {v}"
        ))),
        None => Err(Error::invalid(format!("COM config: missing {key}"))),
    }
}

fn pair(t: &Table, key: &str, scale: f64) -> Result<[f64; 2]> {
    let v = list(t, key)?;
    match v.as_slice() {
        [a] => Ok([a * scale, a * scale]),
        [a, b] => Ok([a * scale, b * scale]),
        _ => Err(Error::invalid(format!(
            "COM config: {key} needs one value or a [Tx, Rx] pair, found {} values",
            v.len()
        ))),
    }
}

/// A die ladder value per end (`C_d`, `L_s`): a number (both ends, one segment), a list of
/// one or two numbers (one segment, [Tx, Rx]), or a list of one or two lists (segments per end),
/// as PyChOpMarg's `sDie` reads them (`atleast_1d(C_d[min(end, len − 1)])`).
fn ladder(t: &Table, key: &str, scale: f64) -> Result<[Vec<f64>; 2]> {
    let bad = || {
        Error::invalid(format!(
            "COM config: {key} must be a number, [Tx, Rx] numbers, or [[Tx segments…], [Rx segments…]]"
        ))
    };
    let ends: Vec<Vec<f64>> = match t.get(key) {
        None => return Err(Error::invalid(format!("COM config: missing {key}"))),
        Some(toml::Value::Array(a)) if a.iter().any(|v| v.is_array()) => {
            let mut ends = Vec::new();
            for v in a {
                let seg = v.as_array().ok_or_else(bad)?;
                ends.push(
                    seg.iter()
                        .map(|x| x.as_float().or(x.as_integer().map(|i| i as f64)))
                        .collect::<Option<Vec<f64>>>()
                        .ok_or_else(bad)?,
                );
            }
            ends
        }
        Some(_) => list(t, key)?.into_iter().map(|x| vec![x]).collect(),
    };
    match ends.as_slice() {
        [a] if !a.is_empty() => {
            let a: Vec<f64> = a.iter().map(|x| x * scale).collect();
            Ok([a.clone(), a])
        }
        [a, b] if !a.is_empty() && !b.is_empty() => Ok([
            a.iter().map(|x| x * scale).collect(),
            b.iter().map(|x| x * scale).collect(),
        ]),
        _ => Err(bad()),
    }
}

/// A non-negative integer parameter (absent = `default`).
fn count(t: &Table, key: &str, default: usize) -> Result<usize> {
    if t.get(key).is_none() || is_none(t, key) {
        return Ok(default);
    }
    let v = num(t, key)?;
    if !(v >= 0.0 && v.fract() == 0.0 && v <= 10_000.0) {
        return Err(Error::invalid(format!(
            "COM config: {key} must be a whole number 0…10000, found {v}"
        )));
    }
    Ok(v as usize)
}

/// `"none"` (PyChOpMarg's None) or absent.
fn is_none(t: &Table, key: &str) -> bool {
    match t.get(key) {
        None => true,
        Some(toml::Value::String(s)) => s.eq_ignore_ascii_case("none"),
        _ => false,
    }
}

fn unsupported(key: &str, why: &str) -> Error {
    Error::invalid(format!(
        "COM config: {key} is not yet supported ({why}); this version computes Annex 93A \
         packages with CTLE, Tx FFE, MMSE Rx FFE (with floating taps) and DFE"
    ))
}

/// Keys read by [`ComConfig`].
const USED: &[&str] = &[
    "fb",
    "fstep",
    "L",
    "M",
    "DER_0",
    "T_r",
    "RLM",
    "A_v",
    "A_fe",
    "A_ne",
    "R_0",
    "A_DD",
    "SNR_TX",
    "eta_0",
    "sigma_Rj",
    "f_z",
    "f_p1",
    "f_p2",
    "f_LF",
    "g_DC",
    "g_DC2",
    "tx_taps_min",
    "tx_taps_max",
    "tx_taps_step",
    "c0_min",
    "f_r",
    "dfe_min",
    "dfe_max",
    "rx_taps_min",
    "rx_taps_max",
    "dw",
    "R_d",
    "C_d",
    "C_b",
    "C_p",
    "L_s",
    "z_c",
    "z_p",
    "gamma0",
    "a1",
    "a2",
    "tau",
    "z_pB",
    "ts_sample_adj",
];
/// Keys accepted when they hold the value that switches their feature off.
const OFF: &[&str] = &["z_c_rx", "zp_cases"];
/// Keys that only matter to features that are off (host boards with include_pcb = 0, MLSD
/// penalty with mlsd = false, quantiser clipping with N_qb = 0).
const IDLE: &[&str] = &[
    "zbp_tx",
    "zbp_rx",
    "zbp_next",
    "zbp_fext",
    "brd_Z_c",
    "brd_gamma0_a1_a2",
    "brd_tau",
    "brd_C0",
    "brd_C1",
    "ts_track",
];

impl ComConfig {
    /// Parses a TOML COM configuration (`[run_options]` optional, `[params]` required).
    pub fn from_toml_str(text: &str) -> Result<ComConfig> {
        let doc: Table = text
            .parse()
            .map_err(|e| Error::invalid(format!("COM config is not valid TOML: {e}")))?;
        let devices = match doc.get("run_options").and_then(|v| v.as_table()) {
            Some(ro) => check_run_options(ro)?,
            None => None,
        };
        let p = doc
            .get("params")
            .and_then(|v| v.as_table())
            .ok_or_else(|| Error::invalid("COM config: no [params] table"))?;
        let mut cfg = ComConfig::from_params(p)?;
        cfg.devices = devices;
        Ok(cfg)
    }

    fn from_params(p: &Table) -> Result<ComConfig> {
        for key in p.keys() {
            let k = key.as_str();
            if !(USED.contains(&k)
                || OFF.contains(&k)
                || IDLE.contains(&k)
                || matches!(
                    k,
                    "local_search"
                        | "ts_srch_mode"
                        | "zp_tx"
                        | "zp_rx"
                        | "zp_next"
                        | "zp_fext"
                        | "Nfix"
                        | "f_p3"
                        | "P_qc"
                        | "dCOM_an"
                        | "N_qb"
                        | "Nwg"
                        | "Nwf"
                        | "mlsd"
                        | "include_pcb"
                ))
            {
                return Err(Error::invalid(format!("COM config: unknown parameter {k}")));
            }
        }
        let rx_ffe = rx_ffe_config(p)?;
        for &k in OFF {
            if !is_none(p, k) {
                return Err(unsupported(k, "only the default, none, is handled"));
            }
        }
        let zero = |k: &str| -> Result<bool> {
            Ok(match p.get(k) {
                None => true,
                Some(toml::Value::Integer(i)) => *i == 0,
                Some(toml::Value::Float(x)) => *x == 0.0,
                Some(toml::Value::Boolean(b)) => !*b,
                Some(_) => false,
            })
        };
        for k in ["include_pcb"] {
            if !zero(k)? {
                return Err(unsupported(k, "only 0 / false is handled"));
            }
        }
        if let Some(v) = p.get("ts_srch_mode")
            && v.as_str() != Some("full-sweep")
        {
            return Err(unsupported(
                "ts_srch_mode",
                "only \"full-sweep\" is handled",
            ));
        }
        let m = num(p, "M")?;
        let levels = num(p, "L")?;
        if !(m >= 2.0 && m.fract() == 0.0 && m <= 1024.0) {
            return Err(Error::invalid(format!(
                "COM config: M must be an integer ≥ 2, found {m}"
            )));
        }
        if !(levels >= 2.0 && levels.fract() == 0.0 && levels <= 16.0) {
            return Err(Error::invalid(format!(
                "COM config: L must be an integer 2…16, found {levels}"
            )));
        }
        let m = m as usize;
        let ts_range = if is_none(p, "ts_sample_adj") {
            (-((m / 2) as i64), (m / 2) as i64)
        } else {
            let v = list(p, "ts_sample_adj")?;
            match v.as_slice() {
                [a, b] if a <= b => (*a as i64, *b as i64),
                _ => {
                    return Err(Error::invalid(
                        "COM config: ts_sample_adj must be [first, last] with first ≤ last",
                    ));
                }
            }
        };
        let z_p = list(p, "z_p")?;
        let z_c = list(p, "z_c")?;
        let first_zp = *z_p
            .first()
            .ok_or_else(|| Error::invalid("COM config: z_p is empty"))?;
        let z_p_mm = vec![first_zp, num(p, "z_pB")?];
        let end_zp = |k: &str| -> Result<Vec<f64>> {
            if is_none(p, k) {
                Ok(z_p_mm.clone())
            } else {
                let v = list(p, k)?;
                if v.len() != z_c.len() {
                    return Err(Error::invalid(format!(
                        "COM config: {k} needs one length per z_c segment ({}), found {}",
                        z_c.len(),
                        v.len()
                    )));
                }
                Ok(v)
            }
        };
        let zp_end_mm = [
            end_zp("zp_tx")?,
            end_zp("zp_rx")?,
            end_zp("zp_next")?,
            end_zp("zp_fext")?,
        ];
        if z_c.len() != 2 {
            return Err(Error::invalid(format!(
                "COM config: z_c needs two segment impedances, found {}",
                z_c.len()
            )));
        }
        let fb = num(p, "fb")? * 1e9;
        let cfg = ComConfig {
            fb_bd: fb,
            fstep_hz: num(p, "fstep")? * 1e9,
            levels: levels as usize,
            samples_per_ui: m,
            der0: num(p, "DER_0")?,
            t_r_s: num(p, "T_r")? * 1e-9,
            rlm: num(p, "RLM")?,
            a_v: num(p, "A_v")?,
            a_fe: num(p, "A_fe")?,
            a_ne: num(p, "A_ne")?,
            r0_ohm: num(p, "R_0")?,
            a_dd_ui: num(p, "A_DD")?,
            sigma_rj_ui: num(p, "sigma_Rj")?,
            snr_tx_db: num(p, "SNR_TX")?,
            eta0_v2_per_hz: num(p, "eta_0")? * 1e-9,
            f_z_hz: num(p, "f_z")? * 1e9,
            f_p1_hz: num(p, "f_p1")? * 1e9,
            f_p2_hz: num(p, "f_p2")? * 1e9,
            f_lf_hz: num(p, "f_LF")? * 1e9,
            g_dc_db: list(p, "g_DC")?,
            g_dc2_db: list(p, "g_DC2")?,
            tx_taps_min: list(p, "tx_taps_min")?,
            tx_taps_max: list(p, "tx_taps_max")?,
            tx_taps_step: list(p, "tx_taps_step")?,
            c0_min: num(p, "c0_min")?,
            f_r_hz: num(p, "f_r")? * fb,
            dfe_min: list(p, "dfe_min")?,
            dfe_max: list(p, "dfe_max")?,
            r_d_ohm: pair(p, "R_d", 1.0)?,
            c_d_f: ladder(p, "C_d", 1e-9)?,
            l_s_h: ladder(p, "L_s", 1e-9)?,
            c_b_f: pair(p, "C_b", 1e-9)?,
            c_p_f: pair(p, "C_p", 1e-9)?,
            z_c_ohm: z_c,
            z_p_mm,
            zp_end_mm,
            gamma0: num(p, "gamma0")?,
            a1: num(p, "a1")?,
            a2: num(p, "a2")?,
            tau_ns_per_mm: num(p, "tau")?,
            ts_range,
            rx_ffe,
            local_search: count(p, "local_search", 0)?,
            f_p3_hz: if is_none(p, "f_p3") {
                num(p, "f_LF")? * 1e9
            } else {
                num(p, "f_p3")? * 1e9
            },
            n_qb: count(p, "N_qb", 0)?,
            p_qc: if p.contains_key("P_qc") {
                num(p, "P_qc")?
            } else {
                1e-7
            },
            mlsd: match p.get("mlsd") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(v) => {
                    return Err(Error::invalid(format!(
                        "COM config: mlsd must be true or false, found {v}"
                    )));
                }
            },
            dcom_an_db: if p.contains_key("dCOM_an") {
                num(p, "dCOM_an")?
            } else {
                3.0
            },
            devices: None,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<()> {
        let positive = [
            ("fb", self.fb_bd),
            ("fstep", self.fstep_hz),
            ("DER_0", self.der0),
            ("RLM", self.rlm),
            ("A_v", self.a_v),
            ("R_0", self.r0_ohm),
            ("f_z", self.f_z_hz),
            ("f_p1", self.f_p1_hz),
            ("f_p2", self.f_p2_hz),
            ("f_LF", self.f_lf_hz),
            ("f_r", self.f_r_hz),
        ];
        for (k, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::invalid(format!(
                    "COM config: {k} must be > 0, found {v}"
                )));
            }
        }
        let n = self.tx_taps_min.len();
        if n < 3 || self.tx_taps_max.len() != n || self.tx_taps_step.len() != n {
            return Err(Error::invalid(
                "COM config: tx_taps_min/max/step need the same length (≥ 3: the last 3 are post-cursors)",
            ));
        }
        for end in 0..2 {
            if self.c_d_f[end].len() != self.l_s_h[end].len() {
                return Err(Error::invalid(format!(
                    "COM config: C_d and L_s need as many die-ladder segments ({} vs {})",
                    self.c_d_f[end].len(),
                    self.l_s_h[end].len()
                )));
            }
        }
        if self.dfe_min.len() != self.dfe_max.len() {
            return Err(Error::invalid(
                "COM config: dfe_min and dfe_max differ in length",
            ));
        }
        if self.g_dc_db.is_empty() || self.g_dc2_db.is_empty() {
            return Err(Error::invalid("COM config: g_DC and g_DC2 need candidates"));
        }
        if self.der0 >= 1.0 || self.der0.is_nan() {
            return Err(Error::invalid("COM config: DER_0 must be < 1"));
        }
        Ok(())
    }

    /// Unit interval, s.
    pub fn ui_s(&self) -> f64 {
        1.0 / self.fb_bd
    }
}

/// The Rx FFE keys: `rx_taps_min`/`rx_taps_max` (one entry per position, the cursor's 1.0),
/// `dw`, `Nfix`, `Nwg`, `Nwf`.
fn rx_ffe_config(p: &Table) -> Result<RxFfeConfig> {
    let taps_max = list(p, "rx_taps_max")?;
    let taps_min = list(p, "rx_taps_min")?;
    let n = taps_max.len();
    let dw = count(p, "dw", 0)?;
    if n == 0 || taps_min.len() != n || n > 1024 {
        return Err(Error::invalid(format!(
            "COM config: rx_taps_min and rx_taps_max need the same number (1…1024) of taps, found {} and {n}",
            taps_min.len()
        )));
    }
    if dw >= n {
        return Err(Error::invalid(format!(
            "COM config: dw ({dw}) must be less than the number of Rx FFE taps ({n})"
        )));
    }
    if taps_min
        .iter()
        .zip(&taps_max)
        .any(|(a, b)| a.partial_cmp(b).is_none_or(|o| o.is_gt()))
    {
        return Err(Error::invalid(
            "COM config: each rx_taps_min must be ≤ its rx_taps_max",
        ));
    }
    let n_fix = count(p, "Nfix", n)?.min(n);
    let n_float_groups = count(p, "Nwg", 0)?;
    let n_float_taps = count(p, "Nwf", 0)?;
    if n_fix <= dw {
        return Err(Error::invalid(format!(
            "COM config: Nfix ({n_fix}) must include the cursor tap (dw = {dw})"
        )));
    }
    if n_fix < n && n_float_groups > 0 && n_float_taps == 0 {
        return Err(Error::invalid(
            "COM config: Nwg floating groups need Nwf ≥ 1 taps",
        ));
    }
    Ok(RxFfeConfig {
        taps_min,
        taps_max,
        dw,
        n_fix,
        n_float_groups,
        n_float_taps,
    })
}

fn check_run_options(ro: &Table) -> Result<Option<Devices>> {
    let mut devices = None;
    for (k, v) in ro {
        let s = v.as_str().unwrap_or("");
        let ok = match k.as_str() {
            "opt_mode" => s == "MMSE",
            "norm_mode" => s == "P8023dj",
            "devices" => match v.as_table() {
                Some(t) => {
                    devices = Some(Devices::from_run_option(t)?);
                    true
                }
                None => s.eq_ignore_ascii_case("none"),
            },
            "chnl_interp" => s == "vtf",
            "ir_trunc_thresh" => v.as_float() == Some(1e-3),
            _ => {
                return Err(Error::invalid(format!(
                    "COM config: unknown run option {k}"
                )));
            }
        };
        if !ok {
            return Err(unsupported(
                &format!("run_options.{k} = {v}"),
                "another mode",
            ));
        }
    }
    Ok(devices)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: &str = "../shared/com/configs/anchor_r53_ctle_dfe.toml";

    #[test]
    fn parses_anchor_in_si_units() {
        let Ok(text) = std::fs::read_to_string(ANCHOR) else {
            return;
        };
        let c = ComConfig::from_toml_str(&text).unwrap();
        assert_eq!(c.fb_bd, 53.125e9);
        assert_eq!(c.samples_per_ui, 32);
        assert!((c.c_d_f[0][0] - 0.12e-12).abs() < 1e-20);
        assert!((c.f_r_hz - 0.58 * 53.125e9).abs() < 1.0);
        assert_eq!(c.ts_range, (-16, 16));
    }

    #[test]
    fn unsupported_fields_are_named() {
        let Ok(text) = std::fs::read_to_string(ANCHOR) else {
            return;
        };
        for (from, to, key) in [
            ("include_pcb = 0", "include_pcb = 2", "include_pcb"),
            ("zp_cases = \"none\"", "zp_cases = [1.0]", "zp_cases"),
        ] {
            assert!(text.contains(from), "{from}");
            let e = ComConfig::from_toml_str(&text.replace(from, to))
                .unwrap_err()
                .to_string();
            assert!(e.contains(key) && e.contains("not yet supported"), "{e}");
        }
    }

    #[test]
    fn d3p3_anchor_builds_device_models_and_floating_taps() {
        let Ok(text) = std::fs::read_to_string("../shared/com/configs/anchor_dj_d3p3_cr_hl.toml")
        else {
            return;
        };
        let c = ComConfig::from_toml_str(&text).unwrap();
        let d = c.devices.as_ref().expect("devices");
        assert_eq!(d.tx.host.as_ref().unwrap().line.zp_mm, 22.0);
        assert_eq!(c.rx_ffe.n_taps(), 87);
        assert_eq!((c.rx_ffe.dw, c.rx_ffe.n_fix), (6, 15));
        assert!(c.rx_ffe.has_floating());
        assert_eq!((c.n_qb, c.mlsd), (6, true));
        assert!((c.f_p3_hz - 1.328125e9).abs() < 1.0);
    }
}
