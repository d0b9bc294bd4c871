//! Magnitudes in decibels of single S-parameters over frequency: `|Sij|` in dB, insertion loss
//! and return loss. Ports are 0-based; the results are `[nfreq]`.
//!
//! Definitions (Pozar, *Microwave Engineering* 4th ed., §2.3): for a matched system,
//! insertion loss `IL = −20 log10 |Sij|` (i ≠ j, the transmission from port `j` to port `i`) and
//! return loss `RL = −20 log10 |Sii|`; both are positive for passive networks. A zero parameter
//! gives `+inf` dB of loss (`−inf` in [`mag_db`]).

use ndarray::{Array1, ArrayView3};
use num_complex::Complex64;

use super::Network;
use super::linalg::square_dims;
use crate::error::{Error, Result};

fn check_port(s: &ArrayView3<Complex64>, port: usize) -> Result<()> {
    let (_, n) = square_dims(s, "S")?;
    if port >= n {
        return Err(Error::invalid(format!(
            "port index {port} (0-based) out of range for a {n}-port"
        )));
    }
    Ok(())
}

/// `20 log10 |S[i, j]|` at every frequency.
pub fn mag_db(s: ArrayView3<Complex64>, i: usize, j: usize) -> Result<Array1<f64>> {
    check_port(&s, i)?;
    check_port(&s, j)?;
    Ok(s.slice(ndarray::s![.., i, j])
        .mapv(|z| 10.0 * z.norm_sqr().log10()))
}

/// Insertion loss `−20 log10 |S[i, j]|`, dB (transmission from port `j` to port `i`).
pub fn insertion_loss_db(s: ArrayView3<Complex64>, i: usize, j: usize) -> Result<Array1<f64>> {
    Ok(-mag_db(s, i, j)?)
}

/// Return loss `−20 log10 |S[i, i]|`, dB.
pub fn return_loss_db(s: ArrayView3<Complex64>, i: usize) -> Result<Array1<f64>> {
    Ok(-mag_db(s, i, i)?)
}

impl Network {
    /// `20 log10 |S[i, j]|` over frequency ([`mag_db`]).
    pub fn mag_db(&self, i: usize, j: usize) -> Result<Array1<f64>> {
        mag_db(self.s.view(), i, j)
    }

    /// Insertion loss from port `j` to port `i`, dB ([`insertion_loss_db`]).
    pub fn insertion_loss_db(&self, i: usize, j: usize) -> Result<Array1<f64>> {
        insertion_loss_db(self.s.view(), i, j)
    }

    /// Return loss at port `i`, dB ([`return_loss_db`]).
    pub fn return_loss_db(&self, i: usize) -> Result<Array1<f64>> {
        return_loss_db(self.s.view(), i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::test_util::*;

    #[test]
    fn decibels_of_known_magnitudes() {
        // |S21| = 0.1 → 20 dB insertion loss; |S11| = 0.5 → 6.0206 dB return loss.
        let s = two_port(2, |k| {
            let t = if k == 0 { c(0.0, 0.1) } else { c(0.0, 0.0) };
            [c(0.3, 0.4), t, t, c(1.0, 0.0)]
        });
        let il = insertion_loss_db(s.view(), 1, 0).expect("il");
        assert!((il[0] - 20.0).abs() < 1e-12);
        assert_eq!(il[1], f64::INFINITY);
        let rl = return_loss_db(s.view(), 0).expect("rl");
        assert!((rl[0] - 20.0 * 2f64.log10()).abs() < 1e-12);
        let m = mag_db(s.view(), 1, 1).expect("mag");
        assert_eq!(m[0], 0.0);
    }

    #[test]
    fn out_of_range_ports_are_errors() {
        let s = two_port(1, |_| [c(0.0, 0.0); 4]);
        assert!(insertion_loss_db(s.view(), 2, 0).is_err());
        assert!(return_loss_db(s.view(), 5).is_err());
        let net = Network::with_uniform_z0(ghz_grid(1), s, 50.0).expect("net");
        assert!(net.mag_db(0, 2).is_err());
        assert!(net.insertion_loss_db(1, 0).is_ok());
    }
}
