//! Tests of the mixed-mode transformation.

use super::*;
use crate::network::WaveDef;
use crate::network::test_util::*;

const ONE: Complex64 = Complex64::new(1.0, 0.0);

/// A 4-port with thrus between the given port pairs (0-based) and nothing else.
fn thrus(nf: usize, links: [(usize, usize); 2]) -> Array3<Complex64> {
    let mut s = Array3::zeros((nf, 4, 4));
    for k in 0..nf {
        for (x, y) in links {
            s[[k, x, y]] = ONE;
            s[[k, y, x]] = ONE;
        }
    }
    s
}

#[test]
fn ideal_differential_thru_sequential() {
    // Ports 1 (P) and 2 (N) on the left, 3 (P) and 4 (N) on the right; thrus 1-3 and 2-4.
    let s = thrus(2, [(0, 2), (1, 3)]);
    let mm = se2mm(s.view(), &PortPairing::Sequential).expect("se2mm");
    let dd = sdd(mm.view()).expect("sdd");
    assert!((dd[[0, 1, 0]] - ONE).norm() < 1e-15, "SDD21 = 1");
    assert!((dd[[0, 0, 1]] - ONE).norm() < 1e-15, "SDD12 = 1");
    assert!(dd[[0, 0, 0]].norm() < 1e-15 && dd[[0, 1, 1]].norm() < 1e-15);
    assert!(
        sdc(mm.view())
            .expect("sdc")
            .iter()
            .all(|z| z.norm() < 1e-15)
    );
    assert!(
        scd(mm.view())
            .expect("scd")
            .iter()
            .all(|z| z.norm() < 1e-15)
    );
    assert!((scc(mm.view()).expect("scc")[[1, 1, 0]] - ONE).norm() < 1e-15);
}

#[test]
fn interleaved_numbering_of_the_same_network_gives_the_same_result() {
    // Same physical lines with random coupling. Sequential numbering: left P=1, N=2, right
    // P=3, N=4. Interleaved numbering: left P=1, N=3, right P=2, N=4. The map from sequential
    // to interleaved port numbers is 0→0, 1→2, 2→1, 3→3.
    let mut rng = Rng::new(21);
    let seq = random_matrices(&mut rng, 3, 4, 0.5);
    let perm = [0, 2, 1, 3];
    let mut inter = Array3::zeros((3, 4, 4));
    for k in 0..3 {
        for i in 0..4 {
            for j in 0..4 {
                inter[[k, perm[i], perm[j]]] = seq[[k, i, j]];
            }
        }
    }
    let a = se2mm(seq.view(), &PortPairing::Sequential).expect("sequential");
    let b = se2mm(inter.view(), &PortPairing::Interleaved).expect("interleaved");
    assert!(max_abs_diff(a.view(), b.view()) < 1e-15);
    let parsed = PortPairing::parse("1-3/2-4").expect("parse");
    let c = se2mm(inter.view(), &parsed).expect("explicit");
    assert!(max_abs_diff(a.view(), c.view()) < 1e-15);
}

#[test]
fn sequential_matches_bockelman_eisenstadt_formulas() {
    let mut rng = Rng::new(22);
    let s = random_matrices(&mut rng, 1, 4, 1.0);
    let mm = se2mm(s.view(), &PortPairing::Sequential).expect("se2mm");
    let e = |i: usize, j: usize| s[[0, i - 1, j - 1]];
    let close = |a: Complex64, b: Complex64| (a - b).norm() < 1e-15;
    assert!(close(
        mm[[0, 0, 0]],
        0.5 * (e(1, 1) - e(1, 2) - e(2, 1) + e(2, 2))
    ));
    assert!(close(
        mm[[0, 1, 0]],
        0.5 * (e(3, 1) - e(3, 2) - e(4, 1) + e(4, 2))
    ));
    assert!(close(
        mm[[0, 0, 2]],
        0.5 * (e(1, 1) + e(1, 2) - e(2, 1) - e(2, 2))
    ));
    assert!(close(
        mm[[0, 2, 0]],
        0.5 * (e(1, 1) - e(1, 2) + e(2, 1) - e(2, 2))
    ));
    assert!(close(
        mm[[0, 3, 3]],
        0.5 * (e(3, 3) + e(3, 4) + e(4, 3) + e(4, 4))
    ));
}

