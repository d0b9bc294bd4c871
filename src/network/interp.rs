//! Interpolation of complex data along frequency (S-parameters, references), and extrapolation
//! of a network down to DC.
//!
//! Interpolation never extrapolates: new frequencies must lie within
//! `[f_old.first, f_old.last]`.

use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView2, ArrayView3, Axis, concatenate};
use num_complex::Complex64;

use super::Network;
use super::linalg::square_dims;
use crate::error::{Error, Result};

/// How to interpolate between frequency points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpolation {
    /// Straight lines between neighbouring points, on the real and imaginary parts.
    Linear,
    /// A natural cubic spline (second derivative zero at both ends) through the points, on the
    /// real and imaginary parts separately. (The spline is linear in the data with real
    /// weights, so one complex spline is exactly the two real ones.) Burden & Faires,
    /// *Numerical Analysis*, §3.5.
    Cubic,
}

/// Checks that `f` is finite and strictly increasing with at least two points.
fn check_grid(f: &ArrayView1<f64>, rows: usize) -> Result<()> {
    if f.len() != rows {
        return Err(Error::invalid(format!(
            "{} frequencies for {rows} data points",
            f.len()
        )));
    }
    if f.len() < 2 {
        return Err(Error::invalid(
            "interpolation needs at least two frequencies",
        ));
    }
    if let Some(k) = (1..f.len()).find(|&k| !(f[k - 1].is_finite() && f[k] > f[k - 1])) {
        return Err(Error::invalid(format!(
            "frequencies must be finite and strictly increasing (index {k}: {} after {})",
            f[k],
            f[k - 1]
        )));
    }
    if !f[f.len() - 1].is_finite() {
        return Err(Error::invalid("frequencies must be finite"));
    }
    Ok(())
}

/// Second derivatives of the natural cubic spline through the rows of `y` at abscissae `x`
/// (one spline per column): the tridiagonal system
/// `h[i−1] M[i−1] + 2 (h[i−1] + h[i]) M[i] + h[i] M[i+1] = 6 (Δy[i]/h[i] − Δy[i−1]/h[i−1])`
/// with `M[0] = M[n−1] = 0`, solved by the Thomas algorithm.
fn natural_second_derivatives(x: &ArrayView1<f64>, y: &ArrayView2<Complex64>) -> Array2<Complex64> {
    let n = x.len();
    let mut m = Array2::<Complex64>::zeros(y.dim());
    if n < 3 {
        return m;
    }
    let h: Vec<f64> = (0..n - 1).map(|i| x[i + 1] - x[i]).collect();
    let slope = |i: usize| (&y.row(i + 1) - &y.row(i)) / h[i];
    // Forward elimination; rows 1..n-1 of `m` hold d' until back substitution.
    let mut c_prime = vec![0.0; n];
    for i in 1..n - 1 {
        let (a, b, c) = (h[i - 1], 2.0 * (h[i - 1] + h[i]), h[i]);
        let w = b - a * c_prime[i - 1];
        c_prime[i] = c / w;
        let d = (slope(i) - slope(i - 1)) * 6.0;
        let prev = m.row(i - 1).to_owned();
        m.row_mut(i).assign(&((d - prev * a) / w));
    }
    for i in (1..n - 2).rev() {
        let next = m.row(i + 1).to_owned();
        let mut row = m.row_mut(i);
        row -= &(next * c_prime[i]);
    }
    m
}

