//! The catalogue of forms of methodological work: its three groups and every form listed.
//!
//! Section 4 of the regulation lists the forms of methodological work in three groups
//! . The same form may stand in more than one group; here it is one entry
//! naming all its groups. Entries keep the regulation's order: first, then the forms that
//! adds, then. Codes are stable and never translated; labels come in Kyrgyz (the
//! regulation's own wording), Russian and English.

use serde::Serialize;

use crate::lang::{Lang, Text};

/// A group of forms of methodological work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormGroup {
    /// raising the qualification and pedagogical mastery of managers and teachers.
    Qualification,
    /// obtaining, generalising, showing and spreading innovative experience.
    Innovation,
    /// information-methodological support.
    Information,
}

impl FormGroup {
    /// Every group, in the regulation's order.
    pub const ALL: [Self; 3] = [Self::Qualification, Self::Innovation, Self::Information];

    /// The stable code of the group (`qualification`, `innovation`, `information`).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Qualification => "qualification",
            Self::Innovation => "innovation",
            Self::Information => "information",
        }
    }

    /// The group with the given code, or `None` when no group has it.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "qualification" => Some(Self::Qualification),
            "innovation" => Some(Self::Innovation),
            "information" => Some(Self::Information),
            _ => None,
        }
    }

    /// The regulation clause that lists the group's forms (`R-4.1`, `R-4.2`, `R-4.3`).
    #[must_use]
    pub const fn clause(self) -> &'static str {
        match self {
            Self::Qualification => "R-4.1",
            Self::Innovation => "R-4.2",
            Self::Information => "R-4.3",
        }
    }

    /// The group's name; the Kyrgyz one is the regulation's heading, shortened.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::Qualification => Text {
                ky: "Квалификациялык жана педагогикалык чеберчиликти жогорулатуу",
                ru: "Повышение квалификации и педагогического мастерства",
                en: "Raising qualification and pedagogical mastery",
            },
            Self::Innovation => Text {
                ky: "Инновациялык тажрыйбаны алуу, жалпылоо, көрсөтүү жана жайылтуу",
                ru: "Получение, обобщение, демонстрация и распространение инновационного опыта",
                en: "Obtaining, generalising, showing and spreading innovative experience",
            },
            Self::Information => Text {
                ky: "Маалыматтык-усулдук иштер",
                ru: "Информационно-методическое обеспечение",
                en: "Information-methodological support",
            },
        }
    }
}

/// One form of methodological work from the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    /// Stable English `snake_case` code, stored and sent over the wire.
    pub code: &'static str,
    /// The groups the form stands in (at least one, in the regulation's order).
    pub groups: &'static [FormGroup],
    /// The form's name in the three languages.
    pub label: Text,
}

impl Form {
    /// The form's name in `lang`.
    #[must_use]
    pub const fn label(&self, lang: Lang) -> &'static str {
        self.label.get(lang)
    }
}

mod forms;

pub use forms::FORMS;

/// The form with the given code, or `None` when the catalogue has no such form.
#[must_use]
pub fn find(code: &str) -> Option<&'static Form> {
    FORMS.iter().find(|form| form.code == code)
}

