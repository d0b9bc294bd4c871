//! Copper channel models built from physics, each parameter cited: the twinax cable
//! ([`twinax`]) and its fit to a measured assembly ([`fit`]); the IEEE COM transmission line
//! ([`tline`]), package ([`package`]) and host board ([`pcb`]); the die-to-die cascade of a
//! whole link ([`link`]); and the IEEE cable-assembly figures of merit ([`assembly`]).

pub mod assembly;
pub mod fit;
pub mod link;
pub mod package;
pub mod pcb;
pub mod tline;
pub mod twinax;
