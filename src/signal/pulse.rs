//! The pulse response of a channel (in progress: see issue 5).

/// A response sampled uniformly from `t = 0`: `samples_per_ui` samples per unit interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    /// Unit interval, s.
    pub ui_s: f64,
    /// Samples per unit interval (the oversampling `M`).
    pub samples_per_ui: usize,
    /// Values, V (per volt of transmitter swing where the response is normalised).
    pub v: Vec<f64>,
}

impl Sampled {
    /// Sample interval, s.
    pub fn dt_s(&self) -> f64 {
        self.ui_s / self.samples_per_ui as f64
    }
}
