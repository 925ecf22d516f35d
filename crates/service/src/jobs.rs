//! Background work: jobs in a table, enqueued by day so several instances
//! enqueue each once, claimed with a lease so each runs once, and safe to
//! run again (every job is idempotent).

use chrono::Duration;
use kuijing_store::jobs;

use crate::App;
use crate::error::{Result, ServiceError};

/// Marks instalments past their date without full payment as overdue.
pub const MARK_OVERDUE: &str = "mark_overdue";

/// Sends the day's reminders of instalments and ending contracts.
pub const SEND_REMINDERS: &str = "send_reminders";

/// Applies the pools' recycle rules: neglected customers go back, owners
/// are warned before.
pub const RECYCLE_POOLS: &str = "recycle_pools";

/// How long a worker holds a job before another may take it over.
const LEASE_SECONDS: i64 = 300;

impl App {
    /// Enqueues today's recurring jobs (once per day, whoever asks first).
    pub async fn schedule_jobs(&self) -> Result<()> {
        let mut tx = self.db.write().await?;
        let today = self.today().to_string();
        jobs::enqueue(&mut tx, MARK_OVERDUE, Some(&today), "{}", self.now()).await?;
        jobs::enqueue(&mut tx, SEND_REMINDERS, Some(&today), "{}", self.now()).await?;
        jobs::enqueue(&mut tx, RECYCLE_POOLS, Some(&today), "{}", self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends the event reminders due now, then runs due jobs until none is
    /// left; answers how many jobs ran. Reminders need minutes, not days,
    /// so they go out on every run rather than as a daily job.
    pub async fn run_due_jobs(&self, worker: &str) -> Result<usize> {
        let reminded = self.send_event_reminders().await?;
        if reminded > 0 {
            tracing::info!(notifications = reminded, "event reminders sent");
        }
        let mut ran = 0;
        loop {
            let now = self.now();
            let mut tx = self.db.write().await?;
            let Some(job) =
                jobs::claim(&mut tx, worker, now, now + Duration::seconds(LEASE_SECONDS)).await?
            else {
                return Ok(ran);
            };
            tx.commit().await?;
            let outcome = self.run_job(&job).await;
            let mut tx = self.db.write().await?;
            match outcome {
                Ok(()) => jobs::finish(&mut tx, job.id, self.now()).await?,
                Err(error) => {
                    tracing::warn!(job.id = job.id, job.kind = job.kind, %error, "job failed; it will be retried");
                    let retry = self.now() + Duration::minutes(5 * job.attempts.clamp(1, 12));
                    jobs::fail(&mut tx, job.id, &error.to_string(), retry).await?;
                }
            }
            tx.commit().await?;
            ran += 1;
        }
    }

    async fn run_job(&self, job: &jobs::Job) -> Result<()> {
        match job.kind.as_str() {
            MARK_OVERDUE => {
                let mut tx = self.db.write().await?;
                let marked = kuijing_store::contracts::mark_overdue(&mut tx, self.today()).await?;
                tx.commit().await?;
                tracing::info!(
                    job.id = job.id,
                    instalments = marked,
                    "overdue instalments marked"
                );
                Ok(())
            }
            SEND_REMINDERS => {
                let made = self.send_reminders(self.today()).await?;
                tracing::info!(job.id = job.id, notifications = made, "reminders sent");
                Ok(())
            }
            RECYCLE_POOLS => {
                let run = self.recycle_pools().await?;
                tracing::info!(
                    job.id = job.id,
                    recycled = run.recycled,
                    reminders = run.reminders,
                    "pool recycle rules applied"
                );
                Ok(())
            }
            other => Err(ServiceError::Internal(format!("unknown job kind {other}"))),
        }
    }
}
