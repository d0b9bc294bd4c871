//! Reach: the longest length of a medium for which a link still meets a criterion.
//!
//! A [`Criterion`] says, for a length, how much margin is left (dB; ≥ 0 passes); it must fall
//! as the length grows. [`max_length`] brackets and bisects on length to a stated resolution.
//! This is the plug-in point: the IEEE cable-assembly insertion-loss budget ([`IlBudget`]) is
//! the first criterion; eye, COM and optical-margin criteria plug into the same place.
//! [`dac_table`] sweeps PMD variants × wire gauges in parallel.

pub mod aoc;
pub mod checks;
pub mod com;
pub mod eye;
pub mod report;
pub mod study;

use rayon::prelude::*;
use serde::Serialize;

use crate::channel::link::{Plug, die_to_die, host_recipe, host_recipes};
use crate::channel::twinax::{TwinaxParams, loss_db_per_metre};
use crate::error::Result;
use crate::presets::{CopperFamily, Presets, TwinaxPreset};

/// Margin as a function of length.
pub trait Criterion: Sync {
    /// A short machine-readable name, e.g. `ca_il_nyquist`.
    fn name(&self) -> &str;
    /// Margin in dB at `length_m` (≥ 0 passes), non-increasing in length.
    fn margin_db(&self, length_m: f64) -> Result<f64>;
}

/// The outcome of [`max_length`].
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// The longest passing length found, m (to the resolution asked for).
    pub reach_m: f64,
    /// The search stopped at its upper bound: the medium reaches at least this far.
    pub beyond_search: bool,
}

/// The longest length in `[0, max_m]` whose margin is ≥ 0, to within `resolution_m`: bisection
/// on the sign of the margin (which must not increase with length). A criterion that fails at
/// zero length gives 0.
pub fn max_length(c: &dyn Criterion, max_m: f64, resolution_m: f64) -> Result<Reach> {
    if c.margin_db(0.0)? < 0.0 {
        return Ok(Reach {
            reach_m: 0.0,
            beyond_search: false,
        });
    }
    if c.margin_db(max_m)? >= 0.0 {
        return Ok(Reach {
            reach_m: max_m,
            beyond_search: true,
        });
    }
    Ok(Reach {
        reach_m: bisect(c, 0.0, max_m, resolution_m)?,
        beyond_search: false,
    })
}

