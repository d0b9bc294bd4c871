//! Symbol mapping for NRZ and PAM4: the transmitted levels (normalised to outer levels ±1, with
//! the PAM4 level separation mismatch ratio RLM), Gray coding of bit pairs, and symbols from bits.
//!
//! - Levels: PAM-N symbol `i` (0 lowest) at `−1 + 2i/(N − 1)`; PAM4 ideally −1, −1/3, 1/3, 1
//!   (IEEE 802.3 Clause 120.5.7: symbols 0, 1, 2, 3 sent as −1, −1/3, +1/3, +1).
//! - RLM (IEEE 802.3 Clause 120D.3.1.2, the level separation mismatch ratio): with levels
//!   `V0 < V1 < V2 < V3` and `V_mid = (V0 + V3)/2`, `ES1 = (V1 − V_mid)/(V0 − V_mid)`,
//!   `ES2 = (V2 − V_mid)/(V3 − V_mid)` and `RLM = min(3 ES1, 3 ES2, 2 − 3 ES1, 2 − 3 ES2)`.
//! - Gray coding (Clause 120.5.7): bit pairs 00, 01, 11, 10 become symbols 0, 1, 2, 3; the
//!   earlier bit of a pair is the more significant.

use crate::error::{Error, Result};

/// The most levels [`levels`] makes (PAM-16).
pub const MAX_LEVELS: usize = 16;

/// The `n_levels` transmitted levels, lowest first, outer levels at −1 and +1.
///
/// `rlm` is the level separation mismatch ratio (Clause 120D.3.1.2, module doc), in (0, 1]; 1
/// gives equally spaced levels. For PAM4 with `rlm < 1` the inner levels are placed
/// symmetrically at `±rlm/3` (ES1 = ES2 = rlm/3, so RLM = 3 ES = rlm): the inner levels pulled
/// towards the middle, so the middle eye is the smallest and its half-height `rlm/3` is COM's
/// signal amplitude `A_s = R_LM h0/(L − 1)` per unit cursor `h0` (IEEE 802.3 Annex 93A). The
/// other root, inner levels at `±(2 − rlm)/3`, has the same RLM and is not produced.
///
/// Errors: fewer than 2 or more than [`MAX_LEVELS`] levels; `rlm` outside (0, 1]; `rlm ≠ 1`
/// for anything but PAM4 (RLM is defined for four levels).
pub fn levels(n_levels: usize, rlm: f64) -> Result<Vec<f64>> {
    if !(2..=MAX_LEVELS).contains(&n_levels) {
        return Err(Error::invalid(format!(
            "{n_levels} levels; 2 to {MAX_LEVELS} are allowed"
        )));
    }
    if !(rlm > 0.0 && rlm <= 1.0) {
        return Err(Error::invalid(format!("RLM must be in (0, 1], got {rlm}")));
    }
    if n_levels == 4 {
        let x = rlm / 3.0;
        return Ok(vec![-1.0, -x, x, 1.0]);
    }
    if rlm != 1.0 {
        return Err(Error::invalid(format!(
            "RLM is defined for PAM4 only; {n_levels} levels need RLM = 1, got {rlm}"
        )));
    }
    let step = 2.0 / (n_levels - 1) as f64;
    Ok((0..n_levels).map(|i| -1.0 + step * i as f64).collect())
}

/// The RLM of four levels `V0 < V1 < V2 < V3` (Clause 120D.3.1.2, module doc).
/// Errors: not four finite, strictly increasing levels.
pub fn rlm(levels: &[f64]) -> Result<f64> {
    check_levels(levels)?;
    let [v0, v1, v2, v3] = <[f64; 4]>::try_from(levels)
        .map_err(|_| Error::invalid(format!("RLM needs 4 levels, got {}", levels.len())))?;
    let v_mid = (v0 + v3) / 2.0;
    let es1 = (v1 - v_mid) / (v0 - v_mid);
    let es2 = (v2 - v_mid) / (v3 - v_mid);
    Ok((3.0 * es1)
        .min(3.0 * es2)
        .min(2.0 - 3.0 * es1)
        .min(2.0 - 3.0 * es2))
}

/// Checks that `levels` are at least two, finite and strictly increasing.
pub fn check_levels(levels: &[f64]) -> Result<()> {
    if levels.len() < 2 {
        return Err(Error::invalid(format!(
            "at least 2 levels are needed, got {}",
            levels.len()
        )));
    }
    if levels.iter().any(|v| !v.is_finite()) {
        return Err(Error::invalid("levels must be finite"));
    }
    if let Some(i) = (1..levels.len()).find(|&i| levels[i] <= levels[i - 1]) {
        return Err(Error::invalid(format!(
            "levels must increase: level {i} is {} after {}",
            levels[i],
            levels[i - 1]
        )));
    }
    Ok(())
}

/// The PAM4 symbol of a bit pair by Gray coding (Clause 120.5.7): 00→0, 01→1, 11→2, 10→3.
/// `msb` is the earlier bit. Only the lowest bit of each argument is used.
#[inline]
pub fn gray_pam4(msb: u8, lsb: u8) -> u8 {
    let (a, b) = (msb & 1, lsb & 1);
    (a << 1) | (a ^ b)
}

