//! Plots: charts of what the library computes, written as SVG or PNG. This module owns the
//! chart data types ([`Series`], [`FrequencyChart`], [`LimitLine`], [`Marker`]), the drawing of
//! them with plotters ([`frequency_chart`], [`frequency_panels`], [`reach_chart`]), the choice
//! of output format by file extension ([`PlotFormat`]), and the bundled font.
//!
//! Text is drawn with plotters' pure-Rust `ab_glyph` renderer and DejaVu Sans, compiled into the
//! binary (`data/fonts/`, with its licence), so a plot renders the same on a machine without
//! system fonts; SVG files carry their text as `<text>` elements.
//!
//! Layering: `plot` sits at the top beside [`crate::reach`] (it draws reach rows); the physics
//! and network modules never depend on it. The chart types are plain data: a caller fills them
//! from any computation and hands them over with a path.

mod com;
mod eye;
mod frequency;
mod reach;
mod study;
mod waterfall;

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

pub use com::{ComChart, com_chart};
pub use eye::{BathtubChart, Contour, EyeChart, PulseChart, bathtub_chart, eye_chart, pulse_chart};
pub use frequency::{frequency_chart, frequency_panels};
pub use reach::reach_chart;
pub use study::{
    MarginCurve, ReachSamples, study_histograms, study_margin_chart, study_reach_chart,
};
pub use waterfall::{MarginChart, Step, Waterfall, margin_chart, waterfall_chart};

/// DejaVu Sans 2.35 (`data/fonts/DejaVuSans.ttf`; licence in `data/fonts/LICENSE`).
pub const FONT_TTF: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");

/// The font family every chart asks plotters for; the bundled font is registered under it.
const FONT: &str = "sans-serif";

/// One curve: `y` against `x` (for frequency charts, `x` in Hz).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend text.
    pub label: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Solid (measured or modelled values) or dashed (fits and references drawn over them).
    pub line: Line,
}

impl Series {
    /// A solid curve (measured or modelled values).
    pub fn solid(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Series {
        Series {
            label: label.into(),
            x,
            y,
            line: Line::Solid,
        }
    }
    /// A dashed curve (a fit or reference drawn over the data).
    pub fn dashed(label: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Series {
        Series {
            label: label.into(),
            x,
            y,
            line: Line::Dashed,
        }
    }
}

/// How a [`Series`] is stroked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Line {
    #[default]
    Solid,
    Dashed,
}

/// What a limit line looks like on the chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Limit {
    /// The same value at every `x`: a dashed horizontal line.
    Level(f64),
    /// Values at given `(x, y)` points (for frequency charts, `x` in Hz): a single point is drawn
    /// as a cross (a limit stated at one frequency, such as the Nyquist frequency), several as a
    /// dashed line through crosses.
    Points(Vec<(f64, f64)>),
}

/// A limit that the series are judged against, drawn in red.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitLine {
    /// Legend text (say where the limit comes from).
    pub label: String,
    pub limit: Limit,
}

/// A vertical marker at one `x` (for frequency charts, in Hz), e.g. the Nyquist frequency:
/// a dotted grey line named in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub label: String,
    pub x: f64,
}

/// A chart of quantities over frequency. Frequencies are given in Hz and shown in GHz.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrequencyChart {
    pub title: String,
    /// The y axis label, with its unit, e.g. `"Insertion loss (dB)"`.
    pub y_label: String,
    pub series: Vec<Series>,
    pub limit_lines: Vec<LimitLine>,
    pub markers: Vec<Marker>,
    /// The y axis spans at least this much, centred on the data (e.g. 1 dB for an ILD that is
    /// nearly zero, so that numerical noise is not blown up to fill the panel).
    pub min_y_span: Option<f64>,
}

/// An output format, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotFormat {
    Svg,
    Png,
}

impl PlotFormat {
    /// The format of `path` from its extension (`.svg` or `.png`, any case), or an error that
    /// names the path and the extensions known.
    pub fn from_path(path: &Path) -> Result<PlotFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(PlotFormat::Svg),
            Some("png") => Ok(PlotFormat::Png),
            _ => Err(Error::invalid(format!(
                "cannot tell the plot format of '{}': the file name must end in .svg or .png",
                path.display()
            ))),
        }
    }
}

/// Register the bundled font with plotters (once per process).
fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, FONT_TTF).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "the bundled font (DejaVu Sans) does not parse",
        ))
    }
}

/// A picture that can be drawn on any plotters backend.
trait Figure {
    /// Size in pixels (for SVG, in user units).
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Drawing errors as text: plotters' errors are generic over the backend.
type DrawResult = std::result::Result<(), String>;

/// `?` for plotters results inside [`Figure::draw`].
fn de<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> std::result::Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// Draw `fig` into `path`, SVG or PNG by its extension.
fn render(fig: &impl Figure, path: &Path) -> Result<()> {
    let format = PlotFormat::from_path(path)?;
    ensure_font()?;
    let size = fig.size();
    let drawn = match format {
        PlotFormat::Svg => {
            let root = SVGBackend::new(path, size).into_drawing_area();
            fig.draw(&root).and_then(|()| de(root.present()))
        }
        PlotFormat::Png => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            fig.draw(&root).and_then(|()| de(root.present()))
        }
    };
    drawn.map_err(|m| {
        Error::io(
            path,
            std::io::Error::other(format!("cannot draw the plot: {m}")),
        )
    })
}

/// The colours of successive series (Tableau 10, readable on white and by most colour-blind
/// readers in this order).
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(23, 190, 207),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
];
/// Limit lines.
const LIMIT_RED: RGBColor = RGBColor(214, 39, 40);
/// Markers and grid.
const GREY: RGBColor = RGBColor(110, 110, 110);

/// A number as a short label (ticks, lengths, gauges): at most three decimals, no trailing
/// zeros (`2.5`, `10`, `26.562`).
pub fn tick_label(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A tick formatter with as many decimals as a step of `step` needs.
fn tick_formatter(step: f64) -> impl Fn(&f64) -> String {
    let decimals = (-step.log10().floor()).clamp(0.0, 9.0) as usize;
    move |v: &f64| {
        let s = format!("{v:.decimals$}");
        if s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            "0".into()
        } else {
            s
        }
    }
}

/// A "nice" step (1, 2 or 5 × 10^k) giving about `n` intervals over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = span / n;
    let mag = 10f64.powf(raw.log10().floor());
    let r = raw / mag;
    let m = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// An axis range covering `[lo, hi]` with a little padding, rounded out to nice steps.
fn nice_range(lo: f64, hi: f64, ticks: f64) -> (f64, f64) {
    let (lo, hi) = if hi - lo < 1e-9 * (1.0 + hi.abs()) {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    let pad = 0.04 * (hi - lo);
    // ends on a step finer than the ticks', so the padding stays small
    let step = nice_step(hi - lo + 2.0 * pad, 2.0 * ticks);
    (
        ((lo - pad) / step).floor() * step,
        ((hi + pad) / step).ceil() * step,
    )
}

#[cfg(test)]
mod tests;
