//! The `snmpact` command: parses arguments, starts logging, dispatches to the subcommand's library
//! module and turns its result into an exit code. Nothing else lives here.
//!
//! Exit codes: 0 success; 1 the input was read but is not a valid SNMP message; 2 a usage or
//! input error (clap's own usage errors exit 2 as well). Errors go to stderr, one line each.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use snmpact::dissect::command::{self as decode, DecodeOptions, Source};
use tracing_subscriber::EnvFilter;

/// Exit code: the input is not a valid SNMP message.
const EXIT_INVALID: u8 = 1;
/// Exit code: bad usage, or input that could not be read.
const EXIT_USAGE: u8 = 2;

/// An asynchronous SNMP manager.
#[derive(Debug, Parser)]
#[command(name = "snmpact", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Dissect one SNMP message byte by byte (hex, a `snmpget -d` dump, or raw bytes).
    Decode(DecodeArgs),
}

#[derive(Debug, Args)]
struct DecodeArgs {
    /// The message in hex: spaces, colons, commas, newlines and `0x` prefixes are allowed, and
    /// so is a `snmpget -d` dump. The arguments are joined. None, or `-`: read standard input.
    #[arg(value_name = "HEX", conflicts_with = "raw")]
    hex: Vec<String>,
    /// Read the message as raw bytes from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    raw: Option<PathBuf>,
    /// Print the dissection as JSON.
    #[arg(long)]
    json: bool,
    /// Print the community string (it is a secret, so it is redacted by default).
    #[arg(long)]
    show_community: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(io::stderr)
        .init();
    match cli.command {
        Command::Decode(args) => run_decode(args),
    }
}

fn run_decode(args: DecodeArgs) -> ExitCode {
    let source = match (args.raw, args.hex.as_slice()) {
        (Some(path), _) => Source::Raw(path),
        (None, []) => Source::Stdin,
        (None, [one]) if one == "-" => Source::Stdin,
        (None, hex) => Source::Hex(hex.to_vec()),
    };
    if source == Source::Stdin && io::stdin().is_terminal() {
        eprintln!("snmpact: reading hex from standard input (end with Ctrl-D)");
    }
    let opts = DecodeOptions {
        source,
        json: args.json,
        show_community: args.show_community,
    };
    match decode::run(&opts, &mut io::stdin().lock(), &mut io::stdout().lock()) {
        Ok(report) if report.is_valid() => ExitCode::SUCCESS,
        Ok(report) => {
            for line in &report.invalid {
                eprintln!("snmpact: {line}");
            }
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("snmpact: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
