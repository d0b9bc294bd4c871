//! The IEEE 802.3 example link model, 10GEPBud3_1_16a (Hanson, Cunningham, Dawe, Dolfi): a
//! transmitter, a multimode fibre and a receiver turned into a power budget with penalties at
//! one length. Reach is the length where the margin reaches zero.
//!
//! - [`LinkInputs`] (SI units; [`LinkInputs::from_toml_str`] reads the spreadsheet's keys);
//! - [`evaluate`] / [`LinkModel::at`]: every intermediate at one length, a [`LinkBudget`];
//! - [`terms`]: the elementary terms, one free function each with its equation.
//!
//! Agreement: the four cached results of `../shared/optical/linkmodel_10gepbud.toml` (sheet
//! 850S2000) to ≤ 1e-13 relative in every intermediate (`tests/optical_link_model.rs`). The
//! vectors pin `Q = 7.037` (an input), `B1/√8` (not erfinv(0.8)), the literal 3.14 in the MPN β,
//! a RIN-test eye opening of 1, and the baseline-wander penalty divided by `ISI_TP4`; they do
//! not exercise the reflection penalty (RNF = 0) or residual DJ (DJ = DCD).
//!
//! Budget (spreadsheet columns in brackets):
//! `P_total = P_atten + P_isi + P_dj + P_mpn + P_refl + P_rin + P_cross + P_mn` [T], with the cross
//! term [S] the combined noise penalty minus the individual ones (so the baseline wander enters
//! only through it); at the corners of the Tx mask add `P_isi,corners` [K] and `P_dj,corners`
//! [M]; margin = `Tx OMA − Rx sens − connector loss − P_total`. A penalty is `+∞` when its eye is
//! closed; the margin is then `−∞`.

pub mod inputs;
pub mod terms;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::error::{Error, Result};
pub use inputs::LinkInputs;
use terms::*;

/// Every intermediate of the budget at one length, SI units (dB in names ending `_db`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkBudget {
    /// Fibre length, m.
    pub length_m: f64,
    /// Spectral attenuation at the wavelength, dB/m.
    pub attenuation_db_per_m: f64,
    /// Fibre attenuation, dB (column B).
    pub p_atten_db: f64,
    /// Channel insertion loss: attenuation + connectors, dB (column C).
    pub chil_db: f64,
    /// Dispersion D1 at the wavelength, s/m².
    pub d1_s_per_m2: f64,
    /// Spectral-width term D2, s/m².
    pub d2_s_per_m2: f64,
    /// Chromatic-dispersion bandwidth, Hz (column F; +∞ at zero length).
    pub bw_cd_hz: f64,
    /// Modal bandwidth, Hz (column G; +∞ at zero length).
    pub bw_md_hz: f64,
    /// Transmitter 10–90 % rise time, s.
    pub t_tx_s: f64,
    /// Chromatic-dispersion rise time, s.
    pub t_cd_s: f64,
    /// Modal-dispersion rise time, s.
    pub t_md_s: f64,
    /// Receiver rise time, s.
    pub t_rx_s: f64,
    /// Rise time at the end of the fibre, without the receiver: `√(T_tx² + T_cd² + T_md²)`
    /// (column H).
    pub te_s: f64,
    /// Rise time of the whole link, with the receiver (column I).
    pub tc_s: f64,
    /// Noise bandwidth for RIN (fibre and receiver, no transmitter), Hz.
    pub rin_bw_hz: f64,
    /// DCD speed-up `1/(1 − BR·DCD)`.
    pub speedup: f64,
    /// Unit interval after DCD, s.
    pub ui_s: f64,
    /// Residual DJ (DJ − DCD) in effective UI.
    pub dj_ui: f64,
    /// Centre eye opening, no other impairment (column Z): `erf(B1·T/(√8·T_c))`.
    pub isi_center: f64,
    /// Centre eye opening with residual DJ (column AD).
    pub isi_dj_center: f64,
    /// Eye opening left by reflections (column N's argument).
    pub isi_reflection: f64,
    /// Centre opening with DJ and reflections (column AA).
    pub isi_dj_closed: f64,
    /// Eye opening at the Tx-mask corners (column AB).
    pub isi_corners: f64,
    /// Eye opening at the corners with residual DJ (column AC).
    pub isi_dj_corners: f64,
    /// ISI penalty at the centre, dB (column J).
    pub p_isi_center_db: f64,
    /// Extra ISI penalty at the corners, dB (column K).
    pub p_isi_corners_db: f64,
    /// DJ (and reflection) penalty at the centre, dB (column L).
    pub p_dj_center_db: f64,
    /// Extra DJ penalty at the corners, dB (column M).
    pub p_dj_corners_db: f64,
    /// Reflection penalty, dB (column N).
    pub p_refl_db: f64,
    /// MPN β (column O).
    pub mpn_beta: f64,
    /// MPN σ (column P).
    pub sigma_mpn: f64,
    /// MPN penalty, dB (column Q).
    pub p_mpn_db: f64,
    /// RIN variance (column AK).
    pub v_rin: f64,
    /// RIN penalty, dB (column R).
    pub p_rin_db: f64,
    /// Baseline-wander penalty, dB (cell T13).
    pub p_blw_db: f64,
    /// Modal-noise variance (cell AG7).
    pub v_mn: f64,
    /// Modal-noise penalty allocation, dB (cell G13).
    pub p_mn_db: f64,
    /// Combined penalty of every noise on the centre eye, dB.
    pub p_combined_db: f64,
    /// Cross term at the centre, dB (column S).
    pub p_cross_center_db: f64,
    /// Total penalty at the centre of the eye, attenuation included, dB (column T).
    pub p_total_center_db: f64,
    /// Total penalty at the Tx-mask corners, dB.
    pub p_total_corners_db: f64,
    /// Power budget: Tx OMA − Rx sensitivity − connector loss, dB.
    pub budget_db: f64,
    /// Margin: budget − total penalty at the centre, dB.
    pub margin_db: f64,
}

