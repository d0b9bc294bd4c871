//! Reach studies: a TOML file names the PMDs, the media (twinax gauges, or cables fitted to
//! the user's measured Touchstone files), the criteria (IL budget, eye, COM) and a Monte Carlo
//! spread of the cable's construction; the study expands to numbered points (PMD × medium ×
//! criterion × sample) that run in parallel, stream out in order, split deterministically into
//! shards (`point mod N`) and merge back into the single run's rows. This module owns the study
//! format, the points, their evaluation and the row format; files are read by the caller (the
//! measured media arrive as [`Network`]s).
//!
//! Monte Carlo: sample 0 is the nominal cable; sample k ≥ 1 scales each spread parameter by
//! `1 + σ·z`, `z` standard normal from a ChaCha8 stream seeded by (study seed, medium, k), so a
//! sample is the same cable for every PMD and criterion, in every shard and on every machine.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    COM_SCAN_STEP_M, Criterion, DAC_SEARCH_MAX_M, IlBudget, REACH_RESOLUTION_M, first_failure,
    max_length,
};
use crate::channel::fit::fit_twinax;
use crate::channel::link::{Plug, host_recipe, host_recipes};
use crate::channel::twinax::TwinaxParams;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::presets::optics::{Fibre, OpticalFamily};
use crate::presets::{CopperFamily, Presets};

/// The study file, as written (see `data/studies/`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    pub study: StudyHead,
    #[serde(default)]
    pub media: Vec<MediumSpec>,
    /// Optical links: PMDs (`data/optics/`) over fibres, as AOCs or transceivers.
    #[serde(default)]
    pub optical: Vec<OpticalSpec>,
    #[serde(default)]
    pub monte_carlo: Option<MonteCarlo>,
}

/// Optical PMDs over fibres, as active optical cables or pluggable transceivers; the
/// criterion is the optical lane budget's margin (`sireach optical budget`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpticalSpec {
    /// Optical PMDs by name, e.g. `400GBASE-SR8`.
    pub pmds: Vec<String>,
    /// Fibres by name (`data/fibres.toml`), e.g. `OM4`.
    pub fibres: Vec<String>,
    /// `aoc` (the AOC's connection loss) or `transceiver` (the clause's connection allocation).
    #[serde(default = "default_optical_medium")]
    pub medium: String,
}

fn default_optical_medium() -> String {
    "aoc".into()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyHead {
    pub name: String,
    /// Copper PMDs by name (`data/standards/copper.toml`, e.g. `100GBASE-CR1`, `800GBASE-CR8`).
    #[serde(default)]
    pub pmds: Vec<String>,
    /// `il`, `eye`, `com` (for the copper PMDs).
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Seed of the Monte Carlo draws (recorded in every row).
    #[serde(default)]
    pub seed: u64,
}

/// One medium entry: twinax of the listed gauges, or a measured cable assembly.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, tag = "kind", rename_all = "lowercase")]
pub enum MediumSpec {
    /// The twinax model of `data/cables/twinax.toml` at each gauge.
    Twinax { awg: Vec<u32> },
    /// A measured cable assembly (`file`, relative to the study file) of `length_m` of bulk
    /// cable of gauge `awg`: the twinax model is fitted to it (`sireach channel fit`) and the
    /// fitted cable's reach is computed at every length.
    Measured {
        name: String,
        file: String,
        length_m: f64,
        awg: u32,
        #[serde(default = "default_pairing")]
        pairing: String,
    },
}

fn default_pairing() -> String {
    "1-3/2-4".into()
}

/// Relative 1-σ spreads of the cable's construction and the number of samples.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonteCarlo {
    pub samples: usize,
    #[serde(default)]
    pub sigma: Spreads,
}

/// Relative standard deviations (0.05 = 5 %) of the twinax parameters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spreads {
    #[serde(default)]
    pub surface_factor: f64,
    #[serde(default)]
    pub eps_r: f64,
    #[serde(default)]
    pub tan_delta: f64,
    #[serde(default)]
    pub roughness_rms: f64,
    #[serde(default)]
    pub z_diff: f64,
    #[serde(default)]
    pub conductor_diameter: f64,
    /// Optical: the transmitter's rms spectral width and the fibre's effective modal bandwidth
    /// (relative), and the transmitter OMA (absolute, dB).
    #[serde(default)]
    pub spectral_width: f64,
    #[serde(default)]
    pub emb: f64,
    #[serde(default)]
    pub tx_oma_db: f64,
}

/// The study's criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CriterionKind {
    Il,
    Eye,
    Com,
}

