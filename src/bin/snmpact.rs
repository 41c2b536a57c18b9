//! The `snmpact` command: parses arguments, starts logging, dispatches to the subcommand's library
//! module and turns its result into an exit code. Nothing else lives here.
//!
//! Exit codes: 0 success; 1 the input was read but is not a valid SNMP message; 2 a usage or
//! input error (clap's own usage errors exit 2 as well). Errors go to stderr, one line each.
//! The tools (`get`, `walk`, ...) and `batch`: 0 all answered, 1 some agent or command failed or
//! timed out, 2 a usage or input error (nothing sent).

/// The binary's allocator (feature `jemalloc`, on by default; see Cargo.toml).
#[cfg(all(feature = "jemalloc", unix))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::fmt;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};
use snmpact::batch::{self, BatchOptions};
use snmpact::cli::{self, Tool};
use snmpact::dissect::command::{self as decode, DecodeOptions, Source};
use snmpact::notification;
use tracing_subscriber::EnvFilter;

/// Exit code: the input is not a valid SNMP message.
const EXIT_INVALID: u8 = 1;
/// Exit code: bad usage, or input that could not be read.
const EXIT_USAGE: u8 = 2;

/// An asynchronous SNMP manager.
#[derive(Debug, Parser)]
#[command(
    name = "snmpact",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The service's options, so `snmpact --config FILE` is `snmpact serve --config FILE`.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (the default): simulated agents, telnet console and poller from the
    /// configuration, until Ctrl-C; SIGHUP reloads the configuration.
    Serve(ServeArgs),
    /// Dissect one SNMP message byte by byte (hex, a `snmpget -d` dump, or raw bytes).
    Decode(DecodeArgs),
    /// GET, as snmpget: `snmpact get -v 2c -c public HOST OID...` (`snmpact get -h`).
    #[command(disable_help_flag = true)]
    Get(ToolArgs),
    /// GETNEXT, as snmpgetnext (`snmpact getnext -h`).
    #[command(disable_help_flag = true)]
    Getnext(ToolArgs),
    /// One GETBULK, as snmpbulkget (`snmpact bulkget -h`).
    #[command(disable_help_flag = true)]
    Bulkget(ToolArgs),
    /// Walk with GETNEXT, as snmpwalk (`snmpact walk -h`).
    #[command(disable_help_flag = true)]
    Walk(ToolArgs),
    /// Walk with GETBULK, as snmpbulkwalk (`snmpact bulkwalk -h`).
    #[command(disable_help_flag = true)]
    Bulkwalk(ToolArgs),
    /// A conceptual table, as snmptable (`snmpact table -h`).
    #[command(disable_help_flag = true)]
    Table(ToolArgs),
    /// SET, as snmpset (`snmpact set -h`).
    #[command(disable_help_flag = true)]
    Set(ToolArgs),
    /// Names and numbers of the MIB in use, as snmptranslate (`-On -Of -Td -Tp -IR -M -m`).
    #[command(disable_help_flag = true)]
    Translate(ToolArgs),
    /// Run a script of console commands concurrently, printing results in script order.
    Batch(BatchArgs),
    /// Serve simulated agents from `.snmprec` files, one UDP port each, until Ctrl-C.
    Agent(snmpact::simulator::AgentArgs),
    /// Walk an agent and write its objects as `.snmprec` lines (`> FILE.snmprec`).
    Record(snmpact::simulator::RecordArgs),
    /// Print a shell completion script: `snmpact completions bash > /etc/bash_completion.d/snmpact`.
    Completions {
        /// The shell: bash, elvish, fish, powershell or zsh.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages (snmpact.1, snmpact-get.1, ...) into DIR: `snmpact manpages man/`,
    /// then `man -l man/snmpact.1`.
    Manpages {
        /// Where to write them (created if missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Send a trap, as snmptrap: `snmpact trap -v 2c -c public HOST:1162 '' coldStart` (`-h`).
    #[command(disable_help_flag = true)]
    Trap(ToolArgs),
    /// Send an inform and wait for its acknowledgement, as snmpinform (`snmpact inform -h`).
    #[command(disable_help_flag = true)]
    Inform(ToolArgs),
    /// Receive traps and informs and print them, as `snmptrapd -f -Lo`.
    Trapd(notification::trapd::TrapdArgs),
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Configuration files, layered in order (default: etc/snmpact.toml).
    #[arg(long = "config", short = 'f', value_name = "FILE")]
    config: Vec<PathBuf>,
    /// Override one setting, after files and environment: `--set jobs.demo.interval=5s`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

impl fmt::Debug for ServeArgs {
    /// The `--set` keys without their values: a value may be a secret (`agents.r1.auth_password`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self
            .set
            .iter()
            .map(|kv| kv.split_once('=').map_or(kv.as_str(), |(k, _)| k))
            .collect();
        f.debug_struct("ServeArgs")
            .field("config", &self.config)
            .field("set", &keys)
            .finish()
    }
}

/// The configuration used when none is given.
const DEFAULT_CONFIG: &str = "etc/snmpact.toml";

#[derive(Debug, Args)]
struct BatchArgs {
    /// The script: one console command a line (`get`, `walk`, `set`, `agent add`, ...), `#`
    /// comments; `-` reads standard input. The whole script is checked before anything is sent.
    #[arg(value_name = "FILE")]
    script: PathBuf,
    /// Output format: text, numeric (-On) or json (one object per result, with its line).
    #[arg(long, default_value = "text", value_parser = ["text", "numeric", "json"])]
    format: String,
    /// Run every line even after one fails (default: stop at the first failure).
    #[arg(long)]
    keep_going: bool,
    /// Most commands running at once (0 counts as 1).
    #[arg(long, value_name = "N", default_value_t = batch::DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Agents to define first: one `HOST[:PORT] [NAME]` a line, `#` comments.
    #[arg(long, value_name = "FILE")]
    agents: Option<PathBuf>,
}

/// A net-snmp style command line, read by `snmpact::cli` (options may follow the agent).
#[derive(Args)]
struct ToolArgs {
    /// net-snmp's options, the agent(s) and the OIDs.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<String>,
}

impl fmt::Debug for ToolArgs {
    /// Only how many arguments: they may hold a community, pass phrases (`-A`, `-X`) or keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ToolArgs(<{} arguments>)", self.args.len())
    }
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
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(args) => run_serve(args),
        Command::Decode(args) => run_decode(args),
        Command::Get(a) => cli::run(Tool::Get, &a.args),
        Command::Getnext(a) => cli::run(Tool::GetNext, &a.args),
        Command::Bulkget(a) => cli::run(Tool::BulkGet, &a.args),
        Command::Walk(a) => cli::run(Tool::Walk, &a.args),
        Command::Bulkwalk(a) => cli::run(Tool::BulkWalk, &a.args),
        Command::Table(a) => cli::run(Tool::Table, &a.args),
        Command::Set(a) => cli::run(Tool::Set, &a.args),
        Command::Translate(a) => run_translate(&a.args),
        Command::Batch(a) => batch::run(&BatchOptions {
            script: a.script,
            format: a.format.parse().unwrap_or_default(),
            keep_going: a.keep_going,
            concurrency: a.concurrency,
            agents: a.agents,
        }),
        Command::Agent(a) => snmpact::simulator::run_agent(&a),
        Command::Record(a) => snmpact::simulator::run_record(&a),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "snmpact", &mut io::stdout());
            ExitCode::SUCCESS
        }
        Command::Manpages { dir } => match write_manpages(&dir) {
            Ok(n) => {
                println!("{n} man pages in {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("snmpact manpages: {}: {e}", dir.display());
                ExitCode::from(EXIT_USAGE)
            }
        },
        Command::Trap(a) => notification::send::run(notification::send::Tool::Trap, &a.args),
        Command::Inform(a) => notification::send::run(notification::send::Tool::Inform, &a.args),
        Command::Trapd(a) => notification::trapd::run(&a),
    }
}

