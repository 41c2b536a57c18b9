//! Operator text echoed back in error messages: clipped and kept on one line, so a 1 MB
//! console line or a control character in a value cannot flood or break a reply.

/// The first 40 characters of `s`, with control characters escaped, for error messages.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn long_text_is_clipped_and_control_characters_escaped() {
        assert_eq!(clip("short"), "short");
        let long = "x".repeat(100);
        assert_eq!(clip(&long), format!("{}…", "x".repeat(40)));
        assert_eq!(clip("a\nb\u{1b}"), "a\\nb\\u{1b}");
    }
}
