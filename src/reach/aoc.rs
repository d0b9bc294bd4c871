//! AOC reach: the longest fibre of an active optical cable, per PMD family and fibre, from the
//! lane budget ([`crate::optical::budget`]) with the AOC's internal connection loss instead of
//! the IEEE allocation (`data/optics/aoc.toml`).
//!
//! Two kinds of optical row ([`OpticalMedium`]):
//! * `aoc`: the multimode (VCSEL) families sealed with their fibre, the AOCs the market sells.
//!   A single-mode family sealed as an AOC has nothing but attenuation to stop it (kilometres
//!   with these budgets, longer than any cable is made), so it is not an AOC row;
//!   [`optical_reach`] still answers for it (`sireach optical reach --pmd 400GBASE-DR4 --fibre
//!   OS2 --aoc`).
//! * `transceiver`: every family (multimode and single-mode, the only optical PMDs 802.3dj
//!   defines at 200G/lane) as pluggable transceivers over patch-corded fibre, paying the IEEE
//!   connection allocation (1.5 dB MMF, 2.75 dB SMF).

use rayon::prelude::*;

use super::{Criterion, REACH_RESOLUTION_M, Reach, ReachRow, max_length};
use crate::error::Result;
use crate::optical::budget::{LaneBudget, LaneModel};
use crate::presets::Presets;
use crate::presets::optics::{Fibre, OpticalFamily};

/// Longest AOC searched, m.
pub const AOC_SEARCH_MAX_M: f64 = 10_000.0;

/// The optical margin of one lane as a reach criterion.
pub struct OpticalMargin(pub LaneModel);

impl Criterion for OpticalMargin {
    fn name(&self) -> &str {
        "optical_margin"
    }
    fn margin_db(&self, length_m: f64) -> Result<f64> {
        Ok(self.0.at(length_m)?.margin_db)
    }
}

/// The longest fibre of `family` over `fibre` with `connection_loss_db` at its ends (to
/// [`REACH_RESOLUTION_M`], up to [`AOC_SEARCH_MAX_M`]), and the budget at that length.
pub fn optical_reach(
    family: &OpticalFamily,
    fibre: &Fibre,
    connection_loss_db: f64,
) -> Result<(Reach, LaneBudget)> {
    let c = OpticalMargin(LaneModel::new(family, fibre, connection_loss_db)?);
    let reach = max_length(&c, AOC_SEARCH_MAX_M, REACH_RESOLUTION_M)?;
    let at = c.0.at(reach.reach_m)?;
    Ok((reach, at))
}

/// Which optical rows: sealed AOCs or pluggable transceivers with patch connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpticalMedium {
    Aoc,
    Transceiver,
}

impl OpticalMedium {
    /// The row's `medium`.
    pub fn name(self) -> &'static str {
        match self {
            OpticalMedium::Aoc => "aoc",
            OpticalMedium::Transceiver => "transceiver",
        }
    }
}

/// The AOC rows: every variant of every multimode optical family × every fibre it has a reach
/// objective on, in parallel.
pub fn aoc_table(presets: &Presets) -> Result<Vec<ReachRow>> {
    optical_table(presets, OpticalMedium::Aoc)
}

/// The transceiver rows: every variant of every optical family × every fibre it has a reach
/// objective on, with the family's IEEE connection allocation, in parallel.
pub fn transceiver_table(presets: &Presets) -> Result<Vec<ReachRow>> {
    optical_table(presets, OpticalMedium::Transceiver)
}

fn optical_table(presets: &Presets, medium: OpticalMedium) -> Result<Vec<ReachRow>> {
    let o = &presets.optics;
    let mut jobs = Vec::new();
    for fam in &o.families {
        for v in &fam.variants {
            for (fibre, objective) in &fam.reach_objective_m {
                let fibre = o.fibre(fibre)?;
                if medium == OpticalMedium::Transceiver || fibre.kind == "mmf" {
                    jobs.push((fam, v, fibre, *objective));
                }
            }
        }
    }
    jobs.par_iter()
        .map(|&(fam, v, fibre, objective)| {
            let conn = match medium {
                OpticalMedium::Aoc => o.aoc.connection_loss_db,
                OpticalMedium::Transceiver => fam.connection_allocation_db,
            };
            let model = LaneModel::new(fam, fibre, conn)?;
            let (reach, at_reach) = optical_reach(fam, fibre, conn)?;
            Ok(ReachRow {
                pmd: v.pmd.clone(),
                clause: fam.clause.clone(),
                medium: medium.name().into(),
                variant: fibre.name.clone(),
                port_speed_gbps: v.port_speed_gbps,
                lanes: v.lanes,
                lane_rate_gbps: v.port_speed_gbps / v.lanes as f64,
                signalling_rate_gbd: fam.signalling_rate_gbd,
                reach_m: reach.reach_m,
                criterion: "optical_margin".into(),
                limited_by: if reach.beyond_search {
                    "search range".into()
                } else {
                    at_reach.limited_by.clone()
                },
                margin_db: model.at(objective)?.margin_db,
                reach_objective_m: objective,
                limit_grade: fam.grade.clone(),
                limit_db: at_reach.power_budget_db,
                cable_db_per_m: at_reach.attenuation_db_per_m,
                plugs_db: conn,
                host: None,
                die_to_die_il_db: None,
                com: None,
                checks: None,
            })
        })
        .collect()
}
