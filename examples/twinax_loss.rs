//! Bulk twinax loss per metre by gauge at the IEEE Nyquist frequencies (the model's defaults):
//! `cargo run --release --example twinax_loss`.
use sireach::channel::twinax::{TwinaxParams, loss_db_per_metre};

fn main() {
    let f = [12.89e9, 13.28e9, 26.56e9, 53.125e9, 106.25e9];
    println!("AWG   dB/m at 12.89  13.28  26.56  53.125  106.25 GHz");
    for awg in [24.0, 26.0, 28.0, 30.0, 32.0, 34.0] {
        let l = loss_db_per_metre(&TwinaxParams::awg(awg), &f).expect("valid parameters");
        println!(
            "{awg:>3}   {:>10.2} {:>6.2} {:>6.2} {:>7.2} {:>7.2}",
            l[0], l[1], l[2], l[3], l[4]
        );
    }
}
