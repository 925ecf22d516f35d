//! The target report grouped by department for a viewer who sees no whole
//! department (a rep sees their own records): said plainly, with the way
//! to their own target, instead of "no targets are set".

use super::ReportView;

impl ReportView {
    /// What the viewer sees and where their own target is, when the
    /// target report by department shows nothing because they see only
    /// their own (or their team's) data.
    pub(crate) fn own_scope_note(&self) -> Option<(String, String)> {
        let own = matches!(self.whole, "own" | "team");
        if !(self.report.is_target_report()
            && self.report.by == "department"
            && self.report.rows.is_empty()
            && own)
        {
            return None;
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in form_urlencoded::parse(self.here.as_bytes()) {
            if key != "by" {
                query.append_pair(&key, &value);
            }
        }
        query.append_pair("by", "owner");
        let text = self
            .shell
            .t(&format!("insight_fix15.targets.{}_only", self.whole));
        Some((text, format!("{}?{}", self.filter_action, query.finish())))
    }
}
