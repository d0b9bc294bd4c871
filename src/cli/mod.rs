//! The `sireach` command line: a thin layer of argument parsing over the library. Every
//! computation lives in the library; this module only reads arguments, calls it, and prints.

mod channel;
mod com;
mod eye;
mod optical;
mod reach;
mod study;
mod touchstone;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// sireach: signal-integrity modelling, from Touchstone files to link reach.
#[derive(Parser, Debug)]
#[command(name = "sireach", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read, describe and convert Touchstone files (v1.0/1.1, v2.0/2.1).
    #[command(subcommand)]
    Touchstone(touchstone::TouchstoneCmd),
    /// Copper channels: IEEE cable-assembly figures of a Touchstone channel (fom), fitting a
    /// measured cable (fit), IL/RL/ILD of a preset twinax assembly with plots (il).
    #[command(subcommand)]
    Channel(channel::ChannelCmd),
    /// Optical links: the IEEE 802.3 example link model (link-model), a PMD lane budget over a fibre (budget), its reach (reach).
    #[command(subcommand)]
    Optical(optical::OpticalCmd),
    Reach(reach::ReachArgs),
    Eye(Box<eye::EyeArgs>),
    Com(Box<com::ComArgs>),
}

/// Run the command line; errors are printed as `error: …` with their file position.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Touchstone(cmd) => touchstone::run(cmd),
        Command::Channel(cmd) => channel::run(cmd),
        Command::Optical(cmd) => optical::run(cmd),
        Command::Reach(a) => reach::run(a),
        Command::Eye(a) => eye::run(*a),
        Command::Com(a) => com::run(*a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
