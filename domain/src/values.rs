//! Validated value types: a value of these types has passed its one constructor.

use std::fmt;

/// Why a text field was refused. The API turns each into a field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Empty or only whitespace.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed (in characters).
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Shorter than allowed (in characters).
    #[error("must be at least {min} characters")]
    TooShort {
        /// The limit.
        min: usize,
    },
    /// Not of the expected shape.
    #[error("has an invalid format")]
    Format,
}

/// A name: a person's name part, a school, a subject. Trimmed, non-empty, at most 200
/// characters; any Unicode is kept exactly as sent once trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(String);

impl Name {
    /// The longest name accepted, in characters.
    pub const MAX: usize = 200;

    /// Trims and checks a name.
    ///
    /// # Errors
    /// [`TextError::Empty`] or [`TextError::TooLong`].
    pub fn parse(text: &str) -> Result<Self, TextError> {
        if text.chars().any(char::is_control) {
            return Err(TextError::Format);
        }
        bounded(text, Self::MAX).map(Self)
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A longer free text (a theme, a goal): trimmed, non-empty, at most `max` characters.
///
/// # Errors
/// [`TextError::Empty`] or [`TextError::TooLong`].
pub fn bounded(text: &str, max: usize) -> Result<String, TextError> {
    // Line breaks and tabs belong in free text; other control characters (NUL above all,
    // which PostgreSQL refuses) do not.
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(TextError::Format);
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok(trimmed.to_owned())
}

/// An e-mail address used as a login. Kept as typed; compared case-insensitively through
/// [`Email::normalized`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address accepted.
    pub const MAX: usize = 254;

    /// Checks the shape of an address: one `@`, a non-empty local part, a dotted domain, no
    /// whitespace.
    ///
    /// # Errors
    /// [`TextError`] describing the first problem.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        let trimmed = bounded(text, Self::MAX)?;
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err(TextError::Format);
        };
        let ok = !local.is_empty()
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !trimmed.chars().any(char::is_whitespace);
        if ok { Ok(Self(trimmed)) } else { Err(TextError::Format) }
    }

    /// The address as typed.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-cased form that makes addresses unique case-insensitively.
    #[must_use]
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 8 to 128 characters. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The shortest password accepted.
    pub const MIN: usize = 8;
    /// The longest password accepted.
    pub const MAX: usize = 128;

    /// Checks a new password's length (not trimmed: spaces count).
    ///
    /// # Errors
    /// [`TextError::TooShort`] or [`TextError::TooLong`].
    pub fn parse(text: &str) -> Result<Self, TextError> {
        let n = text.chars().count();
        if n < Self::MIN {
            return Err(TextError::TooShort { min: Self::MIN });
        }
        if n > Self::MAX {
            return Err(TextError::TooLong { max: Self::MAX });
        }
        Ok(Self(text.to_owned()))
    }

    /// The secret itself, for hashing.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_keep_kyrgyz_letters() {
        assert_eq!(Name::parse("  Үсөнова Айнура  ").map(|n| n.to_string()), Ok("Үсөнова Айнура".into()));
        assert_eq!(Name::parse("Ңөү").map(|n| n.to_string()), Ok("Ңөү".into()));
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(Name::parse("a\u{0}b"), Err(TextError::Format));
        assert_eq!(Name::parse("a\nb"), Err(TextError::Format));
        assert_eq!(bounded("line one\nline two", 100).map(|s| s.len()), Ok(17));
        assert_eq!(bounded("nul\u{0}", 100), Err(TextError::Format));
    }

    #[test]
    fn empty_names_are_refused() {
        assert_eq!(Name::parse("   "), Err(TextError::Empty));
    }

    #[test]
    fn names_longer_than_two_hundred_characters_are_refused() {
        let ok = "ө".repeat(200);
        assert!(Name::parse(&ok).is_ok());
        assert_eq!(Name::parse(&"ө".repeat(201)), Err(TextError::TooLong { max: 200 }));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("director@school95.kg").is_ok());
        for bad in ["nobody", "@school.kg", "a@b", "a b@school.kg", "a@.kg", "a@kg."] {
            assert_eq!(Email::parse(bad), Err(TextError::Format), "{bad}");
        }
    }

    #[test]
    fn emails_compare_case_insensitively() {
        let a = Email::parse("Aibek@School95.KG");
        let b = Email::parse("aibek@school95.kg");
        assert_eq!(a.map(|e| e.normalized()), b.map(|e| e.normalized()));
    }

    #[test]
    fn passwords_are_eight_to_128_characters_and_hidden_in_debug() {
        assert_eq!(Password::parse("short"), Err(TextError::TooShort { min: 8 }));
        let Ok(p) = Password::parse("long enough") else { panic!("refused") };
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
