//! Pseudo-random bit sequences: the Fibonacci LFSRs PRBS7, 9, 11, 13, 15, 23 and 31 of ITU-T
//! O.150 and IEEE 802.3, and the PAM4 test patterns PRBS13Q and PRBS31Q of IEEE 802.3
//! Clause 120.5.11.2.1 and 120.5.11.2.2.
//!
//! Generator polynomials (a term `x^t` is a delay of `t` bits; the sequence obeys
//! `y[k] = XOR over t of y[k − t]` for each term `x^t`, `t ≥ 1`):
//!
//! | pattern | polynomial | source |
//! | --- | --- | --- |
//! | PRBS7 | `x^7 + x^6 + 1` | the polynomial in common use (not one of O.150's) |
//! | PRBS9 | `x^9 + x^5 + 1` | ITU-T O.150 §5.1 |
//! | PRBS11 | `x^11 + x^9 + 1` | ITU-T O.150 §5.2 |
//! | PRBS13 | `x^13 + x^12 + x^2 + x + 1` | IEEE 802.3 Clause 94.2.9.1 (and 120.5.11.2.1) |
//! | PRBS15 | `x^15 + x^14 + 1` | ITU-T O.150 §5.3 |
//! | PRBS23 | `x^23 + x^18 + 1` | ITU-T O.150 §5.6 |
//! | PRBS31 | `x^31 + x^28 + 1` | ITU-T O.150 §5.8; IEEE 802.3 Clause 49.2.8 |
//!
//! Each is primitive, so the sequence repeats every `2^n − 1` bits (tests check this: by running
//! the register for n ≤ 23, and for PRBS31 by arithmetic on the polynomial over GF(2)).
//!
//! Seed convention: the seed is the register's `n` bits and they are the first `n` bits out,
//! least significant bit first. IEEE COM's PRBS13Q (seed vector `[0 0 0 0 0 1 0 1 0 1 0 1 1]`,
//! sent last element first) is seed `0b0000010101011` here. The all-zero seed is refused (the
//! register would stay at zero). O.150 sends some patterns inverted; this module never inverts.
//!
//! PRBS13Q and PRBS31Q (Clause 120.5.11.2.1/2): consecutive pairs of the PRBS bits, the earlier
//! bit the more significant, Gray coded into PAM4 symbols as in Clause 120.5.7 ([`super::pam`]).
//! The period `2^n − 1` is odd, so one period of symbols uses two periods of bits: PRBS13Q
//! repeats every 8191 symbols, formed from 2 × 8191 bits.

use super::pam::gray_pam4;
use crate::error::{Error, Result};

/// The most bits or symbols one call returns (2^28, 256 MiB of `u8`).
pub const MAX_LEN: usize = 1 << 28;

/// A pseudo-random bit sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrbsKind {
    Prbs7,
    Prbs9,
    Prbs11,
    Prbs13,
    Prbs15,
    Prbs23,
    Prbs31,
}

impl PrbsKind {
    /// All patterns, shortest first.
    pub const ALL: [PrbsKind; 7] = [
        PrbsKind::Prbs7,
        PrbsKind::Prbs9,
        PrbsKind::Prbs11,
        PrbsKind::Prbs13,
        PrbsKind::Prbs15,
        PrbsKind::Prbs23,
        PrbsKind::Prbs31,
    ];

    /// The register length `n` (the polynomial's degree).
    pub fn degree(self) -> u32 {
        match self {
            PrbsKind::Prbs7 => 7,
            PrbsKind::Prbs9 => 9,
            PrbsKind::Prbs11 => 11,
            PrbsKind::Prbs13 => 13,
            PrbsKind::Prbs15 => 15,
            PrbsKind::Prbs23 => 23,
            PrbsKind::Prbs31 => 31,
        }
    }

    /// The exponents `t ≥ 1` of the generator polynomial's terms (table in the module doc).
    pub fn taps(self) -> &'static [u32] {
        match self {
            PrbsKind::Prbs7 => &[7, 6],
            PrbsKind::Prbs9 => &[9, 5],
            PrbsKind::Prbs11 => &[11, 9],
            PrbsKind::Prbs13 => &[13, 12, 2, 1],
            PrbsKind::Prbs15 => &[15, 14],
            PrbsKind::Prbs23 => &[23, 18],
            PrbsKind::Prbs31 => &[31, 28],
        }
    }

    /// The period, `2^n − 1` bits.
    pub fn period(self) -> u64 {
        (1u64 << self.degree()) - 1
    }
}