/// The last passing length between a passing `lo` and a failing `hi`, to `resolution_m`.
fn bisect(c: &dyn Criterion, mut lo: f64, mut hi: f64, resolution_m: f64) -> Result<f64> {
    while hi - lo > resolution_m {
        let mid = 0.5 * (lo + hi);
        if c.margin_db(mid)? >= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// For a criterion that need not fall monotonically (an equalised eye: the equaliser choice
/// changes with length, reflections ripple): the first failing length on a scan from
/// `step_m` to `max_m` in steps of `step_m`, then bisection between the last passing scan
/// point and it to `resolution_m`. The reach is then the end of the first passing stretch,
/// not a length past a failure (bisection alone may land beyond one).
pub fn first_failure(
    c: &dyn Criterion,
    step_m: f64,
    max_m: f64,
    resolution_m: f64,
) -> Result<Reach> {
    if !(step_m > 0.0 && max_m >= step_m && resolution_m > 0.0) {
        return Err(crate::error::Error::invalid(format!(
            "a reach scan needs 0 < step ≤ max and a positive resolution, found {step_m}, {max_m}, {resolution_m}"
        )));
    }
    if c.margin_db(0.0)? < 0.0 {
        return Ok(Reach {
            reach_m: 0.0,
            beyond_search: false,
        });
    }
    let n = (max_m / step_m).ceil() as usize;
    let mut lo = 0.0;
    for k in 1..=n {
        let l = (k as f64 * step_m).min(max_m);
        if c.margin_db(l)? < 0.0 {
            return Ok(Reach {
                reach_m: bisect(c, lo, l, resolution_m)?,
                beyond_search: false,
            });
        }
        lo = l;
    }
    Ok(Reach {
        reach_m: max_m,
        beyond_search: true,
    })
}

/// The IEEE cable-assembly insertion-loss budget: the loss of `length` of bulk twinax plus two
/// plugs, at the Nyquist frequency of the PMD, against the clause's cable-assembly limit.
pub struct IlBudget {
    pub limit_db: f64,
    pub nyquist_hz: f64,
    /// Bulk loss at Nyquist, dB/m (computed once).
    pub cable_db_per_m: f64,
    /// Both plugs at Nyquist, dB.
    pub plugs_db: f64,
}

impl IlBudget {
    pub fn new(family: &CopperFamily, cable: &TwinaxParams, plug: &TwinaxPreset) -> Result<Self> {
        let f = family.nyquist_hz();
        Ok(IlBudget {
            limit_db: family.ca_il_max_db,
            nyquist_hz: f,
            cable_db_per_m: loss_db_per_metre(cable, &[f])?[0],
            plugs_db: 2.0 * plug.plug_loss_db(f),
        })
    }
}

impl Criterion for IlBudget {
    fn name(&self) -> &str {
        "ca_il_nyquist"
    }
    fn margin_db(&self, length_m: f64) -> Result<f64> {
        Ok(self.limit_db - (length_m * self.cable_db_per_m + self.plugs_db))
    }
}

/// One row of the DAC reach table (the `--json` keys).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReachRow {
    pub pmd: String,
    pub clause: String,
    /// `"dac"` (the optical issue adds `"aoc"`).
    pub medium: String,
    /// e.g. `"26AWG"`.
    pub variant: String,
    pub port_speed_gbps: f64,
    pub lanes: u32,
    /// Nominal data rate per lane, Gb/s (port speed / lanes).
    pub lane_rate_gbps: f64,
    pub signalling_rate_gbd: f64,
    pub reach_m: f64,
    pub criterion: String,
    /// What limits the reach: the criterion's name, or `"search range"`.
    pub limited_by: String,
    /// Margin of the criterion at the IEEE reach objective length, dB (≥ 0: the objective is met).
    pub margin_db: f64,
    pub reach_objective_m: f64,
    /// Grade of the limit used (A, B, C or M; C and M are not verified against the standard).
    pub limit_grade: String,
    pub limit_db: f64,
    pub cable_db_per_m: f64,
    pub plugs_db: f64,
    /// Host recipe at both ends of the die-to-die figure, when the family names one.
    pub host: Option<String>,
    /// Die-to-die insertion loss at Nyquist at the reach length (package + host board + plug +
    /// cable + plug + host board + package, `channel::link`), dB: informational.
    pub die_to_die_il_db: Option<f64>,
    /// ERL and FOM_ILD of the modelled cable assembly at the reach length ([`checks`]), when
    /// asked for ([`TableOptions::checks`]).
    pub checks: Option<checks::AssemblyChecks>,
    /// The COM figures of a row searched on COM ([`TableOptions::com`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub com: Option<ComRowInfo>,
}

/// What a COM-searched row reports beside its reach ([`com::ComCriterion`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComRowInfo {
    /// The COM preset (`data/standards/com/`), e.g. `100GBASE-CR1`.
    pub preset: String,
    /// `no value marked UNCONFIRMED` or `N of M values UNCONFIRMED`.
    pub preset_status: String,
    pub threshold_db: f64,
    /// COM at the reach length and at the IEEE objective length, dB.
    pub com_at_reach_db: f64,
    pub com_at_objective_db: f64,
    /// The package case (z_p, mm) that binds at the reach length.
    pub binding_package_mm: f64,
    /// The host board added at both ends (host recipe name), if any.
    pub host_board: Option<String>,
    /// COM evaluations made for this row's search.
    pub evaluations: usize,
}

/// What [`dac_table_with`] computes beyond the reach.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableOptions {
    /// Evaluate ERL and FOM_ILD of the cable assembly at each reach length.
    pub checks: bool,
    /// Search the reach on the equalised eye ([`eye::EyeCriterion`]) instead of the
    /// cable-assembly IL budget.
    pub eye: Option<eye::EyeCriterionOptions>,
    /// Search the reach on COM ([`com::ComCriterion`]) for the families whose lane rate has a
    /// COM preset (`data/standards/com/`); the others keep the IL budget.
    pub com: bool,
}

/// Scan step of the COM reach search, m (then bisection to [`REACH_RESOLUTION_M`]).
pub const COM_SCAN_STEP_M: f64 = 0.5;

