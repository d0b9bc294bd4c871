//! The COM figure of `sireach com --plot`: the equalised pulse responses (victim with its
//! samples at the cursor phase, one per UI; each crosstalk aggressor at its own worst phase)
//! over a noise-budget bar chart (σ of each term at the COM sampling point). Plain data in.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, FONT, Figure, GREY, PALETTE, de, nice_range, render};
use crate::error::{Error, Result};

/// The two panels of a COM figure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComChart {
    pub title: String,
    /// `(label, time UI from the cursor, volts)`: the victim first, then the aggressors.
    pub curves: Vec<(String, Vec<f64>, Vec<f64>)>,
    /// The victim's samples at the cursor phase `(time UI, volts)`.
    pub cursors: Vec<(f64, f64)>,
    /// `(name, σ V)` of the noise terms, in the order drawn.
    pub noise: Vec<(String, f64)>,
    /// A_s (V), drawn as a reference in the bar chart's caption.
    pub signal_v: f64,
}

/// Draw `c` into `path` (`.svg` or `.png`).
pub fn com_chart(c: &ComChart, path: &Path) -> Result<()> {
    if c.curves.is_empty()
        || c.curves
            .iter()
            .any(|(_, t, v)| t.len() != v.len() || t.is_empty())
        || c.noise.iter().any(|(_, s)| !(s.is_finite() && *s >= 0.0))
    {
        return Err(Error::invalid(
            "a COM chart needs pulse curves with matching samples and finite noise terms",
        ));
    }
    render(c, path)
}

impl Figure for ComChart {
    fn size(&self) -> (u32, u32) {
        (1200, 1000)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let (top, bottom) = root.split_vertically(600);
        // --- pulses
        let all_t = self.curves.iter().flat_map(|(_, t, _)| t.iter().copied());
        let (t0, t1) = all_t.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let all_v = self.curves.iter().flat_map(|(_, _, v)| v.iter().copied());
        let (lo, hi) = all_v.fold((0.0f64, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
        let (v0, v1) = nice_range(lo * 1e3, hi * 1e3, 8.0);
        let mut chart = de(ChartBuilder::on(&top)
            .caption(&self.title, (FONT, 22))
            .margin(15)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(t0..t1, v0..v1))?;
        de(chart
            .configure_mesh()
            .x_desc("Time (UI from the victim's cursor; aggressors from their own peak)")
            .y_desc("Equalised pulse (mV)")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        de(chart.draw_series(std::iter::once(PathElement::new(
            vec![(t0, 0.0), (t1, 0.0)],
            GREY.stroke_width(1),
        ))))?;
        for (k, (label, t, v)) in self.curves.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let width = 2;
            let pts: Vec<(f64, f64)> = t.iter().zip(v).map(|(a, b)| (*a, b * 1e3)).collect();
            de(chart
                .draw_series(LineSeries::new(pts, colour.stroke_width(width)))
                .map(|s| {
                    s.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(width))
                    })
                }))?;
        }
        let dot = PALETTE[0];
        de(chart
            .draw_series(
                self.cursors
                    .iter()
                    .map(|(t, v)| Circle::new((*t, v * 1e3), 4, dot.filled())),
            )
            .map(|s| {
                s.label("victim at the cursor phase (1 per UI)")
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, dot.filled()))
            }))?;
        de(chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .label_font((FONT, 15))
            .draw())?;
        // --- noise budget
        let n = self.noise.len();
        let smax = self.noise.iter().map(|(_, s)| *s).fold(0.0f64, f64::max) * 1e3;
        let (_, y1) = nice_range(0.0, smax.max(1e-6), 6.0);
        let mut bars = de(ChartBuilder::on(&bottom)
            .caption(
                format!(
                    "Noise at the sampling point, σ (mV rms); A_s = {:.2} mV",
                    self.signal_v * 1e3
                ),
                (FONT, 20),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..y1))?;
        let names: Vec<String> = self.noise.iter().map(|(s, _)| s.clone()).collect();
        de(bars
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.max(1))
            .x_label_formatter(&|x: &f64| {
                let k = x.round();
                if (x - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
                    names[k as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_desc("σ (mV rms)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        for (k, (_, s)) in self.noise.iter().enumerate() {
            let x = k as f64;
            let colour = PALETTE[(k + 1) % PALETTE.len()];
            de(bars.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.35, 0.0), (x + 0.35, s * 1e3)],
                colour.filled(),
            ))))?;
            de(bars.draw_series(std::iter::once(Text::new(
                format!("{:.3}", s * 1e3),
                (x - 0.2, s * 1e3 + 0.03 * y1),
                (FONT, 15),
            ))))?;
        }
        Ok(())
    }
}
