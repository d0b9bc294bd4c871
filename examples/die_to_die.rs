//! Die-to-die insertion loss of a copper link (host recipes of data/standards/hosts.toml,
//! plugs, twinax) at the Nyquist frequency, per length and gauge.
//!
//! cargo run --release --example die_to_die [host] [nyquist_hz]
use sireach::channel::link::{Plug, die_to_die, host_recipe, host_recipes};
use sireach::channel::twinax::TwinaxParams;
use sireach::presets::Presets;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let host = args.get(1).map_or("dj-cr-HL", String::as_str);
    let f: f64 = args.get(2).map_or(Ok(53.125e9), |s| s.parse())?;
    let p = Presets::embedded()?;
    let hosts = host_recipes(&p)?;
    let h = host_recipe(&hosts, host)?;
    let plug = Plug::from_preset(&p.twinax);
    println!(
        "die-to-die IL at {:.4} GHz, host {host} at both ends",
        f / 1e9
    );
    println!(
        "length   {}",
        p.twinax
            .gauges_awg
            .iter()
            .map(|g| format!("{g:>5}AWG"))
            .collect::<String>()
    );
    for l in [0.0, 0.5, 1.0, 1.5, 2.0, 3.0] {
        let mut line = format!("{l:4.1} m  ");
        for &g in &p.twinax.gauges_awg {
            let c = TwinaxParams::from_preset(&p.twinax, g as f64);
            let n = die_to_die(&[f], h, h, &plug, &c, l)?;
            line += &format!("{:8.2}", -20.0 * n.s[[0, 1, 0]].norm().log10());
        }
        println!("{line}");
    }
    Ok(())
}
