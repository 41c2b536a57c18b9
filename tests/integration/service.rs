//! The service binary end to end: `snmpact serve` with a generated configuration polls its
//! simulated agent, a SIGHUP reload adds an agent to the running poller, and SIGINT stops it
//! cleanly with exit status 0.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// Safety net for each wait (the poll interval is 200 ms).
const PATIENCE: Duration = Duration::from_secs(30);

fn config(with_b: bool) -> String {
    let b = if with_b {
        "[agents.b]\nsimulator = \"b\"\n"
    } else {
        ""
    };
    format!(
        "[console]\nlisten = \"127.0.0.1:0\"\n\
         [simulator.agents.a]\n[simulator.agents.b]\n\
         [agents.a]\nsimulator = \"a\"\n{b}\
         [jobs.j]\nagents = [\"*\"]\ninterval = \"200ms\"\nscalars = [\"sysName.0\"]\n\
         [outputs.out]\nkind = \"json\"\npath = \"-\"\n"
    )
}

fn lines(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Reads lines until one satisfies `f`.
fn wait_for(rx: &Receiver<String>, what: &str, f: impl Fn(&str) -> bool) -> String {
    loop {
        match rx.recv_timeout(PATIENCE) {
            Ok(l) if f(&l) => return l,
            Ok(_) => {}
            Err(e) => panic!("no line with {what}: {e}"),
        }
    }
}

/// Sends `sig` to the child by its pid (no `kill` program needed).
fn signal(child: &Child, sig: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with the pid of our own live child (not yet waited for, so the pid cannot
    // have been reused) and a valid signal number; it touches no memory of this process.
    let rc = unsafe { libc::kill(pid, sig) };
    assert_eq!(rc, 0, "kill({pid}, {sig})");
}

#[test]
fn sighup_reload_adds_an_agent_and_sigint_stops_cleanly() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("snmpact.toml");
    std::fs::write(&path, config(false)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_snmpact"))
        .args(["serve", "--config"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rx = lines(&mut child);
    wait_for(&rx, "the banner", |l| {
        l.starts_with("snmpact: console on 127.0.0.1:")
    });
    let sample = wait_for(&rx, "a sample from a", |l| l.contains("\"agent\":\"a\""));
    let v: serde_json::Value = serde_json::from_str(&sample).unwrap();
    assert_eq!(v["oid"], "1.3.6.1.2.1.1.5.0");
    assert_eq!(v["value"], "demo-rtr1");

    std::fs::write(&path, config(true)).unwrap();
    signal(&child, libc::SIGHUP);
    wait_for(&rx, "a sample from b after the reload", |l| {
        l.contains("\"agent\":\"b\"")
    });

    signal(&child, libc::SIGINT);
    let status = (0..300)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            child.try_wait().unwrap()
        })
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("snmpact did not stop within 30 s of SIGINT")
        });
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
