//! The demo school: "КТО №95 мектеп-гимназиясы" in a demo district, with its director, deputy,
//! seventeen teachers across eight subjects and the 2022-2023 year's methodological theme.
//! Loaded only by `usul demo` or `usul serve --demo`, and only into an empty database.

mod bodies;
mod people;
mod plans;
mod records;

use crate::auth::hash_password_blocking;
use crate::problem::ApiError;
use usul_domain::org::Theme;
use usul_domain::staff::{Affiliation, Experience, QualificationCategory as Q, Role, SchoolSettings};
use usul_domain::values::{Email, Name};
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, NewDistrict, NewSchool, NewStaff, PageRequest, Store};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "usul-demo-2022";
/// The demo district's service account.
pub const DEMO_CLIENT_ID: &str = "demo-district";
/// Its secret.
pub const DEMO_CLIENT_SECRET: &str = "demo-district-secret-2022";

/// The demo logins, for the console and the README.
#[must_use]
pub fn logins() -> String {
    format!(
        "Demo logins (password for every person: {DEMO_PASSWORD}):\n  \
         admin@demo.usul.kg       administrator\n  \
         ministry@demo.usul.kg    ministry methodologist (reads every district)\n  \
         methodist@demo.usul.kg   district methodologist\n  \
         director@demo.usul.kg    director, Сардарбекова А.К.\n  \
         deputy@demo.usul.kg      deputy director for methodological work\n  \
         a.usenova@demo.usul.kg   teacher of mathematics, head of its commission (and 16 more teachers)\n  \
         service account: client_id {DEMO_CLIENT_ID}, client_secret {DEMO_CLIENT_SECRET}"
    )
}

fn name(s: &str) -> Result<Name, ApiError> {
    Name::parse(s).map_err(|e| ApiError::bug(format!("demo name {s}: {e}")))
}

fn email(s: &str) -> Result<Email, ApiError> {
    Email::parse(s).map_err(|e| ApiError::bug(format!("demo email {s}: {e}")))
}

