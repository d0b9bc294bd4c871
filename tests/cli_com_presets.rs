//! `sireach com` with the built-in COM presets: selection by name (any case, PMD aliases) and
//! by file give the same COM; the list; unknown names; --plot writes the figure; the noise
//! budget table.

use std::path::Path;
use std::process::Command;

fn sireach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(args)
        .output()
        .expect("run sireach")
}

const THRU: &str = "../shared/com/channels/gore_C2C_12dB_thru/C2C_PCB_SYSVIA_12dB_thru.s4p.gz";

fn com_json(config: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "com", "--thru", THRU, "--config", config, "--search", "local", "--json",
    ];
    args.extend_from_slice(extra);
    let out = sireach(&args);
    assert!(
        out.status.success(),
        "{config}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn list_configs_names_every_preset_with_rate_clause_and_status() {
    let out = sireach(&["com", "--list-configs"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "100GBASE-CR1",
        "53.125",
        "162",
        "50GBASE-CR",
        "26.5625",
        "136",
        "25GBASE-CR",
        "25.78125",
        "110",
        "UNCONFIRMED",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
}

#[test]
fn a_preset_name_and_its_file_give_the_same_com() {
    if cfg!(debug_assertions) || !Path::new(THRU).exists() {
        eprintln!("skipped: needs --release and ../shared/com");
        return;
    }
    let by_name = com_json("100gbase-cr1", &[]);
    let by_alias = com_json("400GBASE-CR4", &[]);
    let by_file = com_json("data/standards/com/100GBASE-CR1.toml", &[]);
    assert_eq!(by_name["com_db"], by_file["com_db"]);
    assert_eq!(by_name["com_db"], by_alias["com_db"]);
    assert_eq!(by_name["config"], "100GBASE-CR1");
    assert_eq!(by_name["host_board"], "ck-cr");
    // both package cases ran; the reported COM is the smaller
    let cases = by_name["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let min = cases
        .iter()
        .map(|c| c["com_db"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(by_name["com_db"].as_f64().unwrap(), min);
    // the longer package loses more: the 31 mm case binds on this 12 dB channel
    assert_eq!(by_name["package_case_mm"].as_f64().unwrap(), 31.0);
    // adding the host boards costs COM (a 12 dB channel plus two 4.3 dB boards)
    let bare = com_json("100GBASE-CR1", &["--host-board", "none"]);
    assert!(bare["host_board"].is_null());
    assert!(
        bare["com_db"].as_f64().unwrap() > by_name["com_db"].as_f64().unwrap() + 0.5,
        "{} vs {}",
        bare["com_db"],
        by_name["com_db"]
    );
}

#[test]
fn unknown_names_and_bad_plot_paths_are_typed_errors() {
    let out = sireach(&["com", "--thru", THRU, "--config", "100GBASE-KR1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown COM preset") && err.contains("100GBASE-CR1, 50GBASE-CR, 25GBASE-CR"),
        "{err}"
    );
    let out = sireach(&["com", "--thru", THRU, "--config", "no/such.toml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such COM config file"));
    let out = sireach(&[
        "com",
        "--thru",
        THRU,
        "--config",
        "100GBASE-CR1",
        "--plot",
        "x.jpg",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(".svg or .png"));
    let out = sireach(&[
        "com",
        "--thru",
        THRU,
        "--config",
        "100GBASE-CR1",
        "--host-board",
        "nope",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown host recipe"));
}

#[test]
fn text_output_has_verdict_equaliser_noise_table_and_plot() {
    if cfg!(debug_assertions) || !Path::new(THRU).exists() {
        eprintln!("skipped: needs --release and ../shared/com");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sireach-com-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("com.png");
    let out = sireach(&[
        "com",
        "--thru",
        THRU,
        "--config",
        "25GBASE-CR",
        "--search",
        "local",
        "--plot",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("COM ") && (text.contains("PASS") || text.contains("FAIL")));
    for want in [
        "equaliser: CTLE g_DC",
        "DFE b(1)",
        "σ_ISI",
        "σ_XT",
        "σ_Tx",
        "σ_J",
        "σ_N",
        "σ_G",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
        "{}",
        bytes.len()
    );
    std::fs::remove_dir_all(&dir).ok();
}
