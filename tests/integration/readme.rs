//! Every command README.md shows, run as written, from a fresh copy of `etc/` (See: issue 15).
//!
//! # Which commands run
//! - Every fenced block whose info string is exactly `sh`, in file order. A block is left out
//!   when the last non-blank line before its fence is an HTML comment starting with
//!   `<!-- readme-test: skip` (say why after it). Other blocks (`rust`, `text`, `toml`) are not
//!   run. So a new `sh` block is run unless it is marked.
//! - In a block, each line is one command. Blank lines and `#` comments are skipped, but
//!   `# prints: TEXT` says that the next command's output (stdout and stderr) contains TEXT.
//!   Words are split as a shell splits them ('single' and "double" quotes); an unquoted `#`
//!   starts a comment; a trailing `&` is dropped.
//!
//! # How each command runs
//! - `snmpact ARGS` and `cargo run --release [-- ARGS]`: the `snmpact` binary cargo built for
//!   these tests; `cargo run --example NAME [-- ARGS]`: `target/debug/examples/NAME`, which
//!   `cargo test` builds (a filtered run that did not build it fails naming the command).
//! - `telnet HOST PORT`: a TCP connection to the console; each following `snmpact> COMMAND`
//!   line is typed in it, and its answer must come back without an `error:` line.
//! - `curl URL`: an HTTP GET of URL, retried until it answers 200 (and holds the `# prints:`
//!   text) or the deadline passes.
//! - `snmptrap`, `snmpinform` and net-snmp's other tools: from the PATH (with `MIBS=""`);
//!   a notification sender (theirs or `snmpact trap|inform`) may print nothing.
//! - Services (`snmpact` alone or with only `--config`/`--set`, `snmpact serve`, `snmpact
//!   agent`, `snmpact trapd`, the `telnet_console` example) start in the background and must print a first
//!   line; they stay up while the next blocks run, until a block starts another service or
//!   the README ends, and are then stopped by their pid with SIGINT and must exit 0.
//! - Any other command must exit 0 within [`DEADLINE`] and print something.
//!
//! Every command runs with the current directory a fresh copy of `etc/` (and of
//! `tests/data/mibs/`, for the MIB example) beside nothing else (the README's paths are
//! relative to the repository root) and `HOME` in a temporary
//! directory. Everything is on loopback: the README only names 127.0.0.1 and `demo`. The
//! README's own ports are used (2323, 9464, 1161, 16199): no other test uses them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The longest any one command, connection or readiness wait may take.
const DEADLINE: Duration = Duration::from_secs(60);
/// The comment that leaves the next block out.
const SKIP: &str = "<!-- readme-test: skip";
/// The comment that gives the next command's expected output.
const PRINTS: &str = "# prints: ";

/// One `sh` block: its first line in README.md and its lines.
#[derive(Debug)]
struct Block {
    line: usize,
    lines: Vec<String>,
}

/// The `sh` blocks to run (see the module documentation).
fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut last_text = "";
    let mut lines = readme.lines().enumerate();
    while let Some((i, l)) = lines.next() {
        if l.trim_start().starts_with("```") {
            let info = l.trim_start().trim_start_matches('`').trim();
            let body: Vec<String> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| !l.trim_start().starts_with("```"))
                .map(str::to_owned)
                .collect();
            if info == "sh" && !last_text.trim_start().starts_with(SKIP) {
                out.push(Block {
                    line: i + 1,
                    lines: body,
                });
            }
            last_text = "";
        } else if !l.trim().is_empty() {
            last_text = l;
        }
    }
    out
}

/// Splits `line` into words as sh does for plain words and quotes; `None` for a comment line.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                cur.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                cur.extend(chars.by_ref().take_while(|&c| c != '"'));
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    if words.last().is_some_and(|w| w == "&") {
        words.pop();
    }
    words
}

/// A service started by the README, stopped by its pid.
struct Service {
    what: String,
    child: Child,
    /// Kept so the reader threads drain its pipes until it exits (a closed pipe would make
    /// its last words fail).
    _output: Receiver<String>,
}

impl Service {
    fn stop(mut self) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) with the pid of our own live child (not yet waited for, so the pid
        // cannot have been reused) and a valid signal number.
        let rc = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(rc, 0, "kill {}", self.what);
        let t0 = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{}: {status}", self.what);
                return;
            }
            if t0.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("{} did not stop within {DEADLINE:?} of SIGINT", self.what);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    /// A failed assertion above must not leave the service running (holding the README's
    /// ports for the next run): stopped by its pid.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The program and arguments `w` stands for, and whether it is a service.
