//! AOC reach: the longest fibre of an active optical cable, per PMD family and fibre, from the
//! lane budget ([`crate::optical::budget`]) with the AOC's internal connection loss instead of
//! the IEEE allocation (`data/optics/aoc.toml`).
//!
//! The table's AOCs are the multimode (VCSEL) families, the AOCs the market sells. A
//! single-mode family sealed as an AOC has nothing but attenuation to stop it (several km with
//! these budgets, longer than any cable is made); [`OpticalMargin`] still answers for it
//! (`sireach optical reach --pmd 400GBASE-DR4 --fibre OS2 --aoc`).

use rayon::prelude::*;

use super::{Criterion, REACH_RESOLUTION_M, ReachRow, max_length};
use crate::error::Result;
use crate::optical::budget::lane_budget;
use crate::presets::Presets;
use crate::presets::optics::{Fibre, OpticalFamily};

/// Longest AOC searched, m.
pub const AOC_SEARCH_MAX_M: f64 = 10_000.0;

/// The optical margin of one lane as a reach criterion.
pub struct OpticalMargin<'a> {
    pub family: &'a OpticalFamily,
    pub fibre: &'a Fibre,
    pub connection_loss_db: f64,
}

impl Criterion for OpticalMargin<'_> {
    fn name(&self) -> &str {
        "optical_margin"
    }
    fn margin_db(&self, length_m: f64) -> Result<f64> {
        Ok(lane_budget(self.family, self.fibre, length_m, self.connection_loss_db)?.margin_db)
    }
}

/// The AOC rows: every variant of every multimode optical family × every fibre it has a reach
/// objective on, in parallel.
pub fn aoc_table(presets: &Presets) -> Result<Vec<ReachRow>> {
    let o = &presets.optics;
    let mut jobs = Vec::new();
    for fam in &o.families {
        for v in &fam.variants {
            for (fibre, objective) in &fam.reach_objective_m {
                let fibre = o.fibre(fibre)?;
                if fibre.kind == "mmf" {
                    jobs.push((fam, v, fibre, *objective));
                }
            }
        }
    }
    let conn = o.aoc.connection_loss_db;
    jobs.par_iter()
        .map(|&(fam, v, fibre, objective)| {
            let c = OpticalMargin {
                family: fam,
                fibre,
                connection_loss_db: conn,
            };
            let reach = max_length(&c, AOC_SEARCH_MAX_M, REACH_RESOLUTION_M)?;
            let at_reach = lane_budget(fam, fibre, reach.reach_m, conn)?;
            Ok(ReachRow {
                pmd: v.pmd.clone(),
                clause: fam.clause.clone(),
                medium: "aoc".into(),
                variant: fibre.name.clone(),
                port_speed_gbps: v.port_speed_gbps,
                lanes: v.lanes,
                lane_rate_gbps: v.port_speed_gbps / v.lanes as f64,
                signalling_rate_gbd: fam.signalling_rate_gbd,
                reach_m: reach.reach_m,
                criterion: c.name().into(),
                limited_by: if reach.beyond_search {
                    "search range".into()
                } else {
                    at_reach.limited_by.clone()
                },
                margin_db: c.margin_db(objective)?,
                reach_objective_m: objective,
                limit_grade: fam.grade.clone(),
                limit_db: at_reach.power_budget_db,
                cable_db_per_m: at_reach.attenuation_db_per_m,
                plugs_db: conn,
                host: None,
                die_to_die_il_db: None,
                checks: None,
            })
        })
        .collect()
}
