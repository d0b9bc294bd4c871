//! The COM reach criterion (reach::com) on the twinax model: COM falls with length, the reach
//! length passes and 1 cm more fails, the reach-speed choices (local search, Δf by length) stay
//! within 0.1 dB of the preset's own, and the DAC table uses COM where a preset exists.

use sireach::channel::link::{Plug, host_recipe, host_recipes};
use sireach::channel::twinax::TwinaxParams;
use sireach::presets::Presets;
use sireach::presets::com::com_preset;
use sireach::reach::com::{ComCriterion, ComSearch, CrosstalkModel};
use sireach::reach::{Criterion, REACH_RESOLUTION_M, TableOptions, dac_table_with};

fn criterion(name: &str, awg: f64) -> ComCriterion {
    let p = Presets::embedded().unwrap();
    let preset = com_preset(name).unwrap();
    let hosts = host_recipes(&p).unwrap();
    let board = preset
        .info
        .as_ref()
        .and_then(|i| i.host_board.clone())
        .map(|h| host_recipe(&hosts, &h).unwrap().board.clone());
    ComCriterion::new(
        preset,
        TwinaxParams::from_preset(&p.twinax, awg),
        Plug::from_preset(&p.twinax),
        board,
        Some(CrosstalkModel::embedded().unwrap()),
    )
    .unwrap()
}

#[test]
fn com_falls_with_length_on_the_twinax_model() {
    if cfg!(debug_assertions) {
        return; // seconds in release, minutes in debug
    }
    let c = criterion("100GBASE-CR1", 26.0);
    let com: Vec<f64> = [0.5, 1.5, 2.5, 3.5]
        .iter()
        .map(|&l| c.com_at(l).unwrap().com_db)
        .collect();
    for w in com.windows(2) {
        assert!(w[1] < w[0] - 0.1, "{com:?}");
    }
    // the 31 mm package case binds (it adds 2 × 2 dB of package loss at Nyquist)
    let r = c.com_at(1.5).unwrap();
    assert_eq!(r.cases[r.worst].0, 31.0);
    assert!(r.cases[0].1.com_db > r.cases[1].1.com_db + 1.0);
}

#[test]
fn the_reach_passes_and_one_centimetre_more_fails() {
    if cfg!(debug_assertions) {
        return;
    }
    let p = Presets::embedded().unwrap();
    let rows = dac_table_with(
        &p,
        TableOptions {
            com: true,
            ..Default::default()
        },
    )
    .unwrap();
    let row = rows
        .iter()
        .find(|r| r.pmd == "100GBASE-CR1" && r.variant == "26AWG")
        .unwrap();
    assert_eq!(row.criterion, "com");
    let info = row.com.as_ref().unwrap();
    assert!(info.com_at_reach_db >= 3.0, "{info:?}");
    let c = criterion("100GBASE-CR1", 26.0);
    assert!(c.margin_db(row.reach_m).unwrap() >= 0.0);
    assert!(c.margin_db(row.reach_m + REACH_RESOLUTION_M).unwrap() < 0.0);
    // every PMD of a lane has the same reach; thicker wire reaches further
    for r in rows.iter().filter(|r| r.com.is_some()) {
        let same = rows
            .iter()
            .find(|x| x.clause == r.clause && x.variant == r.variant)
            .unwrap();
        assert_eq!(r.reach_m, same.reach_m);
    }
    let reach = |v: &str| {
        rows.iter()
            .find(|r| r.pmd == "100GBASE-CR1" && r.variant == v)
            .unwrap()
            .reach_m
    };
    assert!(reach("24AWG") > reach("26AWG") && reach("26AWG") > reach("28AWG"));
    // Clause 179 has no COM preset: its rows keep the IL budget
    assert!(
        rows.iter()
            .filter(|r| r.pmd == "200GBASE-CR1")
            .all(|r| r.criterion == "ca_il_nyquist" && r.com.is_none())
    );
}

#[test]
fn reach_frequency_step_changes_com_by_less_than_a_tenth_of_a_db() {
    if cfg!(debug_assertions) {
        return;
    }
    let mut c = criterion("100GBASE-CR1", 26.0);
    for l in [1.0, 1.5, 2.0] {
        c.adaptive_fstep = true;
        let coarse = c.com_at(l).unwrap().com_db;
        assert!(c.configs_at(l)[0].1.fstep_hz > 10e6);
        c.adaptive_fstep = false;
        let fine = c.com_at(l).unwrap().com_db;
        assert!((coarse - fine).abs() < 0.1, "{l} m: {coarse} vs {fine}");
    }
}

/// Slow (about 2 minutes a length): `cargo test --release --test com_reach -- --ignored`.
#[test]
#[ignore]
fn local_search_agrees_with_the_full_grid() {
    let mut c = criterion("100GBASE-CR1", 26.0);
    for l in [1.0, 2.0, 3.0] {
        c.search = ComSearch::Local;
        let local = c.com_at(l).unwrap().com_db;
        c.search = ComSearch::Full;
        let full = c.com_at(l).unwrap().com_db;
        eprintln!("{l} m: local {local:.3} dB, full {full:.3} dB");
        assert!((local - full).abs() < 0.1, "{l} m: {local} vs {full}");
    }
}