/// A Fibonacci LFSR: an iterator over the bits (0 or 1) of one pattern, without end.
#[derive(Debug, Clone)]
pub struct Lfsr {
    /// The next `n` output bits, the next one in bit 0.
    state: u32,
    /// Bit `n − t` set for each tap `t`: the bits the feedback XORs.
    feedback: u32,
    /// `n − 1`: where the new bit enters.
    top: u32,
}

impl Lfsr {
    /// The register of `kind` loaded with `seed` (module doc: its bits are the first `n` out,
    /// least significant first).
    /// Errors: a zero seed, or one with bits at or above bit `n`.
    pub fn new(kind: PrbsKind, seed: u32) -> Result<Lfsr> {
        let n = kind.degree();
        if seed == 0 {
            return Err(Error::invalid(format!(
                "a {kind:?} seed must not be zero (the register would stay at zero)"
            )));
        }
        if u64::from(seed) >> n != 0 {
            return Err(Error::invalid(format!(
                "a {kind:?} seed has {n} bits; {seed:#x} has more"
            )));
        }
        let feedback = kind.taps().iter().fold(0u32, |m, &t| m | 1 << (n - t));
        Ok(Lfsr {
            state: seed,
            feedback,
            top: n - 1,
        })
    }

    /// The register now: the next `n` bits, the next one in bit 0 (a seed that would continue
    /// the sequence from here).
    pub fn state(&self) -> u32 {
        self.state
    }

    /// The next bit.
    #[inline]
    pub fn next_bit(&mut self) -> u8 {
        let out = (self.state & 1) as u8;
        let new = (self.state & self.feedback).count_ones() & 1;
        self.state = (self.state >> 1) | (new << self.top);
        out
    }
}

impl Iterator for Lfsr {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        Some(self.next_bit())
    }
}

fn check_len(n: usize, what: &str) -> Result<()> {
    if n > MAX_LEN {
        return Err(Error::invalid(format!(
            "{n} {what} asked for; the limit is {MAX_LEN}"
        )));
    }
    Ok(())
}

/// The first `n` bits (each 0 or 1) of `kind` from `seed`.
/// Errors: a bad seed (see [`Lfsr::new`]), `n` over [`MAX_LEN`].
pub fn bits(kind: PrbsKind, seed: u32, n: usize) -> Result<Vec<u8>> {
    check_len(n, "bits")?;
    let mut lfsr = Lfsr::new(kind, seed)?;
    Ok((0..n).map(|_| lfsr.next_bit()).collect())
}

