//! Charts over frequency: one [`FrequencyChart`] per file, or several stacked as panels that
//! share a title.

use std::path::Path;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{
    DrawResult, FONT, Figure, FrequencyChart, GREY, LIMIT_RED, Limit, Line, PALETTE, de,
    nice_range, nice_step, render, tick_formatter,
};
use crate::error::{Error, Result};

/// Width of every frequency chart, pixels.
const WIDTH: u32 = 1200;
/// Height of a chart drawn alone.
const SINGLE_HEIGHT: u32 = 720;
/// Height of each panel of [`frequency_panels`], and of their shared title.
const PANEL_HEIGHT: u32 = 420;
const TITLE_HEIGHT: u32 = 56;

/// Draw one chart over frequency (GHz on the x axis) into `path` (`.svg` or `.png`): the series
/// as solid lines, limit lines in red (dashed, or crosses at the frequencies they are stated
/// at), markers as dotted verticals, a legend placed where the curves leave room.
pub fn frequency_chart(chart: &FrequencyChart, path: &Path) -> Result<()> {
    check(chart)?;
    render(
        &Panels {
            title: None,
            charts: std::slice::from_ref(chart),
        },
        path,
    )
}

/// Draw several charts over frequency stacked top to bottom under one `title`, each with its own
/// y axis (e.g. insertion loss, return loss and insertion-loss deviation of one channel).
pub fn frequency_panels(title: &str, charts: &[FrequencyChart], path: &Path) -> Result<()> {
    if charts.is_empty() {
        return Err(Error::invalid("a panel plot needs at least one chart"));
    }
    for c in charts {
        check(c)?;
    }
    render(
        &Panels {
            title: Some(title),
            charts,
        },
        path,
    )
}

fn check(chart: &FrequencyChart) -> Result<()> {
    for s in &chart.series {
        if s.x.len() != s.y.len() {
            return Err(Error::invalid(format!(
                "series '{}' has {} x values and {} y values",
                s.label,
                s.x.len(),
                s.y.len()
            )));
        }
    }
    let finite = chart
        .series
        .iter()
        .flat_map(|s| s.x.iter().zip(&s.y))
        .any(|(x, y)| x.is_finite() && y.is_finite());
    if !finite {
        return Err(Error::invalid(format!(
            "chart '{}' has no finite point to draw",
            chart.title
        )));
    }
    Ok(())
}

struct Panels<'a> {
    title: Option<&'a str>,
    charts: &'a [FrequencyChart],
}

impl Figure for Panels<'_> {
    fn size(&self) -> (u32, u32) {
        match self.title {
            None => (WIDTH, SINGLE_HEIGHT),
            Some(_) => (
                WIDTH,
                TITLE_HEIGHT + PANEL_HEIGHT * self.charts.len() as u32,
            ),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        match self.title {
            None => draw_panel(root, &self.charts[0], 26),
            Some(title) => {
                let (top, rest) = root.split_vertically(TITLE_HEIGHT);
                de(top.titled(title, (FONT, 26)))?;
                let areas = rest.split_evenly((self.charts.len(), 1));
                for (area, chart) in areas.iter().zip(self.charts) {
                    draw_panel(area, chart, 20)?;
                }
                Ok(())
            }
        }
    }
}