/// Interpolates each column of `values` (`[f_old.len(), m]`) from `f_old` to `f_new`, giving
/// `[f_new.len(), m]`. Errors: `f_old` not strictly increasing or shorter than 2, or a new
/// frequency outside `[f_old.first, f_old.last]` (or not finite).
pub fn interpolate_rows(
    f_old: ArrayView1<f64>,
    values: ArrayView2<Complex64>,
    f_new: ArrayView1<f64>,
    kind: Interpolation,
) -> Result<Array2<Complex64>> {
    check_grid(&f_old, values.nrows())?;
    let (lo, hi) = (f_old[0], f_old[f_old.len() - 1]);
    if let Some(&f) = f_new.iter().find(|&&f| !(lo..=hi).contains(&f)) {
        return Err(Error::invalid(format!(
            "frequency {f} Hz is outside the data's range [{lo}, {hi}] Hz; interpolation does \
             not extrapolate"
        )));
    }
    let second = match kind {
        Interpolation::Linear => None,
        Interpolation::Cubic => Some(natural_second_derivatives(&f_old, &values)),
    };
    let old = f_old
        .as_slice()
        .map(<[f64]>::to_vec)
        .unwrap_or_else(|| f_old.to_vec());
    let mut out = Array2::zeros((f_new.len(), values.ncols()));
    for (mut row, &f) in out.rows_mut().into_iter().zip(f_new.iter()) {
        let i = old.partition_point(|&x| x <= f).clamp(1, old.len() - 1) - 1;
        let h = old[i + 1] - old[i];
        let b = (f - old[i]) / h;
        let a = 1.0 - b;
        row.assign(&(&values.row(i) * a + &values.row(i + 1) * b));
        if let Some(m) = &second {
            let (ca, cb) = ((a * a * a - a) * h * h / 6.0, (b * b * b - b) * h * h / 6.0);
            row += &(&m.row(i) * ca + &m.row(i + 1) * cb);
        }
    }
    Ok(out)
}

/// Interpolates S (`[nfreq, n, n]`) from `f_old` to `f_new`, each `Sij` separately
/// ([`interpolate_rows`]).
pub fn interpolate_s(
    f_old: ArrayView1<f64>,
    s: ArrayView3<Complex64>,
    f_new: ArrayView1<f64>,
    kind: Interpolation,
) -> Result<Array3<Complex64>> {
    let (nf, n) = square_dims(&s, "S")?;
    let flat = s
        .to_shape((nf, n * n))
        .map_err(|e| Error::invalid(format!("internal: reshape: {e}")))?;
    let out = interpolate_rows(f_old, flat.view(), f_new, kind)?;
    out.into_shape_with_order((f_new.len(), n, n))
        .map_err(|e| Error::invalid(format!("internal: reshape: {e}")))
}

impl Network {
    /// The network at frequencies `f_new` (within the current range): S and the references
    /// are interpolated with `kind`. Name, port names, comments and noise parameters (which
    /// have their own grid) are kept.
    pub fn interpolate(&self, f_new: ArrayView1<f64>, kind: Interpolation) -> Result<Network> {
        self.check_shapes()?;
        let f_old = self.frequency_hz.view();
        let s = interpolate_s(f_old, self.s.view(), f_new, kind)?;
        let z0 = interpolate_rows(f_old, self.z0.view(), f_new, kind)?;
        let mut net = self.derived(f_new.to_owned(), s, z0, self.wave);
        net.noise = self.noise.clone();
        Ok(net)
    }
}

/// Which frequencies [`extrapolate_to_dc`] adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DcFill {
    /// Only `f = 0`.
    PointOnly,
    /// `f = 0` and the points `f0 − step, f0 − 2 step, …` above 0, where `f0` is the first
    /// frequency and `step` the spacing of the first two: the grid continued down to DC. When
    /// `f0` is not a multiple of `step` the gap between 0 and the next point is shorter.
    UniformGrid,
}

/// How many of the lowest frequency points the DC extrapolation uses.
const DC_SPLINE_POINTS: usize = 32;

/// Most frequencies [`extrapolate_to_dc`] will add with [`DcFill::UniformGrid`].
const MAX_FILL_POINTS: usize = 1 << 20;

