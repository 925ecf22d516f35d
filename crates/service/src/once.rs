//! Submitting a form twice creates once: a form carries a one-time token
//! (an API request an `Idempotency-Key`), the first submit claims it and
//! keeps where it led, and a second submit is sent there instead. An API
//! key is kept with a digest of its body ([`body_digest`]): the same key with
//! another body is refused.

use kuijing_store::form_tokens;
use sha2::{Digest, Sha256};

pub use kuijing_store::form_tokens::Claim;

use crate::App;
use crate::error::Result;

impl App {
    /// Claims a token for a user, with the digest of an API request's body
    /// (see `form_tokens::claim`).
    pub async fn claim_once(&self, user: i64, token: &str, digest: Option<&str>) -> Result<Claim> {
        let mut tx = self.db.write().await?;
        let claim = form_tokens::claim(&mut tx, token, digest, user, self.now()).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// Keeps where the submit of a token led.
    pub async fn finish_once(&self, token: &str, result: &str) -> Result<()> {
        let mut tx = self.db.write().await?;
        form_tokens::finish(&mut tx, token, result).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Frees a token whose submit created nothing (a form with errors), so
    /// the corrected form may be sent again.
    pub async fn release_once(&self, token: &str) -> Result<()> {
        let mut tx = self.db.write().await?;
        form_tokens::release(&mut tx, token).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What identifies a request's body, as hex SHA-256: a JSON body by its
/// values (spaces and the order of keys do not count), a multipart body
/// without its boundary (which a client picks anew for every send), any
/// other body byte for byte.
pub fn body_digest(content_type: Option<&str>, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    let boundary = content_type
        .filter(|c| c.starts_with("multipart/"))
        .and_then(|c| {
            c.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty());
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        hasher.update(b"json:");
        hasher.update(value.to_string().as_bytes());
    } else if let Some(boundary) = boundary {
        hasher.update(b"multipart:");
        let boundary = boundary.as_bytes();
        let mut rest = body;
        while let Some(at) = rest.windows(boundary.len()).position(|w| w == boundary) {
            hasher.update(&rest[..at]);
            rest = &rest[at + boundary.len()..];
        }
        hasher.update(rest);
    } else {
        hasher.update(b"bytes:");
        hasher.update(body);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::body_digest;

    #[test]
    fn a_body_is_known_by_its_values_not_its_spelling() {
        let json = Some("application/json");
        let a = body_digest(json, br#"{"name":"A","amount":1}"#);
        assert_eq!(
            a,
            body_digest(json, b"{ \"amount\": 1,\n \"name\": \"A\" }")
        );
        assert_ne!(a, body_digest(json, br#"{"name":"B","amount":1}"#));
        let one = body_digest(
            Some("multipart/form-data; boundary=xyz1"),
            b"--xyz1\r\nfile a\r\n--xyz1--",
        );
        let two = body_digest(
            Some("multipart/form-data; boundary=\"q77\""),
            b"--q77\r\nfile a\r\n--q77--",
        );
        assert_eq!(one, two);
        assert_ne!(
            one,
            body_digest(
                Some("multipart/form-data; boundary=xyz1"),
                b"--xyz1\r\nfile b\r\n--xyz1--"
            )
        );
        assert_eq!(a.len(), 64);
    }
}
