use std::path::PathBuf;

use super::*;
use crate::presets::Presets;
use crate::reach::dac_table;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sireach-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Width, height and RGBA pixels of a PNG.
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 4]>) {
    let dec = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = match info.color_type {
        png::ColorType::Rgb => buf[..info.buffer_size()]
            .chunks(3)
            .map(|c| [c[0], c[1], c[2], 255])
            .collect(),
        png::ColorType::Rgba => buf[..info.buffer_size()]
            .chunks(4)
            .map(|c| [c[0], c[1], c[2], c[3]])
            .collect(),
        other => panic!("unexpected colour type {other:?}"),
    };
    (info.width, info.height, px)
}

fn chart() -> FrequencyChart {
    let f: Vec<f64> = (0..=100).map(|k| k as f64 * 0.5e9).collect();
    FrequencyChart {
        title: "Test chart".into(),
        y_label: "Loss (dB)".into(),
        series: vec![Series {
            label: "rising".into(),
            y: f.iter().map(|f| 0.4 * (f / 1e9)).collect(),
            x: f,
            line: Line::Solid,
        }],
        limit_lines: vec![
            LimitLine {
                label: "limit at 25 GHz".into(),
                limit: Limit::Points(vec![(25e9, 15.0)]),
            },
            LimitLine {
                label: "level".into(),
                limit: Limit::Level(18.0),
            },
        ],
        markers: vec![Marker {
            label: "Nyquist".into(),
            x: 25e9,
        }],
        min_y_span: None,
    }
}

#[test]
fn format_follows_the_extension_and_unknown_ones_are_refused() {
    assert_eq!(
        PlotFormat::from_path(Path::new("a/b.svg")).unwrap(),
        PlotFormat::Svg
    );
    assert_eq!(
        PlotFormat::from_path(Path::new("b.PNG")).unwrap(),
        PlotFormat::Png
    );
    for bad in ["plot.pdf", "plot", "plot.svg.txt"] {
        let e = PlotFormat::from_path(Path::new(bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains(bad) && e.contains(".svg or .png"), "{e}");
        let e = frequency_chart(&chart(), Path::new(bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains(".svg or .png"), "{e}");
    }
}

#[test]
fn png_has_the_size_and_text_drawn_with_the_bundled_font() {
    let p = tmp("freq.png");
    frequency_chart(&chart(), &p).unwrap();
    let (w, h, px) = decode(&p);
    assert_eq!((w, h), (1200, 720));
    // the title is centred at the top: dark glyph pixels must be there (no font, no pixels)
    let dark_in = |x0: u32, x1: u32, y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let [r, g, b, _] = px[(y * w + x) as usize];
                (r as u32 + g as u32 + b as u32) < 200
            })
            .count()
    };
    assert!(dark_in(500, 700, 0, 45) > 100, "no title text drawn");
    // and the corners outside the plot stay white
    assert_eq!(dark_in(0, 10, 0, 10), 0);
    // the limit cross is red, near (25 GHz, 15 dB)
    let red = px
        .iter()
        .filter(|[r, g, b, _]| *r > 180 && *g < 80 && *b < 80)
        .count();
    assert!(red > 50, "{red} red pixels");
}

#[test]
fn svg_carries_its_text() {
    let p = tmp("freq.svg");
    frequency_chart(&chart(), &p).unwrap();
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.starts_with("<svg"), "{}", &s[..40.min(s.len())]);
    for text in [
        "Test chart",
        "Frequency (GHz)",
        "Loss (dB)",
        "limit at 25 GHz",
        "Nyquist",
    ] {
        assert!(
            s.contains(&format!(">{text}<")) || s.contains(text),
            "{text} missing"
        );
    }
    assert!(s.contains("<text"));
}

#[test]
fn panels_stack_their_charts() {
    let p = tmp("panels.png");
    let mut second = chart();
    second.title = "Second".into();
    frequency_panels("Both", &[chart(), second], &p).unwrap();
    let (w, h, _) = decode(&p);
    assert_eq!((w, h), (1200, 56 + 2 * 420));
    assert!(frequency_panels("none", &[], &p).is_err());
}

