//! Byte-exact SNMPv3 datagrams exchanged between net-snmp's `snmpget` and `snmpd` (both
//! 5.9.3+dfsg-2+deb12u1, Debian 12), for the tests in `tests.rs`. One TLV per line, labelled.
//!
//! How they were made: `snmpd -f -Lo -C -c snmpd.conf` on 127.0.0.1 with
//! `SNMP_PERSISTENT_DIR` in a fresh temp directory and this configuration (so
//! snmpEngineBoots is 1 and the engine id is [`ENGINE_ID`]):
//!
//! ```text
//! agentaddress udp:127.0.0.1:PORT
//! master       no
//! exactEngineID 0x80001f8804736e6d70616374
//! sysLocation  snmpact v3 vectors
//! sysContact   nobody
//! createUser md5user     MD5     "md5-auth-pass"
//! createUser shauser     SHA     "sha-auth-pass"
//! createUser sha256aes   SHA-256 "sha256-auth-pass" AES       "aes128-priv-pass"
//! createUser desuser     MD5     "des-auth-pass"    DES       "des-priv-pass"
//! createUser aes256user  SHA     "aes256-auth-pass" AES-256   "aes256-priv-pass"
//! createUser aes192user  MD5     "aes192-auth-pass" AES-192   "aes192-priv-pass"
//! createUser aes256cuser SHA     "aes256c-auth-pass" AES-256-C "aes256c-priv-pass"
//! createUser aes192cuser MD5     "aes192c-auth-pass" AES-192-C "aes192c-priv-pass"
//! rouser md5user auth      (and shauser auth; every other user: priv)
//! ```
//!
//! The last three exchanges (SHA-224, SHA-384, SHA-512) come from the same snmpd restarted
//! with three more users (same persistent directory and engine id):
//!
//! ```text
//! createUser sha224user  SHA-224 "sha224-auth-pass"
//! createUser sha384user  SHA-384 "sha384-auth-pass" AES-192   "sha384-priv-pass"
//! createUser sha512user  SHA-512 "sha512-auth-pass" AES-256   "sha512-priv-pass"
//! rouser sha224user auth   (sha384user, sha512user: priv)
//! ```
//!
//! `snmpget -v3 ...` (each command is in the constant's doc) was pointed at a Python UDP relay
//! on 127.0.0.1 that forwarded datagrams to snmpd and back and logged the hex of both
//! directions. Each `snmpget` run is four datagrams: the discovery probe, snmpd's
//! unknownEngineID Report, the request, the answer. Only the first run's probe and Report are
//! kept (every run's are alike but for msgID, request-id, the time and the counter's value).
//! Two requests (decryptionError, notInTimeWindow) were built by a Python script from a
//! captured one, re-authenticated with the user's key computed with `hashlib`/`hmac`, and sent
//! through the same relay, because `snmpget` cannot be made to send them.
//!

/// snmpd's snmpEngineID (`exactEngineID`): RFC 3411 format 4 (text), enterprise 8072
/// (net-snmp), "snmpact".
pub(crate) const ENGINE_ID: &str = "80001f8804736e6d70616374";

/// The discovery probe net-snmp sends first (RFC 3414 §4): noAuthNoPriv, reportable, empty
/// engine id and user name, a GetRequest without varbinds. First datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u md5user -a MD5 -A md5-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const DISCOVERY_PROBE: &str = concat!(
    "303d",           // SNMPv3Message
    "020103",         // msgVersion: 3
    "3010",           // msgGlobalData
    "020326fdc1",     // msgID: 2555329
    "020300ffe3",     // msgMaxSize: 65507
    "040104",         // msgFlags: reportable
    "020103",         // msgSecurityModel: 3 (USM)
    "0410",           // msgSecurityParameters
    "300e",           // UsmSecurityParameters
    "0400",           // msgAuthoritativeEngineID: empty
    "020100",         // msgAuthoritativeEngineBoots: 0
    "020100",         // msgAuthoritativeEngineTime: 0
    "0400",           // msgUserName: ""
    "0400",           // msgAuthenticationParameters: empty
    "0400",           // msgPrivacyParameters: empty
    "3014",           // ScopedPDU
    "0400",           // contextEngineID: empty
    "0400",           // contextName: ""
    "a00e",           // GetRequest-PDU
    "02047cc847c6",   // request-id: 2093500358
    "020100",         // error-status: 0
    "020100",         // error-index: 0
    "3000",           // variable-bindings
);

/// snmpd's answer to [`DISCOVERY_PROBE`]: a Report of usmStatsUnknownEngineIDs carrying the
/// engine id, boots and time. Second datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u md5user -a MD5 -A md5-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const DISCOVERY_REPORT: &str = concat!(
    "3066",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3010",                           // msgGlobalData
    "020326fdc1",                     // msgID: 2555329
    "020300ffe3",                     // msgMaxSize: 65507
    "040100",                         // msgFlags: none
    "020103",                         // msgSecurityModel: 3 (USM)
    "041c",                           // msgSecurityParameters
    "301a",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020108",                         // msgAuthoritativeEngineTime: 8
    "0400",                           // msgUserName: ""
    "0400",                           // msgAuthenticationParameters: empty
    "0400",                           // msgPrivacyParameters: empty
    "3031",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81f",                           // Report-PDU
    "02047cc847c6",                   // request-id: 2093500358
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010400",       // name: 1.3.6.1.6.3.15.1.1.4.0
    "410101",                         // value: Counter32 1
);

