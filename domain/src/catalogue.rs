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

const Q: &[FormGroup] = &[FormGroup::Qualification];
const QI: &[FormGroup] = &[FormGroup::Qualification, FormGroup::Innovation];
const I: &[FormGroup] = &[FormGroup::Innovation];
const INFO: &[FormGroup] = &[FormGroup::Information];

/// Every form of methodological work listed in, each once, in the
/// regulation's order.
pub static FORMS: &[Form] = &[
    // ---- raising qualification and mastery ----
    Form {
        code: "course_training",
        groups: Q,
        label: Text {
            ky: "Курстук даярдоо (анын ичинде аралыктык)",
            ru: "Курсовая подготовка (в том числе дистанционная)",
            en: "Course training (including distance learning)",
        },
    },
    Form {
        code: "author_lectures_seminars",
        groups: Q,
        label: Text {
            ky: "Автордук лекция жана семинарлар",
            ru: "Авторские лекции и семинары",
            en: "Author lectures and seminars",
        },
    },
    Form {
        code: "teaching_seminar",
        groups: Q,
        label: Text {
            ky: "Окутуучу семинарлар", ru: "Обучающий семинар", en: "Teaching seminar"
        },
    },
    Form {
        code: "theoretical_practical_seminar",
        groups: Q,
        label: Text {
            ky: "Теориялык жана практикалык-багытталган семинарлар (анын ичинде усулдук \
                 кызматтын түзүмдүк бөлүктөрүнүн иш-аракеттеринин чегинде)",
            ru: "Теоретический или практико-ориентированный семинар (в том числе в рамках \
                 структурных подразделений методической службы)",
            en: "Theoretical or practice-oriented seminar (including within units of the \
                 methodological service)",
        },
    },
    Form {
        code: "school_methodological_training",
        groups: Q,
        label: Text {
            ky: "Педагогдордун мектептин усулдук даярдыгы",
            ru: "Внутришкольная методическая подготовка педагогов",
            en: "In-school methodological training of teachers",
        },
    },
    Form {
        code: "online_professional_community",
        groups: Q,
        label: Text {
            ky: "Интернет коомчулугунун тармактык ишине катышуу",
            ru: "Участие в работе сетевых интернет-сообществ",
            en: "Taking part in online professional communities",
        },
    },
    // R-4.1 "scientific-methodological" and R-4.2 "scientific-practical" conferences.
    Form {
        code: "scientific_conference",
        groups: QI,
        label: Text {
            ky: "Илимий-усулдук жана илимий-практикалык конференциялар",
            ru: "Научно-методическая или научно-практическая конференция",
            en: "Scientific-methodological or scientific-practical conference",
        },
    },
    Form {
        code: "round_table",
        groups: Q,
        label: Text { ky: "Тегерек столдор", ru: "Круглый стол", en: "Round table" },
    },
    Form {
        code: "master_class",
        groups: QI,
        label: Text { ky: "Мастер-класстар", ru: "Мастер-класс", en: "Master class" },
    },
    Form {
        code: "permanent_seminar",
        groups: Q,
        label: Text {
            ky: "Ар дайым өткөрүлүүчү семинарлар",
            ru: "Постоянно действующий семинар",
            en: "Permanent seminar",
        },
    },
    Form {
        code: "methodological_game",
        groups: Q,
        label: Text { ky: "Оюндар", ru: "Методическая игра", en: "Methodological game" },
    },
    Form {
        code: "unified_methodological_day",
        groups: Q,
        label: Text {
            ky: "Окуу дисциплиналары (предметтери) боюнча бирдиктүү усулдук күндөр",
            ru: "Единый методический день по учебным дисциплинам (предметам)",
            en: "Unified methodological day by subject",
        },
    },
    // R-4.1 "methodological publications" and R-4.2 "the school's publishing, incl. electronic".
    Form {
        code: "methodological_publication",
        groups: QI,
        label: Text {
            ky: "Усулдук басылмалар (буклеттер, газета, журналдар), анын ичинде мектептин \
                 электрондук басылмалары",
            ru: "Методические издания школы (буклеты, газета, журналы, в том числе электронные)",
            en: "School methodological publications (booklets, newspaper, journals, including \
                 electronic)",
        },
    },
    // lists this twice ("мугалимдин жекече усулдук темасынын үстүндө өздүк иш аракети"
    // and "өздүк усулдук теманын үстүндө иштөө"); names it too.
    Form {
        code: "individual_methodological_theme",
        groups: Q,
        label: Text {
            ky: "Жекече усулдук теманын үстүндө иштөө",
            ru: "Работа над индивидуальной методической темой",
            en: "Work on one's individual methodological theme",
        },
    },
    Form {
        code: "mentoring", groups: Q, label: Text { ky: "Насаатчылык", ru: "Наставничество", en: "Mentoring" }
    },
    Form {
        code: "consultation",
        groups: Q,
        label: Text {
            ky: "Илимий-усулдук суроолор боюнча консультациялар",
            ru: "Консультация по научно-методическим вопросам",
            en: "Consultation on scientific-methodological questions",
        },
    },
    Form {
        code: "individual_methodological_help",
        groups: Q,
        label: Text {
            ky: "Жекече усулдук жардам",
            ru: "Индивидуальная методическая помощь",
            en: "Individual methodological help",
        },
    },
    Form {
        code: "experience_exchange",
        groups: Q,
        label: Text { ky: "Тажрыйба алмашуу", ru: "Обмен опытом", en: "Experience exchange" },
    },
    // R-4.1 "author developments (programmes)" and R-4.2 "author programmes and teaching
    // complexes for the local and regional components".
    Form {
        code: "author_development",
        groups: QI,
        label: Text {
            ky: "Автордук иштелмелерди, программаларды жана окуу-усулдук комплекстерди даярдоо \
                 (анын ичинде аймактык жана регионалдык компоненттер үчүн)",
            ru: "Подготовка авторских разработок: программ и учебно-методических комплексов \
                 (в том числе для регионального компонента)",
            en: "Author developments: programmes and teaching-methodological complexes \
                 (including for local and regional components)",
        },
    },
    Form {
        code: "innovative_work",
        groups: QI,
        label: Text {
            ky: "Инновациялык (жаңычыл) иштер", ru: "Инновационная деятельность", en: "Innovative work"
        },
    },
    Form {
        code: "expert_review",
        groups: Q,
        label: Text {
            ky: "Педагогикалык ишмердүүлүктүн жыйынтыктарынын экспертизасы",
            ru: "Экспертиза результатов педагогической деятельности",
            en: "Expert review of the results of pedagogical work",
        },
    },
    Form {
        code: "diagnostics_of_difficulties",
        groups: Q,
        label: Text {
            ky: "Кыйынчылыктардын диагностикасы",
            ru: "Диагностика профессиональных затруднений",
            en: "Diagnostics of professional difficulties",
        },
    },
    Form {
        code: "creative_report",
        groups: QI,
        label: Text {
            ky: "Чыгармачыл отчеттор", ru: "Творческий отчёт", en: "Creative report"
        },
    },
    // Also a collective form.
    Form {
        code: "seminar_practicum",
        groups: Q,
        label: Text {
            ky: "Семинар-практикумдар", ru: "Семинар-практикум", en: "Seminar-practicum (workshop)"
        },
    },
    // R-4.1 "festival of creative ideas" and R-4.2 "festivals (e.g. of pedagogical technologies)".
    Form {
        code: "festival",
        groups: QI,
        label: Text {
            ky: "Фестивалдар (чыгармачыл ойлордун, педагогикалык технологиялардын ж.б.)",
            ru: "Фестиваль (творческих идей, педагогических технологий и др.)",
            en: "Festival (of creative ideas, pedagogical technologies, etc.)",
        },
    },
    // ---- forms not already listed in R-4.1 ----
    Form {
        code: "curriculum_recommendations",
        groups: I,
        label: Text {
            ky: "Окуу программаларынын мазмунун ишке ашыруу боюнча усулдук сунуштарды иштеп чыгуу",
            ru: "Разработка методических рекомендаций по реализации содержания учебных программ",
            en: "Methodological recommendations for implementing curricula",
        },
    },
    Form {
        code: "creative_group",
        groups: I,
        label: Text {
            ky: "Чыгармачыл топтордогу иштер",
            ru: "Работа в творческих группах",
            en: "Work in creative groups",
        },
    },
    Form {
        code: "practical_seminar",
        groups: I,
        label: Text {
            ky: "Билим берүү мекемесинин иш-аракеттеринин багыттары боюнча практикалык семинарлар",
            ru: "Практический семинар по направлениям деятельности школы",
            en: "Practical seminar on the school's lines of work",
        },
    },
    Form {
        code: "open_lesson",
        groups: I,
        label: Text { ky: "Ачык сабактар", ru: "Открытый урок", en: "Open lesson" },
    },
    // Contests are also a collective form.
    Form {
        code: "contest",
        groups: I,
        label: Text {
            ky: "Усулдук материалдар жана педагогикалык чыгармачылык боюнча конкурстар",
            ru: "Конкурс методических материалов и педагогического творчества",
            en: "Contest of methodological materials and pedagogical creativity",
        },
    },
    Form {
        code: "author_development_presentation",
        groups: I,
        label: Text {
            ky: "Автордук иштелмелердин презентациясы (автордук, адаптацияланган программалар, \
                 элективдүү курстар)",
            ru: "Презентация авторских разработок (авторских и адаптированных программ, \
                 элективных курсов)",
            en: "Presentation of author developments (author and adapted programmes, elective \
                 courses)",
        },
    },
    Form {
        code: "author_publication",
        groups: I,
        label: Text {
            ky: "Автордук иштелмелерди, докладдардын тезистерин, статьяларды, сабактын \
                 конспектилерин, иш-чаралардын сценарийлерин публикациялоо",
            ru: "Публикация авторских разработок, тезисов докладов, статей, конспектов уроков, \
                 сценариев мероприятий",
            en: "Publishing author developments, conference theses, articles, lesson notes and \
                 event scenarios",
        },
    },
    // ---- information-methodological support ----
    Form {
        code: "information_needs_study",
        groups: INFO,
        label: Text {
            ky: "Педагогикалык кадрлардын маалыматтык суроо-талаптарын окуп үйрөнүү",
            ru: "Изучение информационных запросов педагогических кадров",
            en: "Studying the information needs of teaching staff",
        },
    },
    Form {
        code: "library_fund",
        groups: INFO,
        label: Text {
            ky: "Программалык-усулдук материалдардын, илимий-усулдук адабияттардын китепканалык \
                 фондун калыптандыруу",
            ru: "Формирование библиотечного фонда программно-методических материалов и \
                 научно-методической литературы",
            en: "Building the library fund of programme and methodological materials and \
                 literature",
        },
    },
    Form {
        code: "periodicals",
        groups: INFO,
        label: Text {
            ky: "Мезгилдик илимий-усулдук жана атайын басылмалар менен камсыз кылуу",
            ru: "Обеспечение периодическими научно-методическими и специальными изданиями",
            en: "Supplying periodical scientific-methodological and specialist publications",
        },
    },
    Form {
        code: "programme_bank",
        groups: INFO,
        label: Text {
            ky: "Программалардын, автордук программалардын банкын (казынасын) түзүү",
            ru: "Создание банка программ и авторских программ",
            en: "Building a bank of programmes and author programmes",
        },
    },
    Form {
        code: "card_index",
        groups: INFO,
        label: Text {
            ky: "Картотекаларды түзүү (мисалы, элективдүү курстардын программалары, электрондук \
                 ресурстар)",
            ru: "Создание картотек (например, программ элективных курсов, электронных ресурсов)",
            en: "Compiling card indexes (e.g. of elective-course programmes, electronic \
                 resources)",
        },
    },
    Form {
        code: "memos_and_recommendations",
        groups: INFO,
        label: Text {
            ky: "Педагогикалык жана башкаруучулук иш-аракеттер, илимий-методикалык жана \
                 инновациялык иштерди уюштуруу боюнча эскерткичтерди жана сунуштамаларды \
                 иштеп чыгуу",
            ru: "Разработка памяток и рекомендаций по педагогической и управленческой \
                 деятельности, организации научно-методической и инновационной работы",
            en: "Memos and recommendations on pedagogical and managerial work and on organising \
                 scientific-methodological and innovative work",
        },
    },
    Form {
        code: "website_publication",
        groups: INFO,
        label: Text {
            ky: "Усулдук кызматтын иш-аракеттери боюнча маалыматтарды мектеп сайтына жайгаштыруу",
            ru: "Размещение информации о деятельности методической службы на сайте школы",
            en: "Publishing the methodological service's activity on the school website",
        },
    },
    Form {
        code: "media_publication",
        groups: INFO,
        label: Text {
            ky: "Мугалимдердин иштерин массалык маалымат каражаттарына жарыялоо",
            ru: "Публикация работ учителей в средствах массовой информации",
            en: "Publishing teachers' work in the mass media",
        },
    },
];

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