#[test]
fn bad_series_are_errors_not_empty_plots() {
    let mut c = chart();
    c.series[0].y.pop();
    let e = frequency_chart(&c, &tmp("bad.svg"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("101 x values and 100 y values"), "{e}");
    let mut c = chart();
    c.series[0].y.iter_mut().for_each(|y| *y = f64::NAN);
    assert!(frequency_chart(&c, &tmp("nan.svg")).is_err());
}

#[test]
fn an_unwritable_path_is_an_io_error_naming_it() {
    let p = Path::new("/nonexistent-dir/plot.png");
    let e = frequency_chart(&chart(), p).unwrap_err();
    assert!(
        matches!(e.kind(), crate::error::ErrorKind::Io { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("/nonexistent-dir/plot.png"), "{e}");
}

#[test]
fn reach_chart_has_a_slot_per_row_and_heading() {
    let rows = dac_table(&Presets::embedded().unwrap()).unwrap();
    let p = tmp("reach.png");
    reach_chart(&rows, &p).unwrap();
    let (w, h, _) = decode(&p);
    // 4 families (1, 3, 4, 4 PMDs × 4 gauges): 48 bars + 4 headings + 3 gaps = 55 slots
    assert_eq!((w, h), (1400, 70 + 80 + 24 * 55));
    let p = tmp("reach.svg");
    reach_chart(&rows, &p).unwrap();
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains("100GBASE-CR4  26AWG"));
    assert!(s.contains(&format!("{:.2} m", rows[0].reach_m)));
    assert!(s.contains("IEEE reach objective"));
    assert!(reach_chart(&[], &p).is_err());
}

#[test]
fn legend_goes_where_the_curves_are_not() {
    let rising: Vec<(f64, f64)> = (0..100).map(|k| (k as f64, k as f64)).collect();
    let pos = frequency::legend_corner(&rising, (0.0, 100.0), (0.0, 100.0));
    assert!(matches!(pos, SeriesLabelPosition::UpperLeft));
    let falling: Vec<(f64, f64)> = (0..100).map(|k| (k as f64, 100.0 - k as f64)).collect();
    let pos = frequency::legend_corner(&falling, (0.0, 100.0), (0.0, 100.0));
    assert!(matches!(pos, SeriesLabelPosition::UpperRight));
}

#[test]
fn ticks_and_ranges_are_round() {
    assert_eq!(tick_label(2.5), "2.5");
    assert_eq!(tick_label(10.0), "10");
    assert_eq!(tick_label(-0.0), "0");
    assert_eq!(nice_step(53.0, 10.0), 10.0);
    assert_eq!(nice_step(1.7, 8.0), 0.5);
    let (lo, hi) = nice_range(0.3, 19.6, 8.0);
    assert!(
        lo <= 0.3 && hi >= 19.6 && lo >= -2.0 && hi <= 22.0,
        "{lo} {hi}"
    );
}

#[test]
fn eye_bathtub_and_pulse_charts_draw_what_they_are_given() {
    // an ideal PAM4 eye: three diamonds; a density with a bright band at +1 V
    let diamond = |c: f64| -> Contour {
        (0..=20)
            .map(|k| {
                let t = -0.5 + k as f64 / 20.0;
                let h = (1.0 / 3.0) * (1.0 - 2.0 * t.abs());
                (t, c - h, c + h)
            })
            .collect()
    };
    let mut density = vec![vec![0.0; 50]; 40];
    for col in &mut density {
        col[49] = 100.0;
    }
    let eye = EyeChart {
        title: "eye".into(),
        density: Some(density),
        t_range_ui: (-0.5, 0.5),
        v_range_v: (-1.1, 1.1),
        contours: vec![(
            1e-4,
            vec![diamond(-2.0 / 3.0), diamond(0.0), diamond(2.0 / 3.0)],
        )],
    };
    let p = tmp("eye.png");
    eye_chart(&eye, &p).unwrap();
    let (w, h, px) = decode(&p);
    assert_eq!((w, h), (1100, 800));
    // the density's colour (viridis top, yellow) and the contours (white over it) are drawn
    assert!(px.iter().any(|c| c[0] > 240 && c[1] > 220 && c[2] < 60));
    let bad = EyeChart {
        t_range_ui: (0.5, -0.5),
        ..eye.clone()
    };
    assert!(eye_chart(&bad, &tmp("bad.png")).is_err());
    let tub = BathtubChart {
        title: "bathtub".into(),
        x_label: "phase (UI)".into(),
        curves: vec![(
            "middle".into(),
            (0..=40)
                .map(|k| {
                    let x = -0.5 + k as f64 / 40.0;
                    (x, (-(0.3 - x.abs()).max(0.0) * 80.0).exp().min(0.5))
                })
                .collect(),
        )],
        target: Some(1e-4),
        floor: 1e-15,
    };
    let p = tmp("tub.svg");
    bathtub_chart(&tub, &p).unwrap();
    let svg = std::fs::read_to_string(&p).unwrap();
    assert!(
        svg.contains("target 1e-4") && svg.contains("middle") && svg.contains("log10(probability)")
    );
    let pulse = PulseChart {
        title: "pulse".into(),
        curves: vec![(
            "eq".into(),
            vec![-1.0, 0.0, 1.0, 2.0],
            vec![0.0, 0.3, 0.1, 0.0],
        )],
        cursors: vec![(0.0, 0.3), (1.0, 0.1)],
    };
    let p = tmp("pulse.svg");
    pulse_chart(&pulse, &p).unwrap();
    assert!(
        std::fs::read_to_string(&p)
            .unwrap()
            .contains("cursors (1 per UI)")
    );
}
