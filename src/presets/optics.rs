//! The optical presets: fibres (`data/fibres.toml`), optical PMD families (`data/optics/mmf.toml`,
//! `data/optics/smf.toml`) and the AOC facts (`data/optics/aoc.toml`), as plain data. Units are
//! in the key names, as in the files; the optical model converts to SI.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Variant;
use crate::error::{Error, Result};

/// One fibre type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fibre {
    pub name: String,
    /// `"mmf"` or `"smf"`.
    pub kind: String,
    pub attenuation_db_per_km: f64,
    pub attenuation_ref_nm: f64,
    /// Effective modal bandwidth `[wavelength nm, MHz·km]` points (empty for single mode).
    pub emb_mhz_km: Vec<[f64; 2]>,
    pub u0_nm: f64,
    pub s0_ps_nm2_km: f64,
    pub group_index: f64,
    pub source: String,
}

impl Fibre {
    /// Effective modal bandwidth at `wavelength_nm`, MHz·km: linear between the tabulated
    /// points (a model estimate between specified wavelengths), held flat for up to
    /// [`EMB_WINDOW_NM`] beyond them (a VCSEL's wavelength window around its nominal);
    /// `Ok(None)` for single-mode fibre. Errors: a multimode fibre with no bandwidth specified
    /// near `wavelength_nm` (OM3 and OM4 are specified at 850 nm only).
    pub fn emb_mhz_km_at(&self, wavelength_nm: f64) -> Result<Option<f64>> {
        let p = &self.emb_mhz_km;
        let (Some(first), Some(last)) = (p.first(), p.last()) else {
            return Ok(None);
        };
        if wavelength_nm < first[0] - EMB_WINDOW_NM || wavelength_nm > last[0] + EMB_WINDOW_NM {
            return Err(Error::invalid(format!(
                "fibre {} has no effective modal bandwidth specified near {wavelength_nm} nm (its table covers {}-{} nm)",
                self.name, first[0], last[0]
            )));
        }
        if wavelength_nm <= first[0] {
            return Ok(Some(first[1]));
        }
        if wavelength_nm >= last[0] {
            return Ok(Some(last[1]));
        }
        let i = p
            .windows(2)
            .position(|w| wavelength_nm <= w[1][0])
            .unwrap_or(p.len() - 2);
        let (a, b) = (p[i], p[i + 1]);
        Ok(Some(
            a[1] + (b[1] - a[1]) * (wavelength_nm - a[0]) / (b[0] - a[0]),
        ))
    }
}

/// How far beyond its tabulated wavelengths a fibre's modal bandwidth is held flat, nm: the
/// 840-860 nm window of an 850 nm VCSEL (Cl 95/138) around a specification at 850 nm.
pub const EMB_WINDOW_NM: f64 = 15.0;

/// An optical PMD family (one clause, one lane rate) with its reference transmitter/receiver.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpticalFamily {
    pub clause: String,
    pub modulation: String,
    pub bits_per_symbol: u32,
    pub signalling_rate_gbd: f64,
    pub fec: String,
    pub target_ber: f64,
    pub wavelength_nm: f64,
    /// Wavelengths of the family's other lanes (BiDi/SWDM, e.g. 910 nm of SR4.2), nm: the link
    /// is as good as its worst wavelength.
    #[serde(default)]
    pub other_wavelengths_nm: Vec<f64>,
    pub rms_spectral_width_nm: f64,
    pub tx_oma_min_dbm: f64,
    /// TDEC (NRZ) or TDECQ (PAM4) maximum, dB.
    pub tx_dispersion_allowance_db: f64,
    pub tx_t2080_ps: f64,
    pub er_min_db: f64,
    pub rin_oma_db_hz: f64,
    pub rx_sens_oma_dbm: f64,
    /// The transmitter's guaranteed `OMA − TDEC(Q)`, dBm (the budget's transmitter side).
    pub tx_oma_minus_tdecq_min_dbm: f64,
    /// The receiver's sensitivity as a function of the stressed-eye penalty:
    /// `sensitivity = SEC(Q) + this`, dBm (the budget's receiver side).
    pub rx_sens_minus_secq_dbm: f64,
    pub rx_bw_over_fb: f64,
    pub connection_allocation_db: f64,
    pub channel_il_max_db: f64,
    #[serde(default)]
    pub power_budget_db: Option<f64>,
    #[serde(default)]
    pub allocation_for_penalties_db: Option<f64>,
    /// IEEE reach objective per fibre name, m.
    pub reach_objective_m: BTreeMap<String, f64>,
    pub grade: String,
    pub source: String,
    pub variants: Vec<Variant>,
}