/// The keys of [`LinkBudget::vector_json`], in order: the `[[vector]]` keys of
/// `../shared/optical/linkmodel_10gepbud.toml`, in the spreadsheet's units.
pub const VECTOR_KEYS: [&str; 17] = [
    "l_km",
    "p_atten_db",
    "chil_db",
    "bwcd_mhz",
    "bwmd_mhz",
    "te_ps",
    "tc_ps",
    "pisi_center_db",
    "pisi_corners_db",
    "sigma_mpn",
    "pmpn_db",
    "v_rin",
    "prin_db",
    "pcross_center_db",
    "ptotal_center_db",
    "ptotal_corners_db",
    "margin_db",
];

impl LinkBudget {
    /// The intermediates under the spreadsheet's `[[vector]]` key names and units (km, MHz, ps,
    /// dB), in the order of [`VECTOR_KEYS`].
    pub fn vector_values(&self) -> [(&'static str, f64); 17] {
        let v = [
            self.length_m * 1e-3,
            self.p_atten_db,
            self.chil_db,
            self.bw_cd_hz * 1e-6,
            self.bw_md_hz * 1e-6,
            self.te_s * 1e12,
            self.tc_s * 1e12,
            self.p_isi_center_db,
            self.p_isi_corners_db,
            self.sigma_mpn,
            self.p_mpn_db,
            self.v_rin,
            self.p_rin_db,
            self.p_cross_center_db,
            self.p_total_center_db,
            self.p_total_corners_db,
            self.margin_db,
        ];
        std::array::from_fn(|i| (VECTOR_KEYS[i], v[i]))
    }

    /// [`Self::vector_values`] as a JSON object. Infinite values (a closed eye, or the
    /// bandwidths at zero length) are written as the strings `"inf"` / `"-inf"`.
    pub fn vector_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, v) in self.vector_values() {
            let j = if v.is_finite() {
                serde_json::Value::from(v)
            } else if v > 0.0 {
                serde_json::Value::from("inf")
            } else {
                serde_json::Value::from("-inf")
            };
            m.insert(k.to_string(), j);
        }
        serde_json::Value::Object(m)
    }
}

