//! Time the sequential tokenizer alone on a file (best of 10):
//! `cargo run --release --example tokenize_speed FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: tokenize_speed FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..10 {
        let t = std::time::Instant::now();
        let c = sireach::touchstone::tokens::tokenize_chunk(&bytes, 0).expect("only numbers");
        best = best.min(t.elapsed().as_secs_f64());
        n = c.values.len();
    }
    println!(
        "{n} numbers, best {:.1} ms, {:.0} MB/s, {:.1} ns/number",
        best * 1e3,
        bytes.len() as f64 / best / 1e6,
        best * 1e9 / n as f64
    );
}
