//! The district's own methodological support (R-3.1): "methodological centres … of district
//! education departments also organise work with teachers". The district methodologist records
//! the district's events (seminars, master classes, conferences) and visits to schools — date,
//! the schools it served, form, topic, and how many teachers came from which school. The
//! district summary and each school's report show the support the school received.

use crate::ids::{DistrictId, SchoolId, StaffId, SupportEventId};
use crate::records::input::{Problem, ProblemKind, Problems};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

/// Forms of the district's support: the catalogue's and a visit to a school.
pub const SUPPORT_FORMS: [&str; 2] = ["school_visit", "methodological_visit"];

/// Whether `code` is a form of district support.
#[must_use]
pub fn known_support_form(code: &str) -> bool {
    crate::catalogue::find(code).is_some() || SUPPORT_FORMS.contains(&code)
}

/// Teachers of one school who took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolParticipants {
    pub school: SchoolId,
    pub teachers: u32,
}

/// A district event or visit to record, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportInput {
    pub on: NaiveDate,
    pub form: String,
    pub topic: String,
    /// The schools the event served or the visit went to.
    pub schools: Vec<SchoolId>,
    pub participants: Vec<SchoolParticipants>,
}

/// The district's methodological event or visit to schools.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportEvent {
    pub id: SupportEventId,
    pub district: DistrictId,
    pub on: NaiveDate,
    pub year: AcademicYear,
    pub form: String,
    pub topic: String,
    pub schools: Vec<SchoolId>,
    pub participants: Vec<SchoolParticipants>,
    pub recorded_by: Option<StaffId>,
    pub created_at: DateTime<Utc>,
}

/// Checks and builds a district's support event: a known form, a topic, a date not in
/// the future, at least one school, every school the district's own and named once, each
/// participant count 1–1000.
///
/// # Errors
/// Every problem of the input, on its field (`schools[1]`, `participants[0].teachers`).
pub fn record_support(
    district: DistrictId,
    district_schools: &[SchoolId],
    input: SupportInput,
    (id, by, now): (SupportEventId, Option<StaffId>, DateTime<Utc>),
) -> Result<SupportEvent, Vec<Problem>> {
    let mut p = Problems::default();
    if !known_support_form(&input.form) {
        p.push("form", ProblemKind::InvalidValue);
    }
    let topic = p.text("topic", &input.topic, 500);
    let year = AcademicYear::containing(input.on);
    if input.on > now.date_naive() || year.is_none() {
        p.push("date", ProblemKind::OutOfRange);
    }
    if input.schools.is_empty() {
        p.push("school_ids", ProblemKind::Required);
    }
    let mut seen = Vec::new();
    for (i, s) in input.schools.iter().enumerate() {
        if !district_schools.contains(s) {
            p.push(format!("school_ids[{i}]"), ProblemKind::UnknownReference);
        } else if seen.contains(s) {
            p.push(format!("school_ids[{i}]"), ProblemKind::Duplicate);
        }
        seen.push(*s);
    }
    let mut from = Vec::new();
    for (i, part) in input.participants.iter().enumerate() {
        if !district_schools.contains(&part.school) {
            p.push(format!("participants[{i}].school_id"), ProblemKind::UnknownReference);
        } else if from.contains(&part.school) {
            p.push(format!("participants[{i}].school_id"), ProblemKind::Duplicate);
        }
        if !(1..=1000).contains(&part.teachers) {
            p.push(format!("participants[{i}].teachers"), ProblemKind::OutOfRange);
        }
        from.push(part.school);
    }
    p.finish()?;
    let (Some(topic), Some(year)) = (topic, year) else { return Err(Vec::new()) };
    Ok(SupportEvent {
        id,
        district,
        on: input.on,
        year,
        form: input.form,
        topic,
        schools: input.schools,
        participants: input.participants,
        recorded_by: by,
        created_at: now,
    })
}

/// One event as a school received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub event: SupportEventId,
    pub on: NaiveDate,
    pub form: String,
    pub topic: String,
    /// Whether the event served the school itself (a visit to it, a seminar for it).
    pub served: bool,
    /// The school's teachers who took part.
    pub teachers: u32,
}

