//! Touchstone reader throughput on the two synthetic speed-anchor files of
//! `../shared/touchstone/tools/gen_synthetic.py` (4-port x 100,000 points, 60.8 MB; 16-port x
//! 10,000 points, 97.3 MB), parsed from memory on one core (`Par::Seq`) and on all cores, and
//! read from disk (memory-mapped) on all cores. Throughput is in bytes of file per second.
//!
//! Run: `cargo bench --bench touchstone`. The files are generated once into `target/synth/`.
//! The comparison with scikit-rf on the same files is `benches/compare/touchstone_vs_skrf.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sireach::Par;
use sireach::touchstone::{ReadOptions, read_bytes, read_path};

fn synth(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/synth");
    let path = dir.join(name);
    if !path.exists() {
        let status = Command::new("python3")
            .arg(root.join("../shared/touchstone/tools/gen_synthetic.py"))
            .arg(&dir)
            .status()
            .expect("python3 runs the shared generator");
        assert!(status.success(), "gen_synthetic.py failed");
    }
    path
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("touchstone_read");
    g.sample_size(10);
    for (name, ports) in [
        ("synthetic_4port_100k.s4p", 4),
        ("synthetic_16port_10k.s16p", 16),
    ] {
        let path = synth(name);
        let bytes = std::fs::read(&path).expect("synthetic file");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        for (label, par) in [("1 core", Par::Seq), ("all cores", Par::Rayon(0))] {
            let opts = ReadOptions {
                par,
                ..ReadOptions::default()
            };
            g.bench_function(format!("{ports}-port from memory, {label}"), |b| {
                b.iter(|| read_bytes(&bytes, "bench", Some(ports), &opts).expect("reads"))
            });
        }
        let opts = ReadOptions::default();
        g.bench_function(format!("{ports}-port from file, all cores"), |b| {
            b.iter(|| read_path(&path, &opts).expect("reads"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
