//! A form whose save met a newer version, shown again: what the other
//! person changed beside what was typed, each field only they changed
//! holding their value, and their version taken, so saving again is a
//! deliberate overwrite that puts back none of their changes. The same for
//! every kind whose form keeps its version and what it read (`_read`).

use super::conflict::{Conflict, Names, Take, Values, mark};

/// A form that keeps the version it was read at and the values it read.
pub trait Stale: Take {
    /// The form's version and `_read` fields.
    fn version_and_read(&mut self) -> (&mut String, &mut String);

    /// What the form read (`_read`), as sent.
    fn read(&mut self) -> String {
        self.version_and_read().1.clone()
    }

    /// After the box is made: each field only the other person changed
    /// since the form was read takes their value (from `theirs`, the
    /// values of the stored `version`; `yours` are the form's as sent),
    /// and the form takes their version and reads their values next.
    fn take_newer(&mut self, version: &str, theirs: &Values, yours: &Values) {
        let read = std::mem::take(self.version_and_read().1);
        self.take_theirs(&read, theirs, yours);
        let (kept_version, kept_read) = self.version_and_read();
        *kept_version = version.to_string();
        *kept_read = mark(theirs);
    }

    /// The box of what the other person changed since the form was read
    /// (see [`Conflict::new`]), the form taking their version as
    /// [`Self::take_newer`] does.
    fn meet(
        &mut self,
        version: &str,
        (theirs, yours): (&Values, &Values),
        names: &Names,
        reload: String,
    ) -> Conflict {
        let shown = Conflict::new(&self.read(), theirs, yours, names, reload);
        self.take_newer(version, theirs, yours);
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[derive(Default)]
    struct Form {
        phone: String,
        notes: String,
        version: String,
        read: String,
    }

    impl Take for Form {
        fn take(&mut self, key: &str, value: &str) {
            match key {
                "phone" => self.phone = value.to_string(),
                "notes" => self.notes = value.to_string(),
                _ => {}
            }
        }
    }

    impl Stale for Form {
        fn version_and_read(&mut self) -> (&mut String, &mut String) {
            (&mut self.version, &mut self.read)
        }
    }

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn meeting_a_newer_version_names_it_takes_theirs_and_reads_theirs_next() {
        let read = mark(&values(&[("phone", "1"), ("notes", "old")]));
        let theirs = values(&[("phone", "2"), ("notes", "theirs")]);
        let yours = values(&[("phone", "1"), ("notes", "mine")]);
        let mut form = Form {
            phone: "1".into(),
            notes: "mine".into(),
            version: "3".into(),
            read,
        };
        let names = Names::new("payment", Lang::En, &[]);
        let shown = form.meet("4", (&theirs, &yours), &names, "/x".into());
        assert_eq!(shown.kept().len(), 1);
        assert_eq!(shown.both().len(), 1);
        assert_eq!((form.phone.as_str(), form.notes.as_str()), ("2", "mine"));
        assert_eq!(form.version, "4");
        assert_eq!(form.read, mark(&theirs));
    }

    #[test]
    fn without_what_was_read_every_difference_stays_the_users() {
        let theirs = values(&[("phone", "2"), ("notes", "theirs")]);
        let yours = values(&[("phone", "1"), ("notes", "mine")]);
        let mut form = Form {
            phone: "1".into(),
            notes: "mine".into(),
            ..Form::default()
        };
        form.take_newer("9", &theirs, &yours);
        assert_eq!((form.phone.as_str(), form.notes.as_str()), ("1", "mine"));
        assert_eq!(
            (form.version.as_str(), form.read.clone()),
            ("9", mark(&theirs))
        );
    }
}
