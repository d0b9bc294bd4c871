//! Eyes: what a receiver sees after the equalisers.
//!
//! - [`statistical`]: the eye from the pulse response alone — the PDF of intersymbol
//!   interference as the convolution of per-cursor PDFs (as IEEE COM does, Annex 93A.1.7),
//!   combined with Gaussian noise and jitter; eye height and width at any BER, contours and
//!   bathtubs;
//! - [`time_domain`]: bit-by-bit simulation of a symbol sequence through the pulse response, its
//!   2-D eye histogram, and the eye height and width per PAM4 eye measured on it;
//! - [`pybert`]: the statistical eye of a link with PyBERT's transmitter and receiver models,
//!   for comparisons with PyBERT.

pub mod link;
pub mod pybert;
pub mod statistical;
pub mod time_domain;