/// Adds a DC point (and, with [`DcFill::UniformGrid`], the missing low-frequency grid) to a
/// network measured from some `f0 > 0`.
///
/// Method: the impulse response of every `Sij` is real, so `S(−f) = S(f)*` — the real part is
/// even in `f` and the imaginary part odd (hence 0 at DC). The lowest (up to 32) points are
/// mirrored to negative frequencies with this symmetry, and a natural cubic spline
/// ([`Interpolation::Cubic`]) through the mirrored set is evaluated at the new frequencies, all
/// of which lie in its central interval `[−f0, f0]`; by symmetry that piece has an even real
/// part `c0 + c2 f²` and an odd imaginary part. At DC the imaginary part is set to exactly 0.
/// This is the usual practice before an inverse FFT to the time domain; its accuracy depends on
/// `f0` being small against the scale on which `S` varies.
///
/// New points take the references of the first frequency. A network that already starts at
/// DC is returned unchanged. Errors: fewer than two frequencies, a negative first frequency, or
/// a fill of more than 2^20 points.
pub fn extrapolate_to_dc(net: &Network, fill: DcFill) -> Result<Network> {
    net.check_shapes()?;
    let f = &net.frequency_hz;
    let (nf, n) = (net.nfreq(), net.nports());
    if nf < 2 {
        return Err(Error::invalid(
            "DC extrapolation needs at least two frequencies",
        ));
    }
    let f0 = f[0];
    if f0 == 0.0 {
        return Ok(net.clone());
    }
    let positive = f0.is_finite() && f0 > 0.0;
    if !positive {
        return Err(Error::invalid(format!(
            "DC extrapolation needs a positive first frequency, got {f0} Hz"
        )));
    }
    let mut new_f = vec![0.0];
    if fill == DcFill::UniformGrid {
        let step = f[1] - f[0];
        let count = (f0 / step).floor();
        if !count.is_finite() || count >= MAX_FILL_POINTS as f64 {
            return Err(Error::invalid(format!(
                "filling down to DC in steps of {step} Hz from {f0} Hz needs more than \
                 {MAX_FILL_POINTS} points"
            )));
        }
        let above_zero = (1..=count as usize)
            .map(|j| f0 - j as f64 * step)
            .filter(|&x| x > step * 1e-9);
        new_f.extend(above_zero);
        new_f[1..].reverse();
    }
    let l = nf.min(DC_SPLINE_POINTS);
    let flat = net
        .s
        .to_shape((nf, n * n))
        .map_err(|e| Error::invalid(format!("internal: reshape: {e}")))?;
    let mirrored_f: Array1<f64> = (0..2 * l)
        .map(|i| if i < l { -f[l - 1 - i] } else { f[i - l] })
        .collect();
    let mirrored = Array2::from_shape_fn((2 * l, n * n), |(i, j)| {
        if i < l {
            flat[[l - 1 - i, j]].conj()
        } else {
            flat[[i - l, j]]
        }
    });
    let new_f = Array1::from(new_f);
    let mut low = interpolate_rows(
        mirrored_f.view(),
        mirrored.view(),
        new_f.view(),
        Interpolation::Cubic,
    )?;
    low.row_mut(0).mapv_inplace(|z| Complex64::new(z.re, 0.0));
    let low = low
        .into_shape_with_order((new_f.len(), n, n))
        .map_err(|e| Error::invalid(format!("internal: reshape: {e}")))?;
    let join = |e: ndarray::ShapeError| Error::invalid(format!("internal: concatenate: {e}"));
    let s = concatenate(Axis(0), &[low.view(), net.s.view()]).map_err(join)?;
    let z0_low = net
        .z0
        .row(0)
        .broadcast((new_f.len(), n))
        .map(|v| v.to_owned())
        .ok_or_else(|| Error::invalid("internal: broadcast z0"))?;
    let z0 = concatenate(Axis(0), &[z0_low.view(), net.z0.view()]).map_err(join)?;
    let freq = concatenate(Axis(0), &[new_f.view(), f.view()]).map_err(join)?;
    let mut out = net.derived(freq, s, z0, net.wave);
    out.noise = net.noise.clone();
    Ok(out)
}

#[cfg(test)]
mod tests;