/// The forms standing in `group`, in the regulation's order.
pub fn in_group(group: FormGroup) -> impl Iterator<Item = &'static Form> {
    FORMS.iter().filter(move |form| form.groups.contains(&group))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const LANGS: [Lang; 3] = [Lang::Ky, Lang::Ru, Lang::En];

    fn codes_of(group: FormGroup) -> Vec<&'static str> {
        in_group(group).map(|form| form.code).collect()
    }

    #[test]
    fn form_codes_are_unique_so_each_form_of_r_4_is_listed_once() {
        let mut seen = HashSet::new();
        for form in FORMS {
            assert!(seen.insert(form.code), "duplicate code {}", form.code);
        }
    }

    #[test]
    fn form_codes_are_snake_case_ascii() {
        for form in FORMS {
            let code = form.code;
            assert!(!code.is_empty());
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code} is not snake_case ascii"
            );
            assert!(!code.starts_with('_') && !code.ends_with('_'), "{code}");
            assert!(!code.contains("__"), "{code}");
        }
    }

    #[test]
    fn every_form_has_labels_in_all_three_languages_and_at_least_one_group() {
        for form in FORMS {
            for lang in LANGS {
                assert!(!form.label(lang).trim().is_empty(), "{} has no {lang:?} label", form.code);
            }
            assert!(!form.groups.is_empty(), "{} has no group", form.code);
        }
    }

    #[test]
    fn labels_are_tidied_capitalised_and_without_trailing_punctuation() {
        for form in FORMS {
            for lang in LANGS {
                let label = form.label(lang);
                assert_eq!(label, label.trim(), "{} {lang:?}", form.code);
                assert!(!label.contains("  "), "{} {lang:?}: double space", form.code);
                assert!(
                    label.chars().next().is_some_and(char::is_uppercase),
                    "{} {lang:?}: not capitalised",
                    form.code
                );
                assert!(!label.ends_with(['.', ',', ';', ':']), "{} {lang:?}: trailing punctuation", form.code);
            }
        }
    }

    #[test]
    fn no_two_forms_share_a_label_in_any_language() {
        for lang in LANGS {
            let mut seen = HashSet::new();
            for form in FORMS {
                assert!(seen.insert(form.label(lang)), "{} {lang:?}", form.code);
            }
        }
    }

    #[test]
    fn a_form_lists_each_of_its_groups_once() {
        for form in FORMS {
            let groups: HashSet<_> = form.groups.iter().collect();
            assert_eq!(groups.len(), form.groups.len(), "{}", form.code);
        }
    }

    #[test]
    fn every_group_of_r_4_1_r_4_2_and_r_4_3_has_forms() {
        for group in FormGroup::ALL {
            assert!(in_group(group).next().is_some(), "{} is empty", group.clause());
        }
    }

    #[test]
    fn master_class_stands_in_both_qualification_and_innovation_groups_r_4_1_r_4_2() {
        let master_class = find("master_class");
        assert!(master_class.is_some_and(|f| f.groups.contains(&FormGroup::Qualification)));
        assert!(master_class.is_some_and(|f| f.groups.contains(&FormGroup::Innovation)));
        assert!(codes_of(FormGroup::Qualification).contains(&"master_class"));
        assert!(codes_of(FormGroup::Innovation).contains(&"master_class"));
    }

    #[test]
    fn forms_named_in_both_r_4_1_and_r_4_2_are_one_entry_in_both_groups() {
        for code in [
            "master_class",
            "innovative_work",
            "creative_report",
            "scientific_conference",
            "author_development",
            "festival",
            "methodological_publication",
        ] {
            let form = find(code);
            assert!(form.is_some(), "{code} missing");
            assert!(
                form.is_some_and(|f| f.groups == [FormGroup::Qualification, FormGroup::Innovation]),
                "{code} is not in R-4.1 and R-4.2"
            );
        }
    }

    #[test]
    fn open_lesson_is_an_innovation_form_r_4_2() {
        assert!(codes_of(FormGroup::Innovation).contains(&"open_lesson"));
    }

    #[test]
    fn course_training_and_mentoring_raise_qualification_r_4_1() {
        let qualification = codes_of(FormGroup::Qualification);
        assert!(qualification.contains(&"course_training"));
        assert!(qualification.contains(&"mentoring"));
    }

    #[test]
    fn library_fund_programme_bank_and_card_index_are_information_support_r_4_3() {
        let information = codes_of(FormGroup::Information);
        for code in ["library_fund", "programme_bank", "card_index"] {
            assert!(information.contains(&code), "{code} not in R-4.3");
        }
    }

    #[test]
    fn the_catalogue_has_between_35_and_50_forms() {
        assert!((35..=50).contains(&FORMS.len()), "{} forms", FORMS.len());
    }

    #[test]
    fn forms_keep_the_regulation_order_r_4_1_then_r_4_2_then_r_4_3() {
        let rank = |form: &Form| form.groups.first().map(|g| g.clause());
        let ranks: Vec<_> = FORMS.iter().map(rank).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(ranks, sorted);
    }

    #[test]
    fn find_returns_the_form_for_a_known_code() {
        assert_eq!(find("open_lesson").map(|f| f.code), Some("open_lesson"));
    }

    #[test]
    fn find_returns_none_for_an_unknown_code() {
        assert!(find("no_such_form").is_none());
        assert!(find("").is_none());
        assert!(find("Master_Class").is_none());
    }

    #[test]
    fn form_group_parse_round_trips_code() {
        for group in FormGroup::ALL {
            assert_eq!(FormGroup::parse(group.code()), Some(group));
        }
        assert_eq!(FormGroup::parse("Qualification"), None);
        assert_eq!(FormGroup::parse(""), None);
    }

    #[test]
    fn form_groups_cite_clauses_r_4_1_r_4_2_r_4_3_and_have_labels() {
        let clauses: Vec<_> = FormGroup::ALL.iter().map(|g| g.clause()).collect();
        assert_eq!(clauses, ["R-4.1", "R-4.2", "R-4.3"]);
        for group in FormGroup::ALL {
            for lang in LANGS {
                assert!(!group.label().get(lang).is_empty());
            }
        }
    }
}
