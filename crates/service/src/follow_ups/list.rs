//! The list of follow-ups across records, within the viewer's scope of
//! follow-ups (by author), narrowed to the days and authors of a dashboard
//! figure.

use kuijing_domain::{Action, Kind, Permission};
use kuijing_store::follow_ups::{self, FollowUpQuery};
use kuijing_store::{departments, users};

use crate::dashboard::Drill;
use crate::error::Result;
use crate::{App, Caller, ListPage, PageRequest};

use super::FollowUpRow;

impl App {
    pub async fn list_follow_ups(
        &self,
        caller: &Caller,
        drill: &Drill,
        page: PageRequest,
    ) -> Result<ListPage<FollowUpRow>> {
        caller.require(Permission::new(Kind::FollowUp, Action::View))?;
        let mut tx = self.db.read().await?;
        let org = departments::org_chart(&mut tx).await?;
        let visibility = caller.actor.visibility(Kind::FollowUp, &org);
        // The authors the viewer's scope sees, as the dashboard counts them.
        let visible = if visibility.all {
            None
        } else {
            Some(
                users::all_names(&mut tx)
                    .await?
                    .into_iter()
                    .map(|(id, _)| id)
                    .filter(|id| {
                        org.department_of(*id)
                            .is_some_and(|d| visibility.sees(*id, d))
                    })
                    .collect(),
            )
        };
        let (from, before) = drill.days();
        let query = FollowUpQuery {
            from: from.map(|d| self.start_of(d)),
            before: before.map(|d| self.start_of(d)),
            authors: drill.owners(visible),
        };
        let store_page = page.store_page();
        let found = follow_ups::list(
            &mut tx,
            &query,
            kuijing_store::Page {
                limit: store_page.limit + 1,
                ..store_page
            },
        )
        .await?;
        let total = follow_ups::count(&mut tx, &query).await?;
        Ok(ListPage::new(found, total, store_page.limit, |f| f.id))
    }
}
