//! Time the sequential tokenizer on a file: `cargo run --release --example tokenize_speed FILE`.
use sireach::touchstone::tokens::parse_number;

fn lines_variant(block: &[u8]) -> (Vec<f64>, Vec<usize>) {
    let mut values = Vec::with_capacity(block.len() / 12);
    let mut starts = Vec::with_capacity(block.len() / 100);
    let mut at = 0;
    while at < block.len() {
        let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |k| at + k);
        let line = &block[at..end];
        let data = match memchr::memchr(b'!', line) {
            Some(k) => &line[..k],
            None => line,
        };
        let mut i = 0;
        let mut first = true;
        loop {
            while i < data.len() && matches!(data[i], b' ' | b'\t' | b'\r') {
                i += 1;
            }
            if i >= data.len() {
                break;
            }
            let (v, used) = parse_number(&data[i..]).expect("number");
            if first {
                starts.push(values.len());
                first = false;
            }
            values.push(v);
            i += used;
        }
        at = end + 1;
    }
    (values, starts)
}

fn skip_only(block: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    let mut in_tok = false;
    for &b in block {
        let sep = b <= b' ';
        n += (!sep && !in_tok) as usize;
        in_tok = !sep;
        i += 1;
    }
    n + i * 0
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: tokenize_speed FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let time = |name: &str, f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..10 {
            let t = std::time::Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{name}: {n} numbers, best {:.1} ms, {:.0} MB/s, {:.1} ns/number",
            best * 1e3,
            bytes.len() as f64 / best / 1e6,
            best * 1e9 / n as f64
        );
    };
    time("tokenize_chunk", &|| sireach::touchstone::tokens::tokenize_chunk(&bytes, 0).expect("numbers").values.len());
    time("lines", &|| lines_variant(&bytes).0.len());
    time("count tokens only", &|| skip_only(&bytes));
}
