//! `sireach channel il` and `sireach reach --plot` as a user runs them, from a folder with no
//! data or fonts beside the binary; values checked against the library computed here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sireach::channel::twinax::{TwinaxParams, loss_db_per_metre};
use sireach::presets::Presets;

fn sireach(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn tmp_dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sireach-cli-channel-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Width and height from a PNG's IHDR, after checking the signature.
fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap();
    assert!(
        b.len() > 1000,
        "{} is only {} bytes",
        path.display(),
        b.len()
    );
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&b[12..16], b"IHDR");
    let be = |k: usize| u32::from_be_bytes([b[k], b[k + 1], b[k + 2], b[k + 3]]);
    (be(16), be(20))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// IL of `length` m of `awg` twinax plus two plugs at `f`, from the library (matched line).
fn library_il_db(p: &Presets, awg: f64, length: f64, f: f64) -> f64 {
    let cable = TwinaxParams::from_preset(&p.twinax, awg);
    loss_db_per_metre(&cable, &[f]).unwrap()[0] * length + 2.0 * p.twinax.plug_loss_db(f)
}

#[test]
fn il_json_at_nyquist_is_the_twinax_model_plus_plugs_against_the_clause_limit() {
    let out = sireach(&[
        "channel",
        "il",
        "--awg",
        "26",
        "--length",
        "2",
        "--pmd",
        "100GBASE-CR1",
        "--json",
    ]);
    let j: Value = serde_json::from_str(&ok(&out)).expect("JSON");
    let p = Presets::embedded().unwrap();
    let fam = p
        .copper
        .iter()
        .find(|f| f.variants.iter().any(|v| v.pmd == "100GBASE-CR1"))
        .unwrap();
    let nyq = fam.nyquist_hz();
    assert_eq!(j["pmd"], "100GBASE-CR1");
    assert_eq!(j["nyquist"]["frequency_hz"].as_f64(), Some(26.5625e9));
    // the two-port's IL equals loss per metre × length + plugs: a 100 Ω line in 100 Ω ports
    // (RL near 68 dB here) adds < 1e-6 dB of mismatch loss
    let want = library_il_db(&p, 26.0, 2.0, nyq);
    let got = j["nyquist"]["il_db"].as_f64().unwrap();
    assert!(
        (got - want).abs() < 1e-3,
        "IL at Nyquist {got} vs {want} dB"
    );
    let plugs = j["nyquist"]["plugs_db"].as_f64().unwrap();
    assert!((plugs - 2.0 * p.twinax.plug_loss_db(nyq)).abs() < 1e-12);
    assert_eq!(j["nyquist"]["limit_db"].as_f64(), Some(fam.ca_il_max_db));
    assert_eq!(j["nyquist"]["limit_grade"], fam.ca_il_grade.as_str());
    let margin = j["nyquist"]["margin_db"].as_f64().unwrap();
    assert!((margin - (fam.ca_il_max_db - got)).abs() < 1e-12);
    // the same margin as the reach table's at this length: 7.16 dB (README)
    assert!((margin - 7.16).abs() < 0.01, "{margin}");
    assert_eq!(j["nyquist"]["within_limit"], true);

    // arrays over frequency: 1001 points from 0 to f_b, IL = cable + plugs, ILD = IL − fit
    let f = floats(&j["frequency_hz"]);
    let il = floats(&j["il_db"]);
    let cable = floats(&j["il_cable_db"]);
    let plug = floats(&j["plugs_db"]);
    let fit = floats(&j["il_fitted_db"]);
    let ild = floats(&j["ild_db"]);
    let rl = floats(&j["rl_db"]);
    assert_eq!(f.len(), 1001);
    assert_eq!((f[0], f[1000]), (0.0, 53.125e9));
    for a in [&il, &cable, &plug, &fit, &ild, &rl] {
        assert_eq!(a.len(), f.len());
    }
    for k in [1, 250, 500, 1000] {
        let want = library_il_db(&p, 26.0, 2.0, f[k]);
        assert!(
            (il[k] - want).abs() < 1e-3,
            "IL at {} Hz: {} vs {want}",
            f[k],
            il[k]
        );
        assert!((il[k] - cable[k] - plug[k]).abs() < 1e-12);
        assert!((ild[k] - (il[k] - fit[k])).abs() < 1e-9);
    }
    assert!(il.windows(2).all(|w| w[1] > w[0]), "IL must rise with f");
    // the model is smooth: the four-term fit follows it to well under 0.05 dB in its band
    let band = floats(&j["ild_fit"]["band_hz"]);
    assert_eq!(band, vec![0.05e9, 53.125e9]);
    for (fk, d) in f.iter().zip(&ild) {
        if *fk >= band[0] && *fk <= band[1] {
            assert!(d.abs() < 0.05, "ILD {d} dB at {fk} Hz");
        }
    }
    assert!(
        rl[500] > 30.0,
        "a 100 Ω cable in 100 Ω ports reflects little: {}",
        rl[500]
    );
    assert!(j["plot"].is_null());
}

