//! The wording of the school orders (*буйрук*) the commission commands issue when the director
//! leaves the title or the decision out: Russian when asked for, Kyrgyz otherwise — the
//! school's papers are in Kyrgyz, so an English request gets the Kyrgyz wording.

use super::Commission;
use crate::lang::Lang;
use crate::staff::Staff;

/// The default title and decision of the order approving `c` (R-3.2.2d): it names the members
/// (in the commission's order, as `people` knows them) and the head.
#[must_use]
pub fn approval(c: &Commission, people: &[Staff], language: Lang) -> (String, String) {
    let names: Vec<String> =
        c.members.iter().filter_map(|m| people.iter().find(|p| p.id == *m)).map(Staff::short_name).collect();
    let head = c.head.and_then(|h| people.iter().find(|p| p.id == h)).map(Staff::short_name).unwrap_or_default();
    match language {
        Lang::Ru => (
            "Об утверждении состава методической комиссии".to_owned(),
            format!(
                "Утвердить состав комиссии «{}» на {} учебный год: {}. Руководитель — {}.",
                c.name,
                c.year,
                names.join(", "),
                head
            ),
        ),
        Lang::Ky | Lang::En => (
            "Циклдик усулдук комиссиянын курамын бекитүү жөнүндө".to_owned(),
            format!(
                "«{}» комиссиясынын {} окуу жылына курамы бекитилсин: {}. Жетекчиси — {}.",
                c.name,
                c.year,
                names.join(", "),
                head
            ),
        ),
    }
}

/// The default title of an order changing an approved commission's members.
#[must_use]
pub const fn membership_title(language: Lang) -> &'static str {
    match language {
        Lang::Ru => "О внесении изменений в состав методической комиссии",
        Lang::Ky | Lang::En => "Усулдук комиссиянын курамына өзгөртүү киргизүү жөнүндө",
    }
}

/// The default decision of an order adding `count` members.
#[must_use]
pub fn members_added(c: &Commission, count: usize) -> String {
    format!("«{}»: {count} new member(s).", c.name)
}

/// The default decision of an order removing a member.
#[must_use]
pub fn member_leaves(c: &Commission) -> String {
    format!("«{}»: a member leaves the commission.", c.name)
}

/// The default title and decision of the order dissolving `c`.
#[must_use]
pub fn dissolution(c: &Commission, language: Lang) -> (String, String) {
    let title = match language {
        Lang::Ru => "О расформировании методической комиссии",
        Lang::Ky | Lang::En => "Усулдук комиссияны таркатуу жөнүндө",
    };
    (title.to_owned(), format!("«{}» ({}).", c.name, c.year))
}
