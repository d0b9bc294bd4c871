//! Reach of every optical preset (PMD family × fibre) as a transceiver link (IEEE connection
//! allocation) and as an AOC, with the budget terms at the reach:
//! `cargo run --release --example optical_reach`
use sireach::optical::budget::lane_budget;
use sireach::presets::Presets;
use sireach::reach::aoc::optical_reach;

fn main() -> Result<(), sireach::error::Error> {
    let p = Presets::embedded()?;
    println!(
        "{:<44} {:>5} {:>9} {:>10} {:>10} {:>9}  limited by (AOC)",
        "clause", "fibre", "objective", "xcvr reach", "AOC reach", "budget"
    );
    for fam in &p.optics.families {
        for (fname, obj) in &fam.reach_objective_m {
            let fibre = p.optics.fibre(fname)?;
            let (rx, _) = optical_reach(fam, fibre, fam.connection_allocation_db)?;
            let (ra, b) = optical_reach(fam, fibre, p.optics.aoc.connection_loss_db)?;
            let bo = lane_budget(fam, fibre, *obj, fam.connection_allocation_db)?;
            println!(
                "{:<44} {:>5} {:>7} m {:>8.1} m {:>8.1} m {:>6.2} dB  {} (at objective: IL {:.2}, disp {:.2}, mpn {:.2}, margin {:.2})",
                fam.clause,
                fname,
                obj,
                rx.reach_m,
                ra.reach_m,
                b.power_budget_db,
                b.limited_by,
                bo.channel_il_db,
                bo.dispersion_penalty_db,
                bo.mpn_penalty_db,
                bo.margin_db
            );
        }
    }
    Ok(())
}
