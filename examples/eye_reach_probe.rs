//! Eye height of a preset DAC over length (the reach engine's eye criterion), to see its shape:
//! cargo run --release --example eye_reach_probe [family index] [awg]
use sireach::channel::link::{Plug, host_recipes};
use sireach::channel::twinax::TwinaxParams;
use sireach::presets::Presets;
use sireach::reach::Criterion;
use sireach::reach::eye::{EyeCriterion, EyeCriterionOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let fi: usize = args.get(1).map_or(Ok(0), |s| s.parse())?;
    let awg: f64 = args.get(2).map_or(Ok(26.0), |s| s.parse())?;
    let p = Presets::embedded()?;
    let fam = &p.copper[fi];
    let hosts = host_recipes(&p)?;
    let host = fam
        .host
        .as_ref()
        .and_then(|n| hosts.iter().find(|h| &h.name == n));
    let c = EyeCriterion::new(
        fam,
        TwinaxParams::from_preset(&p.twinax, awg),
        Plug::from_preset(&p.twinax),
        host,
        EyeCriterionOptions::default(),
    )?;
    println!("{} {awg} AWG, host {:?}", fam.clause, fam.host);
    for l in [
        0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 5.5, 6.0, 7.0, 8.0,
    ] {
        match c.eye_at(l) {
            Ok((h, w)) => println!(
                "{l:5.2} m  heights {:?} mV  widths {:?}  margin {:.2} dB",
                h.iter()
                    .map(|x| (x * 1e4).round() / 10.0)
                    .collect::<Vec<_>>(),
                w.iter()
                    .map(|x| (x * 1e3).round() / 1e3)
                    .collect::<Vec<_>>(),
                c.margin_db(l)?
            ),
            Err(e) => println!("{l:5.2} m  error: {e}"),
        }
    }
    if let Some(l) = args.get(3) {
        let l: f64 = l.parse()?;
        let f = c.frequency_hz(l);
        let net = sireach::channel::link::cable_assembly(&f, &c.plug, &c.cable, l, 50.0)?;
        let h: Vec<num_complex::Complex64> = (0..net.nfreq()).map(|k| net.s[[k, 1, 0]]).collect();
        let e = sireach::eye::link::link_eye(&f, &h, &c.setup, sireach::Par::Seq)?;
        let q = &e.equalised;
        let (hh, d) =
            sireach::serdes::adapt::per_ui(&q.pulse.v, q.pulse.samples_per_ui, q.cursor_index);
        println!(
            "ctle {:?} tx {:?} fom {:.2} cursor idx {} of {}",
            q.ctle.map(|c| (c.g_dc_db, c.g_dc2_db)),
            q.tx.taps,
            q.fom_db,
            q.cursor_index,
            q.pulse.v.len()
        );
        println!(
            "per-UI around cursor: {:?}",
            &hh[d.saturating_sub(3)..(d + 8).min(hh.len())]
        );
        println!("dfe {:?}", q.dfe_v);
        println!("heights {:?}", e.heights_v);
    }
    Ok(())
}
