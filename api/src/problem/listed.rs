//! One thing wrong with a request that a rule refused, where it is (a field, a plan item, a
//! line and column of a file) and the rule's R- id: the entries of a problem's `errors` list
//! beside the plain field errors of validation.

use super::FieldErrorKind;
use usul_domain::lang::{Lang, Text};
use uuid::Uuid;

/// Where a listed problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The request as a whole.
    Whole,
    /// A field of the request or of the resource, e.g. `school_theme`.
    Field(String),
    /// A plan item, by its position, and the item's field to blame.
    Item { position: u32, field: String },
    /// A line (1-based; 0 for the file as a whole) and a column of an uploaded file.
    Cell { line: usize, column: Option<String> },
}

/// What a listed problem says, in the client's language when it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The message of a field problem.
    Kind(FieldErrorKind),
    /// A sentence in ky, ru and en.
    Text(Text),
    /// A sentence in one language only (a parser's own words).
    Plain(String),
}

impl Message {
    /// The message in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Self::Kind(k) => k.message(lang),
            Self::Text(t) => t.get(lang).to_owned(),
            Self::Plain(s) => s.clone(),
        }
    }
}

/// One thing wrong, with the facts a client needs to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// A stable code, e.g. `no_deadline`, `too_few_qualified_members`, `required`.
    pub code: String,
    pub message: Message,
    pub at: At,
    /// The regulation's rule, e.g. `R-3.2.2a`.
    pub rule: Option<&'static str>,
    /// The people concerned (members who do not teach a subject, an inactive member).
    pub staff_ids: Vec<Uuid>,
    /// What there is, for a threshold rule (qualified members, years of experience).
    pub have: Option<u32>,
    /// What the rule needs.
    pub need: Option<u32>,
}

impl Listed {
    /// A problem with `code` and `message` at `at`.
    #[must_use]
    pub fn new(code: impl Into<String>, message: Message, at: At) -> Self {
        Self { code: code.into(), message, at, rule: None, staff_ids: Vec::new(), have: None, need: None }
    }

    /// The rule it breaks.
    #[must_use]
    pub const fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    /// The people concerned.
    #[must_use]
    pub fn staff(mut self, ids: Vec<Uuid>) -> Self {
        self.staff_ids = ids;
        self
    }

    /// What there is against what the rule needs.
    #[must_use]
    pub const fn threshold(mut self, have: u32, need: u32) -> Self {
        self.have = Some(have);
        self.need = Some(need);
        self
    }

    /// The rendered entry in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> super::ProblemField {
        let (field, item, line, column) = match &self.at {
            At::Whole => (None, None, None, None),
            At::Field(f) => (Some(f.clone()), None, None, None),
            At::Item { position, field } => (Some(field.clone()), Some(*position), None, None),
            At::Cell { line, column } => (None, None, Some(*line), column.clone()),
        };
        super::ProblemField {
            code: self.code.clone(),
            message: self.message.render(lang),
            field,
            item,
            line,
            column,
            rule: self.rule.map(str::to_owned),
            staff_ids: self.staff_ids.clone(),
            have: self.have,
            need: self.need,
        }
    }
}