/// Longest DAC length searched, m.
pub const DAC_SEARCH_MAX_M: f64 = 20.0;
/// Resolution of the reach search, m.
pub const REACH_RESOLUTION_M: f64 = 0.01;

/// The DAC reach table: every PMD variant of every copper family × every gauge, by the
/// cable-assembly IL budget, in parallel.
pub fn dac_table(presets: &Presets) -> Result<Vec<ReachRow>> {
    dac_table_with(presets, TableOptions::default())
}

/// [`dac_table`] with options.
pub fn dac_table_with(presets: &Presets, options: TableOptions) -> Result<Vec<ReachRow>> {
    let hosts = host_recipes(presets)?;
    let plug = Plug::from_preset(&presets.twinax);
    let com_reach = if options.com {
        com_reaches(presets, &hosts, plug)?
    } else {
        Vec::new()
    };
    let mut jobs = Vec::new();
    for fam in &presets.copper {
        for v in &fam.variants {
            for &awg in &presets.twinax.gauges_awg {
                jobs.push((fam, v, awg));
            }
        }
    }
    jobs.par_iter()
        .map(|&(fam, v, awg)| {
            let cable = TwinaxParams::from_preset(&presets.twinax, awg as f64);
            let budget = IlBudget::new(fam, &cable, &presets.twinax)?;
            let host = match &fam.host {
                Some(name) => Some(host_recipe(&hosts, name)?),
                None => None,
            };
            let eye_c = match &options.eye {
                Some(o) => Some(eye::EyeCriterion::new(
                    fam,
                    cable.clone(),
                    plug,
                    host,
                    o.clone(),
                )?),
                None => None,
            };
            let com_hit = com_reach
                .iter()
                .find(|(c, g, _, _)| *c == fam.clause && *g == awg);
            let criterion: &dyn Criterion = match &eye_c {
                Some(c) => c,
                None => &budget,
            };
            let reach = if let Some((_, _, r, _)) = com_hit {
                r.clone()
            } else if eye_c.is_some() {
                // the eye is scanned to twice the IL reach in 16 steps, then bisected to 1 cm
                // (first_failure: the eye need not shrink monotonically with length)
                let il = max_length(&budget, DAC_SEARCH_MAX_M, REACH_RESOLUTION_M)?;
                let max = (2.0 * il.reach_m).max(0.5);
                first_failure(criterion, max / 16.0, max, REACH_RESOLUTION_M)?
            } else {
                max_length(criterion, DAC_SEARCH_MAX_M, REACH_RESOLUTION_M)?
            };
            Ok(ReachRow {
                pmd: v.pmd.clone(),
                clause: fam.clause.clone(),
                medium: "dac".into(),
                variant: format!("{awg}AWG"),
                port_speed_gbps: v.port_speed_gbps,
                lanes: v.lanes,
                lane_rate_gbps: v.port_speed_gbps / v.lanes as f64,
                signalling_rate_gbd: fam.signalling_rate_gbd,
                reach_m: reach.reach_m,
                criterion: if com_hit.is_some() {
                    "com".into()
                } else {
                    criterion.name().into()
                },
                limited_by: if reach.beyond_search {
                    "search range".into()
                } else if com_hit.is_some() {
                    "com".into()
                } else {
                    criterion.name().into()
                },
                margin_db: match com_hit {
                    Some((_, _, _, info)) => info.com_at_objective_db - info.threshold_db,
                    None => criterion.margin_db(fam.reach_objective_m)?,
                },
                reach_objective_m: fam.reach_objective_m,
                limit_grade: fam.ca_il_grade.clone(),
                limit_db: fam.ca_il_max_db,
                cable_db_per_m: budget.cable_db_per_m,
                plugs_db: budget.plugs_db,
                host: fam.host.clone(),
                die_to_die_il_db: match host {
                    Some(h) => {
                        let n =
                            die_to_die(&[budget.nyquist_hz], h, h, &plug, &cable, reach.reach_m)?;
                        Some(-20.0 * n.s[[0, 1, 0]].norm().log10())
                    }
                    None => None,
                },
                checks: if options.checks {
                    Some(checks::assembly_checks(fam, &cable, &plug, reach.reach_m)?)
                } else {
                    None
                },
                com: com_hit.map(|(_, _, _, info)| info.clone()),
            })
        })
        .collect()
}

