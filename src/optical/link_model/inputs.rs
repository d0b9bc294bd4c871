//! The inputs of the example link model: [`LinkInputs`] in SI units, read from TOML in the
//! spreadsheet's units (the key names of `../shared/optical/linkmodel_10gepbud.toml`, each
//! carrying its unit) and checked.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ParseErrorKind, Position, Result};

/// The inputs of one link: transmitter, fibre, receiver and penalty allocations, in SI units
/// (Hz, Bd, s, m; dB and dBm only in names ending `_db`/`_dbm`). One sheet of 10GEPBud.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinkInputs {
    /// Signalling rate, Bd (`base_rate_mbd`).
    pub base_rate_baud: f64,
    /// Q factor of the target BER (7.037 for 1e-12).
    pub q: f64,
    /// The ISI constant B1 (2.563): `ISI = erf(B1·T/(√8·T_c))`.
    pub b1: f64,
    /// Transmitter (minimum) centre wavelength, m (`lambda_nm`).
    pub wavelength_m: f64,
    /// RMS spectral width, m (`rms_spectral_width_nm`).
    pub rms_spectral_width_m: f64,
    /// Minimum transmitter OMA, dBm.
    pub tx_oma_dbm: f64,
    /// Minimum extinction ratio, dB.
    pub min_er_db: f64,
    /// Transmitter 20–80 % rise time, s (`tx_t2080_ps`).
    pub tx_t2080_s: f64,
    /// RIN referred to OMA, dB/Hz (`rin_oma_db_hz`).
    pub rin_oma_db_per_hz: f64,
    /// k_RIN (0.7).
    pub rin_coef: f64,
    /// Eye opening of the RIN test; 1 in the spreadsheet (optional key `rin_test_isi`,
    /// default 1; pinned by the vectors).
    pub rin_test_isi: f64,
    /// Deterministic jitter, s (`dj_ps`), including the DCD.
    pub dj_s: f64,
    /// The duty-cycle-distortion part of the DJ, s (`dcd_dj_ps`); shrinks the unit interval.
    pub dcd_dj_s: f64,
    /// k_mpn (0.3).
    pub mpn_k: f64,
    /// Transmitter reflectance, dB.
    pub tx_reflectance_db: f64,
    /// Receiver reflectance, dB.
    pub rx_reflectance_db: f64,
    /// Modal-noise penalty allocation, dB.
    pub modal_noise_penalty_db: f64,
    /// Connector loss, dB.
    pub connector_loss_db: f64,
    /// Reflection noise factor (RNF; 0 disables the reflection penalty).
    pub reflection_noise_factor: f64,
    /// The fibre's specified attenuation, dB/m (`spec_attenuation_db_km`); the spectral model
    /// scales it to the wavelength.
    pub attenuation_db_per_m: f64,
    /// Zero-dispersion wavelength λ0, m (`u0_nm`).
    pub u0_m: f64,
    /// Zero-dispersion slope S0, s/m³ (`s0_ps_nm2_km`; 1 ps/(nm²·km) = 1e3 s/m³).
    pub s0_s_per_m3: f64,
    /// Effective modal bandwidth, Hz·m (`emb_mhz_km`; 1 MHz·km = 1e9 Hz·m).
    pub emb_hz_m: f64,
    /// Receiver sensitivity (OMA), dBm.
    pub rx_sens_oma_dbm: f64,
    /// Receiver bandwidth, Hz (`rx_bw_mhz`).
    pub rx_bw_hz: f64,
    /// Rise-time constant of the single-pole receiver, dimensionless: `T = c/BW` (0.329;
    /// `rx_c_ns_mhz` 329 ns·MHz).
    pub rx_c: f64,
    /// Rise-time constant of the Gaussian fibre response, dimensionless (0.48;
    /// `fibre_c1_ns_mhz` 480 ns·MHz).
    pub fibre_c1: f64,
    /// RMS baseline wander σ_blw (normalised to OMA).
    pub rms_blw: f64,
    /// Eye opening of the receiver-test (TP4) eye, used by the baseline-wander penalty.
    pub isi_tp4_rx: f64,
    /// Bandwidth of the test receiver for the transmitter eye, Hz (`test_rx_bw_mhz`; not used
    /// by the budget).
    pub test_rx_bw_hz: f64,
    /// Transmitter eye mask X1, UI (not used by the budget).
    pub tx_mask_x1: f64,
    /// Transmitter eye mask X2, UI: the corners are at `±(½ − X2)` UI from the centre.
    pub tx_mask_x2: f64,
    /// Transmitter eye mask Y1 (not used by the budget).
    pub tx_mask_y1: f64,
}

