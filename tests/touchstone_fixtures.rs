//! Hand-written Touchstone fixtures (`tests/fixtures/`): one per specification feature and one
//! per class of bad input. Expected values are worked out by hand or in closed form (see each
//! fixture's first comment lines), never by running sireach.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use num_complex::Complex64 as C;
use sireach::error::{Error, ParseErrorKind as K};
use sireach::network::{ParamType, WaveDef};
use sireach::touchstone::{
    DataFormat, FrequencyUnit, MatrixFormat, ReadOptions, Touchstone, TwoPortOrder, Version,
    read_bytes, read_path,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn read(name: &str) -> Touchstone {
    read_path(&fixture(name), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name} should read, got: {e}"))
}

fn read_err(name: &str) -> Error {
    match read_path(&fixture(name), &ReadOptions::default()) {
        Ok(t) => panic!(
            "{name} should fail to read, but read {} frequencies x {} ports",
            t.network.nfreq(),
            t.network.nports()
        ),
        Err(e) => e,
    }
}

/// Complex number from magnitude and angle in degrees.
fn polar(mag: f64, deg: f64) -> C {
    C::from_polar(mag, deg.to_radians())
}

fn decimal(s: &str) -> f64 {
    s.parse().unwrap()
}

#[track_caller]
fn assert_close(got: C, want: C, tol: f64, what: &str) {
    assert!(
        (got - want).norm() <= tol,
        "{what}: got {got}, want {want} (|diff| {:e} > {tol:e})",
        (got - want).norm()
    );
}

/// Assert the whole S array against `want(k, i, j)` within `tol`.
#[track_caller]
fn assert_s(t: &Touchstone, want: impl Fn(usize, usize, usize) -> C, tol: f64) {
    let (nf, n, _) = t.network.s.dim();
    for k in 0..nf {
        for i in 0..n {
            for j in 0..n {
                assert_close(
                    t.network.s[[k, i, j]],
                    want(k, i, j),
                    tol,
                    &format!("S{}{} at frequency index {k}", i + 1, j + 1),
                );
            }
        }
    }
}

#[track_caller]
fn assert_freqs(t: &Touchstone, want: &[f64]) {
    assert_eq!(
        t.network.frequency_hz.to_vec(),
        want.to_vec(),
        "frequencies"
    );
}

#[track_caller]
fn assert_uniform_z0(t: &Touchstone, r: f64) {
    for z in t.network.z0.iter() {
        assert_eq!(*z, C::new(r, 0.0), "z0");
    }
}

/// The parse error's class, line and column, and that its message names `file:line:col`.
#[track_caller]
fn assert_parse_error(name: &str, kind: K, line: u64, column: u64) {
    let e = read_err(name);
    check_error(&e, &fixture(name).display().to_string(), kind, line, column);
}

#[track_caller]
fn check_error(e: &Error, file: &str, kind: K, line: u64, column: u64) {
    assert_eq!(e.parse_kind(), Some(kind), "error kind of: {e}");
    let pos = e
        .position()
        .unwrap_or_else(|| panic!("no position in: {e}"));
    assert_eq!(
        (pos.line, pos.column),
        (line, column),
        "line and column of: {e}"
    );
    let msg = e.to_string();
    let want = format!("{file}:{line}:{column}");
    assert!(
        msg.contains(&want),
        "message {msg:?} should contain {want:?}"
    );
}

// ------------------------------------------------------------------------------------------
// Version 1: option line, units, formats, layout of the text
// ------------------------------------------------------------------------------------------

#[test]
fn v1_no_option_line_uses_defaults() {
    let t = read("v1_no_option_line.s1p");
    assert_eq!(t.header.version, Version::V1);
    assert!(!t.header.has_option_line);
    assert_eq!(t.header.unit, FrequencyUnit::GHz);
    assert_eq!(t.header.param, ParamType::S);
    assert_eq!(t.header.format, DataFormat::MA);
    assert_freqs(&t, &[1e9, 2e9]);
    assert_uniform_z0(&t, 50.0);
    let want = [C::new(0.0, 0.5), C::new(-0.25, 0.0)];
    assert_s(&t, |k, _, _| want[k], 1e-15);
    assert!(
        !t.warnings.is_empty(),
        "a missing option line should be reported as a warning"
    );
}

#[test]
fn v1_option_line_any_order_and_case() {
    let t = read("v1_option_odd_order.s1p");
    assert!(t.header.has_option_line);
    assert_eq!(t.header.unit, FrequencyUnit::KHz);
    assert_eq!(t.header.param, ParamType::S);
    assert_eq!(t.header.format, DataFormat::RI);
    assert_freqs(&t, &[1500.0, 3000.0]);
    assert_uniform_z0(&t, 75.0);
    assert_eq!(t.network.s[[0, 0, 0]], C::new(0.25, -0.5));
    assert_eq!(t.network.s[[1, 0, 0]], C::new(-0.125, 0.75));
}

#[test]
fn v1_units_hz_khz_mhz_ghz_and_formats_ri_ma_db() {
    let t = read("v1_unit_hz_ri.s1p");
    assert_eq!(
        (t.header.unit, t.header.format),
        (FrequencyUnit::Hz, DataFormat::RI)
    );
    assert_freqs(&t, &[100.0, 2500.0]);
    assert_eq!(t.network.s[[0, 0, 0]], C::new(0.5, 0.25));
    assert_eq!(t.network.s[[1, 0, 0]], C::new(-1.0, 0.0));

    let t = read("v1_unit_khz_ma.s1p");
    assert_eq!(
        (t.header.unit, t.header.format),
        (FrequencyUnit::KHz, DataFormat::MA)
    );
    assert_freqs(&t, &[1e3, 2.5e3, 1e4]);
    let want = [
        C::new(0.5, 0.0),
        C::new(0.0, 2.0),
        C::new(0.5, -(3f64.sqrt()) / 2.0),
    ];
    assert_s(&t, |k, _, _| want[k], 1e-15);

    let t = read("v1_unit_mhz_db.s1p");
    assert_eq!(
        (t.header.unit, t.header.format),
        (FrequencyUnit::MHz, DataFormat::DB)
    );
    assert_freqs(&t, &[1e6, 1e7, 1e8]);
    // -20 dB = 0.1; 0 dB at 180 deg = -1; 20 log10(0.5) dB at 45 deg = 0.5 (1 + j)/sqrt(2)
    let h = 0.5 / 2f64.sqrt();
    let want = [C::new(0.1, 0.0), C::new(-1.0, 0.0), C::new(h, h)];
    assert_s(&t, |k, _, _| want[k], 1e-14);

    let t = read("v1_unit_ghz_ri.s1p");
    assert_eq!(
        (t.header.unit, t.header.format),
        (FrequencyUnit::GHz, DataFormat::RI)
    );
    assert_freqs(&t, &[0.5e9, 1.25e9]);
    assert_eq!(t.network.s[[0, 0, 0]], C::new(0.1, -0.2));
    assert_eq!(t.network.s[[1, 0, 0]], C::new(0.3, 0.4));
}

#[test]
fn v1_comments_blank_lines_tabs_and_leading_spaces() {
    let t = read("v1_comments_whitespace.s2p");
    assert_eq!(t.header.format, DataFormat::RI);
    assert_freqs(&t, &[1e9, 2e9, 3e9]);
    // rows are f S11 S21 S12 S22
    let rows = [
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
        [0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
        [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8],
    ];
    for (k, r) in rows.iter().enumerate() {
        let s = &t.network.s;
        assert_eq!(s[[k, 0, 0]], C::new(r[0], r[1]));
        assert_eq!(s[[k, 1, 0]], C::new(r[2], r[3]));
        assert_eq!(s[[k, 0, 1]], C::new(r[4], r[5]));
        assert_eq!(s[[k, 1, 1]], C::new(r[6], r[7]));
    }
    let comments = t.network.comments.join("\n");
    assert!(comments.contains("another comment before the option line"));
    assert!(comments.contains("comment after the option line"));
}

#[test]
fn v1_crlf_line_ends() {
    let t = read("v1_crlf.s2p");
    assert!(
        std::fs::read(fixture("v1_crlf.s2p"))
            .unwrap()
            .contains(&b'\r')
    );
    assert_freqs(&t, &[1e8, 2e8]);
    for (k, sign) in [(0, 1.0), (1, -1.0)] {
        let s = &t.network.s;
        assert_close(s[[k, 0, 0]], polar(0.5, sign * 10.0), 1e-15, "S11");
        assert_close(s[[k, 1, 0]], polar(0.25, sign * 20.0), 1e-15, "S21");
        assert_close(s[[k, 0, 1]], polar(0.125, sign * 30.0), 1e-15, "S12");
        assert_close(s[[k, 1, 1]], polar(0.0625, sign * 40.0), 1e-15, "S22");
    }
}

#[test]
fn v1_utf8_byte_order_mark() {
    let bytes = std::fs::read(fixture("v1_bom.s1p")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let t = read("v1_bom.s1p");
    assert!(t.header.has_option_line);
    assert_freqs(&t, &[1e9, 2e9]);
    assert_eq!(t.network.s[[0, 0, 0]], C::new(0.5, 0.5));
    assert_eq!(t.network.s[[1, 0, 0]], C::new(0.25, -0.25));
}

#[test]
fn v1_latin1_byte_in_comments() {
    let bytes = std::fs::read(fixture("v1_latin1_comment.s1p")).unwrap();
    assert!(bytes.contains(&0xE9) && std::str::from_utf8(&bytes).is_err());
    let t = read("v1_latin1_comment.s1p");
    assert_freqs(&t, &[1e9, 2e9]);
    assert_eq!(t.network.s[[0, 0, 0]], C::new(0.5, 0.0));
    assert_eq!(t.network.s[[1, 0, 0]], C::new(0.25, 0.0));
    let comments = t.network.comments.join("\n");
    assert!(comments.contains("café"), "{comments:?}");
    assert!(comments.contains("référence"), "{comments:?}");
}

#[test]
fn v1_two_port_column_order_is_s11_s21_s12_s22() {
    let t = read("v1_2port_order.s2p");
    let s = &t.network.s;
    assert_eq!(s[[0, 0, 0]], C::new(0.11, 0.011));
    assert_eq!(s[[0, 1, 0]], C::new(0.21, 0.021), "second pair is S21");
    assert_eq!(s[[0, 0, 1]], C::new(0.12, 0.012), "third pair is S12");
    assert_eq!(s[[0, 1, 1]], C::new(0.22, 0.022));
    assert_eq!(s[[1, 1, 0]], C::new(0.211, -0.021));
    assert_eq!(s[[1, 0, 1]], C::new(0.121, -0.012));
}

/// `S_ij = k.ij - j k.ij` at `k` GHz, as written in the 3- and 4-port fixtures.
fn kij(k: usize, i: usize, j: usize) -> C {
    let x = decimal(&format!("{k}.{}{}", i + 1, j + 1));
    C::new(x, -x)
}

#[test]
fn v1_three_port_one_row_per_line() {
    let t = read("v1_3port.s3p");
    assert_eq!(t.network.nports(), 3);
    assert_freqs(&t, &[1e9, 2e9]);
    assert_s(&t, |k, i, j| kij(k + 1, i, j), 0.0);
}

#[test]
fn v1_four_port_any_wrapping() {
    let rows = read("v1_4port_rows.s4p");
    assert_eq!(rows.network.nports(), 4);
    assert_freqs(&rows, &[1e9, 2e9]);
    assert_s(&rows, |k, i, j| kij(k + 1, i, j), 0.0);
    for other in ["v1_4port_one_line.s4p", "v1_4port_three_per_line.s4p"] {
        let t = read(other);
        assert_eq!(t.network.frequency_hz, rows.network.frequency_hz, "{other}");
        assert_eq!(t.network.s, rows.network.s, "{other}");
    }
}

#[test]
fn v1_sixteen_port() {
    let t = read("v1_16port.s16p");
    assert_eq!(t.network.nports(), 16);
    assert_freqs(&t, &[1e9, 2e9, 3e9]);
    // a few entries by hand: S_{3,12} at 2 GHz is 2.0312 - 0.0312j, S_{16,1} at 3 GHz 3.1601 - 0.1601j
    assert_eq!(t.network.s[[1, 2, 11]], C::new(2.0312, -0.0312));
    assert_eq!(t.network.s[[2, 15, 0]], C::new(3.1601, -0.1601));
    assert_eq!(t.network.s[[0, 0, 0]], C::new(1.0101, -0.0101));
    assert_eq!(t.network.s[[0, 15, 15]], C::new(1.1616, -0.1616));
    // and all of them, from make_16port.py's rule
    assert_s(
        &t,
        |k, i, j| {
            C::new(
                decimal(&format!("{}.{:02}{:02}", k + 1, i + 1, j + 1)),
                decimal(&format!("-0.{:02}{:02}", i + 1, j + 1)),
            )
        },
        0.0,
    );
}

#[test]
fn v1_two_port_noise_block() {
    let t = read("v1_2port_noise.s2p");
    assert_freqs(&t, &[1e9, 2e9, 3e9]);
    assert_uniform_z0(&t, 25.0);
    assert_close(
        t.network.s[[2, 1, 0]],
        polar(1.8, 60.0),
        1e-15,
        "S21 at 3 GHz",
    );
    assert_close(
        t.network.s[[2, 0, 1]],
        polar(0.014, 7.0),
        1e-15,
        "S12 at 3 GHz",
    );
    let noise = t.network.noise.as_ref().expect("noise parameters");
    assert_eq!(noise.frequency_hz, vec![1.5e9, 2.5e9, 4e9]);
    assert_eq!(noise.nf_min_db, vec![0.8, 1.0, 1.3]);
    let gamma = [polar(0.3, 45.0), polar(0.25, 60.0), polar(0.2, 75.0)];
    for (g, w) in noise.gamma_opt.iter().zip(gamma) {
        assert_close(*g, w, 1e-15, "gamma_opt");
    }
    // version 1 Rn is normalised: 0.4 * 25 = 10 ohm, 0.5 * 25 = 12.5, 0.6 * 25 = 15
    for (r, w) in noise.rn_ohm.iter().zip([10.0, 12.5, 15.0]) {
        assert!((r - w).abs() <= 1e-12, "rn_ohm {r} want {w}");
    }
}

// ------------------------------------------------------------------------------------------
// Version 1 Y, Z, H, G (normalised to R)
// ------------------------------------------------------------------------------------------

#[test]
fn v1_y_normalised_matched_load() {
    // y11 = 1 normalised is 1/50 S at R = 50: a matched load, S11 = 0. (scikit-rf 2.2.0
    // multiplies Y by R instead of dividing and gets S11 = -0.9992 from this file.)
    let t = read("v1_y_matched.s1p");
    assert_eq!(t.header.param, ParamType::Y);
    assert_uniform_z0(&t, 50.0);
    assert_s(&t, |_, _, _| C::new(0.0, 0.0), 1e-12);
}

#[test]
fn v1_z_normalised() {
    // z11 = 3 normalised is 150 ohm at R = 50: S11 = (150 - 50) / (150 + 50) = 0.5
    let t = read("v1_z.s1p");
    assert_eq!(t.header.param, ParamType::Z);
    assert_s(&t, |_, _, _| C::new(0.5, 0.0), 1e-12);
}

#[test]
fn v1_h_series_shunt_network() {
    // Rs = 50 series then Gp = 1/50 shunt at port 2, z0 = 25:
    // S11 = 5/11, S21 = S12 = 4/11, S22 = 1/11 (see the fixture's comments).
    let t = read("v1_h_series_shunt.h2p");
    assert_eq!(t.header.param, ParamType::H);
    assert_uniform_z0(&t, 25.0);
    let want = [[5.0 / 11.0, 4.0 / 11.0], [4.0 / 11.0, 1.0 / 11.0]];
    assert_s(&t, |_, i, j| C::new(want[i][j], 0.0), 1e-12);
}

#[test]
fn v1_g_series_shunt_network() {
    // the same network as G-parameters (g = h^-1): the same S
    let t = read("v1_g_series_shunt.g2p");
    assert_eq!(t.header.param, ParamType::G);
    assert_uniform_z0(&t, 25.0);
    let want = [[5.0 / 11.0, 4.0 / 11.0], [4.0 / 11.0, 1.0 / 11.0]];
    assert_s(&t, |_, i, j| C::new(want[i][j], 0.0), 1e-12);
}

#[test]
fn v1_h_series_resistor() {
    // A series resistor Rs = 25 has H (h11 = Rs, h12 = 1, h21 = -1, h22 = 0) but no Z matrix.
    // S11 = S22 = Rs / (Rs + 100) = 0.2, S21 = S12 = 100 / (Rs + 100) = 0.8.
    let t = read("v1_h_series_resistor.h2p");
    assert_eq!(t.header.param, ParamType::H);
    let want = [[0.2, 0.8], [0.8, 0.2]];
    assert_s(&t, |_, i, j| C::new(want[i][j], 0.0), 1e-12);
}

#[test]
fn v1_1_per_port_r_on_option_line() {
    let t = read("v1_1_per_port_r.s3p");
    assert_eq!(
        t.header.reference_ohm,
        vec![C::new(50.0, 0.0), C::new(75.0, 0.0), C::new(100.0, 0.0)]
    );
    for k in 0..t.network.nfreq() {
        for (p, r) in [50.0, 75.0, 100.0].into_iter().enumerate() {
            assert_eq!(t.network.z0[[k, p]], C::new(r, 0.0));
        }
    }
    assert_eq!(t.network.s[[0, 1, 2]], C::new(0.5, 0.0));
    assert_eq!(t.network.s[[0, 2, 2]], C::new(0.6, 0.0));
}

// ------------------------------------------------------------------------------------------
// Version 2
// ------------------------------------------------------------------------------------------

#[test]
fn v2_two_port_data_order_12_21_and_21_12() {
    let a = read("v2_order_12_21.s2p");
    assert_eq!(
        a.header.version,
        Version::V2_0,
        "version from content, not the .s2p name"
    );
    assert_eq!(a.header.two_port_order, Some(TwoPortOrder::Order12_21));
    let s = &a.network.s;
    assert_eq!(s[[0, 0, 0]], C::new(0.11, 0.011));
    assert_eq!(s[[0, 0, 1]], C::new(0.12, 0.012));
    assert_eq!(s[[0, 1, 0]], C::new(0.21, 0.021));
    assert_eq!(s[[0, 1, 1]], C::new(0.22, 0.022));
    assert_eq!(s[[1, 0, 1]], C::new(0.121, -0.012));
    assert_eq!(s[[1, 1, 0]], C::new(0.211, -0.021));

    let b = read("v2_order_21_12.ts");
    assert_eq!(b.header.version, Version::V2_0);
    assert_eq!(b.header.two_port_order, Some(TwoPortOrder::Order21_12));
    assert_eq!(b.network.s, a.network.s);
    assert_eq!(b.network.frequency_hz, a.network.frequency_hz);
}

#[test]
fn version_comes_from_content_not_the_name() {
    assert_eq!(read("v2_order_12_21.s2p").header.version, Version::V2_0);
    assert_eq!(read("v2_order_21_12.ts").header.version, Version::V2_0);
    assert_eq!(read("v2_1_information.ts").header.version, Version::V2_1);
    assert_eq!(read("v1_2port_order.s2p").header.version, Version::V1);
    // the same v2 bytes with a v1-looking hint of another port count: still v2, 2 ports
    let bytes = std::fs::read(fixture("v2_order_12_21.s2p")).unwrap();
    let t = read_bytes(&bytes, "x", None, &ReadOptions::default()).unwrap();
    assert_eq!((t.header.version, t.network.nports()), (Version::V2_0, 2));
}

#[test]
fn v2_reference_over_two_lines() {
    let t = read("v2_reference_two_lines.ts");
    assert_eq!(t.network.nports(), 3);
    assert_freqs(&t, &[1e8]);
    for (p, r) in [50.0, 75.0, 100.0].into_iter().enumerate() {
        assert_eq!(t.network.z0[[0, p]], C::new(r, 0.0), "z0 of port {}", p + 1);
    }
    let angle = [0.0, 90.0, 180.0];
    assert_s(
        &t,
        |_, i, j| polar((3 * i + j + 1) as f64 / 10.0, angle[j]),
        1e-15,
    );
}

#[test]
fn v2_matrix_format_lower_and_upper_equal_full() {
    let full = read("v2_matrix_full.ts");
    assert_eq!(full.header.matrix_format, MatrixFormat::Full);
    // S_ij = S_ji = k.ab - j k.ab with a = max(i, j), b = min(i, j)
    assert_s(
        &full,
        |k, i, j| {
            let x = decimal(&format!("{}.{}{}", k + 1, i.max(j) + 1, i.min(j) + 1));
            C::new(x, -x)
        },
        0.0,
    );
    for (name, mf) in [
        ("v2_matrix_lower.ts", MatrixFormat::Lower),
        ("v2_matrix_upper.ts", MatrixFormat::Upper),
    ] {
        let t = read(name);
        assert_eq!(t.header.matrix_format, mf, "{name}");
        assert_eq!(t.network.frequency_hz, full.network.frequency_hz, "{name}");
        assert_eq!(t.network.s, full.network.s, "{name}");
    }
}

#[test]
fn v2_noise_data_rn_in_ohms() {
    let t = read("v2_noise.ts");
    assert_freqs(&t, &[1e9, 2e9]);
    assert_close(t.network.s[[1, 1, 0]], polar(1.9, 70.0), 1e-15, "S21");
    let noise = t.network.noise.as_ref().expect("noise parameters");
    assert_eq!(noise.frequency_hz, vec![1.5e9, 2.5e9]);
    assert_eq!(noise.nf_min_db, vec![0.8, 1.0]);
    assert_close(noise.gamma_opt[1], polar(0.25, 60.0), 1e-15, "gamma_opt");
    assert_eq!(noise.rn_ohm, vec![12.0, 14.0], "version 2 Rn is in ohms");
}

#[test]
fn v2_1_information_block() {
    let t = read("v2_1_information.ts");
    assert_eq!(t.header.version, Version::V2_1);
    assert_eq!(
        t.header.information,
        vec![
            "Manufacturer ACME Interconnect".to_string(),
            "Part 1234-A".to_string()
        ]
    );
    assert_freqs(&t, &[1e9, 2e9]);
    assert_eq!(t.network.s[[1, 0, 0]], C::new(0.25, 0.25));
}

#[test]
fn v2_z_in_ohms_not_normalised() {
    // z11 = 20 ohm with [Reference] 20: matched, S11 = 0
    let t = read("v2_z_ohms.ts");
    assert_eq!(t.header.param, ParamType::Z);
    assert_uniform_z0(&t, 20.0);
    assert_s(&t, |_, _, _| C::new(0.0, 0.0), 1e-12);
}

#[test]
fn v2_without_network_data_line_lenient_and_strict() {
    let t = read("v2_no_network_data.ts");
    assert_freqs(&t, &[1e9, 2e9]);
    assert_eq!(t.network.s[[1, 0, 0]], C::new(0.25, 0.0));
    let w = t
        .warnings
        .iter()
        .find(|w| w.message.contains("[Network Data]"))
        .unwrap_or_else(|| panic!("a warning about `[Network Data]`, got {:?}", t.warnings));
    assert_eq!((w.pos.line, w.pos.column), (6, 1), "{w}");

    let strict = ReadOptions {
        strict: true,
        ..ReadOptions::default()
    };
    let e = read_path(&fixture("v2_no_network_data.ts"), &strict)
        .expect_err("strict mode must reject data without `[Network Data]`");
    assert!(e.parse_kind().is_some(), "{e}");
    assert_eq!(e.position().map(|p| p.line), Some(6), "{e}");
}

// ------------------------------------------------------------------------------------------
// HFSS per-frequency port impedances
// ------------------------------------------------------------------------------------------

#[test]
fn hfss_port_impedance_comments_traveling() {
    let t = read("hfss_port_impedance.s2p");
    assert!(t.header.per_frequency_z0);
    assert_eq!(t.network.wave, WaveDef::Traveling);
    let z = &t.network.z0;
    assert_eq!(z[[0, 0]], C::new(49.5, 0.5));
    assert_eq!(z[[0, 1]], C::new(50.5, -0.25));
    assert_eq!(z[[1, 0]], C::new(48.0, 1.0));
    assert_eq!(z[[1, 1]], C::new(52.0, -0.5));
    // S is kept as written (not renormalised)
    assert_close(t.network.s[[0, 1, 0]], polar(0.9, -20.0), 1e-15, "S21");
    assert_close(t.network.s[[1, 1, 1]], polar(0.25, 35.0), 1e-15, "S22");
}

#[test]
fn hfss_port_impedance_comments_power_definition() {
    let t = read("hfss_power_definition.s2p");
    assert!(t.header.per_frequency_z0);
    assert_eq!(t.network.wave, WaveDef::Power);
    assert_eq!(t.network.z0[[1, 1]], C::new(52.0, -0.5));
}

// ------------------------------------------------------------------------------------------
// Errors: class, line and column
// ------------------------------------------------------------------------------------------

#[test]
fn error_wrong_value_count_in_the_middle() {
    // line 4 `  2 0.1 ...` has 8 values; the record starts at column 3
    assert_parse_error("err_wrong_value_count.s2p", K::WrongValueCount, 4, 3);
}

#[test]
fn error_truncated_record() {
    assert_parse_error("err_truncated.s4p", K::Truncated, 7, 1);
}

#[test]
fn error_invalid_numbers() {
    assert_parse_error("err_invalid_number_x.s1p", K::InvalidNumber, 4, 3);
    assert_parse_error("err_invalid_number_comma.s1p", K::InvalidNumber, 4, 5);
    assert_parse_error("err_nan.s1p", K::InvalidNumber, 4, 3);
}

#[test]
fn error_negative_frequency() {
    assert_parse_error("err_negative_frequency.s1p", K::NegativeFrequency, 3, 2);
}

#[test]
fn error_decreasing_frequency_in_three_port() {
    assert_parse_error("err_nonmonotonic.s3p", K::NonMonotonicFrequency, 9, 1);
}

#[test]
fn error_duplicate_frequency() {
    assert_parse_error("err_duplicate_frequency.s1p", K::DuplicateFrequency, 5, 1);
}

#[test]
fn error_option_line_dbm() {
    assert_parse_error("err_option_dbm.s2p", K::InvalidOptionLine, 2, 3);
}

#[test]
fn error_unknown_keyword_in_v2() {
    assert_parse_error("err_unknown_keyword_v2.ts", K::UnknownKeyword, 5, 1);
}

#[test]
fn error_v2_keyword_in_v1_file() {
    assert_parse_error("err_v2_keyword_in_v1.s2p", K::UnknownKeyword, 3, 1);
}

#[test]
fn error_port_count_over_limit() {
    // `[Number of Ports] 100000000`: the value starts at column 19
    assert_parse_error("err_nports_huge.ts", K::SizeLimit, 3, 19);
}

#[test]
fn error_huge_declared_frequency_count_fails_fast() {
    let start = Instant::now();
    let e = read_err("err_nfreq_huge.ts");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}: the declared count must not drive an allocation",
        start.elapsed()
    );
    let file = fixture("err_nfreq_huge.ts").display().to_string();
    match e.parse_kind() {
        // the data ran out before the declared count: where the next record should be (`[End]`)
        Some(K::Truncated) => check_error(&e, &file, K::Truncated, 8, 1),
        // or the declared count refused outright, at its value
        Some(K::SizeLimit) => check_error(&e, &file, K::SizeLimit, 5, 25),
        other => panic!("Truncated or SizeLimit, got {other:?}: {e}"),
    }
}

#[test]
fn error_fewer_frequencies_than_declared() {
    // the third record should start where `[End]` is (line 9)
    assert_parse_error("err_nfreq_short.ts", K::Truncated, 9, 1);
}

#[test]
fn error_reference_with_too_few_values() {
    let e = read_err("err_reference_short.ts");
    assert!(
        matches!(
            e.parse_kind(),
            Some(K::WrongValueCount | K::Truncated | K::InvalidKeywordValue)
        ),
        "{e}"
    );
    let pos = e.position().expect("position");
    assert_eq!((pos.line, pos.column), (6, 1), "{e}");
    let want = format!("{}:6:1", fixture("err_reference_short.ts").display());
    assert!(e.to_string().contains(&want), "{e}");
}

#[test]
fn error_v2_missing_number_of_ports() {
    // reported where the header ends without it: the `[Network Data]` line
    assert_parse_error("err_missing_nports.ts", K::MissingKeyword, 5, 1);
}

#[test]
fn error_v1_from_bytes_without_port_count() {
    let bytes = std::fs::read(fixture("v1_unit_ghz_ri.s1p")).unwrap();
    let e = read_bytes(&bytes, "x", None, &ReadOptions::default())
        .expect_err("a version 1 file needs a port count");
    check_error(&e, "<input>", K::MissingKeyword, 1, 1);
    // with the count given it reads
    let opts = ReadOptions {
        nports: Some(1),
        ..ReadOptions::default()
    };
    let t = read_bytes(&bytes, "x", None, &opts).unwrap();
    assert_eq!(t.network.nports(), 1);
}

#[test]
fn error_stray_text_in_data() {
    let e = read_err("err_stray_text.s2p");
    assert!(
        matches!(e.parse_kind(), Some(K::InvalidNumber | K::UnexpectedText)),
        "{e}"
    );
    let pos = e.position().expect("position");
    assert_eq!((pos.line, pos.column), (4, 1), "{e}");
    let want = format!("{}:4:1", fixture("err_stray_text.s2p").display());
    assert!(e.to_string().contains(&want), "{e}");
}

#[test]
fn every_fixture_is_used_and_documented() {
    // each fixture starts with a comment line saying what it exercises (after a BOM, if any)
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures");
    let me = std::fs::read_to_string(file!())
        .or_else(|_| {
            std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests")
                    .join("touchstone_fixtures.rs"),
            )
        })
        .unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // subdirectories hold other modules' fixtures (tests/fixtures/erl/)
        if name.starts_with('.') || name.ends_with(".py") || path.is_dir() {
            continue;
        }
        n += 1;
        let bytes = std::fs::read(&path).unwrap();
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        assert!(
            body.starts_with(b"! "),
            "{name}: first line must be a comment"
        );
        assert!(
            me.contains(&format!("\"{name}\"")),
            "{name} is not used by a test"
        );
    }
    assert!(n >= 40, "only {n} fixtures found");
}