/// authNoPriv HMAC-MD5-96 GET of sysDescr.0 by `md5user`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u md5user -a MD5 -A md5-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const MD5_GET: &str = concat!(
    "3076",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3010",                           // msgGlobalData
    "020326fdc0",                     // msgID: 2555328
    "020300ffe3",                     // msgMaxSize: 65507
    "040105",                         // msgFlags: auth|reportable
    "020103",                         // msgSecurityModel: 3 (USM)
    "042f",                           // msgSecurityParameters
    "302d",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020108",                         // msgAuthoritativeEngineTime: 8
    "04076d643575736572",             // msgUserName: "md5user"
    "040cb8cff012717a4aa47e632a17",   // msgAuthenticationParameters: HMAC-MD5-96
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a01c",                           // GetRequest-PDU
    "02047cc847c5",                   // request-id: 2093500357
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "300e",                           // variable-bindings
    "300c",                           // VarBind
    "06082b06010201010100",           // name: 1.3.6.1.2.1.1.1.0
    "0500",                           // value: NULL
);

/// snmpd's Response to [`MD5_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u md5user -a MD5 -A md5-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const MD5_RESPONSE: &str = concat!(
    "3081af",                                               // SNMPv3Message
    "020103",                                               // msgVersion: 3
    "3010",                                                 // msgGlobalData
    "020326fdc0",                                           // msgID: 2555328
    "020300ffe3",                                           // msgMaxSize: 65507
    "040101",                                               // msgFlags: auth
    "020103",                                               // msgSecurityModel: 3 (USM)
    "042f",                                                 // msgSecurityParameters
    "302d",                                                 // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                         // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                               // msgAuthoritativeEngineBoots: 1
    "020108",                                               // msgAuthoritativeEngineTime: 8
    "04076d643575736572",                                   // msgUserName: "md5user"
    "040c82f017952d40c2889beb9ab5",                         // msgAuthenticationParameters: HMAC-MD5-96
    "0400",                                                 // msgPrivacyParameters: empty
    "3067",                                                 // ScopedPDU
    "040c80001f8804736e6d70616374",                         // contextEngineID: 80001f8804736e6d70616374
    "0400",                                                 // contextName: ""
    "a255",                                                 // Response-PDU
    "02047cc847c5",                                         // request-id: 2093500357
    "020100",                                               // error-status: 0
    "020100",                                               // error-index: 0
    "3047",                                                 // variable-bindings
    "3045",                                                 // VarBind
    "06082b06010201010100",                                 // name: 1.3.6.1.2.1.1.1.0
    "0439",                                                 // value: OCTET STRING "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64" (57 octets)
    "4c696e757820766d20362e31382e34342d66632d7636363920233120534d5020",
    "505245454d50545f44594e414d4943204030207838365f3634",
);

/// authNoPriv HMAC-SHA-96 GET of sysName.0 by `shauser`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u shauser -a SHA -A sha-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const SHA1_GET: &str = concat!(
    "3077",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020420ce4751",                   // msgID: 550389585
    "020300ffe3",                     // msgMaxSize: 65507
    "040105",                         // msgFlags: auth|reportable
    "020103",                         // msgSecurityModel: 3 (USM)
    "042f",                           // msgSecurityParameters
    "302d",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020108",                         // msgAuthoritativeEngineTime: 8
    "040773686175736572",             // msgUserName: "shauser"
    "040ce18f7a2ae3a9aceade6fa3e0",   // msgAuthenticationParameters: HMAC-SHA-96
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a01c",                           // GetRequest-PDU
    "0204030e5728",                   // request-id: 51271464
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "300e",                           // variable-bindings
    "300c",                           // VarBind
    "06082b06010201010500",           // name: 1.3.6.1.2.1.1.5.0
    "0500",                           // value: NULL
);

/// snmpd's Response to [`SHA1_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u shauser -a SHA -A sha-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const SHA1_RESPONSE: &str = concat!(
    "3079",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020420ce4751",                   // msgID: 550389585
    "020300ffe3",                     // msgMaxSize: 65507
    "040101",                         // msgFlags: auth
    "020103",                         // msgSecurityModel: 3 (USM)
    "042f",                           // msgSecurityParameters
    "302d",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020108",                         // msgAuthoritativeEngineTime: 8
    "040773686175736572",             // msgUserName: "shauser"
    "040c9410d7436ed091df7c6e687c",   // msgAuthenticationParameters: HMAC-SHA-96
    "0400",                           // msgPrivacyParameters: empty
    "3030",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a21e",                           // Response-PDU
    "0204030e5728",                   // request-id: 51271464
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3010",                           // variable-bindings
    "300e",                           // VarBind
    "06082b06010201010500",           // name: 1.3.6.1.2.1.1.5.0
    "0402766d",                       // value: OCTET STRING "vm"
);

/// authPriv HMAC-SHA-256-192 + AES-128-CFB GET of sysLocation.0 by `sha256aes`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha256aes -a SHA-256 -A sha256-auth-pass -x AES -X aes128-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA256_AES_GET: &str = concat!(
    "30818f",                                                 // SNMPv3Message
    "020103",                                                 // msgVersion: 3
    "3011",                                                   // msgGlobalData
    "02047c874039",                                           // msgID: 2089238585
    "020300ffe3",                                             // msgMaxSize: 65507
    "040107",                                                 // msgFlags: auth|priv|reportable
    "020103",                                                 // msgSecurityModel: 3 (USM)
    "0445",                                                   // msgSecurityParameters
    "3043",                                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                                 // msgAuthoritativeEngineBoots: 1
    "020109",                                                 // msgAuthoritativeEngineTime: 9
    "0409736861323536616573",                                 // msgUserName: "sha256aes"
    "041810056e519b825d885a5bd9b6f106b7fabb639ecd81a73f14",   // msgAuthenticationParameters: HMAC-SHA-256-192
    "040893003441a0c0f5be",                                   // msgPrivacyParameters: salt 93003441a0c0f5be
    "0430",                                                   // encryptedPDU (48 octets)
    "ae7622f594c0103d054affad229bd40929fbbbe7d6985eee969b57814602fdd7",
    "8fd7ab928e00e50436d4219406679a3b",
);