/// The COM reach of every family with a COM preset for its lane rate × every gauge, in
/// parallel: `(clause, awg, reach, info)`. One search per family and gauge (every PMD of a
/// family has the same lane). The scan is [`COM_SCAN_STEP_M`] up to twice the IL reach
/// ([`first_failure`]: COM need not fall monotonically), then bisection to 1 cm.
/// The COM criterion of `preset` over `cable`: the preset's host board (its `host_board`
/// recipe) at both ends and the modelled crosstalk.
fn com_criterion_with(
    preset: crate::presets::com::ComPreset,
    hosts: &[crate::channel::link::HostRecipe],
    cable: TwinaxParams,
    plug: Plug,
    crosstalk: com::CrosstalkModel,
) -> Result<com::ComCriterion> {
    let board = match preset.info.as_ref().and_then(|i| i.host_board.as_deref()) {
        Some(h) => Some(host_recipe(hosts, h)?.board.clone()),
        None => None,
    };
    com::ComCriterion::new(preset, cable, plug, board, Some(crosstalk))
}

/// The COM criterion of `family`'s lane rate over `cable` (None without a COM preset for it),
/// as the DAC table's COM rows use it.
pub fn com_criterion(
    hosts: &[crate::channel::link::HostRecipe],
    family: &CopperFamily,
    cable: TwinaxParams,
    plug: Plug,
) -> Result<Option<com::ComCriterion>> {
    match crate::presets::com::com_preset_for_rate(family.signalling_rate_gbd)? {
        Some(p) => Ok(Some(com_criterion_with(
            p,
            hosts,
            cable,
            plug,
            com::CrosstalkModel::embedded()?,
        )?)),
        None => Ok(None),
    }
}

