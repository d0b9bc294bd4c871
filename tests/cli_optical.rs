//! `sireach optical budget` / `optical reach` as a user runs them.

use std::process::Command;

use serde_json::Value;

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .arg("optical")
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&ok(args)).expect("JSON")
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k}: {v}"))
}

#[test]
fn the_waterfall_adds_up_and_an_aoc_saves_the_connection_allocation() {
    let base = [
        "budget",
        "--pmd",
        "400GBASE-SR8",
        "--fibre",
        "OM4",
        "--length",
        "70",
        "--json",
    ];
    let x = json(&base);
    let sum = f(&x, "power_budget_db")
        - f(&x, "connection_loss_db")
        - f(&x, "fibre_attenuation_db")
        - f(&x, "dispersion_penalty_db")
        - f(&x, "mpn_penalty_db");
    assert!((sum - f(&x, "margin_db")).abs() < 1e-12, "{x}");
    assert_eq!(f(&x, "connection_loss_db"), 1.5);
    let mut aoc = base.to_vec();
    aoc.push("--aoc");
    let a = json(&aoc);
    assert!((f(&a, "margin_db") - f(&x, "margin_db") - 1.5).abs() < 1e-12);
    // OM4 at 850 nm: 3.5 dB/km (the link model's spectral attenuation, normalised there)
    assert!((f(&x, "fibre_attenuation_db") - 0.245).abs() < 1e-3, "{x}");
}

#[test]
fn reach_is_where_the_margin_reaches_zero() {
    let r = json(&[
        "reach",
        "--pmd",
        "100GBASE-SR4",
        "--fibre",
        "OM3",
        "--aoc",
        "--json",
    ]);
    let reach = f(&r, "reach_m");
    let at = |l: f64| {
        f(
            &json(&[
                "budget",
                "--pmd",
                "100GBASE-SR4",
                "--fibre",
                "OM3",
                "--aoc",
                "--json",
                "--length",
                &l.to_string(),
            ]),
            "margin_db",
        )
    };
    assert!(at(reach) >= 0.0 && at(reach + 0.011) < 0.0, "{reach}");
    assert_eq!(f(&r, "reach_objective_m"), 70.0);
    assert!(r["margin_curve"].as_array().unwrap().len() > 10);
}

#[test]
fn mistakes_are_named() {
    let out = run(&[
        "budget",
        "--pmd",
        "400GBASE-SR8",
        "--fibre",
        "OM9",
        "--length",
        "10",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("OM9") && err.contains("OM4"),
        "{err}"
    );
    let out = run(&[
        "budget",
        "--pmd",
        "400GBASE-SR8",
        "--fibre",
        "OS2",
        "--length",
        "10",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("OM3, OM4, OM5"),
        "{err}"
    );
    let out = run(&[
        "budget",
        "--pmd",
        "400GBASE-SR8",
        "--fibre",
        "OM4",
        "--length",
        "-3",
    ]);
    assert!(!out.status.success());
    let out = run(&["reach", "--pmd", "400GBASE-XR8", "--fibre", "OM4"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("400GBASE-DR4"));
}

#[test]
fn budget_and_reach_draw_their_plots() {
    let dir = std::env::temp_dir().join(format!("sireach-optical-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wf = dir.join("budget.svg");
    let mc = dir.join("margin.png");
    ok(&[
        "budget",
        "--pmd",
        "400GBASE-SR8",
        "--fibre",
        "OM4",
        "--length",
        "100",
        "--plot",
        wf.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(&wf).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("power budget") && svg.contains("margin"),
        "{svg}"
    );
    ok(&[
        "reach",
        "--pmd",
        "100GBASE-SR4",
        "--fibre",
        "OM3",
        "--plot",
        mc.to_str().unwrap(),
    ]);
    let png = std::fs::read(&mc).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_dir_all(&dir).ok();
}
