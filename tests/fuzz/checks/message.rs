//! The checks of fuzz target `message`, shared by the target (`fuzz_targets/message.rs`) and
//! by `cargo test`, which replays the corpora through them on stable
//! (`tests/integration/fuzz_replay.rs`).
//!
//! - `Message::decode` never panics. When it accepts the input, encoding the result and decoding
//!   that again gives the same message, and encoding that gives the same bytes (the encoding is
//!   canonical, even when the input was not: non-minimal lengths and integers are accepted).
//! - `dissect` never panics, nor do its text and JSON forms.

use snmpact::dissect::dissect;
use snmpact::pdu::Message;

/// Panics when `data` breaks a property above.
pub(crate) fn check(data: &[u8]) {
    if let Ok(first) = Message::decode(data) {
        let encoded = first.to_bytes();
        assert_eq!(
            encoded.len(),
            first.encoded_len(),
            "encoded_len disagrees with encode"
        );
        let second = match Message::decode(&encoded) {
            Ok(m) => m,
            Err(e) => panic!("re-encoding does not decode: {e}\n{first:?}\n{encoded:02x?}"),
        };
        assert_eq!(second, first, "decode(encode(m)) != m");
        assert_eq!(second.to_bytes(), encoded, "re-encoding differs");
    }
    let d = dissect(data);
    let text = d.to_string();
    assert!(text.ends_with('\n'));
    let _ = d.to_json().to_string();
}
