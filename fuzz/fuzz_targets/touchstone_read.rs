//! Fuzz the Touchstone reader: any bytes, any port hint, lenient and strict. It must never
//! panic; every parse error must carry a position; a network it reads must be finite, and must
//! survive a write (version 2, RI) and read back to the same numbers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sireach::touchstone::fuzz_one;

fuzz_target!(|data: &[u8]| {
    fuzz_one(data);
});
