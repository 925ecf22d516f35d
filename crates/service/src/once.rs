//! Submitting a form twice creates once: a form carries a one-time token
//! (an API request an `Idempotency-Key`), the first submit claims it and
//! keeps where it led, and a second submit is sent there instead.

use kuijing_store::form_tokens;

pub use kuijing_store::form_tokens::Claim;

use crate::App;
use crate::error::Result;

impl App {
    /// Claims a token for a user (see `form_tokens::claim`).
    pub async fn claim_once(&self, user: i64, token: &str) -> Result<Claim> {
        let mut tx = self.db.write().await?;
        let claim = form_tokens::claim(&mut tx, token, user, self.now()).await?;
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