impl CriterionKind {
    fn parse(s: &str) -> Result<CriterionKind> {
        match s.to_ascii_lowercase().as_str() {
            "il" => Ok(CriterionKind::Il),
            "eye" => Ok(CriterionKind::Eye),
            "com" => Ok(CriterionKind::Com),
            _ => Err(Error::invalid(format!(
                "study: [study] criteria: unknown criterion {s:?} (expected il, eye or com)"
            ))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            CriterionKind::Il => "il",
            CriterionKind::Eye => "eye",
            CriterionKind::Com => "com",
        }
    }
}

impl Study {
    /// Parses and checks a study; errors name the key and what was expected (with the TOML
    /// line and column for syntax and type errors).
    pub fn from_toml_str(text: &str) -> Result<Study> {
        let s: Study = toml::from_str(text).map_err(|e| Error::invalid(format!("study: {e}")))?;
        let copper = !s.study.pmds.is_empty() || !s.media.is_empty();
        if !copper && s.optical.is_empty() {
            return Err(Error::invalid(
                "study: [study] pmds needs at least one PMD (with [[media]]), or add [[optical]] links",
            ));
        }
        if copper {
            if s.study.pmds.is_empty() {
                return Err(Error::invalid("study: [study] pmds needs at least one PMD"));
            }
            if s.study.criteria.is_empty() {
                return Err(Error::invalid(
                    "study: [study] criteria needs at least one of il, eye, com",
                ));
            }
            if s.media.is_empty() {
                return Err(Error::invalid(
                    "study: no [[media]]: add kind = \"twinax\" (awg = [...]) or kind = \"measured\"",
                ));
            }
        }
        for c in &s.study.criteria {
            CriterionKind::parse(c)?;
        }
        for o in &s.optical {
            if o.pmds.is_empty() || o.fibres.is_empty() {
                return Err(Error::invalid(
                    "study: [[optical]] needs pmds = [...] and fibres = [...]",
                ));
            }
            if o.medium != "aoc" && o.medium != "transceiver" {
                return Err(Error::invalid(format!(
                    "study: [[optical]] medium {:?}: expected \"aoc\" or \"transceiver\"",
                    o.medium
                )));
            }
        }
        for m in &s.media {
            match m {
                MediumSpec::Twinax { awg } => {
                    if awg.is_empty() || awg.iter().any(|g| !(24..=34).contains(g)) {
                        return Err(Error::invalid(format!(
                            "study: [[media]] twinax awg {awg:?}: expected gauges 24…34"
                        )));
                    }
                }
                MediumSpec::Measured {
                    name,
                    length_m,
                    awg,
                    ..
                } => {
                    if !(length_m.is_finite() && *length_m > 0.0) {
                        return Err(Error::invalid(format!(
                            "study: [[media]] {name}: length_m must be > 0, found {length_m}"
                        )));
                    }
                    if !(24..=34).contains(awg) {
                        return Err(Error::invalid(format!(
                            "study: [[media]] {name}: awg must be 24…34, found {awg}"
                        )));
                    }
                }
            }
        }
        if let Some(mc) = &s.monte_carlo {
            if mc.samples > 1_000_000 {
                return Err(Error::invalid(
                    "study: [monte_carlo] samples must be ≤ 1000000",
                ));
            }
            let g = &mc.sigma;
            for (k, v) in [
                ("surface_factor", g.surface_factor),
                ("eps_r", g.eps_r),
                ("tan_delta", g.tan_delta),
                ("roughness_rms", g.roughness_rms),
                ("z_diff", g.z_diff),
                ("conductor_diameter", g.conductor_diameter),
                ("spectral_width", g.spectral_width),
                ("emb", g.emb),
            ] {
                if !(v.is_finite() && (0.0..0.5).contains(&v)) {
                    return Err(Error::invalid(format!(
                        "study: [monte_carlo.sigma] {k} must be a relative spread in [0, 0.5), found {v}"
                    )));
                }
            }
            if !(g.tx_oma_db.is_finite() && (0.0..3.0).contains(&g.tx_oma_db)) {
                return Err(Error::invalid(format!(
                    "study: [monte_carlo.sigma] tx_oma_db must be a spread in dB in [0, 3), found {}",
                    g.tx_oma_db
                )));
            }
        }
        Ok(s)
    }

    pub fn criteria(&self) -> Vec<CriterionKind> {
        self.study
            .criteria
            .iter()
            .filter_map(|c| CriterionKind::parse(c).ok())
            .collect()
    }

    /// Monte Carlo samples per (PMD, medium, criterion), the nominal one included.
    pub fn samples(&self) -> usize {
        1 + self.monte_carlo.as_ref().map_or(0, |m| m.samples)
    }
}

/// A medium ready to evaluate: its label and nominal cable (measured ones fitted).
#[derive(Debug, Clone, PartialEq)]
pub struct Medium {
    pub label: String,
    pub cable: TwinaxParams,
    /// The connector/fixed loss of a fitted cable at the measured length is not modelled
    /// beyond the preset plugs; its fit's rms residual, dB, is the stated uncertainty.
    pub fit_rms_db: Option<f64>,
    /// A measured medium's own differential network (its file), for the margin of the file
    /// itself at its length.
    pub network: Option<Network>,
}

/// The media of a study, with the measured ones given as their differential networks (in
/// `MediumSpec::Measured` order).
pub fn media(study: &Study, presets: &Presets, measured: &[Network]) -> Result<Vec<Medium>> {
    let mut out = Vec::new();
    let mut k = 0;
    for m in &study.media {
        match m {
            MediumSpec::Twinax { awg } => {
                for &g in awg {
                    out.push(Medium {
                        label: format!("twinax {g}AWG"),
                        cable: TwinaxParams::from_preset(&presets.twinax, g as f64),
                        fit_rms_db: None,
                        network: None,
                    });
                }
            }
            MediumSpec::Measured {
                name,
                length_m,
                awg,
                ..
            } => {
                let net = measured.get(k).ok_or_else(|| {
                    Error::invalid(format!("study: measured medium {name} was not loaded"))
                })?;
                k += 1;
                let il = net.insertion_loss_db(1, 0)?.to_vec();
                let f = net.frequency_hz.to_vec();
                let top = f.last().copied().unwrap_or(0.0).min(26.5625e9);
                let base = TwinaxParams::from_preset(&presets.twinax, *awg as f64);
                let fit = fit_twinax(
                    &f,
                    &il,
                    *length_m,
                    (0.05e9, top),
                    |x| presets.twinax.plug_loss_db(x),
                    &base,
                )
                .map_err(|e| Error::invalid(format!("study: measured medium {name}: {e}")))?;
                out.push(Medium {
                    label: format!("measured {name}"),
                    cable: fit.params,
                    fit_rms_db: Some(fit.per_metre.rms_residual_db * length_m),
                    network: Some(net.clone()),
                });
            }
        }
    }
    Ok(out)
}

/// One point of a study: indices into the PMDs, media and criteria, and the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub index: usize,
    pub pmd: usize,
    pub medium: usize,
    pub criterion: usize,
    pub sample: usize,
    /// An optical link (index into the study's optical jobs) instead of a copper one.
    pub optical: Option<usize>,
}

