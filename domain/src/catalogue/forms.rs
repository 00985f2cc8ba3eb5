//! The forms of methodological work the regulation names, with their
//! groups and labels in ky, ru and en: data, kept apart from the code that reads it.

use super::{Form, FormGroup};
use crate::lang::Text;

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
