//! A real Prometheus server on loopback (Debian package `prometheus`) scraping one target every
//! second, with its own config and data directory; killed by its pid when dropped.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::process::{find_program, free_tcp_port};

/// A Prometheus server on loopback with its own config and data directory; killed by pid on drop.
pub(crate) struct Prometheus {
    child: Child,
    /// Its HTTP port on 127.0.0.1 (the query API).
    pub(crate) port: u16,
}

impl Prometheus {
    /// Starts it in `dir`, scraping `target` every second.
    pub(crate) fn start(dir: &Path, target: SocketAddr) -> Self {
        let bin = find_program("prometheus")
            .expect("prometheus not found: apt-get install -y prometheus (see .ci/run)");
        let cfg = dir.join("prometheus.yml");
        std::fs::write(
            &cfg,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: snmpact\n    scrape_interval: 1s\n    \
                 static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .unwrap();
        let port = free_tcp_port();
        let child = Command::new(bin)
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).unwrap())
            .spawn()
            .unwrap();
        Self { child, port }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill(); // by pid
        let _ = self.child.wait();
    }
}
