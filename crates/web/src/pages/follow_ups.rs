//! The follow-up composer and the timeline every record page shares: the
//! composer reads a multipart form (the files go with the follow-up), the
//! timeline merges follow-ups with the approvals of the record's contracts
//! and payments, newest first.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use chrono::{DateTime, Utc};
use kuijing_domain::{FieldError, FieldErrors};
use kuijing_service::follow_ups::{FollowUp, FollowUpInput, TimelineApproval, Upload};

use super::forms::optional_number;

/// A follow-up as typed in the composer, kept to show again after an error.
#[derive(Debug, Default)]
pub struct Composer {
    pub method_id: String,
    pub content: String,
    /// When it happened, typed in the company's zone; empty shows now.
    pub happened_at: String,
    pub next_contact_at: String,
    pub contact_ids: Vec<String>,
    pub opportunity_ids: Vec<String>,
}

impl Composer {
    /// Reads the composer's form with the files chosen in it; a file input
    /// left empty sends no file.
    pub async fn read(mut multipart: Multipart) -> (Self, Vec<Upload>) {
        let mut composer = Self::default();
        let mut files = Vec::new();
        while let Ok(Some(field)) = multipart.next_field().await {
            let name = field.name().unwrap_or_default().to_string();
            if name == "files" {
                let file_name =
                    crate::api::attachments::form_file_name(field.file_name().unwrap_or_default());
                let bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push(Upload {
                        name: file_name,
                        bytes,
                    });
                }
                continue;
            }
            let value = field.text().await.unwrap_or_default();
            match name.as_str() {
                "method_id" => composer.method_id = value,
                "content" => composer.content = value,
                "happened_at" => composer.happened_at = value,
                "next_contact_at" => composer.next_contact_at = value,
                "contact_ids" => composer.contact_ids.push(value),
                "opportunity_ids" => composer.opportunity_ids.push(value),
                _ => {}
            }
        }
        (composer, files)
    }

    /// What the service takes; the next contact time is typed in the
    /// company's zone.
    pub fn input(&self, zone: chrono_tz::Tz) -> Result<FollowUpInput, FieldErrors> {
        let ids = |texts: &[String]| texts.iter().filter_map(|t| optional_number(t)).collect();
        let happened_at = local_time(&self.happened_at, zone, "happened_at");
        let next_contact_at = local_time(&self.next_contact_at, zone, "next_contact_at");
        let (happened_at, next_contact_at) = match (happened_at, next_contact_at) {
            (Ok(happened), Ok(next)) => (happened, next),
            (happened, next) => {
                let mut errors = FieldErrors::new();
                for error in [happened.err(), next.err()].into_iter().flatten() {
                    errors.0.extend(error.0);
                }
                return Err(errors);
            }
        };
        Ok(FollowUpInput {
            method_id: optional_number(&self.method_id),
            content: self.content.clone(),
            happened_at,
            next_contact_at,
            contact_ids: ids(&self.contact_ids),
            opportunity_ids: ids(&self.opportunity_ids),
        })
    }

    /// Whether a contact or opportunity was ticked in the composer.
    pub fn named(&self, kind: &str, id: &i64) -> bool {
        let id = id.to_string();
        match kind {
            "contact" => self.contact_ids.contains(&id),
            _ => self.opportunity_ids.contains(&id),
        }
    }
}

/// A `datetime-local` value of `field`, read as a time in the company's zone.
pub fn local_time(
    text: &str,
    zone: chrono_tz::Tz,
    field: &str,
) -> Result<Option<DateTime<Utc>>, FieldErrors> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    kuijing_domain::dates::iso_date_time(text)
        .and_then(|t| t.and_local_timezone(zone).earliest())
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| FieldErrors::from(FieldError::new(field, "date_time_invalid")))
}

/// One entry of a record's timeline: a follow-up (with its method's name)
/// or a step of an approval.
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub follow_up: Option<FollowUp>,
    pub method: Option<String>,
    pub approval: Option<TimelineApproval>,
    /// An event of the viewer's schedule about the record (a next contact
    /// from a follow-up, or one made by hand).
    pub event: Option<kuijing_service::events::Event>,
}

impl TimelineEntry {
    /// Follow-ups and approvals together, newest first.
    pub fn merge(
        follow_ups: &[FollowUp],
        approvals: Vec<TimelineApproval>,
        methods: &BTreeMap<i64, String>,
    ) -> Vec<Self> {
        let mut entries: Vec<Self> = follow_ups
            .iter()
            .map(|f| Self {
                at: f.happened_at,
                method: f.method_id.and_then(|m| methods.get(&m).cloned()),
                follow_up: Some(f.clone()),
                approval: None,
                event: None,
            })
            .chain(approvals.into_iter().map(|a| Self {
                at: a.at,
                follow_up: None,
                method: None,
                approval: Some(a),
                event: None,
            }))
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        entries
    }

    /// Adds the record's events the viewer sees (their own, or ones they
    /// take part in) at their start, keeping the timeline newest first.
    pub fn add_events(entries: &mut Vec<Self>, events: Vec<kuijing_service::events::Event>) {
        entries.extend(events.into_iter().map(|e| Self {
            at: e.starts_at,
            follow_up: None,
            method: None,
            approval: None,
            event: Some(e),
        }));
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    }
}
