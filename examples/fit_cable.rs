//! Fit the twinax model to a measured cable assembly:
//! `cargo run --release --example fit_cable FILE.s4p PAIRING LENGTH_M AWG [F_MIN_GHZ F_MAX_GHZ]`
//! e.g. `... ../shared/touchstone/files/serdespy__CA_19p75dB_thru.s4p 1-3/2-4 2 26 1 40`.
use sireach::channel::fit::fit_twinax;
use sireach::channel::twinax::TwinaxParams;
use sireach::network::PortPairing;
use sireach::presets::Presets;
use sireach::touchstone::{ReadOptions, read_path};

fn main() -> Result<(), sireach::error::Error> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: fit_cable FILE PAIRING LENGTH_M AWG [F_MIN_GHZ F_MAX_GHZ]");
        std::process::exit(2);
    }
    let num = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| sireach::error::Error::invalid(format!("not a number: {s}")))
    };
    let (length, awg) = (num(&a[3])?, num(&a[4])?);
    let band = if a.len() >= 7 {
        (num(&a[5])? * 1e9, num(&a[6])? * 1e9)
    } else {
        (1e9, 40e9)
    };
    let net = read_path(a[1].as_ref(), &ReadOptions::default())?.network;
    let mm = net.to_mixed_mode(&PortPairing::parse(&a[2])?)?;
    let il = mm.insertion_loss_db(1, 0)?;
    let presets = Presets::embedded()?;
    let base = TwinaxParams::from_preset(&presets.twinax, awg);
    let f = mm.frequency_hz.to_vec();
    let fit = fit_twinax(
        &f,
        il.as_slice().unwrap_or(&[]),
        length,
        band,
        |x| presets.twinax.plug_loss_db(x),
        &base,
    )?;
    let p = &fit.per_metre;
    println!(
        "per metre: {:.4} + {:.4}·√f + {:.5}·f dB (f in GHz), over {:.1}–{:.1} GHz ({} points)",
        p.a0_db,
        p.a1_db_per_sqrt_ghz,
        p.a2_db_per_ghz,
        band.0 / 1e9,
        band.1 / 1e9,
        p.points
    );
    println!(
        "residual: RMS {:.3} dB/m, max {:.3} dB/m",
        p.rms_residual_db, p.max_residual_db
    );
    println!(
        "fitted surface factor K = {:.3}, tan δ = {:.2e} (ε_r {} kept)",
        fit.params.surface_factor, fit.params.tan_delta, base.eps_r
    );
    for fg in [12.89, 26.56, 53.125] {
        println!("  loss at {fg} GHz: {:.2} dB/m", p.at(fg * 1e9));
    }
    Ok(())
}
