//! Kernels: the hot loops of the models as small functions over plain slices, each with a
//! scalar reference (the `_scalar` twin) that defines its result. The kernels issue adds SIMD
//! versions dispatched at run time next to each reference, with tests that the two agree; until
//! then every caller runs the reference. Kernels sit at the bottom of the crate: they take
//! numbers and slices, never the model's types.

pub mod rlgc;
