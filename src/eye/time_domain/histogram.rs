//! The 2-D eye histogram of a waveform: counts over 2 UI of sampling phase × voltage bins, the
//! picture of an eye diagram (for plotting; eye height and width come from [`super::measure`],
//! which keeps each UI's symbol).
//!
//! Column `j` (0 ..< 2M) holds the samples `cursor_index + kM − M + j` of every measured UI `k`:
//! the sampling instant is column `M`, the middle of the picture, and each waveform sample falls
//! in two columns (as the left and the right UI of a 2-UI eye, the usual oscilloscope display).
//! Row `i` counts voltages in `[v_min + i Δ, v_min + (i + 1) Δ)`, `Δ = (v_max − v_min)/bins`;
//! samples outside `[v_min, v_max)` are counted in `outside`.

use ndarray::Array2;

use crate::error::{Error, Result};

/// The most cells (columns × voltage bins) a histogram may have (2^26).
pub const MAX_CELLS: usize = 1 << 26;

/// Counts over 2 UI × voltage (module doc).
#[derive(Debug, Clone, PartialEq)]
pub struct EyeHistogram {
    /// `[2M columns, voltage bins]`: column `j` is `j − M` samples from the sampling instant.
    pub counts: Array2<u64>,
    /// Samples per UI `M`.
    pub samples_per_ui: usize,
    /// Voltage range, V.
    pub v_min: f64,
    pub v_max: f64,
    /// Samples outside `[v_min, v_max)`.
    pub outside: u64,
}

impl EyeHistogram {
    /// An empty histogram of `2 × samples_per_ui` columns and `voltage_bins` rows over
    /// `[v_min, v_max)`.
    /// Errors: `samples_per_ui` or `voltage_bins` 0, more than [`MAX_CELLS`] cells, a voltage
    /// range that is empty or not finite.
    pub fn new(
        samples_per_ui: usize,
        v_min: f64,
        v_max: f64,
        voltage_bins: usize,
    ) -> Result<EyeHistogram> {
        if samples_per_ui == 0 || voltage_bins == 0 {
            return Err(Error::invalid(format!(
                "an eye histogram needs samples per UI and voltage bins, got {samples_per_ui} \
                 and {voltage_bins}"
            )));
        }
        let columns = samples_per_ui.checked_mul(2);
        if columns
            .and_then(|c| c.checked_mul(voltage_bins))
            .is_none_or(|cells| cells > MAX_CELLS)
        {
            return Err(Error::invalid(format!(
                "2 × {samples_per_ui} columns × {voltage_bins} bins exceed {MAX_CELLS} cells"
            )));
        }
        if !(v_min.is_finite() && v_max.is_finite() && v_min < v_max) {
            return Err(Error::invalid(format!(
                "the histogram's voltage range [{v_min}, {v_max}) V is empty or not finite"
            )));
        }
        Ok(EyeHistogram {
            counts: Array2::zeros((2 * samples_per_ui, voltage_bins)),
            samples_per_ui,
            v_min,
            v_max,
            outside: 0,
        })
    }

    /// Adds the waveform's UIs from symbol `warmup_symbols` on (the first are not in steady
    /// state: [`super::warmup_symbols`]), every UI whose 2-UI window lies inside the waveform.
    /// `cursor_index` is the sampling instant of symbol 0 (module doc).
    pub fn accumulate(&mut self, waveform: &[f64], cursor_index: usize, warmup_symbols: usize) {
        let m = self.samples_per_ui;
        let bins = self.counts.ncols();
        let scale = bins as f64 / (self.v_max - self.v_min);
        // UI k spans cursor + kM − M ..< cursor + kM + M: the first UI that starts at 0 or later
        let first_fit = m.saturating_sub(cursor_index).div_ceil(m);
        let mut k = warmup_symbols.max(first_fit);
        while let Some(start) = k
            .checked_mul(m)
            .and_then(|x| x.checked_add(cursor_index))
            .map(|centre| centre - m)
        {
            let Some(end) = start.checked_add(2 * m).filter(|&e| e <= waveform.len()) else {
                break;
            };
            for (j, &v) in waveform[start..end].iter().enumerate() {
                let x = (v - self.v_min) * scale;
                if x >= 0.0 && x < bins as f64 {
                    self.counts[[j, x as usize]] += 1;
                } else {
                    self.outside += 1;
                }
            }
            k += 1;
        }
    }

    /// The voltage at the centre of bin `i`, V.
    pub fn voltage_v(&self, i: usize) -> f64 {
        let bins = self.counts.ncols() as f64;
        self.v_min + (i as f64 + 0.5) * (self.v_max - self.v_min) / bins
    }

    /// Samples from the sampling instant of column `j`: `j − M`.
    pub fn phase_offset(&self, j: usize) -> isize {
        j as isize - self.samples_per_ui as isize
    }

    /// All counts, inside the range and out.
    pub fn total(&self) -> u64 {
        self.counts.sum() + self.outside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_wave_lands_in_two_rows() {
        // M = 4, symbols ±1 alternating, ideal rectangle: y[n] = a_{n/4}; cursor at 2
        let m = 4;
        let y: Vec<f64> = (0..40)
            .map(|n| if (n / m) % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let mut h = EyeHistogram::new(m, -1.5, 1.5, 3).expect("ok");
        h.accumulate(&y, 2, 1);
        // UIs k = 1..=8 have windows 4k − 2 ..< 4k + 6 inside 40 samples: 8 UIs × 8 columns
        assert_eq!(h.total(), 64);
        assert_eq!(h.outside, 0);
        // row 0 is [−1.5, −0.5), row 2 is [0.5, 1.5); nothing in the middle
        assert_eq!(h.counts.column(1).sum(), 0);
        assert_eq!(h.counts.column(0).sum() + h.counts.column(2).sum(), 64);
        // column M (the sampling instant) sees each UI's own symbol: 4 of each
        assert_eq!(h.counts[[m, 0]], 4);
        assert_eq!(h.counts[[m, 2]], 4);
        assert!((h.voltage_v(2) - 1.0).abs() < 1e-15);
        assert_eq!(h.phase_offset(0), -(m as isize));
    }

    #[test]
    fn early_windows_are_skipped_and_outside_counted() {
        let y = vec![5.0; 20];
        let mut h = EyeHistogram::new(4, -1.0, 1.0, 10).expect("ok");
        // cursor 0: UI 0 would start at −4; UIs 1..=4 fit (UI 4 ends at 20)
        h.accumulate(&y, 0, 0);
        assert_eq!(h.outside, 4 * 8);
        assert_eq!(h.counts.sum(), 0);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(EyeHistogram::new(0, -1.0, 1.0, 10).is_err());
        assert!(EyeHistogram::new(4, -1.0, 1.0, 0).is_err());
        assert!(EyeHistogram::new(4, 1.0, 1.0, 10).is_err());
        assert!(EyeHistogram::new(4, f64::NAN, 1.0, 10).is_err());
        assert!(EyeHistogram::new(1 << 20, -1.0, 1.0, 1 << 20).is_err());
    }
}
