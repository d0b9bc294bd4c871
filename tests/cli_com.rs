//! `sireach com` from the command line: the JSON contract the acceptance check uses, on a
//! shared anchor set (values from PyChOpMarg 3.4.0's anchor JSON), and typed errors.

use std::path::Path;
use std::process::Command;

fn sireach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(args)
        .output()
        .expect("run sireach")
}

const CONFIGS: &str = "../shared/com/configs";
const THRU: &str = "../shared/com/channels/gore_C2C_12dB_thru/C2C_PCB_SYSVIA_12dB_thru.s4p.gz";

#[test]
fn json_has_the_contract_fields_and_matches_the_anchor() {
    if cfg!(debug_assertions) || !Path::new(THRU).exists() {
        eprintln!("skipped: needs --release and ../shared/com");
        return;
    }
    let cfg = format!("{CONFIGS}/anchor_r53_ctle_dfe.toml");
    let out = sireach(&["com", "--thru", THRU, "--config", &cfg, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let anchor: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("../shared/com/reference/gore_C2C_12dB_thru__r53_ctle_dfe.json")
            .unwrap(),
    )
    .unwrap();
    let r = &anchor["results"];
    let d =
        |k: &str, want: &serde_json::Value| (v[k].as_f64().unwrap() - want.as_f64().unwrap()).abs();
    assert!(d("com_db", &r["COM_dB"]) <= 0.1);
    assert!(d("fom_db", &r["FOM_dB"]) <= 0.05);
    assert!(d("eye_height_v", &r["eye_height_V"]) <= 1e-4);
    assert_eq!(v["equaliser"]["g_dc_db"], r["gDC_dB"]);
    for k in [
        "sigma_tx",
        "sigma_g",
        "sigma_n",
        "sigma_j",
        "sigma_isi",
        "sigma_xt",
    ] {
        assert!(v["noise_v"][k].is_f64(), "{k}");
    }
}

#[test]
fn unsupported_configurations_are_named() {
    // the r53 anchor with the 93A host boards switched on, which this version does not model
    let Ok(text) = std::fs::read_to_string(format!("{CONFIGS}/anchor_r53_ctle_dfe.toml")) else {
        return;
    };
    let dir = std::env::temp_dir().join("sireach_cli_com_unsupported");
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("pcb.toml");
    std::fs::write(&cfg, text.replace("include_pcb = 0", "include_pcb = 1")).unwrap();
    let out = sireach(&[
        "com",
        "--thru",
        THRU,
        "--config",
        cfg.to_str().unwrap(),
        "--json",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("include_pcb") && err.contains("not yet supported"),
        "{err}"
    );
}

#[test]
fn missing_files_are_errors_not_panics() {
    let dir = std::env::temp_dir().join("sireach_cli_com");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[params]\nfb = 53.125\nbogus = 1\n").unwrap();
    let out = sireach(&[
        "com",
        "--thru",
        "nope.s4p",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error:") && err.contains("bogus"), "{err}");
    let out = sireach(&["com", "--thru", "nope.s4p", "--config", "/nonexistent.toml"]);
    assert_eq!(out.status.code(), Some(1));
}