#[test]
fn se2mm_and_mm2se_are_inverse() {
    let mut rng = Rng::new(23);
    let pairings = [
        (4, PortPairing::Sequential),
        (4, PortPairing::Interleaved),
        (6, PortPairing::Explicit(vec![(0, 5), (2, 1), (3, 4)])),
        (8, PortPairing::parse("1-2,3-4,5-6,8-7").expect("parse")),
    ];
    for (n, pairing) in pairings {
        let s = random_matrices(&mut rng, 4, n, 1.0);
        let mm = se2mm(s.view(), &pairing).expect("se2mm");
        let back = mm2se(mm.view(), &pairing).expect("mm2se");
        assert!(max_abs_diff(back.view(), s.view()) < 1e-15, "{pairing:?}");
        let again =
            se2mm(mm2se(s.view(), &pairing).expect("mm2se").view(), &pairing).expect("se2mm");
        assert!(max_abs_diff(again.view(), s.view()) < 1e-15, "{pairing:?}");
    }
}

#[test]
fn parse_accepts_keywords_and_lists() {
    assert_eq!(
        PortPairing::parse(" Sequential ").expect("kw"),
        PortPairing::Sequential
    );
    assert_eq!(
        PortPairing::parse("interleaved").expect("kw"),
        PortPairing::Interleaved
    );
    assert_eq!(
        PortPairing::parse("1-2/3-4").expect("list"),
        PortPairing::Explicit(vec![(0, 1), (2, 3)])
    );
    assert_eq!(
        PortPairing::parse("1-2/3-4")
            .expect("list")
            .pairs(4)
            .expect("pairs"),
        PortPairing::Sequential.pairs(4).expect("pairs")
    );
    assert_eq!(
        PortPairing::parse("1-3/2-4")
            .expect("list")
            .pairs(4)
            .expect("pairs"),
        PortPairing::Interleaved.pairs(4).expect("pairs")
    );
    assert_eq!(
        PortPairing::parse("1-2, 3-4, 5-6").expect("list"),
        PortPairing::Explicit(vec![(0, 1), (2, 3), (4, 5)])
    );
    for bad in ["", "1-2/", "0-1", "a-b", "1-2-3", "12", "1-2/3"] {
        assert!(PortPairing::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn bad_pairings_are_errors() {
    let s4 = Array3::<Complex64>::zeros((1, 4, 4));
    let s3 = Array3::<Complex64>::zeros((1, 3, 3));
    assert!(
        se2mm(s3.view(), &PortPairing::Sequential).is_err(),
        "odd count"
    );
    assert!(
        se2mm(s3.view(), &PortPairing::Interleaved).is_err(),
        "odd count"
    );
    let cases = [
        vec![(0, 1), (1, 2)],         // repeated port
        vec![(0, 0), (2, 3)],         // a port paired with itself
        vec![(0, 1), (2, 4)],         // out of range
        vec![(0, 1)],                 // does not cover every port
        vec![(0, 1), (2, 3), (4, 5)], // too many pairs
    ];
    for pairs in cases {
        let p = PortPairing::Explicit(pairs);
        assert!(se2mm(s4.view(), &p).is_err(), "{p:?}");
        assert!(mm2se(s4.view(), &p).is_err(), "{p:?}");
    }
    assert!(
        PortPairing::parse("1-2/2-3")
            .expect("parses")
            .pairs(4)
            .is_err()
    );
    assert!(sdd(s3.view()).is_err());
}

#[test]
fn mixed_mode_references_and_network_conversion() {
    let s = thrus(2, [(0, 2), (1, 3)]);
    let net = Network::with_uniform_z0(ghz_grid(2), s, 50.0).expect("net");
    let mm = net.to_mixed_mode(&PortPairing::Sequential).expect("mm");
    let expected_z0 = [100.0, 100.0, 25.0, 25.0].map(|z| c(z, 0.0));
    assert!(mm.z0.rows().into_iter().all(|r| r.to_vec() == expected_z0));
    let names: Vec<String> = ["D1", "D2", "C1", "C2"].map(String::from).to_vec();
    assert_eq!(mm.port_names, Some(names));
    assert_eq!(mm.wave, WaveDef::Power);
    let mut unequal = net.clone();
    unequal.z0[[1, 1]] = c(75.0, 0.0);
    assert!(unequal.to_mixed_mode(&PortPairing::Sequential).is_err());
}