/// The first `n_symbols` PAM4 symbols (0 to 3) of the quaternary pattern built on `kind`: PRBS13Q
/// for [`PrbsKind::Prbs13`], PRBS31Q for [`PrbsKind::Prbs31`] (IEEE 802.3 Clause 120.5.11.2.1
/// and 120.5.11.2.2; module doc). Symbol `k` is the Gray code of bits `2k` (more significant)
/// and `2k + 1`. Map to voltages with [`super::pam::symbol_values`].
/// Errors: a bad seed, `n_symbols` over [`MAX_LEN`].
pub fn prbs_q(kind: PrbsKind, seed: u32, n_symbols: usize) -> Result<Vec<u8>> {
    check_len(n_symbols, "symbols")?;
    let mut lfsr = Lfsr::new(kind, seed)?;
    Ok((0..n_symbols)
        .map(|_| {
            let msb = lfsr.next_bit();
            let lsb = lfsr.next_bit();
            gray_pam4(msb, lsb)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a · b mod g` over GF(2); polynomials as bit masks (bit i: coefficient of x^i), deg g = n.
    fn mulmod(a: u64, b: u64, g: u64, n: u32) -> u64 {
        let mut prod = 0u64;
        for i in 0..n {
            if b >> i & 1 == 1 {
                prod ^= a << i;
            }
        }
        for d in (n..2 * n).rev() {
            if prod >> d & 1 == 1 {
                prod ^= g << (d - n);
            }
        }
        prod
    }

    /// `x^e mod g` by square and multiply.
    fn x_pow(mut e: u64, g: u64, n: u32) -> u64 {
        let mut result = 1u64;
        let mut base = 2u64; // x
        while e > 0 {
            if e & 1 == 1 {
                result = mulmod(result, base, g, n);
            }
            base = mulmod(base, base, g, n);
            e >>= 1;
        }
        result
    }

    fn prime_factors(mut m: u64) -> Vec<u64> {
        let mut f = Vec::new();
        let mut d = 2;
        while d * d <= m {
            if m.is_multiple_of(d) {
                f.push(d);
                while m.is_multiple_of(d) {
                    m /= d;
                }
            }
            d += 1;
        }
        if m > 1 {
            f.push(m);
        }
        f
    }

    /// The generator polynomial `1 + Σ x^t` as a mask.
    fn generator(kind: PrbsKind) -> u64 {
        kind.taps().iter().fold(1u64, |m, &t| m | 1 << t)
    }

    /// The characteristic polynomial of the recurrence `y[k+n] = Σ y[k+n−t]`: `x^n + Σ x^(n−t)`
    /// (the reciprocal of the generator).
    fn characteristic(kind: PrbsKind) -> u64 {
        let n = kind.degree();
        kind.taps().iter().fold(1u64 << n, |m, &t| m | 1 << (n - t))
    }

    /// Primitive over GF(2): x has order exactly 2^n − 1 modulo the polynomial (Lidl &
    /// Niederreiter, *Finite Fields*, ch. 3, order of a polynomial). The period of every such LFSR follows from this,
    /// without running PRBS31's 2^31 − 1 steps.
    #[test]
    fn every_polynomial_is_primitive() {
        for kind in PrbsKind::ALL {
            let n = kind.degree();
            let order = kind.period();
            for g in [generator(kind), characteristic(kind)] {
                assert_eq!(x_pow(order, g, n), 1, "{kind:?}: x^(2^n-1) != 1");
                for q in prime_factors(order) {
                    assert_ne!(
                        x_pow(order / q, g, n),
                        1,
                        "{kind:?}: order divides {}",
                        order / q
                    );
                }
            }
        }
        // 2^31 − 1 is a Mersenne prime: no proper divisor to check for PRBS31
        assert_eq!(
            prime_factors(PrbsKind::Prbs31.period()),
            vec![(1u64 << 31) - 1]
        );
    }

    /// Bit N of the sequence from the polynomial alone: if x^N = Σ r_i x^i modulo the
    /// characteristic polynomial, then y[N] = Σ r_i y[i] (the register's first n bits are the
    /// seed). Ties the register to the polynomial that the test above shows primitive.
    #[test]
    fn register_follows_its_polynomial_far_ahead() {
        for kind in PrbsKind::ALL {
            let n = kind.degree();
            let seed = 0x5A5A_5A5A & ((1u32 << n) - 1);
            let run = bits(kind, seed, 1_000_001).expect("valid");
            for big_n in [n as u64, 1000, 65_537, 999_999, 1_000_000] {
                let r = x_pow(big_n, characteristic(kind), n);
                let predicted = (0..n)
                    .filter(|&i| r >> i & 1 == 1)
                    .fold(0u8, |acc, i| acc ^ (seed >> i & 1) as u8);
                assert_eq!(run[big_n as usize], predicted, "{kind:?} bit {big_n}");
            }
        }
    }

    /// Period 2^n − 1 (and no shorter), 2^(n−1) ones per period, longest runs n ones and n − 1
    /// zeros (Golomb's run property of m-sequences), by running the register.
    #[test]
    fn period_balance_and_runs_up_to_prbs23() {
        for kind in PrbsKind::ALL.into_iter().filter(|k| k.degree() <= 23) {
            let n = kind.degree();
            let seed = 1u32;
            let mut lfsr = Lfsr::new(kind, seed).expect("valid");
            let period = kind.period() as usize;
            let mut seq = Vec::with_capacity(period);
            loop {
                seq.push(lfsr.next_bit());
                if lfsr.state() == seed {
                    break;
                }
                assert!(seq.len() < period, "{kind:?} did not return");
            }
            assert_eq!(seq.len(), period, "{kind:?} period");
            let ones = seq.iter().filter(|&&b| b == 1).count();
            assert_eq!(ones, 1 << (n - 1), "{kind:?} ones");
            // runs on the cyclic sequence: start after a change
            let start = (0..period).find(|&i| seq[i] != seq[(i + period - 1) % period]);
            let start = start.expect("not constant");
            let (mut longest, mut run) = ([0usize; 2], 0usize);
            for j in 0..period {
                let b = seq[(start + j) % period];
                run += 1;
                if seq[(start + j + 1) % period] != b {
                    longest[b as usize] = longest[b as usize].max(run);
                    run = 0;
                }
            }
            assert_eq!(longest, [n as usize - 1, n as usize], "{kind:?} runs");
        }
    }

    /// Full PRBS31 period by running (2^31 steps, seconds in release): `cargo test --release
    /// -- --ignored prbs31_full`.
    #[test]
    #[ignore]
    fn prbs31_full_period() {
        let mut lfsr = Lfsr::new(PrbsKind::Prbs31, 1).expect("valid");
        let mut steps = 0u64;
        loop {
            lfsr.next_bit();
            steps += 1;
            if lfsr.state() == 1 || steps > PrbsKind::Prbs31.period() {
                break;
            }
        }
        assert_eq!(steps, PrbsKind::Prbs31.period());
    }

    #[test]
    fn first_bits_by_hand() {
        // PRBS7, seed all ones: y[k] = y[k−6] ^ y[k−7]; y7..y12 = 1^1 = 0, y13 = y7^y6 = 1,
        // y14..y18 = 0, y19 = y13^y12 = 1, y20 = y14^y13 = 1.
        let b = bits(PrbsKind::Prbs7, 0x7F, 21).expect("valid");
        let text: String = b.iter().map(|x| char::from(b'0' + x)).collect();
        assert_eq!(text, "111111100000010000011");
        // PRBS13 from COM's seed: the seed LSB first (1101010100000), then
        // y13 = y12^y11^y1^y0 = 0, y14 = y13^y12^y2^y1 = 1, y15 = y14^y13^y3^y2 = 0; COM's
        // PRBS13Q starts with the same 16 bits.
        let b = bits(PrbsKind::Prbs13, 0b0000010101011, 16).expect("valid");
        let text: String = b.iter().map(|x| char::from(b'0' + x)).collect();
        assert_eq!(text, "1101010100000010");
    }

    #[test]
    fn prbs13q_period_levels_and_start() {
        let period = PrbsKind::Prbs13.period() as usize;
        let s = prbs_q(PrbsKind::Prbs13, 0b0000010101011, 2 * period).expect("valid");
        // 8191 symbols from 2 × 8191 bits, then it repeats (Clause 120.5.11.2.1)
        // (8191 is prime, so a non-constant sequence repeating at 8191 has no shorter period)
        assert_eq!(s[..period], s[period..]);
        assert!(s.iter().any(|&x| x != s[0]));
        // one symbol period holds every 2-bit window of the bit period once: 00 2^11 − 1 times,
        // 01, 11 and 10 2^11 times each; Gray 00→0, 01→1, 11→2, 10→3
        let mut counts = [0usize; 4];
        s[..period].iter().for_each(|&x| counts[x as usize] += 1);
        assert_eq!(counts, [2047, 2048, 2048, 2048]);
        // bits 11 01 01 01 00 00 00 10 (first_bits_by_hand) → 2 1 1 1 0 0 0 3
        assert_eq!(s[..8], [2, 1, 1, 1, 0, 0, 0, 3]);
        // IEEE COM's PRBS13Q takes one bit period (4095 symbols); its level counts are
        // 1014, 1002, 1014, 1065
        let mut com = [0usize; 4];
        s[..4095].iter().for_each(|&x| com[x as usize] += 1);
        assert_eq!(com, [1014, 1002, 1014, 1065]);
    }

    #[test]
    fn prbs31q_is_gray_coded_bit_pairs() {
        // PRBS31Q (Clause 120.5.11.2.2): the PRBS31 bits in pairs through the Gray map of
        // Clause 120.5.7 (`pam::symbols_from_bits`); its period 2^31 − 1 symbols follows from the
        // bits' (primitivity test) being odd
        let seed = 0x7FFF_FFFF;
        let b = bits(PrbsKind::Prbs31, seed, 20_000).expect("valid");
        let want = super::super::pam::symbols_from_bits(&b, 4).expect("pairs");
        assert_eq!(prbs_q(PrbsKind::Prbs31, seed, 10_000).expect("valid"), want);
        // all ones for 31 bits: the first 15 symbols are 11 → 2
        assert!(want[..15].iter().all(|&x| x == 2));
    }

    #[test]
    fn bad_seeds_and_sizes_are_errors() {
        assert!(Lfsr::new(PrbsKind::Prbs7, 0).is_err());
        assert!(Lfsr::new(PrbsKind::Prbs7, 0x80).is_err());
        assert!(Lfsr::new(PrbsKind::Prbs31, 0x8000_0000).is_err());
        assert!(Lfsr::new(PrbsKind::Prbs31, 0x7FFF_FFFF).is_ok());
        assert!(bits(PrbsKind::Prbs7, 1, MAX_LEN + 1).is_err());
        assert!(prbs_q(PrbsKind::Prbs13, 0, 10).is_err());
    }
}