/// The `[inputs]` table as written, in the spreadsheet's units.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    base_rate_mbd: f64,
    q: f64,
    b1: f64,
    lambda_nm: f64,
    rms_spectral_width_nm: f64,
    tx_oma_dbm: f64,
    min_er_db: f64,
    tx_t2080_ps: f64,
    rin_oma_db_hz: f64,
    rin_coef: f64,
    #[serde(default = "one")]
    rin_test_isi: f64,
    dj_ps: f64,
    dcd_dj_ps: f64,
    mpn_k: f64,
    tx_reflectance_db: f64,
    rx_reflectance_db: f64,
    modal_noise_penalty_db: f64,
    connector_loss_db: f64,
    reflection_noise_factor: f64,
    spec_attenuation_db_km: f64,
    u0_nm: f64,
    s0_ps_nm2_km: f64,
    emb_mhz_km: f64,
    rx_sens_oma_dbm: f64,
    rx_bw_mhz: f64,
    rx_c_ns_mhz: f64,
    fibre_c1_ns_mhz: f64,
    rms_blw: f64,
    isi_tp4_rx: f64,
    test_rx_bw_mhz: f64,
    tx_mask_x1: f64,
    tx_mask_x2: f64,
    tx_mask_y1: f64,
}

fn one() -> f64 {
    1.0
}

/// A file whose inputs sit in an `[inputs]` table (other tables, such as `[[vector]]`, are
/// ignored).
#[derive(Debug, Deserialize)]
struct WithTable {
    inputs: RawInputs,
}

impl LinkInputs {
    /// The inputs of the shared regression file's sheet (`850S2000`), for tests and examples.
    pub fn example_850s2000() -> LinkInputs {
        LinkInputs {
            base_rate_baud: 10312.5e6,
            q: 7.037,
            b1: 2.563,
            wavelength_m: 840e-9,
            rms_spectral_width_m: 0.29e-9,
            tx_oma_dbm: -3.8,
            min_er_db: 3.0034933022749914,
            tx_t2080_s: 35e-12,
            rin_oma_db_per_hz: -130.0,
            rin_coef: 0.7,
            rin_test_isi: 1.0,
            dj_s: 6e-12,
            dcd_dj_s: 6e-12,
            mpn_k: 0.3,
            tx_reflectance_db: -12.0,
            rx_reflectance_db: -12.0,
            modal_noise_penalty_db: 0.3,
            connector_loss_db: 1.0,
            reflection_noise_factor: 0.0,
            attenuation_db_per_m: 3.5e-3,
            u0_m: 1320e-9,
            s0_s_per_m3: 110.0,
            emb_hz_m: 2000e9,
            rx_sens_oma_dbm: -11.1,
            rx_bw_hz: 8250e6,
            rx_c: 0.329,
            fibre_c1: 0.48,
            rms_blw: 0.025,
            isi_tp4_rx: 0.978_165_861_635_012_2,
            test_rx_bw_hz: 7500e6,
            tx_mask_x1: 0.3,
            tx_mask_x2: 0.4,
            tx_mask_y1: 0.25,
        }
    }