/// snmpd's Response to [`SHA256_AES_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha256aes -a SHA-256 -A sha256-auth-pass -x AES -X aes128-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA256_AES_RESPONSE: &str = concat!(
    "3081a1",                                                 // SNMPv3Message
    "020103",                                                 // msgVersion: 3
    "3011",                                                   // msgGlobalData
    "02047c874039",                                           // msgID: 2089238585
    "020300ffe3",                                             // msgMaxSize: 65507
    "040103",                                                 // msgFlags: auth|priv
    "020103",                                                 // msgSecurityModel: 3 (USM)
    "0445",                                                   // msgSecurityParameters
    "3043",                                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                                 // msgAuthoritativeEngineBoots: 1
    "020109",                                                 // msgAuthoritativeEngineTime: 9
    "0409736861323536616573",                                 // msgUserName: "sha256aes"
    "041862dbaf3b043ba120425060ed55131b71272838aa4e679011",   // msgAuthenticationParameters: HMAC-SHA-256-192
    "04085de835434129698a",                                   // msgPrivacyParameters: salt 5de835434129698a
    "0442",                                                   // encryptedPDU (66 octets)
    "abd0a9b99e84020fc4e89bb67a92b619508f9122d18248206127e64fb88f9365",
    "1c263f9fe082aca436774be79b47176a2d4333dc7289dcdc946ab165b14d4b0a",
    "3a02",
);

/// authPriv HMAC-MD5-96 + DES-CBC GET of sysContact.0 by `desuser`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u desuser -a MD5 -A des-auth-pass -x DES -X des-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.4.0`.
#[rustfmt::skip]
pub(crate) const MD5_DES_GET: &str = concat!(
    "308181",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "020443970a97",                       // msgID: 1133972119
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "0437",                               // msgSecurityParameters
    "3035",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020109",                             // msgAuthoritativeEngineTime: 9
    "040764657375736572",                 // msgUserName: "desuser"
    "040c223da6f4fb80d509e9c12b1b",       // msgAuthenticationParameters: HMAC-MD5-96
    "040800000001465bcc0d",               // msgPrivacyParameters: salt 00000001465bcc0d
    "0430",                               // encryptedPDU (48 octets)
    "c7550b5c421f70d2509fcdce053eb3c503d93017491896cfd8fc53c7c2623a13",
    "95f497dc9732955d8000d447f85e493a",
);

/// snmpd's Response to [`MD5_DES_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u desuser -a MD5 -A des-auth-pass -x DES -X des-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.4.0`.
#[rustfmt::skip]
pub(crate) const MD5_DES_RESPONSE: &str = concat!(
    "308189",                                             // SNMPv3Message
    "020103",                                             // msgVersion: 3
    "3011",                                               // msgGlobalData
    "020443970a97",                                       // msgID: 1133972119
    "020300ffe3",                                         // msgMaxSize: 65507
    "040103",                                             // msgFlags: auth|priv
    "020103",                                             // msgSecurityModel: 3 (USM)
    "0437",                                               // msgSecurityParameters
    "3035",                                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                             // msgAuthoritativeEngineBoots: 1
    "020109",                                             // msgAuthoritativeEngineTime: 9
    "040764657375736572",                                 // msgUserName: "desuser"
    "040c9a7dd5e19f6d59eb4358117b",                       // msgAuthenticationParameters: HMAC-MD5-96
    "04080000000186492650",                               // msgPrivacyParameters: salt 0000000186492650
    "0438",                                               // encryptedPDU (56 octets)
    "f35ad60f19994524db05bceb2d4cae604beeca9d5bf3232ebcdcc1a5d815ccf1",
    "74620eaf474d352e07a35fd68388daffef1833b2315d9a8f",
);

/// authPriv HMAC-SHA-96 + AES-256-CFB, Blumenthal key extension (net-snmp `AES-256`), GET of
/// sysLocation.0 by `aes256user`. SHA-1's 20-octet key is extended to 32. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes256user -a SHA -A aes256-auth-pass -x AES-256 -X aes256-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA1_AES256_GET: &str = concat!(
    "308184",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02040acb1eed",                       // msgID: 181083885
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "043a",                               // msgSecurityParameters
    "3038",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020109",                             // msgAuthoritativeEngineTime: 9
    "040a61657332353675736572",           // msgUserName: "aes256user"
    "040c0c83ede0c03d1db3aa7e2976",       // msgAuthenticationParameters: HMAC-SHA-96
    "0408ed55deab5145bded",               // msgPrivacyParameters: salt ed55deab5145bded
    "0430",                               // encryptedPDU (48 octets)
    "8f598097403f545d226710bdf3ebcd42b69096718f46f6fbd1b74abf9ced42a3",
    "e4f3e0f8c6d1ecd08db0c7758747d28c",
);

/// snmpd's Response to [`SHA1_AES256_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes256user -a SHA -A aes256-auth-pass -x AES-256 -X aes256-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA1_AES256_RESPONSE: &str = concat!(
    "308196",                         // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "02040acb1eed",                   // msgID: 181083885
    "020300ffe3",                     // msgMaxSize: 65507
    "040103",                         // msgFlags: auth|priv
    "020103",                         // msgSecurityModel: 3 (USM)
    "043a",                           // msgSecurityParameters
    "3038",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020109",                         // msgAuthoritativeEngineTime: 9
    "040a61657332353675736572",       // msgUserName: "aes256user"
    "040c2b5a84413774a47a715c0d9a",   // msgAuthenticationParameters: HMAC-SHA-96
    "04085de835434129698b",           // msgPrivacyParameters: salt 5de835434129698b
    "0442",                           // encryptedPDU (66 octets)
    "b42a341a08f98bf2c23ff018a22ca4214e8b9a666405d2e38036217281d51e3e",
    "846283143f0ab40140bae13c45d2529b4c40c062df5f30064f8ae85d3963e102",
    "6b32",
);

