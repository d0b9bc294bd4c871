//! The `sireach touchstone` commands as a user runs them: JSON keys, exit codes, error text,
//! and conversions checked against closed forms on a real IEEE 802.3ck cable assembly.

use std::path::{Path, PathBuf};
use std::process::Command;

use num_complex::Complex64;
use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
}

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/touchstone/files")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_touchstone");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

fn run_ok(args: &[&str]) -> String {
    let out = bin().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "sireach {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// `sireach touchstone convert IN OUT EXTRA...`
fn convert(input: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "touchstone",
        "convert",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(&args);
}

fn json_file(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("written")).expect("JSON")
}

fn c(v: &Value) -> Complex64 {
    Complex64::new(v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

const CABLE: &str = "serdespy__CA_19p75dB_thru.s4p";

#[test]
fn info_json_describes_the_cable_assembly() {
    let out = run_ok(&[
        "touchstone",
        "info",
        shared(CABLE).to_str().unwrap(),
        "--json",
        "--at",
        "26.5625GHz",
    ]);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["nports"], 4);
    assert_eq!(v["nfreq"], 6001);
    assert_eq!(v["version"], "1.0");
    assert_eq!(v["format"], "RI");
    assert_eq!(v["f_max_hz"].as_f64(), Some(60e9));
    assert_eq!(
        v["uniform_step_hz"]
            .as_f64()
            .map(|s| (s - 10e6).abs() < 1e-3),
        Some(true)
    );
    assert!(v["passivity"]["max_singular_value"].as_f64().unwrap() > 0.9);
    assert!(v["reciprocity"]["max_asymmetry"].as_f64().unwrap() < 1e-3);
    // |S| in dB at the nearest point to 26.5625 GHz (26.56 GHz on the 10 MHz grid)
    assert_eq!(v["at"]["frequency_hz"].as_f64(), Some(26.56e9));
    let s31 = v["at"]["s_db"][2][0].as_f64().unwrap();
    assert!((-19.0..-17.0).contains(&s31), "{s31}");
}

#[test]
fn convert_to_json_has_the_dump_field_names_and_values() {
    let out = scratch("cable.json");
    convert(&shared(CABLE), &out, &[]);
    let got = json_file(&out);
    let dump_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/touchstone/dumps")
        .join(format!("{CABLE}.json"));
    let dump = json_file(&dump_path);
    assert_eq!(got["nports"], 4);
    assert_eq!(got["frequency_hz"].as_array().unwrap().len(), 6001);
    assert_eq!(got["z0"].as_array().unwrap().len(), 6001);
    for k in [0, 1234, 6000] {
        assert_eq!(got["frequency_hz"][k], dump["frequency_hz"][k]);
        for (i, j) in [(0, 0), (2, 0), (3, 1), (1, 3)] {
            assert_eq!(
                got["s"][k][i][j],
                dump["s"][k][i][j],
                "S{}{} at {k}",
                i + 1,
                j + 1
            );
        }
    }
}

#[test]
fn convert_to_version_2_and_back_keeps_every_number() {
    let v2 = scratch("cable_v2.ts");
    let back = scratch("cable_back.s4p");
    convert(
        &shared(CABLE),
        &v2,
        &["--version", "2", "--format", "ri", "--unit", "hz"],
    );
    assert!(
        std::fs::read_to_string(&v2)
            .unwrap()
            .contains("[Version] 2.0")
    );
    convert(&v2, &back, &["--version", "1"]);
    let (a, b) = (scratch("a.json"), scratch("b.json"));
    convert(&shared(CABLE), &a, &[]);
    convert(&back, &b, &[]);
    let (ja, jb) = (json_file(&a), json_file(&b));
    assert_eq!(ja["s"], jb["s"]);
    assert_eq!(ja["frequency_hz"], jb["frequency_hz"]);
}

#[test]
fn mixed_mode_conversion_matches_the_closed_form() {
    // Pairing 1-2/3-4: D1 = (1, 2), D2 = (3, 4). Bockelman & Eisenstadt 1995:
    // SDD21 = (S31 − S32 − S41 + S42) / 2, SCD21 = (S31 − S32 + S41 − S42) / 2.
    let se = scratch("se.json");
    let mm = scratch("mm.ts");
    let mmj = scratch("mm.json");
    convert(&shared(CABLE), &se, &[]);
    convert(&shared(CABLE), &mm, &["--mixed-mode", "1-2/3-4"]);
    convert(&mm, &mmj, &[]);
    let (s, m) = (json_file(&se), json_file(&mmj));
    assert_eq!(m["port_names"], serde_json::json!(["D1", "D2", "C1", "C2"]));
    for k in [1, 2656, 6000] {
        let e = |i: usize, j: usize| c(&s["s"][k][i - 1][j - 1]);
        let sdd21 = (e(3, 1) - e(3, 2) - e(4, 1) + e(4, 2)) / 2.0;
        let scd21 = (e(3, 1) - e(3, 2) + e(4, 1) - e(4, 2)) / 2.0;
        assert!((c(&m["s"][k][1][0]) - sdd21).norm() < 1e-12, "SDD21 at {k}");
        assert!((c(&m["s"][k][3][0]) - scd21).norm() < 1e-12, "SCD21 at {k}");
        assert_eq!(c(&m["z0"][k][0]), Complex64::new(100.0, 0.0));
        assert_eq!(c(&m["z0"][k][2]), Complex64::new(25.0, 0.0));
    }
}

#[test]
fn renormalise_there_and_back_is_the_identity() {
    let r100 = scratch("r100.s4p");
    let r50 = scratch("r50.s4p");
    let (a, b) = (scratch("r_a.json"), scratch("r_b.json"));
    convert(&shared(CABLE), &r100, &["--renormalise", "100"]);
    convert(&r100, &r50, &["--renormalise", "50"]);
    convert(&shared(CABLE), &a, &[]);
    convert(&r50, &b, &[]);
    let (ja, jb) = (json_file(&a), json_file(&b));
    for k in [0, 3000, 6000] {
        for i in 0..4 {
            for j in 0..4 {
                let d = (c(&ja["s"][k][i][j]) - c(&jb["s"][k][i][j])).norm();
                assert!(d < 1e-12, "S{}{} at {k}: {d}", i + 1, j + 1);
            }
        }
    }
}

#[test]
fn a_bad_file_exits_non_zero_with_file_line_and_column() {
    let out = bin()
        .args([
            "touchstone",
            "info",
            shared("piel__example_power_sweep.s2p").to_str().unwrap(),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("piel__example_power_sweep.s2p:6:3:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn strict_info_exits_3_and_lists_the_warnings() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2_no_network_data.ts");
    let out = bin()
        .args(["touchstone", "info", file.to_str().unwrap(), "--strict"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[Network Data]"), "{text}");
}

#[test]
fn the_measured_cable_assembly_is_causal() {
    let out = run_ok(&[
        "touchstone",
        "info",
        shared(CABLE).to_str().unwrap(),
        "--json",
        "--causality",
    ]);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["causality"]["causal"], true);
    let r = v["causality"]["worst_ratio"].as_f64().unwrap();
    assert!(r > 0.0 && r < 1e-2, "{r}");
}
