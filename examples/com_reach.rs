//! COM of the modelled DAC channel against length, and the checks behind the COM reach
//! criterion's speed-ups (README "COM reach"): the local search against the preset's full grid,
//! and the reach frequency step against the preset's 10 MHz.
//!
//!   cargo run --release --example com_reach -- [PRESET] [AWG] [LENGTHS…] [--full] [--fine]
//!
//! `--full` also runs the full grid and `--fine` also runs Δf = the preset's, printing the
//! differences.

use std::time::Instant;

use sireach::channel::link::{Plug, host_recipe, host_recipes};
use sireach::channel::twinax::TwinaxParams;
use sireach::presets::Presets;
use sireach::presets::com::com_preset;
use sireach::reach::com::{ComCriterion, ComSearch, CrosstalkModel};

fn main() -> sireach::error::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full");
    let fine = args.iter().any(|a| a == "--fine");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let name = pos.first().map_or("100GBASE-CR1", |s| s.as_str());
    let awg: f64 = pos.get(1).map_or(Ok(26.0), |s| s.parse()).unwrap_or(26.0);
    let lengths: Vec<f64> = if pos.len() > 2 {
        pos[2..].iter().filter_map(|s| s.parse().ok()).collect()
    } else {
        vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    };
    let p = Presets::embedded()?;
    let preset = com_preset(name)?;
    let hosts = host_recipes(&p)?;
    let board = match preset.info.as_ref().and_then(|i| i.host_board.clone()) {
        Some(h) => Some(host_recipe(&hosts, &h)?.board.clone()),
        None => None,
    };
    let c = ComCriterion::new(
        preset,
        TwinaxParams::from_preset(&p.twinax, awg),
        Plug::from_preset(&p.twinax),
        board,
        Some(CrosstalkModel::embedded()?),
    )?;
    println!("{name}, {awg} AWG");
    for &l in &lengths {
        let t = Instant::now();
        let r = c.com_at(l)?;
        let secs = t.elapsed().as_secs_f64();
        let cases: Vec<String> = r
            .cases
            .iter()
            .map(|(z, x)| format!("z_p {z} mm {:.3} dB", x.com_db))
            .collect();
        let df = c.configs_at(l)[0].1.fstep_hz / 1e6;
        print!(
            "{l:5.2} m  COM {:.3} dB  ({}; Δf {df} MHz, local)  {secs:.2} s",
            r.com_db,
            cases.join(", ")
        );
        if fine {
            let mut f = clone_of(&c)?;
            f.adaptive_fstep = false;
            let t = Instant::now();
            let x = f.com_at(l)?;
            print!(
                " | Δf preset: {:.3} dB (Δ {:+.3}) {:.2} s",
                x.com_db,
                r.com_db - x.com_db,
                t.elapsed().as_secs_f64()
            );
        }
        if full {
            let mut f = clone_of(&c)?;
            f.search = ComSearch::Full;
            let t = Instant::now();
            let x = f.com_at(l)?;
            print!(
                " | full grid: {:.3} dB (Δ {:+.3}) {:.1} s",
                x.com_db,
                r.com_db - x.com_db,
                t.elapsed().as_secs_f64()
            );
        }
        println!();
    }
    Ok(())
}

fn clone_of(c: &ComCriterion) -> sireach::error::Result<ComCriterion> {
    let mut n = ComCriterion::new(
        c.preset.clone(),
        c.cable.clone(),
        c.plug,
        c.board.clone(),
        c.crosstalk.clone(),
    )?;
    n.search = c.search;
    n.adaptive_fstep = c.adaptive_fstep;
    Ok(n)
}