/// Every point, numbered in the order of the rows: PMD, medium, criterion, sample.
pub fn points(n_pmd: usize, n_media: usize, n_crit: usize, n_samples: usize) -> Vec<Point> {
    let mut v = Vec::with_capacity(n_pmd * n_media * n_crit * n_samples);
    for pmd in 0..n_pmd {
        for medium in 0..n_media {
            for criterion in 0..n_crit {
                for sample in 0..n_samples {
                    v.push(Point {
                        index: v.len(),
                        pmd,
                        medium,
                        criterion,
                        sample,
                        optical: None,
                    });
                }
            }
        }
    }
    v
}

/// Shard `i` of `n` (1-based): the points with `index mod n = i − 1` (round-robin, so heavy
/// and light points spread evenly), in order.
pub fn shard(points: &[Point], i: usize, n: usize) -> Vec<Point> {
    points
        .iter()
        .copied()
        .filter(|p| p.index % n == i - 1)
        .collect()
}

/// One ChaCha8 stream per (seed, medium, sample): splitmix-style mixing of the three.
fn sample_rng(seed: u64, medium: usize, sample: usize) -> ChaCha8Rng {
    let mut key = seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(medium as u64 + 1);
    key = key.wrapping_add((sample as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    ChaCha8Rng::seed_from_u64(key)
}

/// The cable of sample `sample` of medium `medium` (0 = nominal).
pub fn sample_cable(
    nominal: &TwinaxParams,
    mc: Option<&MonteCarlo>,
    seed: u64,
    medium: usize,
    sample: usize,
) -> TwinaxParams {
    let Some(mc) = mc.filter(|_| sample > 0) else {
        return nominal.clone();
    };
    let mut rng = sample_rng(seed, medium, sample);
    let mut draw = |nominal: f64, sigma: f64| -> f64 {
        let z: f64 = StandardNormal.sample(&mut rng);
        (nominal * (1.0 + sigma * z)).max(nominal * 0.05)
    };
    let g = &mc.sigma;
    let mut c = nominal.clone();
    c.surface_factor = draw(c.surface_factor, g.surface_factor).max(1.0);
    c.eps_r = draw(c.eps_r, g.eps_r).max(1.0);
    c.tan_delta = draw(c.tan_delta, g.tan_delta);
    c.roughness_rms_m = draw(c.roughness_rms_m, g.roughness_rms);
    c.z_diff_ohm = draw(c.z_diff_ohm, g.z_diff);
    c.conductor_diameter_m = draw(c.conductor_diameter_m, g.conductor_diameter);
    c
}

/// One row of a study's output (CSV columns / JSON Lines keys, in this order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyRow {
    pub point: usize,
    pub points: usize,
    pub study: String,
    pub seed: u64,
    pub pmd: String,
    pub lane_rate_gbps: f64,
    pub signalling_rate_gbd: f64,
    pub medium: String,
    pub criterion: String,
    pub sample: usize,
    pub reach_m: f64,
    /// What limits it: the criterion's name, or `search range`.
    pub limited_by: String,
    pub objective_m: f64,
    /// The criterion's margin at the IEEE objective length, dB (COM − threshold for com).
    pub margin_at_objective_db: f64,
    /// The cable's construction (copper rows).
    pub surface_factor: Option<f64>,
    pub eps_r: Option<f64>,
    pub tan_delta: Option<f64>,
    pub roughness_rms_um: Option<f64>,
    pub z_diff_ohm: Option<f64>,
    pub conductor_diameter_mm: Option<f64>,
    /// A fitted medium's rms fit residual over its measured length, dB (empty otherwise).
    pub fit_rms_db: Option<f64>,
    /// A measured medium's criterion margin on the file itself at its measured length, dB
    /// (nominal rows; IL: the limit less the file's IL at Nyquist; COM: the file's COM, thru
    /// only, with the preset's host boards, less the threshold; empty for the eye).
    pub file_margin_db: Option<f64>,
    /// The optical link's transmitter rms spectral width, minimum OMA and the fibre's modal
    /// bandwidth at the PMD's wavelength (optical rows).
    pub rms_spectral_width_nm: Option<f64>,
    pub tx_oma_min_dbm: Option<f64>,
    pub emb_mhz_km: Option<f64>,
}

/// The CSV header of [`StudyRow`].
pub const CSV_HEADER: &str = "point,points,study,seed,pmd,lane_rate_gbps,signalling_rate_gbd,medium,criterion,sample,reach_m,limited_by,objective_m,margin_at_objective_db,surface_factor,eps_r,tan_delta,roughness_rms_um,z_diff_ohm,conductor_diameter_mm,fit_rms_db,file_margin_db,rms_spectral_width_nm,tx_oma_min_dbm,emb_mhz_km";

/// The number of CSV columns.
const CSV_COLUMNS: usize = 25;

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl StudyRow {
    /// The CSV line (no newline); numbers in their shortest exact form, so equal rows print
    /// equal lines.
    pub fn csv(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            self.point,
            self.points,
            quote(&self.study),
            self.seed,
            quote(&self.pmd),
            self.lane_rate_gbps,
            self.signalling_rate_gbd,
            quote(&self.medium),
            self.criterion,
            self.sample,
            self.reach_m,
            quote(&self.limited_by),
            self.objective_m,
            self.margin_at_objective_db,
            opt(self.surface_factor),
            opt(self.eps_r),
            opt(self.tan_delta),
            opt(self.roughness_rms_um),
            opt(self.z_diff_ohm),
            opt(self.conductor_diameter_mm),
            opt(self.fit_rms_db),
            opt(self.file_margin_db),
            opt(self.rms_spectral_width_nm),
            opt(self.tx_oma_min_dbm),
            opt(self.emb_mhz_km),
        )
    }
}

