//! The study report as a reader sees it: headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`) loads `index.html` and the rendered DOM holds the reach table with one row per
//! (PMD, medium, criterion) and the three inline SVG figures; a screenshot is kept in
//! `target/report-screenshot.png` to look at.

use std::path::Path;
use std::process::Command;

#[test]
fn chromium_renders_the_study_report() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("no chromium: skipped (.ci/run installs Debian's chromium package)");
        return;
    };
    let d = std::env::temp_dir().join("sireach_report_chromium");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let study = d.join("s.toml");
    std::fs::write(
        &study,
        "[study]\nname = \"report-check\"\npmds = [\"100GBASE-CR1\", \"50GBASE-CR\"]\ncriteria = [\"il\"]\nseed = 5\n\
         [[media]]\nkind = \"twinax\"\nawg = [26, 30]\n[monte_carlo]\nsamples = 30\n[monte_carlo.sigma]\nsurface_factor = 0.05\ntan_delta = 0.1\n",
    )
    .unwrap();
    let report = d.join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_sireach"))
        .args(["reach", "--study"])
        .arg(&study)
        .arg("--out")
        .arg(d.join("rows.csv"))
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = format!("file://{}", report.join("index.html").display());
    let dom = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            &url,
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<table id=\"summary\">"),
        "no table in the rendered page"
    );
    let body_rows = dom.matches("<tr><td class=\"l\">").count();
    assert_eq!(
        body_rows,
        2 * 2,
        "one table row per PMD × medium × criterion"
    );
    for k in 1..=3 {
        let fig = format!("<figure id=\"fig{k}\"><svg");
        assert!(dom.contains(&fig), "figure {k} is not an inline SVG");
    }
    assert!(dom.contains("Reach over the Monte Carlo samples"));
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshot.png");
    let s = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1400,2600",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(s.status.success() && shot.exists(), "no screenshot");
}
