//! Eye charts: the statistical eye as contours at several BERs over the eye's density, the
//! time-domain eye as a density colour map, bathtub curves, and the pulse response with its
//! cursors marked. Plain data in, a file out.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, FONT, Figure, GREY, LIMIT_RED, PALETTE, de, nice_range, render};
use crate::error::{Error, Result};

/// One eye's contour at one probability: `(phase UI, lower V, upper V)` points.
pub type Contour = Vec<(f64, f64, f64)>;

/// An eye diagram: an optional density map (counts over `[t × v]` bins, e.g. a time-domain
/// histogram or a statistical PDF) under contours at several probabilities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EyeChart {
    pub title: String,
    /// `density[t][v]` over `t_range_ui × v_range_v`, any non-negative weights.
    pub density: Option<Vec<Vec<f64>>>,
    pub t_range_ui: (f64, f64),
    pub v_range_v: (f64, f64),
    /// `(probability, contours of every eye)`.
    pub contours: Vec<(f64, Vec<Contour>)>,
}

/// Draw `c` into `path` (`.svg` or `.png`).
pub fn eye_chart(c: &EyeChart, path: &Path) -> Result<()> {
    let (t0, t1) = c.t_range_ui;
    let (v0, v1) = c.v_range_v;
    if !(t1 > t0 && v1 > v0 && t0.is_finite() && t1.is_finite() && v0.is_finite() && v1.is_finite())
    {
        return Err(Error::invalid(
            "an eye chart needs increasing, finite time and voltage ranges",
        ));
    }
    render(c, path)
}

/// Blue (low) to yellow (high), a perceptually ordered map (viridis, 5 stops).
fn viridis(x: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let x = x.clamp(0.0, 1.0) * 4.0;
    let i = (x.floor() as usize).min(3);
    let w = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: f64, q: f64| (p + w * (q - p)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Figure for EyeChart {
    fn size(&self) -> (u32, u32) {
        (1100, 800)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let (t0, t1) = self.t_range_ui;
        let (v0, v1) = self.v_range_v;
        let mv = |v: f64| v * 1e3;
        let mut chart = de(ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(t0..t1, mv(v0)..mv(v1)))?;
        de(chart
            .configure_mesh()
            .x_desc("Time (UI from the sampling instant)")
            .y_desc("Voltage (mV)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .disable_mesh()
            .draw())?;
        if let Some(d) = &self.density {
            let nt = d.len();
            let nv = d.first().map_or(0, Vec::len);
            // log scale: a density spans decades
            let max = d.iter().flatten().copied().fold(0.0f64, f64::max);
            if nt > 0 && nv > 0 && max > 0.0 {
                let floor = max * 1e-6;
                let (dt, dv) = ((t1 - t0) / nt as f64, (v1 - v0) / nv as f64);
                let cells = d.iter().enumerate().flat_map(|(i, col)| {
                    col.iter()
                        .enumerate()
                        .filter(|(_, w)| **w > 0.0)
                        .map(move |(j, w)| {
                            let x = ((w.max(floor) / floor).log10() / 6.0).clamp(0.0, 1.0);
                            let (ta, va) = (t0 + i as f64 * dt, v0 + j as f64 * dv);
                            Rectangle::new(
                                [(ta, mv(va)), (ta + dt, mv(va + dv))],
                                viridis(x).filled(),
                            )
                        })
                });
                de(chart.draw_series(cells))?;
            }
        }
        for (k, (p, eyes)) in self.contours.iter().enumerate() {
            let colour = if self.density.is_some() {
                [
                    WHITE,
                    RGBColor(255, 190, 190),
                    LIMIT_RED,
                    RGBColor(255, 140, 0),
                    BLACK,
                ][k % 5]
            } else {
                PALETTE[k % PALETTE.len()]
            };
            let style = colour.stroke_width(2);
            for (e, contour) in eyes.iter().enumerate() {
                let open: Vec<&(f64, f64, f64)> =
                    contour.iter().filter(|(_, lo, up)| up > lo).collect();
                if open.is_empty() {
                    continue;
                }
                // the closed outline: upper edge left to right, lower edge back
                let mut pts: Vec<(f64, f64)> =
                    open.iter().map(|(t, _, up)| (*t, mv(*up))).collect();
                pts.extend(open.iter().rev().map(|(t, lo, _)| (*t, mv(*lo))));
                if let Some(first) = pts.first().copied() {
                    pts.push(first);
                }
                let s = de(chart.draw_series(std::iter::once(PathElement::new(pts, style))))?;
                if e == 0 {
                    let label = format!("BER {p:.0e}");
                    s.label(label)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
                }
            }
        }
        if !self.contours.is_empty() {
            de(chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(GREY)
                .label_font((FONT, 16))
                .draw())?;
        }
        Ok(())
    }
}

/// Bathtub curves: `log10(probability)` against an offset, one curve per eye.
#[derive(Debug, Clone, PartialEq)]
pub struct BathtubChart {
    pub title: String,
    pub x_label: String,
    /// `(label, points (x, probability))`; probabilities ≤ 0 are left out.
    pub curves: Vec<(String, Vec<(f64, f64)>)>,
    /// Horizontal line at this probability (the target BER).
    pub target: Option<f64>,
    /// Lowest probability shown (e.g. 1e-15).
    pub floor: f64,
}

/// Draw `c` into `path`.
pub fn bathtub_chart(c: &BathtubChart, path: &Path) -> Result<()> {
    if c.curves.iter().all(|(_, p)| p.is_empty()) || !(c.floor > 0.0 && c.floor < 1.0) {
        return Err(Error::invalid(
            "a bathtub chart needs points and a floor in (0, 1)",
        ));
    }
    render(c, path)
}

impl Figure for BathtubChart {
    fn size(&self) -> (u32, u32) {
        (1100, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let xs = self.curves.iter().flat_map(|(_, p)| p.iter().map(|q| q.0));
        let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let (x0, x1) = nice_range(x0, x1, 8.0);
        let y0 = self.floor.log10().floor();
        let mut chart = de(ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..0.0))?;
        de(chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc("log10(probability)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        if let Some(t) = self.target {
            let y = t.log10();
            de(chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0, y), (x1, y)],
                    LIMIT_RED.stroke_width(1),
                )))
                .map(|s| {
                    s.label(format!("target {t:.0e}")).legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], LIMIT_RED.stroke_width(1))
                    })
                }))?;
        }
        for (k, (label, pts)) in self.curves.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            // a bathtub has two walls: draw each run of points above the floor separately
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for &(x, p) in pts {
                if p > 0.0 && p.log10() >= y0 {
                    if let Some(r) = runs.last_mut() {
                        r.push((x, p.log10().min(0.0)));
                    }
                } else if runs.last().is_some_and(|r| !r.is_empty()) {
                    runs.push(Vec::new());
                }
            }
            for (i, run) in runs.into_iter().filter(|r| !r.is_empty()).enumerate() {
                let s = de(chart.draw_series(LineSeries::new(run, colour.stroke_width(3))))?;
                if i == 0 {
                    s.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                    });
                }
            }
        }
        de(chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .label_font((FONT, 16))
            .draw())?;
        Ok(())
    }
}