/// Loads the demo into an empty database. Returns `false` (and changes nothing) when the
/// database already has districts.
///
/// # Errors
/// [`ApiError`] when a write fails.
pub async fn load(store: &Store) -> Result<bool, ApiError> {
    if !store.list_districts(None, None, PageRequest { after: None, limit: 1 }).await?.items.is_empty() {
        return Ok(false);
    }
    let audit = Audit::system("demo data");
    // One hash for the one shared demo password: hashing is deliberately slow.
    let hash = hash_password_blocking(DEMO_PASSWORD)?;
    let district = store
        .create_district(
            NewDistrict {
                name: name("Демо району боюнча билим берүү бөлүмү")?, region: Some(name("Бишкек")?)
            },
            &audit,
        )
        .await?;
    let school = store
        .create_school(
            NewSchool {
                district: district.id,
                name: name("КТО №95 мектеп-гимназиясы")?,
                address: Some(name("Бишкек ш.")?),
                settings: SchoolSettings::default(),
            },
            &audit,
        )
        .await?;
    let mut subjects = Vec::new();
    for s in people::SUBJECTS {
        subjects.push(store.create_subject(&school, name(s)?, &audit).await?.id);
    }
    let year = AcademicYear::parse("2022-2023").map_err(|e| ApiError::bug(e.to_string()))?;
    let theme = Theme::parse("Окутуу-тарбия процессинде заманбап педагогикалык технологияларды колдонуу аркылуу билим берүүнүн сапатын жогорулатуу")
        .map_err(|e| ApiError::bug(e.to_string()))?;
    let goal = Theme::parse("Мугалимдердин кесиптик чеберчилигин жана чыгармачыл дараметин өнүктүрүү, алдыңкы педагогикалык тажрыйбаны жайылтуу")
        .map_err(|e| ApiError::bug(e.to_string()))?;
    store.put_school_year(&school, year, theme, Some(goal), None, &audit).await?;

    let admin = (Affiliation::Service, "admin@demo.usul.kg", "Администратор", "Usul", Role::Admin);
    let methodist = (
        Affiliation::District(district.id),
        "methodist@demo.usul.kg",
        "Абдраимова",
        "Жаркын",
        Role::DistrictMethodologist,
    );
    // The ministry's methodological centre: reads every district, writes nothing.
    let ministry = (Affiliation::Service, "ministry@demo.usul.kg", "Токтогулова", "Айжан", Role::MinistryMethodologist);
    let mut district_people = Vec::new();
    for (affiliation, mail, last, first, role) in [admin, ministry, methodist] {
        let new = NewStaff {
            affiliation,
            email: email(mail)?,
            password_hash: hash.clone(),
            last_name: name(last)?,
            first_name: name(first)?,
            patronymic: None,
            position: None,
            role,
            subjects: Vec::new(),
            category: Q::None,
            experience: Experience::parse(0).map_err(|_| ApiError::bug("experience"))?,
        };
        let created = store.create_staff(new, &audit).await?;
        if role == Role::DistrictMethodologist {
            district_people.push(created.id);
        }
    }
    let at_school = Affiliation::School { school: school.id, district: district.id };
    let mut people = Vec::new();
    for (mail, last, first, patronymic, position, role, taught, category, years) in people::PEOPLE {
        let new = NewStaff {
            affiliation: at_school,
            email: email(mail)?,
            password_hash: hash.clone(),
            last_name: name(last)?,
            first_name: name(first)?,
            patronymic: Some(name(patronymic)?),
            position: Some(name(position)?),
            role,
            subjects: taught.iter().filter_map(|i| subjects.get(*i).copied()).collect(),
            category,
            experience: Experience::parse(i64::from(years)).map_err(|_| ApiError::bug("experience"))?,
        };
        people.push(store.create_staff(new, &audit).await?);
    }
    let commission_ids = bodies::commissions(store, &school, year, &subjects, &people, &audit).await?;
    let minutes = bodies::meetings(store, &school, &people, &commission_ids, &audit).await?;
    plans::plans(store, &school, year, &people, &commission_ids, &minutes, &audit).await?;
    records::records(store, &school, year, &people, &subjects, &commission_ids, &minutes, &audit).await?;
    // The district's own support: a seminar for the school's teachers and a visit,
    // recorded by its methodologist before the year-end report counts them.
    for (date, form, topic, teachers) in [
        ((2022, 10, 20), "practical_seminar", "Функционалдык сабаттуулукту калыптандыруу: райондук семинар", 6),
        ((2023, 2, 15), "school_visit", "Жаш мугалимдердин сабактарына катышуу жана кеңеш берүү", 3),
    ] {
        let on = chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).ok_or_else(|| ApiError::bug("date"))?;
        let input = usul_domain::support::SupportInput {
            on,
            form: form.to_owned(),
            topic: topic.to_owned(),
            schools: vec![school.id],
            participants: vec![usul_domain::support::SchoolParticipants { school: school.id, teachers }],
        };
        let e = usul_domain::support::record_support(
            district.id,
            &[school.id],
            input,
            (usul_domain::ids::SupportEventId::new(), district_people.first().copied(), usul_persistence::now()),
        )
        .map_err(|e| ApiError::bug(format!("demo support event refused: {e:?}")))?;
        store.create_support_event(&e, &audit).await?;
    }
    records::year_end(store, &school, year, &people, &subjects, &commission_ids, &audit).await?;
    // A second school of the district, so that the district's summary compares something.
    crate::cli::generate::school(
        store,
        Some(district.id),
        "12-demo",
        crate::cli::generate::Size { staff: 24, activities: 80, items: 60 },
        12,
    )
    .await?;
    let secret_hash = hash_password_blocking(DEMO_CLIENT_SECRET)?;
    store
        .create_service_account(
            Some(district.id),
            name("Демо район: отчет системасы")?,
            DEMO_CLIENT_ID.to_owned(),
            secret_hash,
            &audit,
        )
        .await?;
    Ok(true)
}
