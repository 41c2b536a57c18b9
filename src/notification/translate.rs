//! An SNMPv1 Trap-PDU in its SNMPv2 form (RFC 3584 §3.1), and the well-known objects of
//! notifications (RFC 3418 snmpTrapOID, RFC 3584 snmpTrapAddress / snmpTrapCommunity).
//!
//! The v2 form: `sysUpTime.0` = time-stamp; `snmpTrapOID.0` = `snmpTraps.(generic + 1)` for
//! the generic traps 0-5, else `enterprise.0.specific`; the Trap-PDU's varbinds; then
//! `snmpTrapAddress.0` = agent-addr, `snmpTrapCommunity.0` = the community and
//! `snmpTrapEnterprise.0` = enterprise, each unless the Trap-PDU already carried it. Pure.

use std::borrow::Cow;
use std::net::Ipv4Addr;

use crate::oid::Oid;
use crate::pdu::{TrapV1Pdu, Value, VarBind};

use super::TrapV1Info;

/// sysUpTime.0 (RFC 3418).
pub const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// snmpTrapOID.0 (RFC 3418).
pub const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTrapEnterprise.0 (RFC 3418).
pub const SNMP_TRAP_ENTERPRISE: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// snmpTrapAddress.0 (RFC 3584 §3.1, SNMP-COMMUNITY-MIB).
pub const SNMP_TRAP_ADDRESS: [u32; 10] = [1, 3, 6, 1, 6, 3, 18, 1, 3, 0];
/// snmpTrapCommunity.0 (RFC 3584 §3.1, SNMP-COMMUNITY-MIB).
pub const SNMP_TRAP_COMMUNITY: [u32; 10] = [1, 3, 6, 1, 6, 3, 18, 1, 4, 0];
/// snmpTraps: the generic traps' OIDs are `snmpTraps.(generic + 1)` (RFC 3418).
pub(crate) const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];

/// An OID from constant arcs (all start 1.3.6.1, so valid).
pub(crate) fn oid(arcs: &[u32]) -> Oid {
    Oid::from_valid(arcs.into())
}

/// The snmpTrapOID of a v1 trap (RFC 3584 §3.1 (2)). A negative generic or specific number
/// (malformed, but decodable) is taken as its two's complement, as net-snmp does.
#[must_use]
pub fn v1_trap_oid(enterprise: &Oid, generic: i32, specific: i32) -> Oid {
    match u32::try_from(generic) {
        Ok(g) if (0..6).contains(&g) => {
            let mut arcs = SNMP_TRAPS.to_vec();
            arcs.push(g + 1);
            oid(&arcs)
        }
        _ => {
            let mut arcs = enterprise.arcs().to_vec();
            arcs.extend([0, specific.cast_unsigned()]);
            // An enterprise of 128 arcs cannot grow: its trap OID is the enterprise itself.
            Oid::new(&arcs).unwrap_or_else(|_| enterprise.clone())
        }
    }
}

/// The Trap-PDU `t`, received with `community`, in the v2 form (see the module doc). An
/// agent-addr of 0.0.0.0 is replaced by `source` (when it is IPv4), as snmptrapd does.
#[must_use]
pub(super) fn v1_to_v2(
    t: TrapV1Pdu<'_>,
    community: &[u8],
    source: Option<Ipv4Addr>,
) -> (Vec<VarBind<'static>>, TrapV1Info) {
    let agent = Ipv4Addr::from(t.agent_addr);
    let agent = match source {
        Some(s) if agent.is_unspecified() => s,
        _ => agent,
    };
    let count = t.varbinds.len();
    let trap_oid = v1_trap_oid(&t.enterprise, t.generic_trap, t.specific_trap);
    let mut vbs = Vec::with_capacity(count + 5);
    vbs.push(VarBind::new(
        oid(&SYS_UPTIME),
        Value::TimeTicks(t.time_stamp),
    ));
    vbs.push(VarBind::new(oid(&SNMP_TRAP_OID), Value::ObjectId(trap_oid)));
    let has = |arcs: &[u32]| t.varbinds.iter().any(|vb| vb.oid.arcs() == arcs);
    let (has_addr, has_comm, has_ent) = (
        has(&SNMP_TRAP_ADDRESS),
        has(&SNMP_TRAP_COMMUNITY),
        has(&SNMP_TRAP_ENTERPRISE),
    );
    vbs.extend(t.varbinds.into_iter().map(VarBind::into_owned));
    if !has_addr {
        vbs.push(VarBind::new(
            oid(&SNMP_TRAP_ADDRESS),
            Value::IpAddress(agent.octets()),
        ));
    }
    if !has_comm {
        vbs.push(VarBind::new(
            oid(&SNMP_TRAP_COMMUNITY),
            Value::OctetString(Cow::Owned(community.to_vec())),
        ));
    }
    if !has_ent {
        vbs.push(VarBind::new(
            oid(&SNMP_TRAP_ENTERPRISE),
            Value::ObjectId(t.enterprise.clone()),
        ));
    }
    let info = TrapV1Info {
        enterprise: t.enterprise,
        agent_addr: agent,
        generic: t.generic_trap,
        specific: t.specific_trap,
        time_stamp: t.time_stamp,
        count,
    };
    (vbs, info)
}

