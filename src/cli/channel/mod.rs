//! `sireach channel …`: copper channel figures from presets or Touchstone files.

mod fom;

use std::process::ExitCode;

use clap::Subcommand;

use crate::error::Result;

#[derive(Subcommand, Debug)]
pub enum ChannelCmd {
    /// IEEE cable-assembly figures of a Touchstone channel: IL at Nyquist, fitted IL, ILD,
    /// FOM_ILD, ICN, ERL, pass/fail per clause.
    Fom(fom::FomArgs),
}

pub fn run(cmd: ChannelCmd) -> Result<ExitCode> {
    match cmd {
        ChannelCmd::Fom(a) => fom::run(a),
    }
}
