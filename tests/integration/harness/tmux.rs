//! A terminal for tests that drive a real interactive client (`telnet`): a tmux server on a
//! socket of its own, keys typed into its pane, the screen read back; stopped by its pid.

use std::time::{Duration, Instant};

/// How long a screen may take to show what a test waits for.
const WAIT: Duration = Duration::from_secs(10);

/// Runs `tmux` on a socket of its own; panics with its output when it fails.
pub(crate) fn tmux(socket: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .env("TERM", "xterm")
        .output()
        .unwrap_or_else(|e| panic!("cannot run tmux ({e}); install it: apt-get install -y tmux"));
    assert!(
        out.status.success(),
        "tmux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Our own tmux server, stopped by its pid when the test ends, even by a panic (its pane's
/// telnet and sleep go with it).
pub(crate) struct TmuxServer(pub(crate) String);

impl Drop for TmuxServer {
    fn drop(&mut self) {
        if let Ok(pid) = self.0.trim().parse::<u32>() {
            let _ = std::process::Command::new("kill")
                .arg(pid.to_string())
                .status();
        }
    }
}

/// Polls the tmux pane until it shows `needle`.
pub(crate) async fn screen_shows(socket: &str, needle: &str) -> String {
    let t0 = Instant::now();
    loop {
        let s = socket.to_owned();
        let screen = actix_rt::task::spawn_blocking(move || {
            tmux(&s, &["capture-pane", "-p", "-t", "console"])
        })
        .await
        .unwrap();
        if screen.contains(needle) {
            return screen;
        }
        assert!(
            t0.elapsed() < WAIT,
            "the telnet screen never showed {needle:?}:\n{screen}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `text` and Enter into the pane.
pub(crate) async fn keys(socket: &str, text: &str) {
    let (s, t) = (socket.to_owned(), text.to_owned());
    actix_rt::task::spawn_blocking(move || tmux(&s, &["send-keys", "-t", "console", &t, "Enter"]))
        .await
        .unwrap();
}
