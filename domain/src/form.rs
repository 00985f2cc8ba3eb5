//! What is wrong with the fields of a request, as a command finds it: every problem at once,
//! each at the path of its field as the request names it (`member_ids[2]`, `order.number`).

use crate::values::TextError;

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Missing, or an empty list where one is needed.
    Required,
    /// A text that is empty, too long or malformed.
    Text(TextError),
    /// Not an academic year `YYYY-YYYY`.
    InvalidYear,
    /// Not of the expected shape (a date that is not `YYYY-MM-DD`).
    InvalidFormat,
    /// Not one of the allowed codes.
    InvalidValue,
    /// Outside what the rule allows (a date outside the meeting's year).
    OutOfRange,
    /// Names nothing the school has.
    UnknownReference,
    /// Names a deactivated person.
    Inactive,
    /// Named twice, or already there.
    Duplicate,
}

/// One problem at one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's path in the request.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// Collects the problems of a request while its fields are read.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldProblem { field: field.into(), problem });
    }

    /// Keeps a text value, or records its error on `field`.
    pub fn text<T>(&mut self, field: &str, r: Result<T, TextError>) -> Option<T> {
        r.map_err(|e| self.push(field, Problem::Text(e))).ok()
    }

    /// An optional free text, trimmed, 1–`max` characters: `Some(None)` when absent, `None`
    /// when refused (the problem is recorded).
    pub fn optional_text(&mut self, field: &str, v: Option<&str>, max: usize) -> Option<Option<String>> {
        match v {
            None => Some(None),
            Some(t) => self.text(field, crate::values::bounded(t, max)).map(Some),
        }
    }

    /// Each text of a list, trimmed, 1–`max` characters, at `field[i]`; `None` when one is
    /// refused.
    pub fn texts(&mut self, field: &str, items: &[String], max: usize) -> Option<Vec<String>> {
        let checked: Vec<Option<String>> = items
            .iter()
            .enumerate()
            .map(|(i, t)| self.text(&format!("{field}[{i}]"), crate::values::bounded(t, max)))
            .collect();
        checked.into_iter().collect()
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was recorded.
    ///
    /// # Errors
    /// Every recorded problem, in the order found.
    pub fn finish(self) -> Result<(), Vec<FieldProblem>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// The value of a field once [`Problems::finish`] has passed: present by construction. A
/// command that reads a value it did not record a problem for cannot reach the `None` arm;
/// it is answered as a problem at `field` all the same, never a panic.
///
/// # Errors
/// A [`Problem::Required`] at `field` when the value is missing.
pub fn present<T>(field: &str, value: Option<T>) -> Result<T, Vec<FieldProblem>> {
    value.ok_or_else(|| vec![FieldProblem { field: field.to_owned(), problem: Problem::Required }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_kept_in_the_order_found_and_listed_all_at_once() {
        let mut p = Problems::default();
        assert_eq!(p.optional_text("title", None, 10), Some(None));
        assert_eq!(p.optional_text("title", Some("  "), 10), None);
        assert_eq!(p.texts("agenda", &["a".into(), "".into(), "b".into()], 10), None);
        assert_eq!(p.texts("agenda", &["a".into()], 10), Some(vec!["a".to_owned()]));
        p.push("year", Problem::InvalidYear);
        assert_eq!(
            p.finish(),
            Err(vec![
                FieldProblem { field: "title".into(), problem: Problem::Text(TextError::Empty) },
                FieldProblem { field: "agenda[1]".into(), problem: Problem::Text(TextError::Empty) },
                FieldProblem { field: "year".into(), problem: Problem::InvalidYear },
            ])
        );
    }
}
