//! Keeping personal data out of logs and stored diagnostics.

/// Replaces anything that looks like an email address with `[address]`.
///
/// SMTP replies often quote the recipient (`550 5.1.1 <rosa@…>: no such user`);
/// they are logged and stored in the ledger, which must outlive an erasure
/// without keeping the address.
pub fn redact_addresses(text: &str) -> String {
    if !text.contains('@') {
        return text.to_owned();
    }
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            if word.contains('@') {
                let trailing = &word[word.trim_end().len()..];
                format!("[address]{trailing}")
            } else {
                word.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_addresses_in_replies() {
        assert_eq!(
            redact_addresses("550 5.1.1 <rosa@example.org>: No such user"),
            "550 5.1.1 [address] No such user"
        );
        assert_eq!(
            redact_addresses("gave up: 452 mailbox rosa@example.org full\nbye"),
            "gave up: 452 mailbox [address] full\nbye"
        );
        assert_eq!(redact_addresses("451 try later"), "451 try later");
    }
}