/// authPriv HMAC-MD5-96 + AES-192-CFB, Blumenthal key extension (net-snmp `AES-192`), GET of
/// sysLocation.0 by `aes192user`. MD5's 16-octet key is extended to 24. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes192user -a MD5 -A aes192-auth-pass -x AES-192 -X aes192-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const MD5_AES192_GET: &str = concat!(
    "308184",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "020468a3b196",                       // msgID: 1755558294
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "043a",                               // msgSecurityParameters
    "3038",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020109",                             // msgAuthoritativeEngineTime: 9
    "040a61657331393275736572",           // msgUserName: "aes192user"
    "040c5de09d1ee37b75958131ffa9",       // msgAuthenticationParameters: HMAC-MD5-96
    "04085cabc44c7172ea7b",               // msgPrivacyParameters: salt 5cabc44c7172ea7b
    "0430",                               // encryptedPDU (48 octets)
    "d9dfd092a5d1e08f3530be1875980e540cec3ca0aebabfe68fd3c1f84b4149d7",
    "2e912c84ec11f20f56cf0cb77b166f05",
);

/// snmpd's Response to [`MD5_AES192_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes192user -a MD5 -A aes192-auth-pass -x AES-192 -X aes192-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const MD5_AES192_RESPONSE: &str = concat!(
    "308196",                         // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020468a3b196",                   // msgID: 1755558294
    "020300ffe3",                     // msgMaxSize: 65507
    "040103",                         // msgFlags: auth|priv
    "020103",                         // msgSecurityModel: 3 (USM)
    "043a",                           // msgSecurityParameters
    "3038",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020109",                         // msgAuthoritativeEngineTime: 9
    "040a61657331393275736572",       // msgUserName: "aes192user"
    "040c1dff872d8c37f2f9af542f6e",   // msgAuthenticationParameters: HMAC-MD5-96
    "04085de835434129698c",           // msgPrivacyParameters: salt 5de835434129698c
    "0442",                           // encryptedPDU (66 octets)
    "be4fb5f29699e44ded4abb5ccf674480e13152ff0af9f4f0b5c658e8a11a2b76",
    "deeaf1952ad7d7caf4e69261d7b86f6fade725a178ed43d6a6452f79468f3ffd",
    "3567",
);

/// authPriv HMAC-SHA-96 + AES-256-CFB, Reeder key extension (net-snmp `AES-256-C`), GET of
/// sysLocation.0 by `aes256cuser`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes256cuser -a SHA -A aes256c-auth-pass -x AES-256-C -X aes256c-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA1_AES256C_GET: &str = concat!(
    "308185",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "020437748afc",                       // msgID: 930384636
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "043b",                               // msgSecurityParameters
    "3039",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020109",                             // msgAuthoritativeEngineTime: 9
    "040b6165733235366375736572",         // msgUserName: "aes256cuser"
    "040ccfadab865e5ba0f4606594f7",       // msgAuthenticationParameters: HMAC-SHA-96
    "040822bac496c2dcbbda",               // msgPrivacyParameters: salt 22bac496c2dcbbda
    "0430",                               // encryptedPDU (48 octets)
    "a91293f7ce903dfa38b35123fdd3335408ec6f6dd3542687554791796ac0bbab",
    "85cf183715a0d12cc27926a8c8237885",
);

/// snmpd's Response to [`SHA1_AES256C_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes256cuser -a SHA -A aes256c-auth-pass -x AES-256-C -X aes256c-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA1_AES256C_RESPONSE: &str = concat!(
    "308197",                         // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020437748afc",                   // msgID: 930384636
    "020300ffe3",                     // msgMaxSize: 65507
    "040103",                         // msgFlags: auth|priv
    "020103",                         // msgSecurityModel: 3 (USM)
    "043b",                           // msgSecurityParameters
    "3039",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020109",                         // msgAuthoritativeEngineTime: 9
    "040b6165733235366375736572",     // msgUserName: "aes256cuser"
    "040c70b2606461ed0560be24c552",   // msgAuthenticationParameters: HMAC-SHA-96
    "04085de835434129698d",           // msgPrivacyParameters: salt 5de835434129698d
    "0442",                           // encryptedPDU (66 octets)
    "5894a8d44126bedb50e720e8cd411da69487371ec988fa7ed4f488e55157f268",
    "aad13884fc0709c4d48e5fd33136fac82ce2afbecb7ca5d4dd52bdae23fa9fad",
    "03fe",
);

/// authPriv HMAC-MD5-96 + AES-192-CFB, Reeder key extension (net-snmp `AES-192-C`), GET of
/// sysLocation.0 by `aes192cuser`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes192cuser -a MD5 -A aes192c-auth-pass -x AES-192-C -X aes192c-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const MD5_AES192C_GET: &str = concat!(
    "308185",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02044d3d63cf",                       // msgID: 1295868879
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "043b",                               // msgSecurityParameters
    "3039",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "02010a",                             // msgAuthoritativeEngineTime: 10
    "040b6165733139326375736572",         // msgUserName: "aes192cuser"
    "040c2a2649c4be25f5c146db3fc4",       // msgAuthenticationParameters: HMAC-MD5-96
    "0408efb9887d45002943",               // msgPrivacyParameters: salt efb9887d45002943
    "0430",                               // encryptedPDU (48 octets)
    "7be07370f53c67bde1ed722e9e10bfd38eb8d9e0162dbf40397882535aac1e10",
    "a10e09668ca04cc4ea8f2965fd6b9108",
);

/// snmpd's Response to [`MD5_AES192C_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u aes192cuser -a MD5 -A aes192c-auth-pass -x AES-192-C -X aes192c-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const MD5_AES192C_RESPONSE: &str = concat!(
    "308197",                         // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "02044d3d63cf",                   // msgID: 1295868879
    "020300ffe3",                     // msgMaxSize: 65507
    "040103",                         // msgFlags: auth|priv
    "020103",                         // msgSecurityModel: 3 (USM)
    "043b",                           // msgSecurityParameters
    "3039",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02010a",                         // msgAuthoritativeEngineTime: 10
    "040b6165733139326375736572",     // msgUserName: "aes192cuser"
    "040cd972ad44ec97c3ff38c0c6b1",   // msgAuthenticationParameters: HMAC-MD5-96
    "04085de835434129698e",           // msgPrivacyParameters: salt 5de835434129698e
    "0442",                           // encryptedPDU (66 octets)
    "03d27a9d76201ef9f627d88ae9ee0e656fc67010c46fecec0949596d86aff97a",
    "7c70a952203f685a7195edf022625d45d5a89d089c32680839dd17bc635b1bd9",
    "57ae",
);

