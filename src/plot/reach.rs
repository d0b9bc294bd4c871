//! The reach chart: one horizontal bar per reach row (PMD × cable variant), grouped by PMD
//! family (lane rate and clause), with each family's IEEE reach objective marked.

use std::path::Path;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    DrawResult, FONT, Figure, GREY, LIMIT_RED, PALETTE, de, nice_step, render, tick_label,
};
use crate::error::{Error, Result};
use crate::reach::{DAC_SEARCH_MAX_M, ReachRow};

const WIDTH: u32 = 1400;
/// Height of one bar's slot, pixels.
const ROW: u32 = 24;
/// Space above the bars (title) and below (axis).
const TOP: u32 = 70;
const BOTTOM: u32 = 80;
/// Width of the row labels at the left.
const LABELS: u32 = 250;

/// Draw `rows` (e.g. [`crate::reach::dac_table`]) as horizontal bars of `reach_m` into `path`
/// (`.svg` or `.png`). Rows are grouped by clause in the order they first appear; each group has
/// a heading (lane rate, clause, the IL limit at Nyquist with its grade, the objective), its
/// bars coloured by variant (gauge), the reach written at the end of each bar, and the IEEE
/// reach objective drawn as a red dashed line across the group. Readable to about 60 rows.
pub fn reach_chart(rows: &[ReachRow], path: &Path) -> Result<()> {
    if rows.is_empty() {
        return Err(Error::invalid("no reach rows to plot"));
    }
    if let Some(r) = rows
        .iter()
        .find(|r| !(r.reach_m.is_finite() && r.reach_objective_m.is_finite()))
    {
        return Err(Error::invalid(format!(
            "reach row {} {} has a non-finite reach or objective",
            r.pmd, r.variant
        )));
    }
    render(&ReachFigure::new(rows), path)
}

/// Rows grouped by clause, in order of first appearance.
struct ReachFigure<'a> {
    groups: Vec<Vec<&'a ReachRow>>,
    /// Variants in order of first appearance (each gets a colour).
    variants: Vec<&'a str>,
}

impl<'a> ReachFigure<'a> {
    fn new(rows: &'a [ReachRow]) -> Self {
        let mut groups: Vec<Vec<&ReachRow>> = Vec::new();
        let mut variants: Vec<&str> = Vec::new();
        for r in rows {
            match groups.iter_mut().find(|g| g[0].clause == r.clause) {
                Some(g) => g.push(r),
                None => groups.push(vec![r]),
            }
            if !variants.contains(&r.variant.as_str()) {
                variants.push(&r.variant);
            }
        }
        ReachFigure { groups, variants }
    }

    /// Slots from the top: one heading per group, then its rows, then a gap.
    fn slots(&self) -> usize {
        self.groups.iter().map(|g| g.len() + 2).sum::<usize>() - 1
    }
}

fn heading(r: &ReachRow) -> String {
    let clause = r.clause.split(' ').next().unwrap_or(&r.clause);
    if let Some(c) = &r.com {
        return format!(
            "{} Gb/s per lane, Clause {}: COM ≥ {} dB, preset {} ({}), IEEE objective {} m",
            tick_label(r.lane_rate_gbps),
            clause,
            tick_label(c.threshold_db),
            c.preset,
            c.preset_status,
            tick_label(r.reach_objective_m)
        );
    }
    if r.criterion == "eye" {
        return format!(
            "{} Gb/s per lane, Clause {}: equalised eye, IEEE objective {} m",
            tick_label(r.lane_rate_gbps),
            clause,
            tick_label(r.reach_objective_m)
        );
    }
    format!(
        "{} Gb/s per lane, Clause {}: CA IL ≤ {:.2} dB at {:.2} GHz (grade {}), IEEE objective {} m",
        tick_label(r.lane_rate_gbps),
        clause,
        r.limit_db,
        r.signalling_rate_gbd / 2.0,
        r.limit_grade,
        tick_label(r.reach_objective_m)
    )
}