/// Everything the points share: presets, media, the PMDs' families.
pub struct StudyRun<'a> {
    pub study: &'a Study,
    pub presets: &'a Presets,
    pub media: Vec<Medium>,
    pub families: Vec<(&'a CopperFamily, String, f64)>,
    pub criteria: Vec<CriterionKind>,
    /// The optical links: (family, PMD, lane rate, fibre, connection loss dB, medium name).
    pub optical: Vec<OpticalJob<'a>>,
    hosts: Vec<crate::channel::link::HostRecipe>,
}

/// One optical PMD over one fibre, as an AOC or a transceiver.
pub struct OpticalJob<'a> {
    pub family: &'a OpticalFamily,
    pub pmd: String,
    pub lane_rate_gbps: f64,
    pub fibre: &'a Fibre,
    pub connection_loss_db: f64,
    /// e.g. `aoc OM4`.
    pub label: String,
    pub objective_m: f64,
}

impl<'a> StudyRun<'a> {
    pub fn new(study: &'a Study, presets: &'a Presets, media: Vec<Medium>) -> Result<StudyRun<'a>> {
        let mut families = Vec::new();
        for p in &study.study.pmds {
            let (f, v) = CopperFamily::find(&presets.copper, p)
                .map_err(|e| Error::invalid(format!("study: [study] pmds: {e}")))?;
            families.push((f, v.pmd.clone(), v.port_speed_gbps / v.lanes as f64));
        }
        let criteria = study.criteria();
        if criteria.contains(&CriterionKind::Com) {
            for (f, name, _) in &families {
                if crate::presets::com::com_preset_for_rate(f.signalling_rate_gbd)?.is_none() {
                    return Err(Error::invalid(format!(
                        "study: criterion com: no COM preset for {name} ({} GBd); see `sireach com --list-configs`",
                        f.signalling_rate_gbd
                    )));
                }
            }
        }
        let mut optical = Vec::new();
        for o in &study.optical {
            for name in &o.pmds {
                let (fam, v) = presets
                    .optics
                    .pmd(name)
                    .map_err(|e| Error::invalid(format!("study: [[optical]] pmds: {e}")))?;
                for f in &o.fibres {
                    let fibre = presets
                        .optics
                        .fibre(f)
                        .map_err(|e| Error::invalid(format!("study: [[optical]] fibres: {e}")))?;
                    if o.medium == "aoc" && fibre.kind != "mmf" {
                        return Err(Error::invalid(format!(
                            "study: [[optical]] {name} on {f}: AOCs here are multimode; use medium = \"transceiver\" for single-mode fibre"
                        )));
                    }
                    optical.push(OpticalJob {
                        family: fam,
                        pmd: v.pmd.clone(),
                        lane_rate_gbps: v.port_speed_gbps / v.lanes as f64,
                        fibre,
                        connection_loss_db: if o.medium == "aoc" {
                            presets.optics.aoc.connection_loss_db
                        } else {
                            fam.connection_allocation_db
                        },
                        label: format!("{} {}", o.medium, fibre.name),
                        objective_m: fam
                            .reach_objective_m
                            .get(&fibre.name)
                            .copied()
                            .unwrap_or(f64::NAN),
                    });
                }
            }
        }
        Ok(StudyRun {
            study,
            presets,
            media,
            families,
            criteria,
            optical,
            hosts: host_recipes(presets)?,
        })
    }

    /// Every point: the copper ones (PMD, medium, criterion, sample), then the optical ones
    /// (link, sample).
    pub fn points(&self) -> Vec<Point> {
        let n = self.study.samples();
        let mut v = points(
            self.families.len(),
            self.media.len(),
            self.criteria.len(),
            n,
        );
        for job in 0..self.optical.len() {
            for sample in 0..n {
                v.push(Point {
                    index: v.len(),
                    pmd: 0,
                    medium: 0,
                    criterion: 0,
                    sample,
                    optical: Some(job),
                });
            }
        }
        v
    }

    fn n_points(&self) -> usize {
        (self.families.len() * self.media.len() * self.criteria.len() + self.optical.len())
            * self.study.samples()
    }

    /// The row of an optical point: the lane budget's reach (`reach::aoc::optical_reach`)
    /// with the sample's transmitter and fibre.
    fn evaluate_optical(&self, p: Point, job: usize) -> Result<StudyRow> {
        let j = &self.optical[job];
        let mut fam = j.family.clone();
        let mut fibre = j.fibre.clone();
        if let Some(mc) = self.study.monte_carlo.as_ref().filter(|_| p.sample > 0) {
            let mut rng = sample_rng(self.study.study.seed, 1_000_000 + job, p.sample);
            let mut z = || -> f64 { StandardNormal.sample(&mut rng) };
            let g = &mc.sigma;
            fam.rms_spectral_width_nm *= (1.0 + g.spectral_width * z()).max(0.05);
            let d_oma = g.tx_oma_db * z();
            fam.tx_oma_min_dbm += d_oma;
            fam.tx_oma_minus_tdecq_min_dbm += d_oma;
            let k = (1.0 + g.emb * z()).max(0.05);
            fibre.emb_mhz_km.iter_mut().for_each(|p| p[1] *= k);
        }
        let (reach, at) = super::aoc::optical_reach(&fam, &fibre, j.connection_loss_db)?;
        let model = crate::optical::budget::LaneModel::new(&fam, &fibre, j.connection_loss_db)?;
        let margin = if j.objective_m.is_finite() {
            model.at(j.objective_m)?.margin_db
        } else {
            f64::NAN
        };
        Ok(StudyRow {
            point: p.index,
            points: self.n_points(),
            study: self.study.study.name.clone(),
            seed: self.study.study.seed,
            pmd: j.pmd.clone(),
            lane_rate_gbps: j.lane_rate_gbps,
            signalling_rate_gbd: fam.signalling_rate_gbd,
            medium: j.label.clone(),
            criterion: "optical".into(),
            sample: p.sample,
            reach_m: reach.reach_m,
            limited_by: if reach.beyond_search {
                "search range".into()
            } else {
                at.limited_by.clone()
            },
            objective_m: j.objective_m,
            margin_at_objective_db: margin,
            surface_factor: None,
            eps_r: None,
            tan_delta: None,
            roughness_rms_um: None,
            z_diff_ohm: None,
            conductor_diameter_mm: None,
            fit_rms_db: None,
            file_margin_db: None,
            rms_spectral_width_nm: Some(fam.rms_spectral_width_nm),
            tx_oma_min_dbm: Some(fam.tx_oma_min_dbm),
            emb_mhz_km: fibre.emb_mhz_km_at(fam.wavelength_nm)?,
        })
    }

    /// The row of one point.
    pub fn evaluate(&self, p: Point) -> Result<StudyRow> {
        if let Some(job) = p.optical {
            return self.evaluate_optical(p, job);
        }
        let (fam, pmd, lane_rate) = &self.families[p.pmd];
        let medium = &self.media[p.medium];
        let kind = self.criteria[p.criterion];
        let cable = sample_cable(
            &medium.cable,
            self.study.monte_carlo.as_ref(),
            self.study.study.seed,
            p.medium,
            p.sample,
        );
        let budget = IlBudget::new(fam, &cable, &self.presets.twinax)?;
        let il = max_length(&budget, DAC_SEARCH_MAX_M, REACH_RESOLUTION_M)?;
        let c = self.criterion(p.pmd, kind, &cable)?;
        let reach = match kind {
            CriterionKind::Il => il,
            // the eye and COM need not fall monotonically with length: scanned, then bisected
            CriterionKind::Eye => {
                let max = (2.0 * il.reach_m).max(0.5);
                first_failure(c.as_ref(), max / 16.0, max, REACH_RESOLUTION_M)?
            }
            CriterionKind::Com => {
                let max = (2.0 * il.reach_m).max(2.0 * COM_SCAN_STEP_M);
                first_failure(c.as_ref(), COM_SCAN_STEP_M, max, REACH_RESOLUTION_M)?
            }
        };
        let margin = c.margin_db(fam.reach_objective_m)?;
        Ok(StudyRow {
            point: p.index,
            points: self.n_points(),
            study: self.study.study.name.clone(),
            seed: self.study.study.seed,
            pmd: pmd.clone(),
            lane_rate_gbps: *lane_rate,
            signalling_rate_gbd: fam.signalling_rate_gbd,
            medium: medium.label.clone(),
            criterion: kind.name().into(),
            sample: p.sample,
            reach_m: reach.reach_m,
            limited_by: if reach.beyond_search {
                "search range".into()
            } else {
                kind.name().into()
            },
            objective_m: fam.reach_objective_m,
            margin_at_objective_db: margin,
            surface_factor: Some(cable.surface_factor),
            eps_r: Some(cable.eps_r),
            tan_delta: Some(cable.tan_delta),
            roughness_rms_um: Some(cable.roughness_rms_m * 1e6),
            z_diff_ohm: Some(cable.z_diff_ohm),
            conductor_diameter_mm: Some(cable.conductor_diameter_m * 1e3),
            fit_rms_db: medium.fit_rms_db,
            file_margin_db: match (&medium.network, p.sample) {
                (Some(net), 0) => self.file_margin(fam, kind, net)?,
                _ => None,
            },
            rms_spectral_width_nm: None,
            tx_oma_min_dbm: None,
            emb_mhz_km: None,
        })
    }

    /// The criterion `kind` of PMD `pmd` over `cable` (margin in dB against length).
    pub fn criterion(
        &self,
        pmd: usize,
        kind: CriterionKind,
        cable: &TwinaxParams,
    ) -> Result<Box<dyn Criterion + '_>> {
        let (fam, name, _) = &self.families[pmd];
        let plug = Plug::from_preset(&self.presets.twinax);
        Ok(match kind {
            CriterionKind::Il => Box::new(IlBudget::new(fam, cable, &self.presets.twinax)?),
            CriterionKind::Eye => {
                let host = match &fam.host {
                    Some(n) => Some(host_recipe(&self.hosts, n)?),
                    None => None,
                };
                Box::new(super::eye::EyeCriterion::new(
                    fam,
                    cable.clone(),
                    plug,
                    host,
                    Default::default(),
                )?)
            }
            CriterionKind::Com => Box::new(
                super::com_criterion(&self.hosts, fam, cable.clone(), plug)?
                    .ok_or_else(|| Error::invalid(format!("no COM preset for {name}")))?,
            ),
        })
    }

    /// The margin of a measured file itself under `kind` (None for the eye).
    fn file_margin(
        &self,
        fam: &CopperFamily,
        kind: CriterionKind,
        net: &Network,
    ) -> Result<Option<f64>> {
        match kind {
            CriterionKind::Il => {
                let f = net.frequency_hz.to_vec();
                let il = net.insertion_loss_db(1, 0)?.to_vec();
                let fq = fam.nyquist_hz();
                let k = f.partition_point(|&x| x < fq);
                if k == 0 || k >= f.len() {
                    return Ok(None);
                }
                let t = (fq - f[k - 1]) / (f[k] - f[k - 1]);
                Ok(Some(
                    fam.ca_il_max_db - (il[k - 1] + t * (il[k] - il[k - 1])),
                ))
            }
            CriterionKind::Com => {
                let Some(preset) =
                    crate::presets::com::com_preset_for_rate(fam.signalling_rate_gbd)?
                else {
                    return Ok(None);
                };
                let board = match preset.info.as_ref().and_then(|i| i.host_board.as_deref()) {
                    Some(h) => Some(host_recipe(&self.hosts, h)?.board.clone()),
                    None => None,
                };
                let thru = match &board {
                    Some(b) => super::com::with_board(net, b, preset.config.r0_ohm)?,
                    None => net.clone(),
                };
                let r = super::com::com_cases(
                    &preset.case_configs()?,
                    super::com::ComSearch::Local,
                    &thru,
                    &[],
                    &[],
                )?;
                Ok(Some(r.com_db - preset.threshold_db()))
            }
            CriterionKind::Eye => Ok(None),
        }
    }

    /// The nominal cable's margin of (PMD, medium, criterion) at each length, dB.
    pub fn margin_curve(
        &self,
        pmd: usize,
        medium: usize,
        criterion: usize,
        lengths_m: &[f64],
    ) -> Result<Vec<f64>> {
        let c = self.criterion(pmd, self.criteria[criterion], &self.media[medium].cable)?;
        lengths_m.par_iter().map(|&l| c.margin_db(l)).collect()
    }

    /// Evaluates `points` in parallel chunks and hands the rows to `sink` in point order (a
    /// chunk at a time, so memory stays flat and an interruption loses at most one chunk of
    /// about a second);
    /// `done` is told how many points finished after each chunk.
    pub fn run(
        &self,
        points: &[Point],
        mut sink: impl FnMut(&StudyRow) -> Result<()>,
        mut done: impl FnMut(usize),
    ) -> Result<()> {
        // chunks sized to take about half a second: big enough to keep every thread busy on
        // cheap points, small enough that an interruption loses little of costly ones
        let threads = rayon::current_num_threads();
        let mut chunk = 2 * threads;
        let mut at = 0;
        while at < points.len() {
            let part = &points[at..(at + chunk).min(points.len())];
            let t = std::time::Instant::now();
            let rows: Vec<StudyRow> = part
                .par_iter()
                .map(|&p| self.evaluate(p))
                .collect::<Result<_>>()?;
            for r in &rows {
                sink(r)?;
            }
            done(part.len());
            at += part.len();
            let secs = t.elapsed().as_secs_f64();
            if secs < 0.25 {
                chunk = (chunk * 2).min(1 << 16);
            } else if secs > 2.0 {
                chunk = (chunk / 2).max(threads);
            }
        }
        Ok(())
    }
}