    /// Read the inputs from TOML: an `[inputs]` table (as in
    /// `../shared/optical/linkmodel_10gepbud.toml`) or, without one, the same keys at the top
    /// level. Keys carry the spreadsheet's units (`base_rate_mbd`, `lambda_nm`, `tx_t2080_ps`,
    /// `emb_mhz_km`, …) and are converted to SI. Every key is required except `rin_test_isi`
    /// (default 1); an unknown key, a missing key, a value of the wrong type or out of range is
    /// an error naming `file_name`, the line, the column and the key.
    pub fn from_toml_str(text: &str, file_name: &str) -> Result<LinkInputs> {
        let doc: toml::Table = crate::presets::parse(text, file_name)?;
        let raw = if doc.contains_key("inputs") {
            crate::presets::parse::<WithTable>(text, file_name)?.inputs
        } else {
            crate::presets::parse::<RawInputs>(text, file_name)?
        };
        let r = raw;
        let inputs = LinkInputs {
            base_rate_baud: r.base_rate_mbd * 1e6,
            q: r.q,
            b1: r.b1,
            wavelength_m: r.lambda_nm * 1e-9,
            rms_spectral_width_m: r.rms_spectral_width_nm * 1e-9,
            tx_oma_dbm: r.tx_oma_dbm,
            min_er_db: r.min_er_db,
            tx_t2080_s: r.tx_t2080_ps * 1e-12,
            rin_oma_db_per_hz: r.rin_oma_db_hz,
            rin_coef: r.rin_coef,
            rin_test_isi: r.rin_test_isi,
            dj_s: r.dj_ps * 1e-12,
            dcd_dj_s: r.dcd_dj_ps * 1e-12,
            mpn_k: r.mpn_k,
            tx_reflectance_db: r.tx_reflectance_db,
            rx_reflectance_db: r.rx_reflectance_db,
            modal_noise_penalty_db: r.modal_noise_penalty_db,
            connector_loss_db: r.connector_loss_db,
            reflection_noise_factor: r.reflection_noise_factor,
            attenuation_db_per_m: r.spec_attenuation_db_km * 1e-3,
            u0_m: r.u0_nm * 1e-9,
            s0_s_per_m3: r.s0_ps_nm2_km * 1e3,
            emb_hz_m: r.emb_mhz_km * 1e9,
            rx_sens_oma_dbm: r.rx_sens_oma_dbm,
            rx_bw_hz: r.rx_bw_mhz * 1e6,
            rx_c: r.rx_c_ns_mhz * 1e-3,
            fibre_c1: r.fibre_c1_ns_mhz * 1e-3,
            rms_blw: r.rms_blw,
            isi_tp4_rx: r.isi_tp4_rx,
            test_rx_bw_hz: r.test_rx_bw_mhz * 1e6,
            tx_mask_x1: r.tx_mask_x1,
            tx_mask_x2: r.tx_mask_x2,
            tx_mask_y1: r.tx_mask_y1,
        };
        inputs.validate().map_err(|(key, why)| {
            let (line, column, byte) = locate_key(text, key);
            Error::parse(
                Position {
                    file: Some(file_name.into()),
                    line,
                    column,
                    byte,
                },
                ParseErrorKind::InvalidKeywordValue,
                format!("`{}`: {why}", file_key(key)),
            )
        })?;
        Ok(inputs)
    }

    /// Check the inputs: every value finite, rates, bandwidths, rise-time constants, wavelengths
    /// and Q positive; widths, times, slopes, factors and σ_blw non-negative; DCD within the DJ
    /// and shorter than a unit interval; the mask corner `0 ≤ X2 ≤ ½`; ER > 0 dB; the
    /// baseline wander alone must leave the TP4 eye open (`Q·σ_blw < ISI_TP4`). Returns the
    /// field name and the reason.
    pub fn check(&self) -> Result<()> {
        self.validate()
            .map_err(|(key, why)| Error::invalid(format!("link inputs: `{key}`: {why}")))
    }

    fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        let all: [(&'static str, f64); 33] = [
            ("base_rate_baud", self.base_rate_baud),
            ("q", self.q),
            ("b1", self.b1),
            ("wavelength_m", self.wavelength_m),
            ("rms_spectral_width_m", self.rms_spectral_width_m),
            ("tx_oma_dbm", self.tx_oma_dbm),
            ("min_er_db", self.min_er_db),
            ("tx_t2080_s", self.tx_t2080_s),
            ("rin_oma_db_per_hz", self.rin_oma_db_per_hz),
            ("rin_coef", self.rin_coef),
            ("rin_test_isi", self.rin_test_isi),
            ("dj_s", self.dj_s),
            ("dcd_dj_s", self.dcd_dj_s),
            ("mpn_k", self.mpn_k),
            ("tx_reflectance_db", self.tx_reflectance_db),
            ("rx_reflectance_db", self.rx_reflectance_db),
            ("modal_noise_penalty_db", self.modal_noise_penalty_db),
            ("connector_loss_db", self.connector_loss_db),
            ("reflection_noise_factor", self.reflection_noise_factor),
            ("attenuation_db_per_m", self.attenuation_db_per_m),
            ("u0_m", self.u0_m),
            ("s0_s_per_m3", self.s0_s_per_m3),
            ("emb_hz_m", self.emb_hz_m),
            ("rx_sens_oma_dbm", self.rx_sens_oma_dbm),
            ("rx_bw_hz", self.rx_bw_hz),
            ("rx_c", self.rx_c),
            ("fibre_c1", self.fibre_c1),
            ("rms_blw", self.rms_blw),
            ("isi_tp4_rx", self.isi_tp4_rx),
            ("test_rx_bw_hz", self.test_rx_bw_hz),
            ("tx_mask_x1", self.tx_mask_x1),
            ("tx_mask_x2", self.tx_mask_x2),
            ("tx_mask_y1", self.tx_mask_y1),
        ];
        for (k, v) in all {
            if !v.is_finite() {
                return Err((k, format!("must be a finite number, found {v}")));
            }
        }
        let positive = [
            ("base_rate_baud", self.base_rate_baud),
            ("q", self.q),
            ("b1", self.b1),
            ("wavelength_m", self.wavelength_m),
            ("emb_hz_m", self.emb_hz_m),
            ("rx_bw_hz", self.rx_bw_hz),
            ("rx_c", self.rx_c),
            ("fibre_c1", self.fibre_c1),
            ("isi_tp4_rx", self.isi_tp4_rx),
            ("test_rx_bw_hz", self.test_rx_bw_hz),
            ("min_er_db", self.min_er_db),
        ];
        for (k, v) in positive {
            if v <= 0.0 {
                return Err((k, format!("must be positive, found {v}")));
            }
        }
        let non_negative = [
            ("rms_spectral_width_m", self.rms_spectral_width_m),
            ("tx_t2080_s", self.tx_t2080_s),
            ("rin_coef", self.rin_coef),
            ("rin_test_isi", self.rin_test_isi),
            ("dj_s", self.dj_s),
            ("dcd_dj_s", self.dcd_dj_s),
            ("mpn_k", self.mpn_k),
            ("modal_noise_penalty_db", self.modal_noise_penalty_db),
            ("reflection_noise_factor", self.reflection_noise_factor),
            ("attenuation_db_per_m", self.attenuation_db_per_m),
            ("u0_m", self.u0_m),
            ("s0_s_per_m3", self.s0_s_per_m3),
            ("rms_blw", self.rms_blw),
        ];
        for (k, v) in non_negative {
            if v < 0.0 {
                return Err((k, format!("must not be negative, found {v}")));
            }
        }
        if self.dcd_dj_s > self.dj_s {
            return Err((
                "dcd_dj_s",
                format!(
                    "the DCD ({} ps) is part of the DJ and cannot exceed it ({} ps)",
                    self.dcd_dj_s * 1e12,
                    self.dj_s * 1e12
                ),
            ));
        }
        if self.dcd_dj_s * self.base_rate_baud >= 1.0 {
            return Err((
                "dcd_dj_s",
                "the DCD must be shorter than a unit interval".into(),
            ));
        }
        if !(0.0..=0.5).contains(&self.tx_mask_x2) {
            return Err((
                "tx_mask_x2",
                format!("must lie in [0, 0.5] UI, found {}", self.tx_mask_x2),
            ));
        }
        if self.q * self.rms_blw >= self.isi_tp4_rx {
            return Err((
                "rms_blw",
                "Q·σ_blw ≥ ISI_TP4: baseline wander alone closes the eye".into(),
            ));
        }
        Ok(())
    }
}

/// The TOML key of a [`LinkInputs`] field.
fn file_key(field: &str) -> &str {
    match field {
        "base_rate_baud" => "base_rate_mbd",
        "wavelength_m" => "lambda_nm",
        "rms_spectral_width_m" => "rms_spectral_width_nm",
        "tx_t2080_s" => "tx_t2080_ps",
        "rin_oma_db_per_hz" => "rin_oma_db_hz",
        "dj_s" => "dj_ps",
        "dcd_dj_s" => "dcd_dj_ps",
        "attenuation_db_per_m" => "spec_attenuation_db_km",
        "u0_m" => "u0_nm",
        "s0_s_per_m3" => "s0_ps_nm2_km",
        "emb_hz_m" => "emb_mhz_km",
        "rx_bw_hz" => "rx_bw_mhz",
        "rx_c" => "rx_c_ns_mhz",
        "fibre_c1" => "fibre_c1_ns_mhz",
        "test_rx_bw_hz" => "test_rx_bw_mhz",
        other => other,
    }
}

/// Line, column (1-based) and byte of the first line assigning the TOML key of `field`;
/// (0, 0, 0) when not found.
fn locate_key(text: &str, field: &str) -> (u64, u64, u64) {
    let key = file_key(field);
    let mut byte = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let col = line.len() - trimmed.len();
            return ((i + 1) as u64, (col + 1) as u64, (byte + col) as u64);
        }
        byte += line.len();
    }
    (0, 0, 0)
}