/// Every finite `(x in GHz, y)` the chart draws, for its ranges and legend placement.
fn points_ghz(chart: &FrequencyChart) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = chart
        .series
        .iter()
        .flat_map(|s| s.x.iter().zip(&s.y).map(|(&x, &y)| (x / 1e9, y)))
        .collect();
    for l in &chart.limit_lines {
        if let Limit::Points(p) = &l.limit {
            pts.extend(p.iter().map(|&(x, y)| (x / 1e9, y)));
        }
    }
    pts.retain(|(x, y)| x.is_finite() && y.is_finite());
    pts
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &FrequencyChart,
    caption_size: u32,
) -> DrawResult {
    let pts = points_ghz(c);
    // x: from 0 (or the lowest frequency, if far from 0) to a round number of GHz
    let (xmin, xmax) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
    let mut ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    ys.extend(c.limit_lines.iter().filter_map(|l| match l.limit {
        Limit::Level(y) if y.is_finite() => Some(y),
        _ => None,
    }));
    let (ymin, ymax) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
            (a.min(y), b.max(y))
        });
    // x: from 0 (or the lowest frequency, if far from 0) to the highest frequency drawn
    let x0 = if xmin >= 0.0 && xmin < 0.25 * xmax {
        0.0
    } else {
        xmin
    };
    let x1 = if xmax > x0 { xmax } else { x0 + 1.0 };
    let xstep = nice_step(x1 - x0, 10.0);
    // y: losses start at 0 when their smallest value is near it
    let (mut ymin, mut ymax) = (ymin, ymax);
    if let Some(span) = c.min_y_span.filter(|s| s.is_finite() && *s > ymax - ymin) {
        let mid = 0.5 * (ymin + ymax);
        (ymin, ymax) = (mid - 0.5 * span, mid + 0.5 * span);
    }
    let ymin = if ymin >= 0.0 && ymin < 0.35 * ymax {
        0.0
    } else {
        ymin
    };
    let (y0, y1) = nice_range(ymin, ymax, 8.0);
    let y0 = if ymin == 0.0 { 0.0 } else { y0 };
    let ystep = nice_step(y1 - y0, 9.0);

    let mut chart = de(ChartBuilder::on(area)
        .caption(&c.title, (FONT, caption_size))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x0..x1, y0..y1))?;
    let xfmt = tick_formatter(xstep);
    let yfmt = tick_formatter(ystep);
    de(chart
        .configure_mesh()
        .x_desc("Frequency (GHz)")
        .y_desc(c.y_label.as_str())
        .x_labels(12)
        .y_labels(9)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .bold_line_style(GREY.mix(0.25))
        .light_line_style(GREY.mix(0.08))
        .draw())?;

    for (k, s) in c.series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let line =
            s.x.iter()
                .zip(&s.y)
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(&x, &y)| (x / 1e9, y.clamp(y0, y1)));
        let drawn = match s.line {
            Line::Solid => de(chart.draw_series(LineSeries::new(line, color.stroke_width(2))))?,
            Line::Dashed => de(chart.draw_series(DashedLineSeries::new(
                line.collect::<Vec<_>>(),
                9,
                6,
                color.stroke_width(2),
            )))?,
        };
        let dashed = s.line == Line::Dashed;
        drawn.label(s.label.as_str()).legend(move |(x, y)| {
            let style = color.stroke_width(3);
            let path = vec![(x, y), (x + 26, y)];
            if dashed {
                DashedPathElement::new(path, 6, 4, style).into_dyn()
            } else {
                PathElement::new(path, style).into_dyn()
            }
        });
    }
    let red = LIMIT_RED.stroke_width(2);
    for l in &c.limit_lines {
        match &l.limit {
            Limit::Level(y) => {
                de(chart.draw_series(DashedLineSeries::new(vec![(x0, *y), (x1, *y)], 10, 6, red)))?
                    .label(l.label.as_str())
                    .legend(move |(x, y)| {
                        DashedPathElement::new(vec![(x, y), (x + 26, y)], 6, 4, red)
                    });
            }
            Limit::Points(p) => {
                let p: Vec<(f64, f64)> = p.iter().map(|&(x, y)| (x / 1e9, y)).collect();
                if p.len() > 1 {
                    de(chart.draw_series(DashedLineSeries::new(p.clone(), 10, 6, red)))?;
                }
                let cross = LIMIT_RED.stroke_width(3);
                de(chart.draw_series(p.iter().map(|&q| Cross::new(q, 8, cross))))?
                    .label(l.label.as_str())
                    .legend(move |(x, y)| Cross::new((x + 13, y), 6, cross));
            }
        }
    }
    let dotted = GREY.stroke_width(2);
    for m in &c.markers {
        let x = m.x / 1e9;
        de(chart.draw_series(DashedLineSeries::new(vec![(x, y0), (x, y1)], 4, 5, dotted)))?
            .label(m.label.as_str())
            .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 26, y)], 4, 4, dotted));
    }

    let position = legend_corner(&pts, (x0, x1), (y0, y1));
    de(chart
        .configure_series_labels()
        .position(position)
        .margin(14)
        .legend_area_size(34)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY.mix(0.6))
        .draw())?;
    Ok(())
}

/// The corner of the plot whose neighbourhood holds the fewest drawn points.
pub(super) fn legend_corner(
    pts: &[(f64, f64)],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> SeriesLabelPosition {
    let corners = [
        (SeriesLabelPosition::UpperLeft, 0.0, 1.0),
        (SeriesLabelPosition::UpperRight, 1.0, 1.0),
        (SeriesLabelPosition::LowerRight, 1.0, 0.0),
        (SeriesLabelPosition::LowerLeft, 0.0, 0.0),
    ];
    let count = |cx: f64, cy: f64| {
        pts.iter()
            .filter(|(x, y)| {
                let u = (x - x0) / (x1 - x0);
                let v = (y - y0) / (y1 - y0);
                (u - cx).abs() < 0.5 && (v - cy).abs() < 0.45
            })
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|&(_, cx, cy)| count(cx, cy))
        .map(|c| c.0)
        .unwrap_or(SeriesLabelPosition::UpperLeft)
}