impl Figure for ReachFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, TOP + BOTTOM + ROW * self.slots() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        de(root.fill(&WHITE))?;
        let n = self.slots() as f64;
        let longest = self
            .groups
            .iter()
            .flatten()
            .map(|r| r.reach_m.max(r.reach_objective_m))
            .fold(0.0, f64::max);
        // room at the right of the longest bar for its value
        let step = nice_step(longest * 1.15, 10.0);
        let x1 = (longest * 1.15 / step).ceil() * step;

        let rows = || self.groups.iter().flatten();
        let caption = if rows().any(|r| r.com.is_some()) {
            "Passive DAC reach by COM (rows with a COM preset) or cable-assembly IL at Nyquist"
        } else if rows().any(|r| r.criterion == "eye") {
            "Passive DAC reach by the equalised eye"
        } else {
            "Passive DAC reach by cable-assembly insertion loss at Nyquist"
        };
        let mut chart = de(ChartBuilder::on(root)
            .caption(caption, (FONT, 26))
            .margin(14)
            .margin_right(30)
            .x_label_area_size(56)
            .y_label_area_size(LABELS)
            // slot k is centred on y = n − k − 0.5, so the first slot is at the top
            .build_cartesian_2d(0.0..x1, 0.0..n))?;
        let fmt = |v: &f64| tick_label(*v);
        de(chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(12)
            .x_label_formatter(&fmt)
            .x_desc("Reach (m): longest bulk twinax plus two plugs meeting the criterion")
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .bold_line_style(GREY.mix(0.25))
            .light_line_style(GREY.mix(0.08))
            .draw())?;

        let centre = |slot: usize| n - slot as f64 - 0.5;
        let label_font = (FONT, 15).into_font();
        let right = label_font
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let left = label_font
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let head = (FONT, 16)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));

        let mut slot = 0;
        for group in &self.groups {
            // heading across the plot on a white band, starting at the labels' left edge
            let (_, hy) = chart.backend_coord(&(0.0, centre(slot)));
            let text = heading(group[0]);
            let (tw, th) = de(root.estimate_text_size(&text, &head))?;
            let half = (ROW as i32 / 2).max(th as i32 / 2 + 4);
            let band = [(10, hy - half), (18 + tw as i32, hy + half)];
            de(root.draw(&Rectangle::new(band, WHITE.filled())))?;
            de(root.draw(&Text::new(text, (14, hy), head.clone())))?;
            slot += 1;
            let first = slot;
            for r in group {
                let y = centre(slot);
                let k = self
                    .variants
                    .iter()
                    .position(|v| *v == r.variant)
                    .unwrap_or(0);
                let color = PALETTE[k % PALETTE.len()];
                de(chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.36), (r.reach_m, y + 0.36)],
                    color.filled(),
                ))))?;
                let (lx, ly) = chart.backend_coord(&(0.0, y));
                de(root.draw(&Text::new(
                    format!("{}  {}", r.pmd, r.variant),
                    (lx - 10, ly),
                    right.clone(),
                )))?;
                slot += 1;
            }
            // the group's objective, across its bars
            let obj = group[0].reach_objective_m;
            let red = LIMIT_RED.stroke_width(3);
            de(chart.draw_series(DashedLineSeries::new(
                vec![(obj, centre(first) + 0.5), (obj, centre(slot - 1) - 0.5)],
                8,
                5,
                red,
            )))?;
            // the values last, on white, so the objective line never crosses their digits
            for (i, r) in group.iter().enumerate() {
                let value = if r.limited_by == "search range" {
                    format!("> {} m (search limit)", tick_label(DAC_SEARCH_MAX_M))
                } else {
                    format!("{:.2} m", r.reach_m)
                };
                let (vx, vy) = chart.backend_coord(&(r.reach_m, centre(first + i)));
                let (tw, th) = de(root.estimate_text_size(&value, &left))?;
                let (x, half) = (vx + 5, th as i32 / 2 + 1);
                de(root.draw(&Rectangle::new(
                    [(x - 1, vy - half), (x + tw as i32 + 3, vy + half)],
                    WHITE.filled(),
                )))?;
                de(root.draw(&Text::new(value, (x + 1, vy), left.clone())))?;
            }
            slot += 1;
        }

        // legend: the variants' colours and the objective line
        for (k, v) in self.variants.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            de(chart.draw_series(std::iter::empty::<Rectangle<(f64, f64)>>()))?
                .label(v.replace("AWG", " AWG"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 22, y + 7)], color.filled())
                });
        }
        let red = LIMIT_RED.stroke_width(3);
        de(chart.draw_series(std::iter::empty::<Rectangle<(f64, f64)>>()))?
            .label("IEEE reach objective")
            .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 22, y)], 6, 4, red));
        de(chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .margin(16)
            .legend_area_size(32)
            .label_font((FONT, 16))
            .background_style(WHITE.mix(0.92))
            .border_style(GREY.mix(0.6))
            .draw())?;
        Ok(())
    }
}