fn program(w: &[String], what: &str) -> (PathBuf, Vec<String>, bool) {
    let snmpact = PathBuf::from(env!("CARGO_BIN_EXE_snmpact"));
    let after_dashes = |w: &[String]| -> Vec<String> {
        w.iter()
            .position(|a| a == "--")
            .map(|i| w[i + 1..].to_vec())
            .unwrap_or_default()
    };
    let (exe, args) = match w {
        [c, r, rest @ ..]
            if c == "cargo"
                && r == "run"
                && rest.first().is_some_and(|a| a == "--release")
                && !rest.iter().any(|a| a == "--example") =>
        {
            (snmpact, after_dashes(rest))
        }
        [c, r, e, name, ..] if c == "cargo" && r == "run" && e == "--example" => {
            let exe = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/debug/examples")
                .join(name);
            assert!(
                exe.exists(),
                "{what}: {} is missing: run the whole `cargo test`, which builds the examples",
                exe.display()
            );
            (exe, after_dashes(w))
        }
        [s, rest @ ..] if s == "snmpact" => (snmpact, rest.to_vec()),
        // net-snmp's own tools (snmptrap, snmpinform, ...), from the PATH. See: issue 16
        [s, rest @ ..] if s.starts_with("snmp") => (PathBuf::from(s), rest.to_vec()),
        _ => panic!("{what}: no rule runs this command (see tests/integration/readme.rs)"),
    };
    let service = if exe.ends_with("telnet_console") {
        true
    } else if exe == Path::new(env!("CARGO_BIN_EXE_snmpact")) {
        match args.first().map(String::as_str) {
            None => true,
            Some("serve" | "agent" | "trapd") => true,
            Some(a) => a.starts_with("--config") || a == "-f" || a.starts_with("--set"),
        }
    } else {
        false
    };
    (exe, args, service)
}

/// An HTTP GET of `url` (`HOST:PORT/PATH`, `http://` optional): the status line and the body.
fn http_get(url: &str) -> Option<(String, String)> {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(DEADLINE)).ok()?;
    write!(s, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").ok()?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).ok()?;
    let (head, body) = resp.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_owned(), body.to_owned()))
}

/// A console connection opened by `telnet HOST PORT`.
struct Console {
    stream: TcpStream,
    text: String,
}

