//! Time reading and the checks `touchstone info` runs, separately (best of 7):
//! `cargo run --release --example read_phases FILE`.
use std::time::Instant;

fn best<T>(f: impl Fn() -> T) -> (f64, T) {
    let mut b = f64::MAX;
    let mut out = f();
    for _ in 0..7 {
        let t = Instant::now();
        out = f();
        b = b.min(t.elapsed().as_secs_f64());
    }
    (b * 1e3, out)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: read_phases FILE");
    let opts = sireach::touchstone::ReadOptions::default();
    let (t_read, t) = best(|| sireach::touchstone::read_path(path.as_ref(), &opts).expect("reads"));
    let net = t.network;
    let (t_pass, _) = best(|| net.passivity().expect("passivity"));
    let (t_rec, _) = best(|| net.reciprocity().expect("reciprocity"));
    println!("read {t_read:.1} ms, passivity {t_pass:.1} ms, reciprocity {t_rec:.1} ms");
}
