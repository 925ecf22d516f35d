//! The days the brief's changes compare with, said beside each change
//! when a period still running is compared with the same days before it.

use chrono::Datelike;

use super::View;

impl View {
    /// "Nov 1–5" (one month, its short name in the reader's language), or
    /// "2025-01-01 – 2025-03-02" across months.
    pub(super) fn compared_days(&self) -> String {
        let (from, to) = (self.board.previous_from, self.board.previous_to);
        let names = self.shell.t("charts_fix.months");
        let names: Vec<&str> = names.split(',').map(str::trim).collect();
        let month = names
            .get(from.month0() as usize)
            .filter(|_| names.len() == 12);
        match month {
            Some(month) if from.year() == to.year() && from.month() == to.month() => self
                .shell
                .t("insight_fix9.days_in_month")
                .replace("%{month}", month)
                .replace("%{first}", &from.day().to_string())
                .replace("%{last}", &to.day().to_string()),
            _ => format!("{} – {}", self.shell.date(&from), self.shell.date(&to)),
        }
    }
}
