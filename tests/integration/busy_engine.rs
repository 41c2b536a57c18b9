//! The engine when its thread is busy (a long poller step, a slow handler): answers that came
//! in time while the thread could not read them count as answers, even when many wait and
//! their deadlines pass meanwhile. Otherwise an overloaded engine turns answers into timeouts
//! and retransmissions, which add to the load it is already behind on.

use std::borrow::Cow;
use std::sync::mpsc;
use std::time::Duration;

use snmpact::oid::Oid;
use snmpact::pdu::Value;
use snmpact::session::Get;
use snmpact::simulator::agent::{Responder, Store};
use snmpact::{Engine, EngineConfig, SessionConfig, SnmpError};

/// Requests in flight at once: many more than the dispatcher reads in one turn of its
/// socket's stream (16 events of 32 datagrams).
const N: usize = 2_000;
/// The receive buffer the test's agent (and the engine's socket) need for `N` datagrams.
const BUFFER: usize = 8 << 20;

/// Gives `sock` a receive buffer of [`BUFFER`], past `net.core.rmem_max` when the process may
/// (as the engine's dispatcher does); true when it has it.
fn holds_a_burst(sock: &std::net::UdpSocket) -> bool {
    use std::os::fd::AsRawFd;
    let s = socket2::SockRef::from(sock);
    let _ = s.set_recv_buffer_size(BUFFER);
    if s.recv_buffer_size().is_ok_and(|got| got < BUFFER) {
        let value = libc::c_int::try_from(BUFFER).unwrap();
        // SAFETY: the fd is open for the call (`sock` is borrowed), and the option value is a
        // c_int whose address and size are passed together.
        unsafe {
            libc::setsockopt(
                sock.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVBUFFORCE,
                std::ptr::from_ref(&value).cast(),
                libc::socklen_t::try_from(size_of::<libc::c_int>()).unwrap(),
            );
        }
    }
    s.recv_buffer_size().is_ok_and(|got| got >= BUFFER)
}

/// Each request's only transmission waits this long.
const TIMEOUT: Duration = Duration::from_secs(1);

#[actix_rt::test]
async fn answers_that_came_in_time_while_the_thread_was_blocked_are_answers() {
    let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let store: Store = [(sys_name.clone(), Value::OctetString(Cow::Borrowed(b"busy")))]
        .into_iter()
        .collect();
    let mut responder = Responder::new(store, "public");
    let agent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    if !holds_a_burst(&agent) {
        eprintln!(
            "skipped: a socket here cannot hold {N} datagrams (needs root for SO_RCVBUFFORCE, \
             or net.core.rmem_max >= {BUFFER}); the engine's socket would drop them too"
        );
        return;
    }
    agent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let addr = agent.local_addr().unwrap();
    let (all_in, all_in_rx) = mpsc::channel::<()>();
    let (blocked, blocked_rx) = mpsc::channel::<()>();
    // A fake agent on its own thread: it takes every request, then answers them all while the
    // engine's thread is blocked.
    let fake = std::thread::spawn(move || {
        let mut requests = Vec::with_capacity(N);
        let mut buf = [0u8; 1500];
        while requests.len() < N {
            let (n, from) = agent.recv_from(&mut buf).expect("every request arrives");
            requests.push((buf[..n].to_vec(), from));
        }
        all_in.send(()).unwrap();
        blocked_rx.recv().unwrap();
        for (request, from) in &requests {
            for d in responder.handle(request).datagrams {
                agent.send_to(&d, from).unwrap();
            }
        }
        std::time::Instant::now()
    });

    // One shard: the engine runs on this test's own thread, which the test blocks.
    let e = Engine::start(EngineConfig {
        shards: 1,
        ..EngineConfig::default()
    });
    let cfg = SessionConfig {
        timeout: TIMEOUT,
        retries: 0,
        max_in_flight: N,
        ..SessionConfig::default()
    };
    let s = e.session("busy", &addr.to_string(), cfg).await.unwrap();
    let asked = std::time::Instant::now();
    let gets: Vec<_> = (0..N)
        .map(|_| actix_rt::spawn(s.send(Get(vec![sys_name.clone()]))))
        .collect();
    // Wait, without blocking the thread, until the agent holds every request.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while all_in_rx.try_recv().is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the agent did not get all requests"
        );
        actix_rt::time::sleep(Duration::from_millis(2)).await;
    }
    // Block the engine's thread past every deadline; the answers arrive meanwhile.
    blocked.send(()).unwrap();
    let answered_at = fake.join().unwrap();
    assert!(
        answered_at < asked + TIMEOUT / 2,
        "the test's agent answered too late for this test to mean anything"
    );
    std::thread::sleep((asked + TIMEOUT + Duration::from_millis(300)) - std::time::Instant::now());

    let mut answered = 0;
    let mut timed_out = 0;
    for g in gets {
        match g.await.unwrap().unwrap() {
            Ok(vbs) => {
                assert_eq!(vbs[0].value, Value::OctetString(Cow::Borrowed(b"busy")));
                answered += 1;
            }
            Err(SnmpError::Timeout { .. }) => timed_out += 1,
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    assert_eq!((answered, timed_out), (N, 0));
    let st = e.stats().await.total;
    assert_eq!(st.timed_out, 0);
    assert_eq!(st.dropped_total(), 0);
    e.shutdown().await;
}