/// Reach percentiles of one (PMD, medium, criterion) over its samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub pmd: String,
    pub medium: String,
    pub criterion: String,
    pub samples: usize,
    pub nominal_m: Option<f64>,
    pub p1_m: f64,
    pub p50_m: f64,
    pub p99_m: f64,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    sorted[rank.min(n) - 1]
}

/// The reach distribution per (PMD, medium, criterion): nominal, and P1/P50/P99 over the
/// Monte Carlo samples (over the nominal alone when there are none).
pub fn summarise(rows: &[StudyRow]) -> Vec<Summary> {
    let mut acc = SummaryAcc::default();
    rows.iter().for_each(|r| acc.add(r));
    acc.finish()
}

/// A summary group: (first point of the group, PMD, medium, criterion).
type GroupKey = (usize, String, String, String);

/// [`summarise`] fed one row at a time, keeping 8 bytes per row (its reach) instead of the row.
#[derive(Debug, Default)]
pub struct SummaryAcc {
    /// Per group: the nominal reach and the Monte Carlo samples' reaches, m.
    groups: BTreeMap<GroupKey, (Option<f64>, Vec<f64>)>,
}

impl SummaryAcc {
    pub fn add(&mut self, r: &StudyRow) {
        let first = r.point - r.sample;
        let key = (first, r.pmd.clone(), r.medium.clone(), r.criterion.clone());
        let g = self.groups.entry(key).or_default();
        if r.sample == 0 {
            g.0 = Some(r.reach_m);
        } else {
            g.1.push(r.reach_m);
        }
    }