impl Console {
    fn connect(addr: &str) -> Self {
        let t0 = Instant::now();
        let stream = loop {
            match TcpStream::connect(addr) {
                Ok(s) => break s,
                Err(e) if t0.elapsed() > DEADLINE => panic!("telnet {addr}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut c = Self {
            stream,
            text: String::new(),
        };
        c.until_prompt();
        c
    }

    /// Text up to the next prompt, telnet commands left out; waits for a command that runs
    /// past the prompt's delay too (`jobs` would show it) by reading until quiet.
    fn until_prompt(&mut self) -> String {
        const PROMPT: &str = "snmpact> ";
        let t0 = Instant::now();
        let mut buf = [0u8; 8192];
        loop {
            if let Some(i) = self.text.find(PROMPT) {
                let got = self.text[..i].to_owned();
                self.text.drain(..i + PROMPT.len());
                return got;
            }
            assert!(t0.elapsed() < DEADLINE, "no prompt; got {:?}", self.text);
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the console closed; got {:?}", self.text),
                Ok(n) => {
                    let mut skip = 0;
                    for &b in &buf[..n] {
                        if skip > 0 {
                            skip -= 1;
                        } else if b == 255 {
                            skip = 2;
                        } else {
                            self.text.push(char::from(b));
                        }
                    }
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("console: {e}"),
            }
        }
    }

    /// Types `line` and returns its whole answer (tagged lines of a command still running when
    /// the prompt came back included).
    fn run(&mut self, line: &str) -> String {
        self.stream
            .write_all(format!("{line}\r\n").as_bytes())
            .unwrap();
        let mut answer = self.until_prompt();
        // A command that outlives the prompt's delay prints `[N] ...` lines after it: `jobs`
        // until none runs.
        loop {
            self.stream.write_all(b"jobs\r\n").unwrap();
            let jobs = self.until_prompt();
            let (tagged, rest): (Vec<&str>, Vec<&str>) = jobs
                .lines()
                .partition(|l| l.starts_with('[') && !l.contains("running for"));
            for l in tagged {
                answer.push_str(l);
                answer.push('\n');
            }
            if rest.iter().any(|l| l.contains("no commands running")) {
                return answer;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Copies the folder `from` to `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn every_command_the_readme_shows_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(blocks.len() >= 5, "{blocks:?}");
    // A fresh copy of etc/ as the current directory, and a HOME of its own.
    let scratch =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let home = scratch.join("home");
    std::fs::create_dir_all(scratch.join("etc")).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    for e in std::fs::read_dir(root.join("etc")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), scratch.join("etc").join(e.file_name())).unwrap();
    }
    // The MIB files the README's MIB example loads (See: issue 17).
    copy_tree(
        &root.join("tests/data/mibs"),
        &scratch.join("tests/data/mibs"),
    );

    let mut services: Vec<Service> = Vec::new();
    let mut ran = 0;
    for block in &blocks {
        let mut console: Option<Console> = None;
        let mut expect: Option<String> = None;
        let mut started_here = false;
        for (k, line) in block.lines.iter().enumerate() {
            let what = format!("README.md:{}: {}", block.line + 1 + k, line.trim());
            let t = line.trim();
            if let Some(text) = t.strip_prefix(PRINTS) {
                expect = Some(text.to_owned());
                continue;
            }
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if let Some(cmd) = t.strip_prefix("snmpact> ") {
                let c = console
                    .as_mut()
                    .unwrap_or_else(|| panic!("{what}: no `telnet` line above it"));
                let answer = c.run(cmd);
                assert!(!answer.trim().is_empty(), "{what}: no answer");
                assert!(
                    !answer.lines().any(|l| l.contains("error:")),
                    "{what}: {answer}"
                );
                ran += 1;
                continue;
            }
            let w = words(t);
            ran += 1;
            match w.first().map(String::as_str) {
                Some("telnet") => {
                    let addr = format!("{}:{}", w[1], w[2]);
                    console = Some(Console::connect(&addr));
                    continue;
                }
                Some("curl") => {
                    let t0 = Instant::now();
                    loop {
                        let got = http_get(&w[1]);
                        let ok = got.as_ref().is_some_and(|(status, body)| {
                            status.contains(" 200 ")
                                && expect.as_ref().is_none_or(|e| body.contains(e.as_str()))
                        });
                        if ok {
                            break;
                        }
                        assert!(t0.elapsed() < DEADLINE, "{what}: got {got:?}");
                        std::thread::sleep(Duration::from_millis(250));
                    }
                    expect = None;
                    continue;
                }
                _ => {}
            }
            let (exe, args, service) = program(&w, &what);
            let mut cmd = Command::new(&exe);
            cmd.args(&args)
                .current_dir(&scratch)
                .env("HOME", &home)
                // net-snmp's tools: no MIB files to look for, state in the scratch HOME.
                .env("MIBS", "")
                .env("SNMP_PERSISTENT_DIR", &home)
                .env_remove("RUST_LOG")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            if service {
                if !started_here {
                    // A block that starts a service stops those of the blocks above it.
                    for s in services.drain(..) {
                        s.stop();
                    }
                    started_here = true;
                }
                let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{what}: {e}"));
                let rx = crate::harness::process::output_lines(&mut child);
                let first = rx
                    .recv_timeout(DEADLINE)
                    .unwrap_or_else(|e| panic!("{what}: printed nothing: {e}"));
                assert!(!first.contains("error"), "{what}: {first}");
                services.push(Service {
                    what,
                    child,
                    _output: rx,
                });
                continue;
            }
            let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{what}: {e}"));
            let rx = crate::harness::process::output_lines(&mut child);
            let t0 = Instant::now();
            let status = loop {
                if let Some(s) = child.try_wait().unwrap() {
                    break s;
                }
                if t0.elapsed() > DEADLINE {
                    let _ = child.kill();
                    panic!("{what}: still running after {DEADLINE:?}");
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            // The reader threads end with the pipes.
            let printed: Vec<String> = rx.iter().collect();
            let printed = printed.join("\n");
            assert!(status.success(), "{what}: {status}\n{printed}");
            // A notification sender says nothing when it worked (as net-snmp's do); an inform's
            // exit 0 is its acknowledgement.
            let quiet = matches!(w[0].as_str(), "snmptrap" | "snmpinform")
                || args.first().is_some_and(|a| a == "trap" || a == "inform");
            assert!(
                quiet || !printed.trim().is_empty(),
                "{what}: printed nothing"
            );
            if let Some(e) = expect.take() {
                assert!(printed.contains(&e), "{what}: no {e:?} in\n{printed}");
            }
        }
    }
    for s in services {
        s.stop();
    }
    assert!(ran >= 15, "only {ran} commands ran");
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn the_extraction_rules() {
    let md = "text\n\n```sh\nsnmpact get demo sysName.0\n```\n\n<!-- readme-test: skip (why) -->\n\n```sh\nsudo rm -rf /\n```\n```rust\nfn main() {}\n```\n```sh\n# c\nsnmpact x 'a b' \"c\" # note\nsnmpact agent &\n```\n";
    let b = blocks(md);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0].line, 3);
    assert_eq!(
        b[1].lines,
        ["# c", "snmpact x 'a b' \"c\" # note", "snmpact agent &"]
    );
    assert_eq!(words(&b[1].lines[1]), ["snmpact", "x", "a b", "c"]);
    assert_eq!(words(&b[1].lines[2]), ["snmpact", "agent"]);
    let w = |s: &str| words(s);
    assert!(program(&w("cargo run --release"), "t").2);
    assert!(program(&w("snmpact --config etc/snmpact.toml"), "t").2);
    assert!(!program(&w("snmpact batch etc/batch-sample.txt"), "t").2);
    assert_eq!(
        program(&w("cargo run --release -- get demo sysName.0"), "t").1,
        ["get", "demo", "sysName.0"]
    );
}
