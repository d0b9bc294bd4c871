//! The IEEE 802.3 example link model (10GEPBud3_1_16a) against the spreadsheet's own cached
//! results: every key of every `[[vector]]` of `../shared/optical/linkmodel_10gepbud.toml`
//! (sheet 850S2000) to 1e-9 relative, through the library and through the command line.

use std::path::PathBuf;
use std::process::Command;

use sireach::optical::link_model::{LinkInputs, LinkModel, VECTOR_KEYS, evaluate};

fn shared_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/optical/linkmodel_10gepbud.toml")
}

fn vectors() -> (String, Vec<toml::Table>) {
    let text = std::fs::read_to_string(shared_file()).expect("../shared/optical beside the repo");
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let v = doc["vector"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_table().unwrap().clone())
        .collect();
    (text, v)
}

fn num(v: &toml::Value) -> f64 {
    v.as_float()
        .or_else(|| v.as_integer().map(|i| i as f64))
        .unwrap()
}

#[test]
fn every_intermediate_of_every_vector_to_1e9() {
    let (text, vectors) = vectors();
    let inputs = LinkInputs::from_toml_str(&text, "linkmodel_10gepbud.toml").unwrap();
    let mut worst: Vec<(String, f64)> = Vec::new();
    let mut checked = 0;
    for v in &vectors {
        let l_km = num(&v["l_km"]);
        let b = evaluate(&inputs, l_km * 1e3).unwrap();
        let got = b.vector_values();
        for (key, want) in v {
            let want = num(want);
            let (_, g) = got
                .iter()
                .find(|(k, _)| k == key)
                .unwrap_or_else(|| panic!("vector key {key} not produced"));
            let e = (g - want).abs() / want.abs();
            assert!(e <= 1e-9, "{key} at {l_km} km: {g} vs {want} ({e:.2e})");
            match worst.iter_mut().find(|(k, _)| k == key) {
                Some(w) => w.1 = w.1.max(e),
                None => worst.push((key.clone(), e)),
            }
            checked += 1;
        }
    }
    assert_eq!(vectors.len(), 4);
    assert_eq!(checked, 17 + 9 * 3);
    for (k, e) in &worst {
        println!("{k:20} max relative error {e:.2e}");
    }
}

#[test]
fn model_reused_across_lengths_is_evaluate() {
    let (text, _) = vectors();
    let inputs = LinkInputs::from_toml_str(&text, "x").unwrap();
    let m = LinkModel::new(&inputs).unwrap();
    for l in [0.0, 1.0, 100.0, 400.0, 440.0, 1e4] {
        assert_eq!(m.at(l).unwrap(), evaluate(&inputs, l).unwrap());
    }
}

#[test]
fn cli_json_has_the_vector_keys() {
    let (_, vectors) = vectors();
    let bin = env!("CARGO_BIN_EXE_sireach");
    for v in &vectors {
        let l_km = num(&v["l_km"]);
        let out = Command::new(bin)
            .args(["optical", "link-model", "--inputs"])
            .arg(shared_file())
            .args(["--length-km", &l_km.to_string(), "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let obj = j.as_object().unwrap();
        assert_eq!(obj.len(), VECTOR_KEYS.len());
        for (key, want) in v {
            let g = obj[key].as_f64().unwrap();
            let want = num(want);
            assert!(
                (g - want).abs() <= 1e-9 * want.abs(),
                "{key}: {g} vs {want}"
            );
        }
    }
}

#[test]
fn cli_text_table_and_errors() {
    let bin = env!("CARGO_BIN_EXE_sireach");
    let out = Command::new(bin)
        .args(["optical", "link-model", "--inputs"])
        .arg(shared_file())
        .args(["--length-km", "0.4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    for k in VECTOR_KEYS {
        assert!(s.contains(k), "{k} missing from\n{s}");
    }
    assert!(s.contains("-2.348650916713"), "{s}");

    // A negative length and a missing file are errors with a message, exit status 1.
    let out = Command::new(bin)
        .args(["optical", "link-model", "--inputs"])
        .arg(shared_file())
        .args(["--length-km=-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("length"));
    let out = Command::new(bin)
        .args([
            "optical",
            "link-model",
            "--inputs",
            "/nonexistent.toml",
            "--length-km",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.toml"));

    // A bad key names the file, line and key.
    let dir = std::env::temp_dir().join(format!("sireach-lm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.toml");
    let text = std::fs::read_to_string(shared_file()).unwrap();
    std::fs::write(&f, text.replace("mpn_k = 0.3", "mpn_kk = 0.3")).unwrap();
    let out = Command::new(bin)
        .args(["optical", "link-model", "--inputs"])
        .arg(&f)
        .args(["--length-km", "0.4"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("bad.toml") && err.contains("mpn_kk") && err.contains("line"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_help_teaches_with_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["optical", "link-model", "--help"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("Examples:") && s.contains("--length-km 0.4"),
        "{s}"
    );
}
