//! `sireach channel …`: copper channel figures from presets or Touchstone files. One file per
//! subcommand; this module is only the enum and the dispatch.

mod fit;
pub(crate) mod fom;
mod il;

use std::process::ExitCode;

use clap::Subcommand;

use crate::error::Result;

#[derive(Subcommand, Debug)]
pub enum ChannelCmd {
    Fom(fom::FomArgs),
    Fit(fit::FitArgs),
    /// IL, RL and ILD of a twinax cable assembly against a PMD's limit at Nyquist.
    ///
    /// Insertion loss (bulk cable and with two plugs), return loss and insertion-loss deviation
    /// over frequency, against the PMD's cable-assembly insertion-loss limit at its Nyquist
    /// frequency; as text, JSON, CSV and/or a plot (.svg or .png).
    Il(il::IlArgs),
}

pub fn run(cmd: ChannelCmd) -> Result<ExitCode> {
    match cmd {
        ChannelCmd::Fom(a) => fom::run(a),
        ChannelCmd::Fit(a) => fit::run(a),
        ChannelCmd::Il(a) => il::run(a),
    }
}