fn com_reaches(
    presets: &Presets,
    hosts: &[crate::channel::link::HostRecipe],
    plug: Plug,
) -> Result<Vec<(String, u32, Reach, ComRowInfo)>> {
    let crosstalk = com::CrosstalkModel::embedded()?;
    let mut jobs = Vec::new();
    for fam in &presets.copper {
        if let Some(p) = crate::presets::com::com_preset_for_rate(fam.signalling_rate_gbd)? {
            for &awg in &presets.twinax.gauges_awg {
                jobs.push((fam, p.clone(), awg));
            }
        }
    }
    jobs.into_par_iter()
        .map(|(fam, preset, awg)| {
            let cable = TwinaxParams::from_preset(&presets.twinax, awg as f64);
            let host_board = preset.info.as_ref().and_then(|i| i.host_board.clone());
            let name = preset.name().to_string();
            let status = preset.status();
            let threshold_db = preset.threshold_db();
            let c = com_criterion_with(preset, hosts, cable.clone(), plug, crosstalk.clone())?;
            let il = max_length(
                &IlBudget::new(fam, &cable, &presets.twinax)?,
                DAC_SEARCH_MAX_M,
                REACH_RESOLUTION_M,
            )?;
            let max = (2.0 * il.reach_m).max(2.0 * COM_SCAN_STEP_M);
            let reach = first_failure(&c, COM_SCAN_STEP_M, max, REACH_RESOLUTION_M)?;
            let at_reach = c.com_at(reach.reach_m)?;
            let com_at_objective_db = c.margin_db(fam.reach_objective_m)? + threshold_db;
            let info = ComRowInfo {
                preset: name,
                preset_status: status,
                threshold_db,
                com_at_reach_db: at_reach.com_db,
                com_at_objective_db,
                binding_package_mm: at_reach.cases[at_reach.worst].0,
                host_board,
                evaluations: c.evaluations() + 1,
            };
            Ok((fam.clause.clone(), awg, reach, info))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Linear(f64);
    impl Criterion for Linear {
        fn name(&self) -> &str {
            "linear"
        }
        fn margin_db(&self, l: f64) -> Result<f64> {
            Ok(self.0 - l)
        }
    }

    #[test]
    fn bisection_finds_the_root_to_the_resolution() {
        let r = max_length(&Linear(3.217), 20.0, 0.01).unwrap();
        assert!(
            r.reach_m <= 3.217 && 3.217 - r.reach_m <= 0.01,
            "{}",
            r.reach_m
        );
        assert_eq!(max_length(&Linear(-1.0), 20.0, 0.01).unwrap().reach_m, 0.0);
        assert!(max_length(&Linear(25.0), 20.0, 0.01).unwrap().beyond_search);
    }

    /// Passes on [0, 1] and [2, 3], fails elsewhere.
    struct Islands;
    impl Criterion for Islands {
        fn name(&self) -> &str {
            "islands"
        }
        fn margin_db(&self, l: f64) -> Result<f64> {
            Ok(if l <= 1.0 || (2.0..=3.0).contains(&l) {
                1.0
            } else {
                -1.0
            })
        }
    }

    #[test]
    fn the_scan_stops_at_the_first_failure() {
        // bisection from [0, 4] tests 2.0 (pass) and would end near 3; the scan ends near 1
        let r = first_failure(&Islands, 0.5, 4.0, 0.01).unwrap();
        assert!((r.reach_m - 1.0).abs() <= 0.01 && !r.beyond_search, "{r:?}");
        let r = first_failure(&Linear(3.217), 0.5, 20.0, 0.01).unwrap();
        assert!((r.reach_m - 3.217).abs() <= 0.01, "{r:?}");
        let r = first_failure(&Linear(30.0), 0.5, 20.0, 0.01).unwrap();
        assert!(r.beyond_search && r.reach_m == 20.0);
        assert!(first_failure(&Linear(1.0), 0.0, 20.0, 0.01).is_err());
    }

    #[test]
    fn il_budget_reach_is_the_closed_form() {
        // reach = (limit − 2 plugs) / loss per metre (reach-references.md §2.4)
        let p = Presets::embedded().unwrap();
        let rows = dac_table(&p).unwrap();
        assert_eq!(rows.len(), 12 * 4);
        for r in &rows {
            let want = (r.limit_db - r.plugs_db) / r.cable_db_per_m;
            assert!(
                r.reach_m <= want && want - r.reach_m <= REACH_RESOLUTION_M,
                "{r:?}"
            );
        }
        // 100GBASE-CR4 on 26 AWG: 22.48 dB at 12.89 GHz → about 6.8 m (§2.4 table: 6.9 m, ±20 %)
        let cr4 = rows
            .iter()
            .find(|r| r.pmd == "100GBASE-CR4" && r.variant == "26AWG")
            .unwrap();
        assert!((cr4.reach_m - 6.9).abs() / 6.9 < 0.05, "{}", cr4.reach_m);
    }

    #[test]
    fn die_to_die_loss_exceeds_the_cable_assembly_plus_matched_hosts() {
        // At the reach length the cable assembly sits at its limit; the hosts add at least
        // their matched line losses 8.686 z (γ0 + a1 √f + a2 f) at each end (the capacitances
        // and impedance steps only add mismatch loss), and not more than a few dB beyond.
        let p = Presets::embedded().unwrap();
        let rows = dac_table(&p).unwrap();
        let hosts = host_recipes(&p).unwrap();
        let mut checked = 0;
        for r in rows.iter().filter(|r| r.host.is_some()) {
            let h = host_recipe(&hosts, r.host.as_deref().unwrap()).unwrap();
            let f = r.signalling_rate_gbd / 2.0;
            let matched = |loss: &crate::channel::package::LineLoss, mm: f64| {
                8.685889638065037 * mm * (loss.gamma0_per_mm + loss.a1 * f.sqrt() + loss.a2 * f)
            };
            let pkg: f64 = h
                .package
                .segments
                .iter()
                .map(|s| matched(&h.package.loss, s.length_mm))
                .sum();
            let host = pkg + matched(&h.board.loss, h.board.length_mm);
            let ca = r.reach_m * r.cable_db_per_m + r.plugs_db;
            let d2d = r.die_to_die_il_db.unwrap();
            assert!(
                d2d > ca + 2.0 * host && d2d < ca + 2.0 * host + 6.0,
                "{r:?}: {d2d} vs {ca} + 2 × {host}"
            );
            checked += 1;
        }
        assert_eq!(checked, 8 * 4);
    }

    #[test]
    fn twinax_defaults_are_the_preset() {
        let p = Presets::embedded().unwrap();
        assert_eq!(
            TwinaxParams::from_preset(&p.twinax, 26.0),
            TwinaxParams::awg(26.0)
        );
    }
}
