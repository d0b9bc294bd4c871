//! Copper channel models built from physics, each parameter cited: the twinax cable
//! ([`twinax`]). Host PCB and package traces, cable-assembly figures of merit and the presets
//! that drive them follow (issue 3).

pub mod twinax;