/// `shauser`'s GET authenticated with the wrong pass phrase `wrong-auth-pass`. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u shauser -a SHA -A wrong-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const WRONG_DIGEST_GET: &str = concat!(
    "3077",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020404aad2f1",                   // msgID: 78303985
    "020300ffe3",                     // msgMaxSize: 65507
    "040105",                         // msgFlags: auth|reportable
    "020103",                         // msgSecurityModel: 3 (USM)
    "042f",                           // msgSecurityParameters
    "302d",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02010a",                         // msgAuthoritativeEngineTime: 10
    "040773686175736572",             // msgUserName: "shauser"
    "040cb0f188ae3069132958b68f14",   // msgAuthenticationParameters: HMAC-SHA-96 under the wrong key
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a01c",                           // GetRequest-PDU
    "020427fbbb23",                   // request-id: 670808867
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "300e",                           // variable-bindings
    "300c",                           // VarBind
    "06082b06010201010500",           // name: 1.3.6.1.2.1.1.5.0
    "0500",                           // value: NULL
);

/// snmpd's Report (usmStatsWrongDigests, unauthenticated) to [`WRONG_DIGEST_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u shauser -a SHA -A wrong-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const WRONG_DIGEST_REPORT: &str = concat!(
    "306e",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020404aad2f1",                   // msgID: 78303985
    "020300ffe3",                     // msgMaxSize: 65507
    "040100",                         // msgFlags: none
    "020103",                         // msgSecurityModel: 3 (USM)
    "0423",                           // msgSecurityParameters
    "3021",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02010a",                         // msgAuthoritativeEngineTime: 10
    "040773686175736572",             // msgUserName: "shauser"
    "0400",                           // msgAuthenticationParameters: empty
    "0400",                           // msgPrivacyParameters: empty
    "3031",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81f",                           // Report-PDU
    "020427fbbb23",                   // request-id: 670808867
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010500",       // name: 1.3.6.1.6.3.15.1.1.5.0
    "410101",                         // value: Counter32 1
);

/// A GET by `nosuchuser`, a user snmpd does not have. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u nosuchuser -a SHA -A sha-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const UNKNOWN_USER_GET: &str = concat!(
    "307a",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020463cbe72f",                   // msgID: 1674307375
    "020300ffe3",                     // msgMaxSize: 65507
    "040105",                         // msgFlags: auth|reportable
    "020103",                         // msgSecurityModel: 3 (USM)
    "0432",                           // msgSecurityParameters
    "3030",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02010a",                         // msgAuthoritativeEngineTime: 10
    "040a6e6f7375636875736572",       // msgUserName: "nosuchuser"
    "040ceb4f47f05a3f2987d8a3bd67",   // msgAuthenticationParameters: HMAC-SHA-96
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a01c",                           // GetRequest-PDU
    "0204214a3ed6",                   // request-id: 558513878
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "300e",                           // variable-bindings
    "300c",                           // VarBind
    "06082b06010201010500",           // name: 1.3.6.1.2.1.1.5.0
    "0500",                           // value: NULL
);

/// snmpd's Report (usmStatsUnknownUserNames) to [`UNKNOWN_USER_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u nosuchuser -a SHA -A sha-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const UNKNOWN_USER_REPORT: &str = concat!(
    "3071",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020463cbe72f",                   // msgID: 1674307375
    "020300ffe3",                     // msgMaxSize: 65507
    "040100",                         // msgFlags: none
    "020103",                         // msgSecurityModel: 3 (USM)
    "0426",                           // msgSecurityParameters
    "3024",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02010a",                         // msgAuthoritativeEngineTime: 10
    "040a6e6f7375636875736572",       // msgUserName: "nosuchuser"
    "0400",                           // msgAuthenticationParameters: empty
    "0400",                           // msgPrivacyParameters: empty
    "3031",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81f",                           // Report-PDU
    "0204214a3ed6",                   // request-id: 558513878
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010300",       // name: 1.3.6.1.6.3.15.1.1.3.0
    "410101",                         // value: Counter32 1
);

/// `desuser`'s GET with the right authentication pass phrase and the wrong privacy pass
/// phrase `wrong-priv-pass`. snmpd drops it without a Report (the plaintext is not a ScopedPDU).
/// Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u desuser -a MD5 -A des-auth-pass -x DES -X wrong-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.4.0`.
#[rustfmt::skip]
pub(crate) const DES_WRONG_PRIV_GET: &str = concat!(
    "308181",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02045557a834",                       // msgID: 1431808052
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "0437",                               // msgSecurityParameters
    "3035",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "02010a",                             // msgAuthoritativeEngineTime: 10
    "040764657375736572",                 // msgUserName: "desuser"
    "040c1c01c9c6a0c30fa5dcfa4eae",       // msgAuthenticationParameters: HMAC-MD5-96
    "0408000000016106d17d",               // msgPrivacyParameters: salt 000000016106d17d
    "0430",                               // encryptedPDU (48 octets)
    "d05505df09d439c3b0439c256a77d33f656df0d95aba052fe18d581417e7ccb1",
    "fbc44c94e0ae817ba354f1a45796443f",
);

