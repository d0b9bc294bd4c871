//! Time the tokenizer alone on a file (best of 10), on one thread and on all cores:
//! `cargo run --release --example tokenize_speed FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: tokenize_speed FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    for threads in [1, rayon::current_num_threads()] {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..10 {
            let t = std::time::Instant::now();
            let v =
                sireach::touchstone::tokens::tokenize(&bytes, 0, threads, 0).expect("only numbers");
            best = best.min(t.elapsed().as_secs_f64());
            n = v.len();
        }
        println!(
            "{threads} thread(s): {n} numbers, best {:.1} ms, {:.0} MB/s, {:.1} ns/number",
            best * 1e3,
            bytes.len() as f64 / best / 1e6,
            best * 1e9 / n as f64
        );
    }
}