    pub fn finish(self) -> Vec<Summary> {
        self.groups
            .into_iter()
            .map(|((_, pmd, medium, criterion), (nominal, mut v))| {
                if v.is_empty() {
                    v.extend(nominal);
                }
                v.sort_by(f64::total_cmp);
                Summary {
                    pmd,
                    medium,
                    criterion,
                    samples: v.len(),
                    nominal_m: nominal,
                    p1_m: percentile(&v, 1.0),
                    p50_m: percentile(&v, 50.0),
                    p99_m: percentile(&v, 99.0),
                }
            })
            .collect()
    }
}

/// Merges shard outputs (CSV text with [`CSV_HEADER`]): every point `0..points` exactly once,
/// returned in point order as the lines of the single run. Errors name the missing or
/// duplicated points and the part they came from.
pub fn merge_csv(parts: &[(String, String)]) -> Result<Vec<String>> {
    let mut by_point: BTreeMap<usize, (String, &str)> = BTreeMap::new();
    let mut total: Option<usize> = None;
    for (name, text) in parts {
        let mut lines = text.lines();
        match lines.next() {
            Some(h) if h == CSV_HEADER => {}
            _ => {
                return Err(Error::invalid(format!(
                    "{name}: line 1: expected the study CSV header ({}…)",
                    &CSV_HEADER[..40]
                )));
            }
        }
        for (k, line) in lines.enumerate() {
            if line.is_empty() {
                continue;
            }
            let mut it = line.splitn(3, ',');
            let parse = |s: Option<&str>, what: &str| -> Result<usize> {
                s.and_then(|v| v.parse().ok()).ok_or_else(|| {
                    Error::invalid(format!(
                        "{name}: line {}: expected the {what} number in the first columns",
                        k + 2
                    ))
                })
            };
            let point = parse(it.next(), "point")?;
            let points = parse(it.next(), "points")?;
            if *total.get_or_insert(points) != points {
                return Err(Error::invalid(format!(
                    "{name}: line {}: this part is from a study of {points} points, another of {}",
                    k + 2,
                    total.unwrap_or(0)
                )));
            }
            if point >= points {
                return Err(Error::invalid(format!(
                    "{name}: line {}: point {point} is beyond the study's {points}",
                    k + 2
                )));
            }
            if let Some((_, other)) = by_point.insert(point, (line.to_string(), name.as_str())) {
                return Err(Error::invalid(format!(
                    "point {point} is in both {other} and {name} (line {}): a shard given twice?",
                    k + 2
                )));
            }
        }
    }
    let total = total.ok_or_else(|| Error::invalid("merge: the parts hold no rows"))?;
    let missing: Vec<usize> = (0..total).filter(|p| !by_point.contains_key(p)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|p| p.to_string()).collect();
        return Err(Error::invalid(format!(
            "merge: {} of {total} points are missing (e.g. {}): a shard not run, not finished, or not given",
            missing.len(),
            shown.join(", ")
        )));
    }
    let mut out = vec![CSV_HEADER.to_string()];
    out.extend(by_point.into_values().map(|(l, _)| l));
    Ok(out)
}