/// sysUpTime.0 and snmpTrapOID.0 of a v2 notification's varbinds, when they come first as
/// RFC 3416 §4.2.6 says.
#[must_use]
pub(super) fn uptime_and_trap_oid(vbs: &[VarBind<'_>]) -> (Option<u32>, Option<Oid>) {
    let uptime = match vbs.first() {
        Some(VarBind {
            oid: o,
            value: Value::TimeTicks(t),
        }) if o.arcs() == SYS_UPTIME => Some(*t),
        _ => None,
    };
    let at = usize::from(uptime.is_some());
    let trap_oid = match vbs.get(at) {
        Some(VarBind {
            oid: o,
            value: Value::ObjectId(t),
        }) if o.arcs() == SNMP_TRAP_OID => Some(t.clone()),
        _ => None,
    };
    (uptime, trap_oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn generic_traps_map_to_snmp_traps() {
        let e = o("1.3.6.1.4.1.8072");
        assert_eq!(v1_trap_oid(&e, 0, 0), o("1.3.6.1.6.3.1.1.5.1"));
        assert_eq!(v1_trap_oid(&e, 2, 99), o("1.3.6.1.6.3.1.1.5.3"));
        assert_eq!(v1_trap_oid(&e, 5, 0), o("1.3.6.1.6.3.1.1.5.6"));
        assert_eq!(v1_trap_oid(&e, 6, 17), o("1.3.6.1.4.1.8072.0.17"));
        assert_eq!(v1_trap_oid(&e, -1, -1), o("1.3.6.1.4.1.8072.0.4294967295"));
    }

    #[test]
    fn v1_trap_gets_the_rfc_3584_varbinds() {
        let t = TrapV1Pdu {
            enterprise: o("1.3.6.1.4.1.8072"),
            agent_addr: [0, 0, 0, 0],
            generic_trap: 6,
            specific_trap: 17,
            time_stamp: 4567,
            varbinds: vec![VarBind::new(o("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2))],
        };
        let (vbs, info) = v1_to_v2(t, b"public", Some(Ipv4Addr::new(127, 0, 0, 9)));
        let names: Vec<String> = vbs.iter().map(|v| v.oid.to_string()).collect();
        assert_eq!(
            names,
            [
                "1.3.6.1.2.1.1.3.0",
                "1.3.6.1.6.3.1.1.4.1.0",
                "1.3.6.1.2.1.2.2.1.1.2",
                "1.3.6.1.6.3.18.1.3.0",
                "1.3.6.1.6.3.18.1.4.0",
                "1.3.6.1.6.3.1.1.4.3.0"
            ]
        );
        assert_eq!(vbs[0].value, Value::TimeTicks(4567));
        assert_eq!(vbs[1].value, Value::ObjectId(o("1.3.6.1.4.1.8072.0.17")));
        // agent-addr 0.0.0.0: the source address stands in.
        assert_eq!(vbs[3].value, Value::IpAddress([127, 0, 0, 9]));
        assert_eq!(vbs[4].value, Value::OctetString(b"public"[..].into()));
        assert_eq!(info.count, 1);
        assert_eq!(info.agent_addr, Ipv4Addr::new(127, 0, 0, 9));
        let (up, trap) = uptime_and_trap_oid(&vbs);
        assert_eq!((up, trap), (Some(4567), Some(o("1.3.6.1.4.1.8072.0.17"))));
    }

    #[test]
    fn a_v2_trap_without_its_header_varbinds_has_none() {
        let vbs = vec![VarBind::new(o("1.3.6.1.2.1.1.5.0"), Value::Integer(1))];
        assert_eq!(uptime_and_trap_oid(&vbs), (None, None));
        assert_eq!(uptime_and_trap_oid(&[]), (None, None));
    }
}
