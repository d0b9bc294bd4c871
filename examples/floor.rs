//! The floor under `touchstone info` that no parser removes: map the file and touch every page,
//! allocate and fill the output arrays (S and z0), on all cores. `cargo run --release --example
//! floor FILE NPORTS NFREQ`.
use rayon::prelude::*;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (path, n, nf): (&str, usize, usize) = (&a[1], a[2].parse().unwrap(), a[3].parse().unwrap());
    let t = std::time::Instant::now();
    let file = std::fs::File::open(path).unwrap();
    let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    let sum: u64 = map
        .par_chunks(1 << 20)
        .map(|c| c.iter().step_by(4096).map(|&b| b as u64).sum::<u64>())
        .sum();
    let mut s = vec![0.0f64; 2 * nf * n * n];
    sireach::memory::advise_huge_pages(s.as_ptr() as *const u8, s.len() * 8);
    s.par_chunks_mut(1 << 16).for_each(|c| c.fill(1.0));
    let z0 =
        sireach::memory::array2_from_rows(nf, &vec![num_complex::Complex64::new(50.0, 0.0); n]);
    eprintln!("{sum} {} {} {:?}", s[7], z0[[0, 0]], t.elapsed());
}