/// The model for one set of inputs, checked, with every length-independent term computed once;
/// [`LinkModel::at`] evaluates a length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkModel {
    inputs: LinkInputs,
    attenuation_db_per_m: f64,
    d1: f64,
    d2: f64,
    t_tx: f64,
    t_rx: f64,
    speedup: f64,
    ui: f64,
    dj_ui: f64,
    corner_x: f64,
    rin_scale: f64,
    p_blw_db: f64,
    v_mn: f64,
    budget_db: f64,
}

impl LinkModel {
    /// Check the inputs ([`LinkInputs::check`]) and compute the length-independent terms.
    pub fn new(inputs: &LinkInputs) -> Result<LinkModel> {
        inputs.check()?;
        let i = inputs;
        let speedup = dcd_speedup(i.base_rate_baud, i.dcd_dj_s);
        let ui = effective_unit_interval_s(i.base_rate_baud, i.dcd_dj_s);
        Ok(LinkModel {
            inputs: *i,
            attenuation_db_per_m: spectral_attenuation_db_per_m(
                i.attenuation_db_per_m,
                i.wavelength_m,
            ),
            d1: dispersion_d1_s_per_m2(i.s0_s_per_m3, i.u0_m, i.wavelength_m),
            d2: dispersion_d2_s_per_m2(i.s0_s_per_m3, i.rms_spectral_width_m),
            t_tx: tx_rise_1090_s(i.tx_t2080_s),
            t_rx: rise_time_from_bandwidth_s(i.rx_c, i.rx_bw_hz),
            speedup,
            ui,
            dj_ui: speedup * i.base_rate_baud * (i.dj_s - i.dcd_dj_s),
            corner_x: 2.0 * (0.5 - i.tx_mask_x2) * speedup,
            rin_scale: rin_variance(i.rin_coef, i.rin_test_isi, i.rin_oma_db_per_hz, 1.0),
            p_blw_db: baseline_wander_penalty_db(i.q, i.rms_blw, i.isi_tp4_rx),
            v_mn: modal_noise_variance(i.q, i.modal_noise_penalty_db),
            budget_db: margin_db(i.tx_oma_dbm, i.rx_sens_oma_dbm, i.connector_loss_db, 0.0),
        })
    }

    /// The inputs this model was built from.
    pub fn inputs(&self) -> &LinkInputs {
        &self.inputs
    }

    /// The budget at `length_m` metres of fibre (finite, ≥ 0).
    pub fn at(&self, length_m: f64) -> Result<LinkBudget> {
        if !(length_m.is_finite() && length_m >= 0.0) {
            return Err(Error::invalid(format!(
                "link model: the length must be finite and non-negative, found {length_m} m"
            )));
        }
        Ok(self.at_unchecked(length_m))
    }