/// Writes `snmpact.1` and one `snmpact-SUBCOMMAND.1` per subcommand into `dir`; how many.
fn write_manpages(dir: &std::path::Path) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let cmd = Cli::command();
    let mut written = 0;
    let mut page = |cmd: clap::Command, name: &str| -> io::Result<()> {
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        std::fs::write(dir.join(format!("{name}.1")), out)?;
        written += 1;
        Ok(())
    };
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("snmpact-{}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name.clone())
            .bin_name(format!("snmpact {}", sub.get_name()));
        page(sub, &name)?;
    }
    page(cmd, "snmpact")?;
    Ok(written)
}

fn run_serve(args: ServeArgs) -> ExitCode {
    let mut overrides = Vec::new();
    for kv in &args.set {
        match kv.split_once('=') {
            Some((k, v)) => overrides.push((k.trim().to_owned(), v.to_owned())),
            None => {
                eprintln!("snmpact: --set needs KEY=VALUE, got '{kv}'");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    let config = if args.config.is_empty() {
        vec![PathBuf::from(DEFAULT_CONFIG)]
    } else {
        args.config
    };
    if let Some(missing) = config.iter().find(|p| !p.exists()) {
        eprintln!(
            "snmpact: configuration file {} not found (run from the repository root, or give --config FILE)",
            missing.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let opts = snmpact::service::ServiceOptions { config, overrides };
    let system = actix::System::new();
    let result = system.block_on(async {
        // Ctrl-C or SIGTERM: the same clean shutdown, caught before the service says it is
        // ready (one sent right after that line must not kill the process).
        let mut stop = snmpact::signals::StopSignals::listen()
            .map_err(|e| format!("cannot catch Ctrl-C or SIGTERM: {e}"))?;
        snmpact::service::run(opts, async move { stop.recv().await })
            .await
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snmpact: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run_translate(args: &[String]) -> ExitCode {
    let t = cli::translate::translate(args);
    let _ = io::Write::write_all(&mut io::stdout(), t.stdout.as_bytes());
    let _ = io::Write::write_all(&mut io::stderr(), t.stderr.as_bytes());
    ExitCode::from(t.status)
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
            // The dissection ends with the same verdict: on a terminal, say it once.
            // See: issue 15.
            if !io::stdout().is_terminal() {
                for line in &report.invalid {
                    eprintln!("snmpact: {line}");
                }
            }
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("snmpact: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