#[test]
fn il_defaults_to_the_fastest_pmd_and_26_awg() {
    let j: Value =
        serde_json::from_str(&ok(&sireach(&["channel", "il", "--length", "1", "--json"]))).unwrap();
    assert_eq!(j["pmd"], "200GBASE-CR1");
    assert_eq!(j["awg"].as_f64(), Some(26.0));
    assert_eq!(j["nyquist"]["frequency_hz"].as_f64(), Some(53.125e9));
    let p = Presets::embedded().unwrap();
    let want = library_il_db(&p, 26.0, 1.0, 53.125e9);
    assert!((j["nyquist"]["il_db"].as_f64().unwrap() - want).abs() < 1e-3);
}

#[test]
fn il_text_says_what_the_limit_is_and_csv_has_a_row_per_frequency() {
    let text = ok(&sireach(&[
        "channel",
        "il",
        "--awg",
        "30",
        "--length",
        "3",
        "--pmd",
        "50gbase-cr",
    ]));
    for want in [
        "50GBASE-CR cable assembly: 3 m of 30 AWG",
        "13.28125 GHz",
        "17.16 dB: the Clause 136 cable-assembly IL limit at Nyquist, grade C",
        "not verified",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    // 3 m of 30 AWG at 13.28 GHz: 3 × 4.2 + 2 plugs ≈ 14.5 dB < 17.16 dB
    let p = Presets::embedded().unwrap();
    let il = library_il_db(&p, 30.0, 3.0, 13.28125e9);
    assert!(
        text.contains(&format!("IL at Nyquist   {il:.2} dB")),
        "{il}\n{text}"
    );

    let csv = ok(&sireach(&[
        "channel",
        "il",
        "--length",
        "2",
        "--csv",
        "--points",
        "101",
        "--fmax-hz",
        "60e9",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 102);
    assert_eq!(
        lines[0],
        "frequency_hz,il_db,il_cable_db,plugs_db,rl_db,il_fitted_db,ild_db"
    );
    assert!(lines[101].starts_with("60000000000,"), "{}", lines[101]);
}

#[test]
fn il_plots_are_svg_and_png_with_their_text_and_size() {
    let d = tmp_dir("il");
    let svg = d.join("il.svg");
    let png = d.join("il.png");
    let text = ok(&sireach(&[
        "channel",
        "il",
        "--length",
        "2",
        "--pmd",
        "100GBASE-CR1",
        "--plot",
        svg.to_str().unwrap(),
    ]));
    assert!(
        text.contains(&format!("plot            {}", svg.display())),
        "{text}"
    );
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg"), "{}", &s[..60]);
    assert!(s.trim_end().ends_with("</svg>"));
    for want in [
        "100GBASE-CR1 cable assembly: 2 m of 26 AWG twinax + two plugs",
        "Insertion loss (dB)",
        "Return loss (dB)",
        "ILD (dB)",
        "Frequency (GHz)",
        "CA IL limit at Nyquist, Cl 162 (grade C)",
        "Nyquist 26.56 GHz",
    ] {
        assert!(s.contains(want), "SVG lacks {want:?}");
    }
    // --json with --plot: the plot is written and named, stdout stays pure JSON
    let j: Value = serde_json::from_str(&ok(&sireach(&[
        "channel",
        "il",
        "--length",
        "2",
        "--json",
        "--plot",
        png.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(j["plot"], png.to_str().unwrap());
    // three panels of 420 px under a 56 px title, 1200 px wide
    assert_eq!(png_size(&png), (1200, 56 + 3 * 420));
}

#[test]
fn reach_plot_draws_every_row_and_keeps_the_table() {
    let d = tmp_dir("reach");
    let png = d.join("reach.png");
    let svg = d.join("reach.svg");
    let table = ok(&sireach(&["reach", "--plot", png.to_str().unwrap()]));
    assert!(table.contains("100GBASE-CR4"), "{table}");
    assert!(table.contains(&format!("plot: {}", png.display())));
    // 48 bars + 4 family headings + 3 gaps, 24 px each, plus 150 px of title and axis
    assert_eq!(png_size(&png), (1400, 150 + 24 * 55));
    let json: Vec<Value> = serde_json::from_str(&ok(&sireach(&[
        "reach",
        "--json",
        "--plot",
        svg.to_str().unwrap(),
    ])))
    .unwrap();
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg"));
    assert!(s.contains("Passive DAC reach"));
    // the chart draws the DAC rows (AOC reach, tens of metres, would flatten them)
    for r in json.iter().filter(|r| r["medium"] == "dac") {
        let label = format!(
            "{}  {}",
            r["pmd"].as_str().unwrap(),
            r["variant"].as_str().unwrap()
        );
        assert!(s.contains(&label), "SVG lacks the row {label}");
        let value = format!("{:.2} m", r["reach_m"].as_f64().unwrap());
        assert!(s.contains(&value), "SVG lacks the reach {value}");
    }
    assert!(s.contains("IEEE objective 2 m") && s.contains("IEEE reach objective"));
}

#[test]
fn bad_arguments_are_clear_errors() {
    let err = |args: &[&str]| {
        let out = sireach(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = err(&["channel", "il", "--length", "2", "--pmd", "100GBASE-CR9"]);
    assert!(e.contains("unknown PMD '100GBASE-CR9'"), "{e}");
    for known in ["100GBASE-CR4", "50GBASE-CR", "100GBASE-CR1", "1.6TBASE-CR8"] {
        assert!(e.contains(known), "{e}");
    }
    let d = tmp_dir("bad");
    let pdf = d.join("il.pdf");
    let e = err(&[
        "channel",
        "il",
        "--length",
        "2",
        "--plot",
        pdf.to_str().unwrap(),
    ]);
    assert!(e.contains("il.pdf") && e.contains(".svg or .png"), "{e}");
    assert!(!pdf.exists());
    let e = err(&["reach", "--plot", "reach.jpg"]);
    assert!(e.contains("reach.jpg") && e.contains(".svg or .png"), "{e}");
    let e = err(&["channel", "il", "--length", "-1"]);
    assert!(e.contains("--length"), "{e}");
    let e = err(&["channel", "il", "--length", "1", "--awg", "60"]);
    assert!(e.contains("--awg"), "{e}");
    let e = err(&["channel", "il", "--awg", "26"]);
    assert!(e.contains("--length"), "{e}");
    let e = err(&["channel", "il", "--length", "1", "--json", "--csv"]);
    assert!(e.contains("cannot be used with"), "{e}");
    let e = err(&[
        "channel",
        "il",
        "--length",
        "1",
        "--plot",
        "/nonexistent-dir/il.png",
    ]);
    assert!(e.contains("/nonexistent-dir/il.png"), "{e}");
}

#[test]
fn il_help_teaches_with_examples() {
    let help = ok(&sireach(&["channel", "il", "--help"]));
    for want in [
        "Examples:",
        "--plot il.svg",
        "fastest family",
        "limit at the Nyquist frequency",
        "ILD = IL − fitted IL",
    ] {
        assert!(help.contains(want), "help lacks {want:?}:\n{help}");
    }
}
