//! The figures of a study report: the reach per PMD, medium and criterion with its Monte Carlo
//! spread (P1–P99 whisker, P50 bar, nominal dot, the IEEE objective), a reach histogram per
//! group, and the nominal margin against length per group.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    DrawResult, FONT, Figure, GREY, LIMIT_RED, PALETTE, de, nice_range, render, tick_label,
};
use crate::error::{Error, Result};
use crate::reach::study::Summary;

/// One group's reach samples (m), for the histograms.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachSamples {
    pub label: String,
    pub reach_m: Vec<f64>,
}

/// One group's nominal margin against length.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginCurve {
    pub label: String,
    pub length_m: Vec<f64>,
    pub margin_db: Vec<f64>,
}

struct Spread<'a> {
    rows: &'a [Summary],
    objectives: &'a [f64],
}

const ROW: u32 = 30;

/// The reach spread chart of `rows` (with each row's IEEE objective, m) into `path`.
pub fn study_reach_chart(rows: &[Summary], objectives: &[f64], path: &Path) -> Result<()> {
    if rows.is_empty() || rows.len() != objectives.len() {
        return Err(Error::invalid(
            "a study reach chart needs rows and their objectives",
        ));
    }
    render(&Spread { rows, objectives }, path)
}

fn label(s: &Summary) -> String {
    format!("{} · {} · {}", s.pmd, s.medium, s.criterion)
}

impl Figure for Spread<'_> {
    fn size(&self) -> (u32, u32) {
        (1300, 150 + ROW * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let hi = self
            .rows
            .iter()
            .zip(self.objectives)
            .map(|(r, o)| r.p99_m.max(*o).max(r.nominal_m.unwrap_or(0.0)))
            .fold(0.0, f64::max);
        let (_, x1) = nice_range(0.0, hi * 1.1, 10.0);
        let n = self.rows.len() as f64;
        let mut chart = de(ChartBuilder::on(root)
            .caption(
                "Reach per PMD, medium and criterion: P50 bar, P1–P99 whisker, nominal dot",
                (FONT, 22),
            )
            .margin(14)
            .margin_right(30)
            .x_label_area_size(50)
            .y_label_area_size(420)
            .build_cartesian_2d(0.0..x1, 0.0..n))?;
        let fmt = |v: &f64| tick_label(*v);
        de(chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&fmt)
            .x_desc("Reach (m); red: the IEEE reach objective of the PMD")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .bold_line_style(GREY.mix(0.25))
            .light_line_style(GREY.mix(0.08))
            .draw())?;
        let right = (FONT, 15)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let mut media: Vec<&str> = Vec::new();
        for (k, (r, &obj)) in self.rows.iter().zip(self.objectives).enumerate() {
            let y = n - k as f64 - 0.5;
            if !media.contains(&r.medium.as_str()) {
                media.push(&r.medium);
            }
            let colour =
                PALETTE[media.iter().position(|m| *m == r.medium).unwrap_or(0) % PALETTE.len()];
            de(chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.3), (r.p50_m, y + 0.3)],
                colour.mix(0.75).filled(),
            ))))?;
            de(chart.draw_series(std::iter::once(PathElement::new(
                vec![(r.p1_m, y), (r.p99_m, y)],
                BLACK.stroke_width(2),
            ))))?;
            for x in [r.p1_m, r.p99_m] {
                de(chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y - 0.2), (x, y + 0.2)],
                    BLACK.stroke_width(2),
                ))))?;
            }
            if let Some(v) = r.nominal_m {
                de(chart.draw_series(std::iter::once(Circle::new((v, y), 5, BLACK.filled()))))?;
            }
            de(chart.draw_series(std::iter::once(PathElement::new(
                vec![(obj, y - 0.45), (obj, y + 0.45)],
                LIMIT_RED.stroke_width(3),
            ))))?;
            let (lx, ly) = chart.backend_coord(&(0.0, y));
            de(root.draw(&Text::new(label(r), (lx - 8, ly), right.clone())))?;
        }
        Ok(())
    }
}

struct Histograms<'a> {
    groups: &'a [ReachSamples],
}

const COLS: usize = 3;

/// One reach histogram per group (small multiples, three across) into `path`.
pub fn study_histograms(groups: &[ReachSamples], path: &Path) -> Result<()> {
    if groups.is_empty() || groups.iter().any(|g| g.reach_m.is_empty()) {
        return Err(Error::invalid("reach histograms need samples"));
    }
    render(&Histograms { groups }, path)
}

