//! `sireach reach` as a user runs it, with no files beside the binary.

use std::process::Command;

use serde_json::Value;

fn reach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sireach"))
        .arg("reach")
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs")
}

#[test]
fn reach_json_rows_have_the_contract_keys_and_sane_physics() {
    let out = reach(&["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
    // 48 DAC rows (12 PMDs × 4 gauges), 27 AOC rows (the multimode PMDs × their fibres) and 32
    // transceiver rows (those and the 5 single-mode PMDs on OS2)
    let count = |m: &str| rows.iter().filter(|r| r["medium"] == m).count();
    assert_eq!(
        (count("dac"), count("aoc"), count("transceiver"), rows.len()),
        (48, 27, 32, 107)
    );
    // copper and optical rows at every port speed from 100G to 1.6T; AOC (multimode) up to 800G,
    // the fastest VCSEL PMD (802.3dj defines 200G/lane on single-mode fibre only)
    let has = |medium: &str, speed: f64| {
        rows.iter()
            .any(|r| r["medium"] == medium && r["port_speed_gbps"].as_f64() == Some(speed))
    };
    for speed in [100.0, 200.0, 400.0, 800.0, 1600.0] {
        assert!(has("dac", speed) && has("transceiver", speed), "{speed} G");
        assert_eq!(has("aoc", speed), speed < 1600.0, "{speed} G");
    }
    for r in &rows {
        for k in [
            "pmd",
            "medium",
            "variant",
            "port_speed_gbps",
            "lanes",
            "lane_rate_gbps",
            "reach_m",
            "criterion",
            "limited_by",
            "margin_db",
        ] {
            assert!(r.get(k).is_some(), "row lacks {k}: {r}");
        }
    }
    // --medium filters
    let only: Vec<Value> =
        serde_json::from_slice(&reach(&["--json", "--medium", "aoc"]).stdout).unwrap();
    assert!(
        only.len() == 27
            && only
                .iter()
                .all(|r| r["medium"] == "aoc" && r["criterion"] == "optical_margin")
    );
    // an AOC on OM4 reaches further than on OM3 (more modal bandwidth), and faster lanes less
    let aoc_reach = |pmd: &str, fibre: &str| {
        only.iter()
            .find(|r| r["pmd"] == pmd && r["variant"] == fibre)
            .and_then(|r| r["reach_m"].as_f64())
            .unwrap()
    };
    assert!(aoc_reach("400GBASE-SR8", "OM4") > aoc_reach("400GBASE-SR8", "OM3"));
    assert!(aoc_reach("100GBASE-SR4", "OM4") > aoc_reach("400GBASE-SR4", "OM4"));
    // a transceiver pays the connection allocation an AOC saves: shorter on the same fibre
    let xcvr: Vec<Value> =
        serde_json::from_slice(&reach(&["--json", "--medium", "transceiver"]).stdout).unwrap();
    let xcvr_reach = |pmd: &str, fibre: &str| {
        xcvr.iter()
            .find(|r| r["pmd"] == pmd && r["variant"] == fibre)
            .and_then(|r| r["reach_m"].as_f64())
            .unwrap()
    };
    assert!(xcvr_reach("400GBASE-SR8", "OM4") < aoc_reach("400GBASE-SR8", "OM4"));
    // single mode runs out of power, not bandwidth, past its 500 m objective
    let dr8 = xcvr.iter().find(|r| r["pmd"] == "1.6TBASE-DR8").unwrap();
    assert_eq!(dr8["limited_by"], "attenuation");
    assert!(dr8["reach_m"].as_f64().unwrap() > 500.0, "{dr8}");
    let get = |pmd: &str, awg: &str| {
        rows.iter()
            .find(|r| r["pmd"] == pmd && r["variant"] == awg)
            .and_then(|r| r["reach_m"].as_f64())
            .unwrap()
    };
    // thicker wire reaches further; faster lanes reach less
    assert!(get("100GBASE-CR1", "26AWG") > get("100GBASE-CR1", "30AWG"));
    assert!(get("100GBASE-CR4", "26AWG") > get("100GBASE-CR1", "26AWG"));
    assert!(get("100GBASE-CR1", "26AWG") > get("200GBASE-CR1", "26AWG"));
}

#[test]
fn reach_csv_and_table_agree_with_json() {
    // the formats, not the criterion, are under test: the quick IL criterion
    let il = ["--criterion", "il"];
    let json: Vec<Value> =
        serde_json::from_slice(&reach(&[&il[..], &["--json"]].concat()).stdout).unwrap();
    let csv = String::from_utf8(reach(&[&il[..], &["--csv"]].concat()).stdout).unwrap();
    assert_eq!(csv.lines().count(), json.len() + 1);
    let table = String::from_utf8(reach(&il).stdout).unwrap();
    let first = &json[0];
    assert!(
        table.contains(&format!("{:.2} m", first["reach_m"].as_f64().unwrap())),
        "{table}"
    );
}

#[test]
fn a_missing_presets_folder_is_a_clear_error() {
    let out = reach(&["--presets", "/nonexistent/presets"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/presets/standards/copper.toml"),
        "{err}"
    );
}

#[test]
fn reach_checks_add_erl_and_ild_of_the_modelled_assembly() {
    // the checks at the reach length, whatever the criterion: the quick IL one
    let out = reach(&["--checks", "--json", "--criterion", "il"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<&Value> = rows.iter().filter(|r| r["medium"] == "dac").collect();
    let mut with_erl = 0;
    for r in &rows {
        let c = &r["checks"];
        assert!(c["fom_ild_db"].as_f64().unwrap() < 0.01, "{r}");
        if r["clause"].as_str().unwrap().starts_with("162") {
            // matched plugs and cable: ERL far above the 8.25 dB limit
            assert!(c["erl_db"].as_f64().unwrap() > 30.0, "{r}");
            assert_eq!(c["erl_pass"], true);
            with_erl += 1;
        } else {
            assert!(c["erl_db"].is_null(), "{r}");
        }
    }
    assert_eq!(with_erl, 16);
    // without --checks the rows carry none
    let plain: Vec<Value> =
        serde_json::from_slice(&reach(&["--json", "--medium", "dac", "--criterion", "il"]).stdout)
            .unwrap();
    assert!(plain.iter().all(|r| r["checks"].is_null()));
}
