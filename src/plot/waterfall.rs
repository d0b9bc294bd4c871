//! Waterfall charts: a budget that starts at one value and is spent step by step down to what
//! is left (an optical power budget down to its margin); and [`margin_chart`], a margin over
//! length with its zero crossing (the reach) and an objective marked.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, FONT, Figure, GREY, LIMIT_RED, PALETTE, de, nice_range, render};
use crate::error::{Error, Result};

/// One bar of a waterfall: the budget (`Start`), a spending step (`Spend`, drawn downwards by
/// its value), or what remains (`Result`, green when ≥ 0, red below).
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Start(String, f64),
    Spend(String, f64),
    Result(String, f64),
}

/// A waterfall chart: a title, the unit of the values (e.g. `"dB"`) and its bars, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    pub title: String,
    pub unit: String,
    pub steps: Vec<Step>,
}

/// Draw `w` into `path` (`.svg` or `.png`). Errors: no bars, or a non-finite value (a closed
/// eye has no finite penalty: say so in the title and leave that bar out).
pub fn waterfall_chart(w: &Waterfall, path: &Path) -> Result<()> {
    if w.steps.is_empty() {
        return Err(Error::invalid("a waterfall needs at least one bar"));
    }
    for s in &w.steps {
        let (Step::Start(l, v) | Step::Spend(l, v) | Step::Result(l, v)) = s;
        if !v.is_finite() {
            return Err(Error::invalid(format!(
                "waterfall bar '{l}' is not finite ({v})"
            )));
        }
    }
    render(w, path)
}

/// The bars as `(label, bottom, top, colour, value)`.
fn bars(w: &Waterfall) -> Vec<(String, f64, f64, RGBColor, f64)> {
    let mut level = 0.0;
    let green = RGBColor(44, 160, 44);
    w.steps
        .iter()
        .map(|s| match s {
            Step::Start(l, v) => {
                level = *v;
                (l.clone(), 0.0, *v, PALETTE[0], *v)
            }
            Step::Spend(l, v) => {
                let top = level;
                level -= v;
                (l.clone(), level.min(top), level.max(top), PALETTE[1], -v)
            }
            Step::Result(l, v) => {
                let c = if *v >= 0.0 { green } else { LIMIT_RED };
                (l.clone(), v.min(0.0), v.max(0.0), c, *v)
            }
        })
        .collect()
}

impl Figure for Waterfall {
    fn size(&self) -> (u32, u32) {
        (1200, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let b = bars(self);
        let lo = b.iter().map(|x| x.1).fold(0.0, f64::min);
        let hi = b.iter().map(|x| x.2).fold(0.0, f64::max);
        let (y0, y1) = nice_range(lo, hi, 8.0);
        let n = b.len() as f64;
        let mut chart = de(ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..n, y0..y1))?;
        de(chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc(self.unit.as_str())
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        de(chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n, 0.0)],
            GREY.stroke_width(1),
        ))))?;
        for (i, (label, bottom, top, colour, value)) in b.iter().enumerate() {
            let x = i as f64;
            de(chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.15, *bottom), (x + 0.85, *top)],
                colour.filled(),
            ))))?;
            let text_y = top + 0.02 * (y1 - y0);
            let value = if value.abs() < 5e-3 { 0.0 } else { *value };
            de(chart.draw_series(std::iter::once(Text::new(
                format!("{value:+.2}"),
                (x + 0.3, text_y.min(y1)),
                (FONT, 16).into_font(),
            ))))?;
            // the bar's name under the axis, in pixels below the plotting area
            let (px, py) = chart.backend_coord(&(x + 0.5, y0));
            let style = TextStyle::from((FONT, 16).into_font()).pos(
                plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Top,
                ),
            );
            de(root.draw(&Text::new(label.clone(), (px, py + 12), style)))?;
        }
        Ok(())
    }
}

/// A margin (dB) over length (m), with the zero line and vertical markers (label, length).
#[derive(Debug, Clone, PartialEq)]
pub struct MarginChart {
    pub title: String,
    pub length_m: Vec<f64>,
    pub margin_db: Vec<f64>,
    pub markers: Vec<(String, f64)>,
}

/// Draw `c` into `path` (`.svg` or `.png`); non-finite margins (a closed eye) are left out.
pub fn margin_chart(c: &MarginChart, path: &Path) -> Result<()> {
    if c.length_m.len() != c.margin_db.len() || !c.margin_db.iter().any(|m| m.is_finite()) {
        return Err(Error::invalid(
            "a margin chart needs matching lengths and some finite margin",
        ));
    }
    render(c, path)
}

impl Figure for MarginChart {
    fn size(&self) -> (u32, u32) {
        (1200, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let pts: Vec<(f64, f64)> = self
            .length_m
            .iter()
            .zip(&self.margin_db)
            .filter(|(_, m)| m.is_finite())
            .map(|(l, m)| (*l, *m))
            .collect();
        let xmax = self
            .length_m
            .iter()
            .chain(self.markers.iter().map(|m| &m.1))
            .fold(0.0f64, |a, b| a.max(*b));
        let (y0, y1) = nice_range(
            pts.iter().map(|p| p.1).fold(0.0, f64::min),
            pts.iter().map(|p| p.1).fold(0.0, f64::max),
            8.0,
        );
        let mut chart = de(ChartBuilder::on(root)
            .caption(&self.title, (FONT, 24))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..xmax * 1.02, y0..y1))?;
        de(chart
            .configure_mesh()
            .x_desc("Length (m)")
            .y_desc("Margin (dB)")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .light_line_style(RGBColor(235, 235, 235))
            .draw())?;
        de(chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (xmax * 1.02, 0.0)],
            LIMIT_RED.stroke_width(1),
        ))))?;
        de(chart
            .draw_series(LineSeries::new(pts, PALETTE[0].stroke_width(3)))
            .map(|s| {
                s.label("margin").legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], PALETTE[0].stroke_width(3))
                })
            }))?;
        for (k, (label, x)) in self.markers.iter().enumerate() {
            let colour = PALETTE[(k + 1) % PALETTE.len()];
            de(chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*x, y0), (*x, y1)],
                    colour.stroke_width(2),
                )))
                .map(|s| {
                    s.label(label.as_str()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                    })
                }))?;
        }
        de(chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 16))
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .draw())?;
        Ok(())
    }
}
