//! The COM parameter set (IEEE 802.3 Annex 93A, Table 93A-1 style) as a plain struct, parsed
//! from a TOML file with PyChOpMarg's `COMParams` field names (`[run_options]` + `[params]`,
//! as in `../shared/com/configs/anchor_*.toml`). Units are converted to SI at this edge:
//! GHz → Hz, ns → s, nF → F, nH → H, V²/GHz → V²/Hz; dB values keep names ending `_db`.
//! Fields of configurations this slice does not yet compute (MMSE Rx FFE, 178A device
//! models, MLSD, quantisation noise, package cases, host boards) are named in the error.

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
    /// Die ladder C_d and L_s [Tx, Rx], F and H; bump C_b and ball C_p [Tx, Rx], F.
    pub c_d_f: [f64; 2],
    pub l_s_h: [f64; 2],
    pub c_b_f: [f64; 2],
    pub c_p_f: [f64; 2],
    /// Package line segment impedances, Ω, and lengths [z_p(sel), z_pB], mm.
    pub z_c_ohm: Vec<f64>,
    pub z_p_mm: Vec<f64>,
    /// Package line loss (93A-9…12): γ_0 1/mm, a_1 √ns/mm, a_2 ns/mm, τ ns/mm.
    pub gamma0: f64,
    pub a1: f64,
    pub a2: f64,
    pub tau_ns_per_mm: f64,
    /// Cursor search range about the pulse peak, samples (inclusive); default ±M/2.
    pub ts_range: (i64, i64),
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
        "COM config: {key} is not yet supported ({why}); this version computes the classic \
         Annex 93A CTLE + DFE configuration with a 1-tap Rx FFE"
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
const OFF: &[&str] = &[
    "zp_tx", "zp_rx", "zp_next", "zp_fext", "z_c_rx", "zp_cases", "f_p3", "Nfix",
];
/// Keys that only matter to features that are off (host boards with include_pcb = 0, MLSD
/// penalty with mlsd = false, quantiser clipping with N_qb = 0).
const IDLE: &[&str] = &[
    "P_qc",
    "dCOM_an",
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
        if let Some(ro) = doc.get("run_options").and_then(|v| v.as_table()) {
            check_run_options(ro)?;
        }
        let p = doc
            .get("params")
            .and_then(|v| v.as_table())
            .ok_or_else(|| Error::invalid("COM config: no [params] table"))?;
        ComConfig::from_params(p)
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
        let rx_max = list(p, "rx_taps_max")?;
        let rx_min = list(p, "rx_taps_min")?;
        if rx_max.len() != 1 || rx_min.len() != 1 || rx_max[0] != 1.0 || rx_min[0] != 1.0 {
            return Err(unsupported(
                "rx_taps_max",
                "an MMSE Rx FFE with more than the cursor tap (178A-33..36)",
            ));
        }
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
        for k in ["local_search", "N_qb", "Nwg", "Nwf", "mlsd", "include_pcb"] {
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
        if num(p, "dw")? != 0.0 {
            return Err(unsupported("dw", "Rx FFE pre-cursor taps"));
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
            c_d_f: pair(p, "C_d", 1e-9)?,
            l_s_h: pair(p, "L_s", 1e-9)?,
            c_b_f: pair(p, "C_b", 1e-9)?,
            c_p_f: pair(p, "C_p", 1e-9)?,
            z_c_ohm: z_c,
            z_p_mm,
            gamma0: num(p, "gamma0")?,
            a1: num(p, "a1")?,
            a2: num(p, "a2")?,
            tau_ns_per_mm: num(p, "tau")?,
            ts_range,
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

fn check_run_options(ro: &Table) -> Result<()> {
    for (k, v) in ro {
        let s = v.as_str().unwrap_or("");
        let ok = match k.as_str() {
            "opt_mode" => s == "MMSE",
            "norm_mode" => s == "P8023dj",
            "devices" => s.eq_ignore_ascii_case("none"),
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
    Ok(())
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
        assert!((c.c_d_f[0] - 0.12e-12).abs() < 1e-20);
        assert!((c.f_r_hz - 0.58 * 53.125e9).abs() < 1.0);
        assert_eq!(c.ts_range, (-16, 16));
    }

    #[test]
    fn unsupported_fields_are_named() {
        for (f, key) in [
            ("anchor_dj_xls_vs_matlab.toml", "rx_taps_max"),
            ("anchor_dj_d3p3_cr_hl.toml", "devices"),
        ] {
            let Ok(text) = std::fs::read_to_string(format!("../shared/com/configs/{f}")) else {
                continue;
            };
            let e = ComConfig::from_toml_str(&text).unwrap_err().to_string();
            assert!(
                e.contains(key) && e.contains("not yet supported"),
                "{f}: {e}"
            );
        }
    }
}
