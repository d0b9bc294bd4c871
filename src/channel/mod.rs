//! Copper channel models built from physics, each parameter cited: the twinax cable
//! ([`twinax`]) and the IEEE COM transmission line and package capacitances for host and package
//! traces ([`tline`]). Cable-assembly figures of merit and the presets
//! that drive them follow (issue 3).

pub mod assembly;
pub mod fit;
pub mod tline;
pub mod twinax;