/// `sha256aes`'s GET with the wrong privacy pass phrase `wrong-priv-pass`; dropped by snmpd.
/// Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha256aes -a SHA-256 -A sha256-auth-pass -x AES -X wrong-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const AES_WRONG_PRIV_GET: &str = concat!(
    "30818f",                                                 // SNMPv3Message
    "020103",                                                 // msgVersion: 3
    "3011",                                                   // msgGlobalData
    "020453ea314d",                                           // msgID: 1407856973
    "020300ffe3",                                             // msgMaxSize: 65507
    "040107",                                                 // msgFlags: auth|priv|reportable
    "020103",                                                 // msgSecurityModel: 3 (USM)
    "0445",                                                   // msgSecurityParameters
    "3043",                                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                                 // msgAuthoritativeEngineBoots: 1
    "02010c",                                                 // msgAuthoritativeEngineTime: 12
    "0409736861323536616573",                                 // msgUserName: "sha256aes"
    "0418badc9b685a1fdcc143be7c278cc54ef0c15a8a9f35bf2e1c",   // msgAuthenticationParameters: HMAC-SHA-256-192
    "04083816c5f1a9b8e6a0",                                   // msgPrivacyParameters: salt 3816c5f1a9b8e6a0
    "0430",                                                   // encryptedPDU (48 octets)
    "ec0a68a2e786d179346f6e06ef4e4d3da16fe8689e072f6f3908a9223fe3519d",
    "014379dde575d0c6f0e01df456ce855d",
);

/// [`SHA256_AES_GET`] with msgPrivacyParameters cut to 7 octets and the HMAC recomputed with
/// `sha256aes`'s key (a Python script: TLV re-encoding, `hmac`/`hashlib`), sent to the same snmpd.
#[rustfmt::skip]
pub(crate) const DECRYPTION_ERROR_GET: &str = concat!(
    "30818e",                                                 // SNMPv3Message
    "020103",                                                 // msgVersion: 3
    "3011",                                                   // msgGlobalData
    "02047c874039",                                           // msgID: 2089238585
    "020300ffe3",                                             // msgMaxSize: 65507
    "040107",                                                 // msgFlags: auth|priv|reportable
    "020103",                                                 // msgSecurityModel: 3 (USM)
    "0444",                                                   // msgSecurityParameters
    "3042",                                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",                           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                                 // msgAuthoritativeEngineBoots: 1
    "020109",                                                 // msgAuthoritativeEngineTime: 9
    "0409736861323536616573",                                 // msgUserName: "sha256aes"
    "04182c80751de9274cf7258e10251c898e11270e8254ecb0b4df",   // msgAuthenticationParameters: HMAC-SHA-256-192, recomputed
    "040793003441a0c0f5",                                     // msgPrivacyParameters: salt 93003441a0c0f5
    "0430",                                                   // encryptedPDU (48 octets)
    "ae7622f594c0103d054affad229bd40929fbbbe7d6985eee969b57814602fdd7",
    "8fd7ab928e00e50436d4219406679a3b",
);

/// snmpd's Report (usmStatsDecryptionErrors, unauthenticated, request-id 0) to
/// [`DECRYPTION_ERROR_GET`].
#[rustfmt::skip]
pub(crate) const DECRYPTION_ERROR_REPORT: &str = concat!(
    "306d",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "02047c874039",                   // msgID: 2089238585
    "020300ffe3",                     // msgMaxSize: 65507
    "040100",                         // msgFlags: none
    "020103",                         // msgSecurityModel: 3 (USM)
    "0425",                           // msgSecurityParameters
    "3023",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "02011a",                         // msgAuthoritativeEngineTime: 26
    "0409736861323536616573",         // msgUserName: "sha256aes"
    "0400",                           // msgAuthenticationParameters: empty
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81c",                           // Report-PDU
    "020100",                         // request-id: 0
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010600",       // name: 1.3.6.1.6.3.15.1.1.6.0
    "410101",                         // value: Counter32 1
);

/// [`SHA1_GET`] with msgAuthoritativeEngineTime moved 1000 s ahead (8 to 1008) and the HMAC
/// recomputed with `shauser`'s key (a Python script), sent to the same snmpd.
#[rustfmt::skip]
pub(crate) const NOT_IN_TIME_WINDOW_GET: &str = concat!(
    "3078",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020420ce4751",                   // msgID: 550389585
    "020300ffe3",                     // msgMaxSize: 65507
    "040105",                         // msgFlags: auth|reportable
    "020103",                         // msgSecurityModel: 3 (USM)
    "0430",                           // msgSecurityParameters
    "302e",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020203f0",                       // msgAuthoritativeEngineTime: 1008
    "040773686175736572",             // msgUserName: "shauser"
    "040cb11cce14c17df7daeccffbf7",   // msgAuthenticationParameters: HMAC-SHA-96, recomputed
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a01c",                           // GetRequest-PDU
    "0204030e5728",                   // request-id: 51271464
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "300e",                           // variable-bindings
    "300c",                           // VarBind
    "06082b06010201010500",           // name: 1.3.6.1.2.1.1.5.0
    "0500",                           // value: NULL
);

/// snmpd's Report (usmStatsNotInTimeWindows) to [`NOT_IN_TIME_WINDOW_GET`]: **authenticated**
/// with `shauser`'s key (RFC 3414 §3.2 step 7b), carrying the engine's true boots and time.
#[rustfmt::skip]
pub(crate) const NOT_IN_TIME_WINDOW_REPORT: &str = concat!(
    "307a",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "020420ce4751",                   // msgID: 550389585
    "020300ffe3",                     // msgMaxSize: 65507
    "040101",                         // msgFlags: auth
    "020103",                         // msgSecurityModel: 3 (USM)
    "042f",                           // msgSecurityParameters
    "302d",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020124",                         // msgAuthoritativeEngineTime: 36
    "040773686175736572",             // msgUserName: "shauser"
    "040c8eb98ce4f8aa1fc458be5458",   // msgAuthenticationParameters: HMAC-SHA-96
    "0400",                           // msgPrivacyParameters: empty
    "3031",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81f",                           // Report-PDU
    "0204030e5728",                   // request-id: 51271464
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010200",       // name: 1.3.6.1.6.3.15.1.1.2.0
    "410101",                         // value: Counter32 1
);