/// The support `school` received in the year's `events`: every event that served it or
/// that its teachers attended, by date.
#[must_use]
pub fn received_by(school: SchoolId, events: &[SupportEvent]) -> Vec<Received> {
    let mut out: Vec<Received> = events
        .iter()
        .filter_map(|e| {
            let served = e.schools.contains(&school);
            let teachers = e.participants.iter().filter(|p| p.school == school).map(|p| p.teachers).sum();
            (served || teachers > 0).then(|| Received {
                event: e.id,
                on: e.on,
                form: e.form.clone(),
                topic: e.topic.clone(),
                served,
                teachers,
            })
        })
        .collect();
    out.sort_by(|a, b| a.on.cmp(&b.on).then(a.event.cmp(&b.event)));
    out
}

/// Per school: how many of the year's events it received, for the district summary.
#[must_use]
pub fn received_counts(events: &[SupportEvent]) -> BTreeMap<SchoolId, u32> {
    let mut out = BTreeMap::new();
    for e in events {
        let mut schools: Vec<SchoolId> = e.schools.clone();
        schools.extend(e.participants.iter().filter(|p| p.teachers > 0).map(|p| p.school));
        schools.sort_unstable();
        schools.dedup();
        for s in schools {
            *out.entry(s).or_insert(0) += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn now() -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2023, 6, 1).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
    }

    #[test]
    fn a_district_event_serves_its_schools_and_counts_teachers_from_each_r_3_1() {
        let (d, a, b, c) = (DistrictId::new(), SchoolId::new(), SchoolId::new(), SchoolId::new());
        let seminar = record_support(
            d,
            &[a, b, c],
            SupportInput {
                on: NaiveDate::from_ymd_opt(2023, 2, 10).unwrap(),
                form: "practical_seminar".into(),
                topic: "Функционалдык сабаттуулук".into(),
                schools: vec![a],
                participants: vec![
                    SchoolParticipants { school: a, teachers: 6 },
                    SchoolParticipants { school: b, teachers: 2 },
                ],
            },
            (SupportEventId::new(), None, now()),
        )
        .unwrap();
        assert_eq!(seminar.year.to_string(), "2022-2023");
        let visit = record_support(
            d,
            &[a, b, c],
            SupportInput {
                on: NaiveDate::from_ymd_opt(2022, 11, 3).unwrap(),
                form: "school_visit".into(),
                topic: "Жаш мугалимдердин сабактары".into(),
                schools: vec![b],
                participants: Vec::new(),
            },
            (SupportEventId::new(), None, now()),
        )
        .unwrap();
        let events = [seminar, visit];
        let to_b = received_by(b, &events);
        assert_eq!(to_b.len(), 2);
        assert_eq!((to_b[0].form.as_str(), to_b[0].served, to_b[0].teachers), ("school_visit", true, 0));
        assert_eq!((to_b[1].served, to_b[1].teachers), (false, 2));
        assert!(received_by(c, &events).is_empty());
        let counts = received_counts(&events);
        assert_eq!((counts.get(&a), counts.get(&b), counts.get(&c)), (Some(&1), Some(&2), None));
    }

    #[test]
    fn a_district_event_names_only_its_own_schools_a_known_form_and_a_past_date_r_3_1() {
        let (d, a, elsewhere) = (DistrictId::new(), SchoolId::new(), SchoolId::new());
        let problems = record_support(
            d,
            &[a],
            SupportInput {
                on: NaiveDate::from_ymd_opt(2023, 9, 1).unwrap(),
                form: "picnic".into(),
                topic: " ".into(),
                schools: vec![a, elsewhere, a],
                participants: vec![SchoolParticipants { school: elsewhere, teachers: 0 }],
            },
            (SupportEventId::new(), None, now()),
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "form",
                "topic",
                "date",
                "school_ids[1]",
                "school_ids[2]",
                "participants[0].school_id",
                "participants[0].teachers"
            ]
        );
    }
}
