//! The property the fuzz target (`fuzz/fuzz_targets/touchstone_read.rs`) checks, kept in the
//! library so that `tests/fuzz_replay.rs` replays saved inputs through exactly the same code.

use super::header::{DataFormat, FrequencyUnit, MatrixFormat, Version};
use super::read::{ReadOptions, read_bytes};
use super::write::{WriteOptions, write_string};
use crate::Par;

/// Read `data` (first byte: port hint, `byte % 17`, 0 = none; the rest: the file) leniently and
/// strictly. Panics — which the fuzzer reports — if a parse error lacks a position, if a network
/// read holds a non-finite number, or if writing it (version 2, RI) and reading it back does not
/// give the same numbers.
#[doc(hidden)]
pub fn fuzz_one(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let hint = match first % 17 {
        0 => None,
        k => Some(k as usize),
    };
    for strict in [false, true] {
        let opts = ReadOptions {
            strict,
            par: Par::Seq,
            ..ReadOptions::default()
        };
        match read_bytes(body, "fuzz", hint, &opts) {
            Err(e) => {
                if e.parse_kind().is_some() {
                    assert!(e.position().is_some(), "parse error without position: {e}");
                }
            }
            Ok(t) => {
                let net = &t.network;
                assert!(net.frequency_hz.iter().all(|f| f.is_finite() && *f >= 0.0));
                assert!(
                    net.s.iter().all(|z| z.re.is_finite() && z.im.is_finite()),
                    "non-finite S"
                );
                assert!(
                    net.z0.iter().all(|z| z.re.is_finite() && z.im.is_finite()),
                    "non-finite z0"
                );
                let w = WriteOptions {
                    version: Version::V2_0,
                    format: DataFormat::RI,
                    unit: FrequencyUnit::Hz,
                    precision: None,
                    matrix_format: MatrixFormat::Full,
                };
                if let Ok(text) = write_string(net, &w) {
                    let back = read_bytes(text.as_bytes(), "fuzz", None, &ReadOptions::default())
                        .unwrap_or_else(|e| {
                            panic!("cannot read back what was written: {e}\n{text}")
                        });
                    assert_eq!(back.network.frequency_hz, net.frequency_hz);
                    assert_eq!(back.network.s, net.s);
                    assert_eq!(back.network.z0, net.z0);
                }
            }
        }
    }
}
