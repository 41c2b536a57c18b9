//! Tests of `prometheus`.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

use super::*;
use crate::pdu::VarBind;
use crate::report::{PollError, PollerStats, Sample};
use crate::session::SnmpError;

fn report(agent: &str, samples: Vec<Sample>, errors: Vec<PollError>) -> Event {
    Event::Cycle(Arc::new(CycleReport {
        job: Arc::from("if"),
        agent: Arc::from(agent),
        slot: Instant::now(),
        time: SystemTime::now(),
        lag: Duration::ZERO,
        duration: Duration::ZERO,
        samples,
        errors,
        restarted: false,
        instance: None,
        duplicate: false,
    }))
}

fn sample(oid: &str, value: Value<'static>, rate: Option<f64>) -> Sample {
    Sample {
        varbind: VarBind::new(oid.parse().unwrap(), value),
        rate,
    }
}

// See: issue 17 (enum labels need MIB files: tests/integration/service.rs)
#[test]
fn the_prefix_names_the_metrics() {
    let ev = report(
        "r1",
        vec![sample("1.3.6.1.2.1.2.2.1.8.2", Value::Integer(1), None)],
        vec![],
    );
    let mut plain = PromState::default();
    plain.apply(&ev);
    let text = plain.render();
    assert!(text.contains("# TYPE snmp_ifOperStatus gauge\n"), "{text}");
    let mut bare = PromState::with_options(SeriesOptions {
        prefix: String::new(),
        enum_labels: true,
    });
    bare.apply(&ev);
    let text = bare.render();
    assert!(text.contains("# TYPE ifOperStatus gauge\n"), "{text}");
    assert!(!text.contains("snmp_ifOperStatus"), "{text}");
}

#[test]
fn one_metric_per_object_grouped_with_labels() {
    let mut st = PromState::default();
    st.apply(&report(
        "r1",
        vec![
            sample("1.3.6.1.2.1.31.1.1.1.6.1", Value::Counter64(10), None),
            sample("1.3.6.1.2.1.31.1.1.1.6.2", Value::Counter64(20), Some(1.5)),
            sample(
                "1.3.6.1.2.1.1.5.0",
                Value::OctetString(Cow::Borrowed(b"rtr \"1\"")),
                None,
            ),
        ],
        vec![],
    ));
    st.apply(&report(
        "r2",
        vec![sample(
            "1.3.6.1.2.1.31.1.1.1.6.1",
            Value::Counter64(30),
            None,
        )],
        vec![],
    ));
    let text = st.render();
    let expected = "# TYPE snmp_ifHCInOctets counter\n\
        snmp_ifHCInOctets{agent=\"r1\",poll_job=\"if\",index=\"1\"} 10\n\
        snmp_ifHCInOctets{agent=\"r1\",poll_job=\"if\",index=\"2\"} 20\n\
        snmp_ifHCInOctets{agent=\"r2\",poll_job=\"if\",index=\"1\"} 30\n\
        # TYPE snmp_ifHCInOctets_per_second gauge\n\
        snmp_ifHCInOctets_per_second{agent=\"r1\",poll_job=\"if\",index=\"2\"} 1.5\n\
        # TYPE snmp_sysName_info gauge\n\
        snmp_sysName_info{agent=\"r1\",poll_job=\"if\",index=\"0\",value=\"rtr \\\"1\\\"\"} 1\n";
    assert!(text.starts_with(expected), "{text}");
    assert!(text.contains("snmpact_agent_up{agent=\"r2\",poll_job=\"if\"} 1\n"));
}

#[test]
fn a_failed_cycle_removes_series_and_counts_errors() {
    let mut st = PromState::default();
    st.apply(&report(
        "r1",
        vec![sample("1.3.6.1.2.1.1.3.0", Value::TimeTicks(5), None)],
        vec![],
    ));
    assert!(st.render().contains("snmp_sysUpTime{"));
    let timeout = SnmpError::Timeout {
        retries: 0,
        agent: "127.0.0.1:1".parse().unwrap(),
    };
    st.apply(&report(
        "r1",
        vec![],
        vec![PollError {
            oid: "1.3.6.1.2.1.1.3.0".parse().unwrap(),
            error: timeout,
        }],
    ));
    let text = st.render();
    assert!(!text.contains("snmp_sysUpTime{"), "{text}");
    assert!(text.contains("snmpact_agent_up{agent=\"r1\",poll_job=\"if\"} 0\n"));
    assert!(
        text.contains(
            "snmpact_poll_errors_total{agent=\"r1\",error=\"timeout\",poll_job=\"if\"} 1\n"
        )
    );
    st.apply(&Event::Removed {
        job: Arc::from("if"),
        agent: Arc::from("r1"),
    });
    assert!(!st.render().contains("r1"));
    st.apply(&Event::Health(Arc::new(Health {
        engine: crate::dispatcher::DispatcherStats::default(),
        poller: PollerStats::default(),
        cluster: None,
    })));
    let text = st.render();
    assert!(text.contains("snmpact_requests_total 0\n"));
    assert!(text.contains("snmpact_dropped_total{reason=\"late\"} 0\n"));
}

// See: issue 18
#[test]
fn publishing_never_waits_for_a_scrape_and_scrapes_share_a_render() {
    let sink = PromSink::default();
    let held = sink.state.lock().unwrap(); // a render in progress
    for i in 0..(MAX_QUEUED + 10) {
        sink.publish(&report(&format!("r{i}"), Vec::new(), Vec::new()));
    }
    drop(held);
    let text = sink.render();
    assert!(text.contains("agent=\"r0\""), "{text}");
    assert!(text.contains(&format!("agent=\"r{}\"", MAX_QUEUED + 9)));
    assert!(sink.queued.lock().unwrap().is_empty());
    // Two scrapes in a row share one render (the same bytes, not a copy).
    let (a, b) = (sink.scrape(), sink.scrape());
    assert_eq!(a.as_ptr(), b.as_ptr());
}
