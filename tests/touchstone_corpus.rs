//! Conformance against the field's reference reader: every file of the shared corpus
//! (`../shared/touchstone/files`, 87 files written by VNAs, solvers and other tools) read by
//! sireach and compared with what scikit-rf 2.2.0 read from it (`../shared/touchstone/dumps`,
//! made by `shared/touchstone/tools/dump_skrf.py`): frequencies, S and z0 to 1e-9 relative.
//!
//! Where the two differ by design the test says why and checks the right answer:
//! - `[Mixed-Mode Order]` (`skrf__ex_16.ts`): skrf moves every mode to a single-ended slot
//!   (D p,q to min(p,q), C p,q to max(p,q), S p to p); sireach keeps the file's column order.
//!   The numbers must be the same once permuted.
//! - header-only files: skrf reads 0 frequencies; sireach reads an empty network, or, when the
//!   header declares frequencies that are not there (`tsjl__Example3.ts`), says so with a line.
//! - files skrf rejects must give a positioned parse error (never a panic).

use std::path::{Path, PathBuf};

use num_complex::Complex64;
use serde_json::Value;
use sireach::touchstone::{ReadOptions, read_path};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/touchstone")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * 1f64.max(a.abs()).max(b.abs())
}

fn c(v: &Value) -> Complex64 {
    Complex64::new(v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

fn cclose(a: Complex64, b: Complex64) -> bool {
    close(a.re, b.re) && close(a.im, b.im)
}

/// skrf's slot (0-based) for each column of a mixed-mode file.
fn skrf_mixed_mode_slots(order: &[String]) -> Vec<usize> {
    order
        .iter()
        .map(|t| {
            let nums: Vec<usize> = t[1..].split(',').map(|x| x.parse().unwrap()).collect();
            match &t[..1] {
                "D" => nums.iter().min().unwrap() - 1,
                "C" => nums.iter().max().unwrap() - 1,
                _ => nums[0] - 1,
            }
        })
        .collect()
}

#[test]
fn every_corpus_file_agrees_with_scikit_rf_or_is_a_clear_error() {
    let files = corpus().join("files");
    let mut names: Vec<_> = std::fs::read_dir(&files)
        .expect("../shared/touchstone/files is present")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 87, "the corpus README lists 87 files");
    let (mut agree, mut rejected, mut header_only, mut mixed) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for name in &names {
        let dump: Value = serde_json::from_str(
            &std::fs::read_to_string(corpus().join("dumps").join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let got = read_path(&files.join(name), &ReadOptions::default());
        if dump["ok"] == false {
            match got {
                Err(e) if e.position().is_some() => rejected += 1,
                Err(e) => failures.push(format!("{name}: error without a position: {e}")),
                Ok(_) => failures.push(format!(
                    "{name}: skrf rejects it ({}) but sireach read it",
                    dump["error"]
                )),
            }
            continue;
        }
        let want_f = dump["frequency_hz"].as_array().unwrap();
        if want_f.is_empty() {
            match got {
                Ok(t) if t.network.nfreq() == 0 => header_only += 1,
                Err(e) if e.position().is_some() => header_only += 1,
                Ok(t) => failures.push(format!(
                    "{name}: header-only but read {} points",
                    t.network.nfreq()
                )),
                Err(e) => failures.push(format!("{name}: {e}")),
            }
            continue;
        }
        let t = match got {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let net = &t.network;
        let n = net.nports();
        assert_eq!(n as u64, dump["nports"].as_u64().unwrap(), "{name}: ports");
        let slots: Vec<usize> = match &t.header.mixed_mode_order {
            Some(order) => {
                mixed += 1;
                skrf_mixed_mode_slots(order)
            }
            None => (0..n).collect(),
        };
        let mut bad = None;
        if net.nfreq() != want_f.len() {
            bad = Some(format!("{} points, skrf {}", net.nfreq(), want_f.len()));
        }
        for (k, f) in want_f.iter().enumerate().take(net.nfreq()) {
            if bad.is_none() && !close(net.frequency_hz[k], f.as_f64().unwrap()) {
                bad = Some(format!("frequency {k}: {} vs {}", net.frequency_hz[k], f));
            }
            for i in 0..n {
                for j in 0..n {
                    let want = c(&dump["s"][k][slots[i]][slots[j]]);
                    if bad.is_none() && !cclose(net.s[[k, i, j]], want) {
                        bad = Some(format!(
                            "S{}{} at point {k}: {} vs {want}",
                            i + 1,
                            j + 1,
                            net.s[[k, i, j]]
                        ));
                    }
                }
                let want_z0 = if dump["z0_per_frequency"] == true {
                    c(&dump["z0"][k][slots[i]])
                } else {
                    c(&dump["z0"][slots[i]])
                };
                if bad.is_none() && !cclose(net.z0[[k, i]], want_z0) {
                    bad = Some(format!(
                        "z0 port {} at point {k}: {} vs {want_z0}",
                        i + 1,
                        net.z0[[k, i]]
                    ));
                }
            }
        }
        let s_def = dump["s_def"].as_str().unwrap();
        if bad.is_none() && net.wave.as_str() != s_def {
            bad = Some(format!(
                "wave definition {} vs skrf {s_def}",
                net.wave.as_str()
            ));
        }
        match bad {
            None => agree += 1,
            Some(why) => failures.push(format!("{name}: {why}")),
        }
    }
    eprintln!(
        "corpus: {agree} agree with scikit-rf ({mixed} after skrf's mixed-mode reordering), {header_only} header-only, {rejected} rejected with a position, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(agree + header_only + rejected, 87);
    assert_eq!(rejected, 1, "skrf rejects one file (the dBm power sweep)");
}

#[test]
fn the_invalid_unit_error_names_the_line_and_the_token() {
    let path = corpus().join("files/piel__example_power_sweep.s2p");
    let e = read_path(&path, &ReadOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("piel__example_power_sweep.s2p:6:3"), "{msg}");
    assert!(msg.contains("`dBm`"), "{msg}");
}

#[test]
fn declared_frequencies_that_are_absent_are_an_error_with_a_line() {
    let path = corpus().join("files/tsjl__Example3.ts");
    let e = read_path(&path, &ReadOptions::default()).unwrap_err();
    assert_eq!(
        e.parse_kind(),
        Some(sireach::error::ParseErrorKind::Truncated)
    );
    assert_eq!(e.position().map(|p| p.line), Some(8));
}

#[test]
fn parallel_and_sequential_reads_agree_on_every_corpus_file() {
    // Files over 1 MiB take the parallel tokenizer by default; the result must not depend on it.
    let files = corpus().join("files");
    let mut parallel = 0;
    for e in std::fs::read_dir(&files).unwrap() {
        let path = e.unwrap().path();
        let seq = ReadOptions {
            par: sireach::Par::Seq,
            ..ReadOptions::default()
        };
        let par = ReadOptions {
            par: sireach::Par::Rayon(2),
            ..ReadOptions::default()
        };
        match (read_path(&path, &seq), read_path(&path, &par)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.network, b.network, "{}", path.display());
                if std::fs::metadata(&path).unwrap().len() >= 1 << 20 {
                    parallel += 1;
                }
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("{}: {:?} vs {:?}", path.display(), a.is_ok(), b.is_ok()),
        }
    }
    assert_eq!(parallel, 7, "the corpus has 7 files of 1 MiB or more");
}