impl OpticalFamily {
    /// Every lane wavelength, nm: the nominal first.
    pub fn wavelengths_nm(&self) -> impl Iterator<Item = f64> + '_ {
        std::iter::once(self.wavelength_nm).chain(self.other_wavelengths_nm.iter().copied())
    }

    /// Signalling rate, Bd.
    pub fn signalling_rate_baud(&self) -> f64 {
        self.signalling_rate_gbd * 1e9
    }
}

/// What vendors sell, per lane rate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorAoc {
    pub lane_rate_gbps: f64,
    pub max_m: f64,
    pub what: String,
    pub grade: String,
    pub source: String,
}

/// `data/optics/aoc.toml`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AocFacts {
    pub connection_loss_db: f64,
    pub vendor: Vec<VendorAoc>,
}

/// All optical presets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpticalPresets {
    pub fibres: Vec<Fibre>,
    pub families: Vec<OpticalFamily>,
    pub aoc: AocFacts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FibreFile {
    fibre: Vec<Fibre>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyFile {
    family: Vec<OpticalFamily>,
}

impl OpticalPresets {
    /// Parse the four files (texts and the names to report in errors).
    pub fn from_texts(
        fibres: (&str, &str),
        mmf: (&str, &str),
        smf: (&str, &str),
        aoc: (&str, &str),
    ) -> Result<OpticalPresets> {
        let f: FibreFile = super::parse(fibres.0, fibres.1)?;
        let m: FamilyFile = super::parse(mmf.0, mmf.1)?;
        let s: FamilyFile = super::parse(smf.0, smf.1)?;
        let aoc: AocFacts = super::parse(aoc.0, aoc.1)?;
        let p = OpticalPresets {
            fibres: f.fibre,
            families: m.family.into_iter().chain(s.family).collect(),
            aoc,
        };
        for fam in &p.families {
            for name in fam.reach_objective_m.keys() {
                p.fibre(name).map_err(|e| {
                    Error::invalid(format!("{e} (reach_objective_m of Clause {})", fam.clause))
                })?;
            }
        }
        Ok(p)
    }

    /// The fibre called `name` (case-insensitive), or an error listing the known ones.
    pub fn fibre(&self, name: &str) -> Result<&Fibre> {
        self.fibres
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let known: Vec<&str> = self.fibres.iter().map(|f| f.name.as_str()).collect();
                Error::invalid(format!(
                    "unknown fibre '{name}'; known: {}",
                    known.join(", ")
                ))
            })
    }

    /// The family that carries PMD `name` (case-insensitive), or an error listing the known.
    pub fn pmd(&self, name: &str) -> Result<(&OpticalFamily, &Variant)> {
        for f in &self.families {
            if let Some(v) = f.variants.iter().find(|v| v.pmd.eq_ignore_ascii_case(name)) {
                return Ok((f, v));
            }
        }
        let known: Vec<&str> = self
            .families
            .iter()
            .flat_map(|f| f.variants.iter().map(|v| v.pmd.as_str()))
            .collect();
        Err(Error::invalid(format!(
            "unknown optical PMD '{name}'; known: {}",
            known.join(", ")
        )))
    }
}
