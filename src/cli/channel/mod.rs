//! `sireach channel …`: copper channel figures from presets or Touchstone files.

mod fit;
mod fom;

use std::process::ExitCode;

use clap::Subcommand;

use crate::error::Result;

#[derive(Subcommand, Debug)]
pub enum ChannelCmd {
    /// IEEE cable-assembly figures of a Touchstone channel: IL at Nyquist, fitted IL, ILD,
    /// FOM_ILD, ICN, ERL, pass/fail per clause.
    Fom(fom::FomArgs),
    /// Fit the twinax model to a measured cable assembly of known length; predict other
    /// lengths and the reach of the same cable.
    Fit(fit::FitArgs),
}

pub fn run(cmd: ChannelCmd) -> Result<ExitCode> {
    match cmd {
        ChannelCmd::Fom(a) => fom::run(a),
        ChannelCmd::Fit(a) => fit::run(a),
    }
}