/// An authPriv GET by `md5user`, who has no privacy key at snmpd (`-x DES -X des-priv-pass`).
/// Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u md5user -a MD5 -A md5-auth-pass -x DES -X des-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const UNSUPPORTED_SEC_LEVEL_GET: &str = concat!(
    "308181",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02040e4b728c",                       // msgID: 239825548
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "0437",                               // msgSecurityParameters
    "3035",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020124",                             // msgAuthoritativeEngineTime: 36
    "04076d643575736572",                 // msgUserName: "md5user"
    "040c45503ec18733a6202e392f98",       // msgAuthenticationParameters: HMAC-MD5-96
    "04080000000188b85e3c",               // msgPrivacyParameters: salt 0000000188b85e3c
    "0430",                               // encryptedPDU (48 octets)
    "b3aee604e19099d346194bec1ed349bca3df81f90054bad1ee6ae15e20702be3",
    "6b1a9d2db645f03037a6a2f12e41d0fa",
);

/// snmpd's Report (usmStatsUnsupportedSecLevels) to [`UNSUPPORTED_SEC_LEVEL_GET`]. Fourth
/// datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u md5user -a MD5 -A md5-auth-pass -x DES -X des-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.1.0`.
#[rustfmt::skip]
pub(crate) const UNSUPPORTED_SEC_LEVEL_REPORT: &str = concat!(
    "306b",                           // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "02040e4b728c",                   // msgID: 239825548
    "020300ffe3",                     // msgMaxSize: 65507
    "040100",                         // msgFlags: none
    "020103",                         // msgSecurityModel: 3 (USM)
    "0423",                           // msgSecurityParameters
    "3021",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020124",                         // msgAuthoritativeEngineTime: 36
    "04076d643575736572",             // msgUserName: "md5user"
    "0400",                           // msgAuthenticationParameters: empty
    "0400",                           // msgPrivacyParameters: empty
    "302e",                           // ScopedPDU
    "040c80001f8804736e6d70616374",   // contextEngineID: 80001f8804736e6d70616374
    "0400",                           // contextName: ""
    "a81c",                           // Report-PDU
    "020100",                         // request-id: 0
    "020100",                         // error-status: 0
    "020100",                         // error-index: 0
    "3011",                           // variable-bindings
    "300f",                           // VarBind
    "060a2b060106030f01010100",       // name: 1.3.6.1.6.3.15.1.1.1.0
    "410101",                         // value: Counter32 1
);

/// authNoPriv HMAC-SHA-224-128 (RFC 7860) GET of sysName.0 by `sha224user` (snmpd restarted
/// with the three SHA-2 users added). Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u sha224user -a SHA-224 -A sha224-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const SHA224_GET: &str = concat!(
    "307e",                                   // SNMPv3Message
    "020103",                                 // msgVersion: 3
    "3011",                                   // msgGlobalData
    "02043791d9e5",                           // msgID: 932305381
    "020300ffe3",                             // msgMaxSize: 65507
    "040105",                                 // msgFlags: auth|reportable
    "020103",                                 // msgSecurityModel: 3 (USM)
    "0436",                                   // msgSecurityParameters
    "3034",                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                 // msgAuthoritativeEngineBoots: 1
    "020101",                                 // msgAuthoritativeEngineTime: 1
    "040a73686132323475736572",               // msgUserName: "sha224user"
    "0410d53cbfa8a252bbdb65dbb59443680e3c",   // msgAuthenticationParameters: HMAC-SHA-224-128
    "0400",                                   // msgPrivacyParameters: empty
    "302e",                                   // ScopedPDU
    "040c80001f8804736e6d70616374",           // contextEngineID: 80001f8804736e6d70616374
    "0400",                                   // contextName: ""
    "a01c",                                   // GetRequest-PDU
    "02043f32ccad",                           // request-id: 1060293805
    "020100",                                 // error-status: 0
    "020100",                                 // error-index: 0
    "300e",                                   // variable-bindings
    "300c",                                   // VarBind
    "06082b06010201010500",                   // name: 1.3.6.1.2.1.1.5.0
    "0500",                                   // value: NULL
);

/// snmpd's Response to [`SHA224_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authNoPriv -u sha224user -a SHA-224 -A sha224-auth-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.5.0`.
#[rustfmt::skip]
pub(crate) const SHA224_RESPONSE: &str = concat!(
    "308180",                                 // SNMPv3Message
    "020103",                                 // msgVersion: 3
    "3011",                                   // msgGlobalData
    "02043791d9e5",                           // msgID: 932305381
    "020300ffe3",                             // msgMaxSize: 65507
    "040101",                                 // msgFlags: auth
    "020103",                                 // msgSecurityModel: 3 (USM)
    "0436",                                   // msgSecurityParameters
    "3034",                                   // UsmSecurityParameters
    "040c80001f8804736e6d70616374",           // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                                 // msgAuthoritativeEngineBoots: 1
    "020101",                                 // msgAuthoritativeEngineTime: 1
    "040a73686132323475736572",               // msgUserName: "sha224user"
    "0410db2233aadef363679c266149b605c32e",   // msgAuthenticationParameters: HMAC-SHA-224-128
    "0400",                                   // msgPrivacyParameters: empty
    "3030",                                   // ScopedPDU
    "040c80001f8804736e6d70616374",           // contextEngineID: 80001f8804736e6d70616374
    "0400",                                   // contextName: ""
    "a21e",                                   // Response-PDU
    "02043f32ccad",                           // request-id: 1060293805
    "020100",                                 // error-status: 0
    "020100",                                 // error-index: 0
    "3010",                                   // variable-bindings
    "300e",                                   // VarBind
    "06082b06010201010500",                   // name: 1.3.6.1.2.1.1.5.0
    "0402766d",                               // value: OCTET STRING "vm"
);