/// Parses the rows of a study CSV (the columns of [`CSV_HEADER`]).
pub fn parse_csv_rows(name: &str, text: &str) -> Result<Vec<StudyRow>> {
    let mut lines = text.lines();
    if lines.next() != Some(CSV_HEADER) {
        return Err(Error::invalid(format!(
            "{name}: line 1: expected the study CSV header"
        )));
    }
    let mut rows = Vec::new();
    for (k, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let f = split_csv(line);
        let bad = |col: &str| {
            Error::invalid(format!(
                "{name}: line {}: column {col}: expected a number",
                k + 2
            ))
        };
        if f.len() != CSV_COLUMNS {
            return Err(Error::invalid(format!(
                "{name}: line {}: expected {CSV_COLUMNS} columns, found {}",
                k + 2,
                f.len()
            )));
        }
        let num = |i: usize, col: &str| f[i].parse::<f64>().map_err(|_| bad(col));
        let maybe = |i: usize, col: &str| -> Result<Option<f64>> {
            if f[i].is_empty() {
                Ok(None)
            } else {
                num(i, col).map(Some)
            }
        };
        let int = |i: usize, col: &str| f[i].parse::<usize>().map_err(|_| bad(col));
        rows.push(StudyRow {
            point: int(0, "point")?,
            points: int(1, "points")?,
            study: f[2].clone(),
            seed: f[3].parse().map_err(|_| bad("seed"))?,
            pmd: f[4].clone(),
            lane_rate_gbps: num(5, "lane_rate_gbps")?,
            signalling_rate_gbd: num(6, "signalling_rate_gbd")?,
            medium: f[7].clone(),
            criterion: f[8].clone(),
            sample: int(9, "sample")?,
            reach_m: num(10, "reach_m")?,
            limited_by: f[11].clone(),
            objective_m: num(12, "objective_m")?,
            margin_at_objective_db: num(13, "margin_at_objective_db")?,
            surface_factor: maybe(14, "surface_factor")?,
            eps_r: maybe(15, "eps_r")?,
            tan_delta: maybe(16, "tan_delta")?,
            roughness_rms_um: maybe(17, "roughness_rms_um")?,
            z_diff_ohm: maybe(18, "z_diff_ohm")?,
            conductor_diameter_mm: maybe(19, "conductor_diameter_mm")?,
            fit_rms_db: maybe(20, "fit_rms_db")?,
            file_margin_db: maybe(21, "file_margin_db")?,
            rms_spectral_width_nm: maybe(22, "rms_spectral_width_nm")?,
            tx_oma_min_dbm: maybe(23, "tx_oma_min_dbm")?,
            emb_mhz_km: maybe(24, "emb_mhz_km")?,
        });
    }
    Ok(rows)
}

