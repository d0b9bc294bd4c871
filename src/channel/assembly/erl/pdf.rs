//! The amplitude distribution of a sum of independent PAM symbols, each times one sample of the
//! effective reflection, and the amplitude it exceeds with probability `DER_0` (Annex 93A.5
//! with the PAM levels of eq. 93A-39, as COM's `get_pdf_from_sampled_signal` builds it).

use crate::error::{Error, Result};

/// Most bins the distribution may span.
const MAX_BINS: f64 = (1u64 << 24) as f64;

/// `R_peak`: minus the lowest amplitude at which the cumulative distribution of
/// `Σ_k x_k s_k` reaches `der0`, where `s_k` takes the `levels` values `2l/(L − 1) − 1` with equal
/// probability. Each `|x_k| · level` is rounded to the grid of `bin` (half away from zero);
/// samples not larger than one bin are left out. Errors: a distribution wider than 2^24 bins
/// (raise `pdf_bin`).
pub(super) fn r_peak(samples: &[f64], levels: usize, der0: f64, bin: f64) -> Result<f64> {
    let mut a: Vec<f64> = samples
        .iter()
        .map(|x| x.abs())
        .filter(|x| *x > bin)
        .collect();
    let span: f64 = 2.0 * a.iter().sum::<f64>() / bin;
    if span > MAX_BINS {
        return Err(Error::invalid(format!(
            "the ERL amplitude distribution would span {span:.3e} bins of {bin}; raise pdf_bin"
        )));
    }
    a.sort_by(|x, y| y.total_cmp(x));
    let values: Vec<f64> = (0..levels)
        .map(|l| 2.0 * l as f64 / (levels - 1) as f64 - 1.0)
        .collect();
    let p_level = 1.0 / levels as f64;
    let mut pdf = vec![1.0];
    let mut lowest: i64 = 0;
    let mut next = Vec::new();
    let mut taps: Vec<(usize, f64)> = Vec::with_capacity(levels);
    for x in a {
        let offsets: Vec<i64> = values
            .iter()
            .map(|v| (x * v / bin).round() as i64)
            .collect();
        let lo = offsets.iter().copied().min().unwrap_or(0);
        let hi = offsets.iter().copied().max().unwrap_or(0);
        taps.clear();
        for o in &offsets {
            let at = (o - lo) as usize;
            match taps.iter_mut().find(|(i, _)| *i == at) {
                Some(t) => t.1 += p_level,
                None => taps.push((at, p_level)),
            }
        }
        next.clear();
        next.resize(pdf.len() + (hi - lo) as usize, 0.0);
        for &(at, p) in &taps {
            for (dst, src) in next[at..at + pdf.len()].iter_mut().zip(&pdf) {
                *dst += src * p;
            }
        }
        std::mem::swap(&mut pdf, &mut next);
        lowest += lo;
    }
    let mut cdf = 0.0;
    for (i, p) in pdf.iter().enumerate() {
        cdf += p;
        if cdf >= der0 {
            return Ok(-((lowest + i as i64) as f64) * bin);
        }
    }
    Ok(0.0)
}

#[cfg(test)]
mod tests {
    use super::r_peak;

    #[test]
    fn one_sample_of_a_pam4_symbol_reaches_its_full_amplitude() {
        // P(−a) = 1/4 ≥ 1e-4: the lowest value is reached at once
        let r = r_peak(&[0.0123], 4, 1e-4, 1e-6).unwrap();
        assert!((r - 0.0123).abs() < 1e-12, "{r}");
    }

    #[test]
    fn the_quantile_moves_inwards_once_the_extreme_is_rarer_than_der0() {
        // NRZ, 20 equal samples: P(all −1) = 2^-20 < 1e-4, so R_peak < 20 a. Sum of n = 20
        // symbols ±a: values (20 − 2k) a with probability C(20,k)/2^20; the CDF from the bottom
        // reaches 1e-4 at k = 2 (1 + 20 + 190 = 211 > 104.9 = 1e-4 · 2^20), i.e. at −16 a.
        let a = 0.01;
        let r = r_peak(&[a; 20], 2, 1e-4, 1e-6).unwrap();
        assert!((r - 16.0 * a).abs() < 1e-9, "{r}");
    }

    #[test]
    fn samples_within_a_bin_are_ignored() {
        assert_eq!(r_peak(&[5e-5, -5e-5], 4, 1e-4, 1e-4).unwrap(), 0.0);
        assert_eq!(r_peak(&[], 4, 1e-4, 1e-4).unwrap(), 0.0);
    }
}