impl Figure for Histograms<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.groups.len().div_ceil(COLS) as u32;
        (1300, 60 + 300 * rows)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let (title, body) = root.split_vertically(50);
        de(title.titled(
            "Reach over the Monte Carlo samples (counts per bin)",
            (FONT, 22),
        ))?;
        let rows = self.groups.len().div_ceil(COLS);
        let panels = body.split_evenly((rows, COLS));
        for (k, (g, area)) in self.groups.iter().zip(panels.iter()).enumerate() {
            let lo = g.reach_m.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = g.reach_m.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.1).max(0.02);
            let (x0, x1) = nice_range(lo - pad, hi + pad, 6.0);
            let bins = 12usize;
            let w = (x1 - x0) / bins as f64;
            let mut counts = vec![0u32; bins];
            for &v in &g.reach_m {
                let b = (((v - x0) / w) as usize).min(bins - 1);
                counts[b] += 1;
            }
            let top = counts.iter().copied().max().unwrap_or(1) as f64 * 1.15;
            let mut chart = de(ChartBuilder::on(area)
                .caption(&g.label, (FONT, 15))
                .margin(10)
                .x_label_area_size(36)
                .y_label_area_size(40)
                .build_cartesian_2d(x0..x1, 0.0..top))?;
            let fmt = |v: &f64| tick_label(*v);
            de(chart
                .configure_mesh()
                .x_labels(6)
                .y_labels(4)
                .x_label_formatter(&fmt)
                .y_label_formatter(&fmt)
                .x_desc("reach (m)")
                .label_style((FONT, 12))
                .axis_desc_style((FONT, 13))
                .light_line_style(GREY.mix(0.08))
                .draw())?;
            let colour = PALETTE[k % PALETTE.len()];
            de(chart.draw_series(counts.iter().enumerate().map(|(b, &c)| {
                let a = x0 + b as f64 * w;
                Rectangle::new([(a, 0.0), (a + w * 0.92, c as f64)], colour.filled())
            })))?;
        }
        Ok(())
    }
}

struct Margins<'a> {
    curves: &'a [MarginCurve],
}

/// The nominal margin (dB; ≥ 0 passes) against length per group into `path`.
pub fn study_margin_chart(curves: &[MarginCurve], path: &Path) -> Result<()> {
    if curves.is_empty() || curves.iter().any(|c| c.length_m.len() != c.margin_db.len()) {
        return Err(Error::invalid(
            "margin curves need matching lengths and margins",
        ));
    }
    render(&Margins { curves }, path)
}

impl Figure for Margins<'_> {
    fn size(&self) -> (u32, u32) {
        (1300, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let pts = || {
            self.curves
                .iter()
                .flat_map(|c| c.length_m.iter().zip(&c.margin_db))
                .filter(|(_, m)| m.is_finite())
        };
        let xmax = pts().map(|(l, _)| *l).fold(0.0, f64::max);
        let (mlo, mhi) = pts().fold((0.0f64, 0.0f64), |(a, b), (_, m)| (a.min(*m), b.max(*m)));
        let (y0, y1) = nice_range(mlo, mhi, 8.0);
        let (_, x1) = nice_range(0.0, xmax, 10.0);
        let mut chart = de(ChartBuilder::on(root)
            .caption("Nominal margin against length (≥ 0 passes)", (FONT, 22))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x1, y0..y1))?;
        let fmt = |v: &f64| tick_label(*v);
        de(chart
            .configure_mesh()
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .x_desc("Length of bulk twinax (m)")
            .y_desc("Margin (dB): IL limit − IL, or COM − threshold")
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .bold_line_style(GREY.mix(0.25))
            .light_line_style(GREY.mix(0.08))
            .draw())?;
        de(chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (x1, 0.0)],
            LIMIT_RED.stroke_width(2),
        ))))?;
        for (k, c) in self.curves.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let line: Vec<(f64, f64)> = c
                .length_m
                .iter()
                .zip(&c.margin_db)
                .filter(|(_, m)| m.is_finite())
                .map(|(l, m)| (*l, *m))
                .collect();
            de(chart
                .draw_series(LineSeries::new(line.clone(), colour.stroke_width(3)))
                .map(|s| {
                    s.label(c.label.clone()).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                    })
                }))?;
            de(chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, colour.filled()))))?;
        }
        de(chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GREY)
            .label_font((FONT, 14))
            .draw())?;
        Ok(())
    }
}
