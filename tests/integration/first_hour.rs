//! What a newcomer meets outside the README's happy path (See: issue 15): an address in use
//! names itself and the flag that changes it, the examples exit 1 saying what failed, and the
//! shell completions, man pages and systemd unit are generated and valid.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs `exe args` to its end (bounded by the commands themselves): exit code, stdout, stderr.
fn run_to_end(exe: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(exe)
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// See: issue 15. An address in use names the address and how to change it; the examples say
// what failed and exit 1.
#[test]
fn addresses_in_use_and_failures_say_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("etc/snmpact.toml");
    let snmpact = Path::new(env!("CARGO_BIN_EXE_snmpact"));
    let (code, _, err) = run_to_end(
        snmpact,
        &[
            "--config",
            config.to_str().unwrap(),
            "--set",
            &format!("console.listen=127.0.0.1:{port}"),
            "--set",
            "outputs.prometheus.listen=127.0.0.1:0",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(&format!(
            "snmpact: console: cannot listen on 127.0.0.1:{port}: "
        )),
        "{err}"
    );
    assert!(err.contains("--set console.listen=127.0.0.1:PORT"), "{err}");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debug/examples");
    let console = examples.join("telnet_console");
    assert!(
        console.exists(),
        "run the whole `cargo test`: it builds the examples"
    );
    let (code, _, err) = run_to_end(&console, &[&format!("127.0.0.1:{port}")]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "telnet_console: cannot listen on 127.0.0.1:{port}: "
        )),
        "{err}"
    );
    assert!(!err.contains("Os {"), "{err}");
    // A GET that gets no answer: the error, and exit 1.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let target = silent.local_addr().unwrap().to_string();
    let (code, out, err) = run_to_end(&examples.join("get"), &[&target, "public"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.starts_with("error: timeout"), "{err}");
}

// See: issue 15. Completions and man pages from the clap definitions; the systemd unit parses.
#[test]
fn completions_man_pages_and_the_systemd_unit() {
    let snmpact = Path::new(env!("CARGO_BIN_EXE_snmpact"));
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run_to_end(snmpact, &["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("snmpact") && out.contains("batch"), "{shell}");
    }
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("man-{}", std::process::id()));
    let (code, out, err) = run_to_end(snmpact, &["manpages", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // One page per subcommand and one for snmpact (the subcommands: `snmpact --help`).
    assert!(out.starts_with("19 man pages in "), "{out}");
    let get = std::fs::read_to_string(dir.join("snmpact-get.1")).unwrap();
    assert!(
        get.starts_with(".ie \\n(.g .ds Aq \\(aq") || get.contains(".TH snmpact-get 1"),
        "{get}"
    );
    assert!(dir.join("snmpact.1").exists());
    let _ = std::fs::remove_dir_all(&dir);
    // systemd's own check of the unit (ExecStart pointed at this build's binary).
    let unit =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("etc/snmpact.service"))
            .unwrap();
    assert!(unit.contains("\nDynamicUser=yes\n") && unit.contains("\nCapabilityBoundingSet=\n"));
    assert!(unit.contains("\n#AmbientCapabilities=CAP_NET_BIND_SERVICE\n"));
    let copy = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("snmpact-{}.service", std::process::id()));
    std::fs::write(
        &copy,
        unit.replace("/usr/local/bin/snmpact", snmpact.to_str().unwrap()),
    )
    .unwrap();
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&copy)
        .output()
        .unwrap_or_else(|e| panic!("systemd-analyze: {e}; install it: apt-get install -y systemd"));
    let _ = std::fs::remove_file(&copy);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