/// authPriv HMAC-SHA-384-256 + AES-192-CFB GET of sysLocation.0 by `sha384user`: SHA-384's
/// 48-octet key is cut to 24, no extension. Third datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha384user -a SHA-384 -A sha384-auth-pass -x AES-192 -X sha384-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA384_AES192_GET: &str = concat!(
    "308198",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "0204430fd8d7",                       // msgID: 1125112023
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "044e",                               // msgSecurityParameters
    "304c",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020101",                             // msgAuthoritativeEngineTime: 1
    "040a73686133383475736572",           // msgUserName: "sha384user"
    "0420",                               // msgAuthenticationParameters: HMAC-SHA-384-256 (32 octets)
    "0b39e2bffdba00c996b95f7f82fd8dcd7750a74ec52bed1d989f774d99de278f",
    "0408941836278714e608",               // msgPrivacyParameters: salt 941836278714e608
    "0430",                               // encryptedPDU (48 octets)
    "25f3942324455e92174197bd366ada43c7297d640541af203ca212dd51ac1395",
    "1b0e18cde09e158b7bd613e4c10e2ac1",
);

/// snmpd's Response to [`SHA384_AES192_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha384user -a SHA-384 -A sha384-auth-pass -x AES-192 -X sha384-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA384_AES192_RESPONSE: &str = concat!(
    "3081aa",                         // SNMPv3Message
    "020103",                         // msgVersion: 3
    "3011",                           // msgGlobalData
    "0204430fd8d7",                   // msgID: 1125112023
    "020300ffe3",                     // msgMaxSize: 65507
    "040103",                         // msgFlags: auth|priv
    "020103",                         // msgSecurityModel: 3 (USM)
    "044e",                           // msgSecurityParameters
    "304c",                           // UsmSecurityParameters
    "040c80001f8804736e6d70616374",   // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                         // msgAuthoritativeEngineBoots: 1
    "020101",                         // msgAuthoritativeEngineTime: 1
    "040a73686133383475736572",       // msgUserName: "sha384user"
    "0420",                           // msgAuthenticationParameters: HMAC-SHA-384-256 (32 octets)
    "7f19899d0d0ad74becd6e7b4bfb3b5cff43c212886cec5d1603abb3be2f2605d",
    "040822b8bd6b3a3a9dc9",           // msgPrivacyParameters: salt 22b8bd6b3a3a9dc9
    "0442",                           // encryptedPDU (66 octets)
    "d235821bf7d7c440e186bd4036c2a752c8f407bc194ffb76798db49f0223cc97",
    "2dfc2367b1460f1f1e6663e948ecabb564d037a46d5104f500a6e1d0addbc0a3",
    "cab3",
);

/// authPriv HMAC-SHA-512-384 + AES-256-CFB GET of sysLocation.0 by `sha512user`. Third
/// datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha512user -a SHA-512 -A sha512-auth-pass -x AES-256 -X sha512-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA512_AES256_GET: &str = concat!(
    "3081a8",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02042a3362d1",                       // msgID: 708010705
    "020300ffe3",                         // msgMaxSize: 65507
    "040107",                             // msgFlags: auth|priv|reportable
    "020103",                             // msgSecurityModel: 3 (USM)
    "045e",                               // msgSecurityParameters
    "305c",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020101",                             // msgAuthoritativeEngineTime: 1
    "040a73686135313275736572",           // msgUserName: "sha512user"
    "0430",                               // msgAuthenticationParameters: HMAC-SHA-512-384 (48 octets)
    "f7a5d061f5580a18285f09b7c896cd94b7e8a87bdb8ade1d79e92879e32e0de1",
    "a5f445842faccea6467560a622fa9863",
    "0408b84f4b22eaee5923",               // msgPrivacyParameters: salt b84f4b22eaee5923
    "0430",                               // encryptedPDU (48 octets)
    "85e69f830eab02d82a6c3f5f804fb8edc48958418e8fdf45c8eddb91f21983d7",
    "05b473959af994d6da8e152df83a52ef",
);

/// snmpd's Response to [`SHA512_AES256_GET`]. Fourth datagram of
/// `snmpget -v3 -On -r0 -t1 -l authPriv -u sha512user -a SHA-512 -A sha512-auth-pass -x AES-256 -X sha512-priv-pass 127.0.0.1:PORT 1.3.6.1.2.1.1.6.0`.
#[rustfmt::skip]
pub(crate) const SHA512_AES256_RESPONSE: &str = concat!(
    "3081ba",                             // SNMPv3Message
    "020103",                             // msgVersion: 3
    "3011",                               // msgGlobalData
    "02042a3362d1",                       // msgID: 708010705
    "020300ffe3",                         // msgMaxSize: 65507
    "040103",                             // msgFlags: auth|priv
    "020103",                             // msgSecurityModel: 3 (USM)
    "045e",                               // msgSecurityParameters
    "305c",                               // UsmSecurityParameters
    "040c80001f8804736e6d70616374",       // msgAuthoritativeEngineID: 80001f8804736e6d70616374
    "020101",                             // msgAuthoritativeEngineBoots: 1
    "020101",                             // msgAuthoritativeEngineTime: 1
    "040a73686135313275736572",           // msgUserName: "sha512user"
    "0430",                               // msgAuthenticationParameters: HMAC-SHA-512-384 (48 octets)
    "b735b26b88afda1966f6c92e90f58414e7da655fbd754ad84ef5dea406303fd6",
    "8e0f1cc23409ee2b7726bf15ab7fdfb1",
    "040822b8bd6b3a3a9dca",               // msgPrivacyParameters: salt 22b8bd6b3a3a9dca
    "0442",                               // encryptedPDU (66 octets)
    "28514803159f1cabd8f66b2411ceb1cb39359f4ac83bfb84cbf1619fb5be606e",
    "b6b8da40871f4ff43247c256649dcc5c37e7f25e74e7465291aadd12e35d77e5",
    "5871",
);