/// A pulse response with its per-UI cursors marked.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseChart {
    pub title: String,
    /// `(label, time UI, volts)` curves (e.g. unequalised and equalised).
    pub curves: Vec<(String, Vec<f64>, Vec<f64>)>,
    /// Cursor samples `(time UI, volts)`, marked as dots on the last curve.
    pub cursors: Vec<(f64, f64)>,
}

/// Draw `c` into `path`.
pub fn pulse_chart(c: &PulseChart, path: &Path) -> Result<()> {
    if c.curves
        .iter()
        .any(|(_, t, v)| t.len() != v.len() || t.is_empty())
        || c.curves.is_empty()
    {
        return Err(Error::invalid(
            "a pulse chart needs curves with matching, non-empty samples",
        ));
    }
    render(c, path)
}

impl Figure for PulseChart {
    fn size(&self) -> (u32, u32) {
        (1200, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let all_t = self.curves.iter().flat_map(|(_, t, _)| t.iter().copied());
        let (t0, t1) = all_t.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let all_v = self.curves.iter().flat_map(|(_, _, v)| v.iter().copied());
        let (lo, hi) = all_v.fold((0.0f64, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
        let (v0, v1) = nice_range(lo * 1e3, hi * 1e3, 8.0);
        let mut chart = de(ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(t0..t1, v0..v1))?;
        de(chart
            .configure_mesh()
            .x_desc("Time (UI from the main cursor)")
            .y_desc("Voltage (mV)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        de(chart.draw_series(std::iter::once(PathElement::new(
            vec![(t0, 0.0), (t1, 0.0)],
            GREY.stroke_width(1),
        ))))?;
        for (k, (label, t, v)) in self.curves.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let pts: Vec<(f64, f64)> = t.iter().zip(v).map(|(a, b)| (*a, b * 1e3)).collect();
            de(chart
                .draw_series(LineSeries::new(pts, colour.stroke_width(2)))
                .map(|s| {
                    s.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                    })
                }))?;
        }
        let dot = PALETTE[(self.curves.len() - 1) % PALETTE.len()];
        de(chart
            .draw_series(
                self.cursors
                    .iter()
                    .map(|(t, v)| Circle::new((*t, v * 1e3), 4, dot.filled())),
            )
            .map(|s| {
                s.label("cursors (1 per UI)")
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, dot.filled()))
            }))?;
        de(chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .label_font((FONT, 16))
            .draw())?;
        Ok(())
    }
}
