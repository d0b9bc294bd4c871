//! `sireach eye` as a user runs it on the shared IEEE channels.

use std::process::Command;

use serde_json::Value;

const CA: &str = "../shared/com/channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz";
const EX2: &str = "../shared/com/channels/pcm_example2/example2_THRU.s4p.gz";

fn eye(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .arg("eye")
        .args(args)
        .output()
        .expect("runs")
}

fn json(args: &[&str]) -> Value {
    let out = eye(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The acceptance check's call: 53.125 GBd PAM4, 12-tap DFE, BER 1e-4, JSON.
fn acceptance_eye(channel: &str) -> Value {
    json(&[
        channel,
        "--baud-gbd",
        "53.125",
        "--pam4",
        "--dfe",
        "12",
        "--ber",
        "1e-4",
        "--json",
    ])
}

#[test]
fn the_cable_assembly_opens_and_the_60_db_channel_is_closed() {
    let good = acceptance_eye(CA);
    let h: Vec<f64> = good["eye_heights_v"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(h.len(), 3);
    // open, and below the cursor's 2/3 (an ideal PAM4 eye) — the eye is ISI and noise limited
    let cursor = good["cursor_v"].as_f64().unwrap();
    for x in &h {
        assert!(
            *x > 0.0 && *x < 2.0 / 3.0 * cursor,
            "{h:?} vs cursor {cursor}"
        );
    }
    let w = good["eye_width_ui"].as_f64().unwrap();
    assert!(w > 0.05 && w < 0.9, "{w}");
    // --rate 106.25G is the same symbol rate
    let same = json(&[CA, "--rate", "106.25G", "--json"]);
    assert_eq!(same["eye_heights_v"], good["eye_heights_v"]);
    // PyChOpMarg's example channel: 60 dB at Nyquist
    let bad = acceptance_eye(EX2);
    for v in bad["eye_heights_v"].as_array().unwrap() {
        assert!(v.as_f64().unwrap() <= 0.0, "{bad}");
    }
}

#[test]
fn fixed_equalisers_are_used_as_given_and_a_lower_ber_shrinks_the_eye() {
    let a = json(&[
        CA,
        "--baud-gbd",
        "53.125",
        "--ctle",
        "-12,-3",
        "--tx-ffe",
        "0.04,-0.2/0",
        "--json",
    ]);
    assert_eq!(a["ctle"]["g_dc_db"], -12.0);
    assert_eq!(a["ctle"]["g_dc2_db"], -3.0);
    let taps: Vec<f64> = a["tx_ffe"]["taps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(taps, vec![0.04, -0.2, 0.76, 0.0]);
    assert_eq!(a["settings_evaluated"].as_u64(), Some(33));
    let b = json(&[
        CA,
        "--baud-gbd",
        "53.125",
        "--ctle",
        "-12,-3",
        "--tx-ffe",
        "0.04,-0.2/0",
        "--ber",
        "1e-12",
        "--json",
    ]);
    let h = |v: &Value| v["eye_heights_v"][1].as_f64().unwrap();
    assert!(h(&b) < h(&a), "{} vs {}", h(&b), h(&a));
}

#[test]
fn mistakes_are_named() {
    let cases: [(&[&str], &str); 5] = [
        (&[CA], "--baud-gbd"),
        (&[CA, "--baud-gbd", "53.125", "--ctle", "loud"], "--ctle"),
        (
            &[CA, "--baud-gbd", "53.125", "--tx-ffe", "0.1,0.2"],
            "PRE/POST",
        ),
        (&[CA, "--baud-gbd", "53.125", "--ber", "2"], "--ber"),
        (
            &["/nonexistent/x.s4p", "--baud-gbd", "53.125"],
            "/nonexistent/x.s4p",
        ),
    ];
    for (args, want) in cases {
        let out = eye(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn plots_and_the_time_domain_eye() {
    let dir = std::env::temp_dir().join(format!("sireach-cli-eye-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (e, t, p) = (
        dir.join("eye.svg"),
        dir.join("tub.svg"),
        dir.join("pulse.svg"),
    );
    let v = json(&[
        CA,
        "--baud-gbd",
        "53.125",
        "--ctle",
        "-8,-3",
        "--tx-ffe",
        "0.04,-0.2/0",
        "--time-domain",
        "200000",
        "--plot",
        e.to_str().unwrap(),
        "--bathtub",
        t.to_str().unwrap(),
        "--pulse-plot",
        p.to_str().unwrap(),
        "--json",
    ]);
    let td = &v["time_domain"];
    assert_eq!(td["symbols"], 200000);
    assert_eq!(td["eye_heights_v"].as_array().unwrap().len(), 3);
    assert!(std::fs::read_to_string(&e).unwrap().contains("BER 1e-12"));
    assert!(std::fs::read_to_string(&t).unwrap().contains("target 1e-4"));
    assert!(dir.join("tub-vertical.svg").exists());
    assert!(
        std::fs::read_to_string(&p)
            .unwrap()
            .contains("cursors (1 per UI)")
    );
}

#[test]
fn preset_twinax_channels_shrink_the_eye_with_length_and_hosts() {
    let h = |spec: &str| {
        json(&[
            spec,
            "--baud-gbd",
            "53.125",
            "--ctle",
            "-8,-3",
            "--tx-ffe",
            "0.04,-0.2/0",
            "--json",
        ])["eye_heights_v"][1]
            .as_f64()
            .unwrap()
    };
    let (short, long) = (h("twinax:26awg:1m"), h("twinax:26awg:3m"));
    assert!(short > long, "{short} vs {long}");
    // the host recipe's packages and boards cost eye height at the same cable length
    assert!(h("twinax:26awg:1m:ck-cr") < short);
    for (spec, want) in [
        ("twinax:x:2m", "not a gauge"),
        ("twinax:26awg:2m:nohost", "ck-cr"),
    ] {
        let out = eye(&[spec, "--baud-gbd", "53.125"]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{spec}: {err}");
    }
}

#[test]
fn transmitter_jitter_closes_the_time_domain_eye() {
    let td = |extra: &[&str]| {
        let mut args = vec![
            CA,
            "--baud-gbd",
            "53.125",
            "--ctle",
            "-8,-3",
            "--tx-ffe",
            "0.04,-0.2/0",
            "--time-domain",
            "100000",
            "--json",
        ];
        args.extend_from_slice(extra);
        let v = json(&args);
        (
            v["time_domain"]["eye_heights_v"][1].as_f64().unwrap(),
            v["time_domain"]["eye_widths_ui"][1].as_f64().unwrap(),
        )
    };
    let (h0, w0) = td(&[]);
    let (h1, w1) = td(&["--td-rj-ui", "0.03"]);
    assert!(h1 < h0 && w1 < w0, "{h1} {w1} vs {h0} {w0}");
    // DCD shortens every other symbol by the DCD (its start late, its end early by DCD/2): an
    // unfiltered eye would narrow by the full DCD; through a lossy channel, whose pulse is wider
    // than a UI, the narrowing is real but smaller, and grows with the DCD
    let (_, w2) = td(&["--td-dcd-ui", "0.1"]);
    let (_, w3) = td(&["--td-dcd-ui", "0.2"]);
    assert!(w2 < w0 && w0 - w2 <= 0.1, "{w2} vs {w0}");
    assert!(w3 < w2 && w0 - w3 <= 0.2, "{w3} vs {w2}");
}