/// Splits one CSV line (double-quoted fields with `""` escapes).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_points_in_order() {
        let all = points(2, 3, 2, 4);
        assert_eq!(all.len(), 48);
        let mut seen: Vec<usize> = (1..=5)
            .flat_map(|i| shard(&all, i, 5))
            .map(|p| p.index)
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..48).collect::<Vec<_>>());
        assert!(
            shard(&all, 2, 5)
                .windows(2)
                .all(|w| w[0].index < w[1].index)
        );
    }

    #[test]
    fn merge_finds_missing_and_duplicated_points() {
        let line = |p: usize| {
            format!("{p},3,s,1,P,100,53.125,m,il,0,1.5,il,2,0.1,1,1.5,0.001,0,100,0.4,,,,,")
        };
        let part = |ps: &[usize]| {
            let mut t = String::from(CSV_HEADER);
            for &p in ps {
                t.push('\n');
                t.push_str(&line(p));
            }
            t
        };
        let a = ("a.csv".to_string(), part(&[0, 2]));
        let b = ("b.csv".to_string(), part(&[1]));
        let m = merge_csv(&[b.clone(), a.clone()]).unwrap();
        assert_eq!(m[1..], [line(0), line(1), line(2)]);
        let e = merge_csv(std::slice::from_ref(&a)).unwrap_err().to_string();
        assert!(
            e.contains("1 of 3 points are missing") && e.contains("1"),
            "{e}"
        );
        let e = merge_csv(&[a.clone(), a]).unwrap_err().to_string();
        assert!(e.contains("a.csv") && e.contains("twice"), "{e}");
        // the rows parse back
        let rows = parse_csv_rows("m", &m.join("\n")).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].csv(), line(2));
    }

    #[test]
    fn samples_are_reproducible_and_spread() {
        let nominal = TwinaxParams::awg(26.0);
        let mc = MonteCarlo {
            samples: 400,
            sigma: Spreads {
                eps_r: 0.05,
                ..Default::default()
            },
        };
        assert_eq!(sample_cable(&nominal, Some(&mc), 7, 0, 0), nominal);
        let a = sample_cable(&nominal, Some(&mc), 7, 0, 3);
        assert_eq!(a, sample_cable(&nominal, Some(&mc), 7, 0, 3));
        assert_ne!(a, sample_cable(&nominal, Some(&mc), 8, 0, 3));
        // the relative spread of ε_r over 400 samples is near 5 % (χ² bounds: ±15 % of σ)
        let v: Vec<f64> = (1..=400)
            .map(|k| sample_cable(&nominal, Some(&mc), 7, 0, k).eps_r / nominal.eps_r - 1.0)
            .collect();
        let mean = v.iter().sum::<f64>() / 400.0;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 399.0).sqrt();
        assert!(
            (sd - 0.05).abs() < 0.0075 && mean.abs() < 0.0075,
            "sd {sd}, mean {mean}"
        );
        // parameters without a spread stay nominal
        assert_eq!(a.tan_delta, nominal.tan_delta);
    }

    #[test]
    fn bad_studies_name_the_key() {
        let e = Study::from_toml_str("[study]\nname = \"x\"\npmds = []\ncriteria = [\"il\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("pmds"), "{e}");
        let e = Study::from_toml_str(
            "[study]\nname = \"x\"\npmds = [\"100GBASE-CR1\"]\ncriteria = [\"snr\"]\n[[media]]\nkind = \"twinax\"\nawg = [26]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("criteria") && e.contains("snr"), "{e}");
        let e = Study::from_toml_str(
            "[study]\nname = \"x\"\npmds = [\"100GBASE-CR1\"]\ncriteria = [\"il\"]\n[[media]]\nkind = \"twinax\"\nawg = [26]\nbogus = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("bogus") && e.contains("line"), "{e}");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(|k| k as f64).collect();
        assert_eq!(percentile(&v, 1.0), 1.0);
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
    }
}
