//! Kernels: the hot loops of the models as small functions over plain slices, each with a
//! scalar reference (the `_scalar` twin) that defines its result, and where it pays a SIMD
//! version dispatched at run time, with tests that the two agree. Kernels sit at the bottom of
//! the crate: they take numbers and slices, never the model's types.
//!
//! SIMD goes through `pulp` (one choice for the crate): its `Arch::dispatch` picks AVX2 + FMA
//! (x86-64-v3) or NEON at run time, else scalar. AVX-512 is not enabled (pulp's `x86-v4`
//! feature needs a nightly `bytemuck`). `SIREACH_FORCE_SCALAR=1` in the environment, or
//! [`set_force_scalar`], makes every kernel run its scalar twin.

pub mod accumulate;
pub mod rlgc;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static FORCE_SCALAR: AtomicBool = AtomicBool::new(false);
static ENV_SCALAR: OnceLock<bool> = OnceLock::new();

/// Forces (or releases) the scalar twins for the whole process.
pub fn set_force_scalar(on: bool) {
    FORCE_SCALAR.store(on, Ordering::Relaxed);
}

/// Whether kernels may take their SIMD path: not when `SIREACH_FORCE_SCALAR=1` is set or
/// [`set_force_scalar`] asked for scalar.
pub fn simd_enabled() -> bool {
    let env =
        *ENV_SCALAR.get_or_init(|| std::env::var("SIREACH_FORCE_SCALAR").is_ok_and(|v| v == "1"));
    !(env || FORCE_SCALAR.load(Ordering::Relaxed))
}
