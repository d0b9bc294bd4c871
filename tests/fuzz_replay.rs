//! Replays, through the fuzz target's own property (`sireach::touchstone::fuzz_one`), every
//! input the fuzzer found that once failed (`fuzz/regressions/`, named after the bug) and the
//! fuzzer's minimised corpus (`fuzz/corpus_min/`: the inputs of at most 4 KiB that `cargo fuzz
//! cmin` kept after the 35-minute run on 2026-11-25; larger ones are mostly mutated copies of
//! the shared corpus files, which are not copied into this repository).

use std::path::Path;

fn replay(dir: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries {
        let path = e.expect("directory entry").path();
        let data = std::fs::read(&path).expect("readable input");
        let result = std::panic::catch_unwind(|| sireach::touchstone::fuzz_one(&data));
        assert!(result.is_ok(), "fuzz input {} fails again", path.display());
        n += 1;
    }
    n
}

#[test]
fn fuzz_regressions_stay_fixed() {
    assert!(
        replay("fuzz/regressions") >= 1,
        "fuzz/regressions holds the saved crashes"
    );
}

#[test]
fn fuzz_minimised_corpus_replays_clean() {
    let n = replay("fuzz/corpus_min");
    assert!(
        n > 2000,
        "fuzz/corpus_min holds the minimised corpus; found {n} inputs"
    );
}