    /// [`Self::at`] without the length check (for sweeps whose lengths are known good).
    #[inline]
    pub fn at_unchecked(&self, length_m: f64) -> LinkBudget {
        let i = &self.inputs;
        let l = length_m;
        let p_atten_db = self.attenuation_db_per_m * l;
        let chil_db = p_atten_db + i.connector_loss_db;
        let bw_cd_hz = chromatic_bandwidth_hz(i.rms_spectral_width_m, self.d1, self.d2, l);
        let bw_md_hz = modal_bandwidth_hz(i.emb_hz_m, l);
        let t_cd_s = rise_time_from_bandwidth_s(i.fibre_c1, bw_cd_hz);
        let t_md_s = rise_time_from_bandwidth_s(i.fibre_c1, bw_md_hz);
        let te_s = rss(&[t_cd_s, t_md_s, self.t_tx]);
        let tc_s = rss(&[t_cd_s, t_md_s, self.t_tx, self.t_rx]);
        let rin_bw_hz = rin_bandwidth_hz(bw_cd_hz, bw_md_hz, i.rx_bw_hz);

        let (b1, ui) = (i.b1, self.ui);
        let isi_c = isi_center(b1, ui, tc_s);
        let isi_djc = isi_offset(b1, ui, tc_s, self.dj_ui);
        let isi_refl = reflection_isi(
            i.reflection_noise_factor,
            chil_db,
            i.tx_reflectance_db,
            i.rx_reflectance_db,
            i.min_er_db,
            isi_djc,
        );
        let isi_djclosed = if isi_djc > 0.0 && isi_refl > 0.0 {
            isi_djc * isi_refl
        } else {
            0.0
        };
        let isi_cor = isi_offset(b1, ui, tc_s, self.corner_x);
        let isi_djcor = isi_offset(b1, ui, tc_s, self.corner_x + self.dj_ui);

        let v_rin = self.rin_scale * rin_bw_hz;
        let p_rin_db = rin_penalty_db(v_rin, i.q, isi_djclosed);
        let beta = mpn_beta(
            SPREADSHEET_PI,
            self.speedup * i.base_rate_baud,
            i.rms_spectral_width_m,
            self.d1,
            l,
        );
        let sigma_mpn = mpn_sigma(i.mpn_k, beta);
        let p_mpn_db = mpn_penalty_db(i.q, sigma_mpn);
        let p_refl_db = penalty_db_from_ratio(isi_refl);
        let p_isi_c = isi_center_penalty_db(isi_c);
        // Differences of penalties: +∞ when the larger closure is (the parts then may be too).
        let excess = |total: f64, parts: f64| {
            if total.is_finite() {
                total - parts
            } else {
                f64::INFINITY
            }
        };
        let p_isi_cor = excess(penalty_db_from_ratio(isi_cor), p_isi_c);
        let p_dj_c = excess(penalty_db_from_ratio(isi_djclosed), p_isi_c);
        let p_dj_cor = excess(penalty_db_from_ratio(isi_djcor), p_isi_c + p_isi_cor);
        let p_mn = i.modal_noise_penalty_db;
        let p_combined =
            combined_penalty_db(i.q, isi_djclosed, i.rms_blw, v_rin, self.v_mn, sigma_mpn);
        let p_cross = cross_penalty_db(
            p_combined,
            &[
                self.p_blw_db,
                p_isi_c,
                p_dj_c,
                p_mpn_db,
                p_refl_db,
                p_rin_db,
                p_mn,
            ],
        );
        let p_total_c = if p_cross.is_finite() {
            p_isi_c + p_dj_c + p_atten_db + p_mpn_db + p_refl_db + p_rin_db + p_cross + p_mn
        } else {
            f64::INFINITY
        };
        let p_total_cor = p_total_c + p_isi_cor + p_dj_cor;
        LinkBudget {
            length_m: l,
            attenuation_db_per_m: self.attenuation_db_per_m,
            p_atten_db,
            chil_db,
            d1_s_per_m2: self.d1,
            d2_s_per_m2: self.d2,
            bw_cd_hz,
            bw_md_hz,
            t_tx_s: self.t_tx,
            t_cd_s,
            t_md_s,
            t_rx_s: self.t_rx,
            te_s,
            tc_s,
            rin_bw_hz,
            speedup: self.speedup,
            ui_s: ui,
            dj_ui: self.dj_ui,
            isi_center: isi_c,
            isi_dj_center: isi_djc,
            isi_reflection: isi_refl,
            isi_dj_closed: isi_djclosed,
            isi_corners: isi_cor,
            isi_dj_corners: isi_djcor,
            p_isi_center_db: p_isi_c,
            p_isi_corners_db: p_isi_cor,
            p_dj_center_db: p_dj_c,
            p_dj_corners_db: p_dj_cor,
            p_refl_db,
            mpn_beta: beta,
            sigma_mpn,
            p_mpn_db,
            v_rin,
            p_rin_db,
            p_blw_db: self.p_blw_db,
            v_mn: self.v_mn,
            p_mn_db: p_mn,
            p_combined_db: p_combined,
            p_cross_center_db: p_cross,
            p_total_center_db: p_total_c,
            p_total_corners_db: p_total_cor,
            budget_db: self.budget_db,
            margin_db: self.budget_db - p_total_c,
        }
    }
}

/// The budget of `inputs` at `length_m` metres: [`LinkModel::new`] then [`LinkModel::at`].
/// Errors for invalid inputs or a negative or non-finite length; a closed eye is not an error
/// (its penalties are `+∞` and the margin `−∞`).
pub fn evaluate(inputs: &LinkInputs, length_m: f64) -> Result<LinkBudget> {
    LinkModel::new(inputs)?.at(length_m)
}