/// Symbols from bits: NRZ (`n_levels` 2) one symbol per bit; PAM4 (4) one per bit pair, Gray
/// coded with [`gray_pam4`], the earlier bit the more significant.
/// Errors: `n_levels` other than 2 or 4; a bit other than 0 or 1; an odd number of bits for PAM4.
pub fn symbols_from_bits(bits: &[u8], n_levels: usize) -> Result<Vec<u8>> {
    if let Some(i) = bits.iter().position(|&b| b > 1) {
        return Err(Error::invalid(format!(
            "bit {i} is {}, not 0 or 1",
            bits[i]
        )));
    }
    match n_levels {
        2 => Ok(bits.to_vec()),
        4 => {
            if !bits.len().is_multiple_of(2) {
                return Err(Error::invalid(format!(
                    "PAM4 takes bits in pairs; {} bits is odd",
                    bits.len()
                )));
            }
            Ok(bits
                .chunks_exact(2)
                .map(|p| gray_pam4(p[0], p[1]))
                .collect())
        }
        n => Err(Error::invalid(format!(
            "symbols from bits for NRZ (2 levels) or PAM4 (4), not {n}"
        ))),
    }
}

/// The voltage of each symbol: `levels[symbol]`.
/// Errors: bad levels (see [`check_levels`]); a symbol with no level.
pub fn symbol_values(symbols: &[u8], levels: &[f64]) -> Result<Vec<f64>> {
    check_levels(levels)?;
    symbols
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            levels.get(s as usize).copied().ok_or_else(|| {
                Error::invalid(format!(
                    "symbol {i} is {s}, but there are {} levels",
                    levels.len()
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideal_levels() {
        assert_eq!(levels(2, 1.0).expect("ok"), vec![-1.0, 1.0]);
        let l = levels(4, 1.0).expect("ok");
        let want = [-1.0, -1.0 / 3.0, 1.0 / 3.0, 1.0];
        assert!(l.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15));
        // ideal PAM4 has RLM 1: ES1 = ES2 = 1/3
        assert!((rlm(&l).expect("ok") - 1.0).abs() < 1e-15);
        let l8 = levels(8, 1.0).expect("ok");
        assert!((l8[1] - (-5.0 / 7.0)).abs() < 1e-15 && l8[7] == 1.0);
    }

    #[test]
    fn levels_have_the_rlm_asked_for() {
        // inner levels at ±rlm/3: for 0.9, ±0.3; V_mid = 0, ES = 0.3, RLM = min(0.9, 1.1) = 0.9
        let l = levels(4, 0.9).expect("ok");
        assert!((l[1] + 0.3).abs() < 1e-15 && (l[2] - 0.3).abs() < 1e-15);
        for r in [0.5, 0.8, 0.95, 0.999, 1.0] {
            let l = levels(4, r).expect("ok");
            assert!((rlm(&l).expect("ok") - r).abs() < 1e-14, "rlm {r}");
            assert!((l[1] + l[2]).abs() < 1e-15, "symmetric");
        }
        // RLM by hand for asymmetric levels 0, 0.3, 0.7, 1 (V_mid 0.5): ES1 = 0.4, ES2 = 0.4,
        // RLM = min(1.2, 1.2, 0.8, 0.8) = 0.8
        assert!((rlm(&[0.0, 0.3, 0.7, 1.0]).expect("ok") - 0.8).abs() < 1e-15);
    }

    #[test]
    fn gray_code_of_clause_120_5_7() {
        assert_eq!(gray_pam4(0, 0), 0);
        assert_eq!(gray_pam4(0, 1), 1);
        assert_eq!(gray_pam4(1, 1), 2);
        assert_eq!(gray_pam4(1, 0), 3);
        let s = symbols_from_bits(&[0, 0, 0, 1, 1, 1, 1, 0], 4).expect("ok");
        assert_eq!(s, vec![0, 1, 2, 3]);
        // adjacent symbols differ in one bit
        let back = [[0, 0], [0, 1], [1, 1], [1, 0]];
        for w in back.windows(2) {
            assert_eq!((w[0][0] ^ w[1][0]) + (w[0][1] ^ w[1][1]), 1);
        }
        assert_eq!(symbols_from_bits(&[1, 0, 1], 2).expect("ok"), vec![1, 0, 1]);
        let v = symbol_values(&[0, 3, 1], &levels(4, 1.0).expect("ok")).expect("ok");
        assert_eq!(v[0], -1.0);
        assert_eq!(v[1], 1.0);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(levels(1, 1.0).is_err());
        assert!(levels(17, 1.0).is_err());
        assert!(levels(4, 0.0).is_err());
        assert!(levels(4, 1.2).is_err());
        assert!(levels(4, f64::NAN).is_err());
        assert!(levels(2, 0.9).is_err());
        assert!(rlm(&[0.0, 1.0, 2.0]).is_err());
        assert!(rlm(&[0.0, 2.0, 1.0, 3.0]).is_err());
        assert!(symbols_from_bits(&[0, 1, 0], 4).is_err());
        assert!(symbols_from_bits(&[0, 2], 4).is_err());
        assert!(symbols_from_bits(&[0, 1], 3).is_err());
        assert!(symbol_values(&[4], &[-1.0, 1.0]).is_err());
    }
}
