//! Filing year-end reports without a request, for the demo and the data generator.
//! They go through the same domain commands and store calls as the API — `report::start`,
//! `Report::submit`, `Report::accept` — so they can only make reports the API would allow.

use crate::problem::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use usul_domain::commission::Commission;
use usul_domain::decision::Dated;
use usul_domain::org::School;
use usul_domain::report::{self, ActorFacts, Comment, Narrative, Person, Report, ReportKind, Section, StartReport};
use usul_domain::staff::Staff;
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, Store};

/// What the report rules know about `staff` acting on a report of `school` (on `commission`).
#[must_use]
pub fn facts_of(staff: &Staff, school: &School, commission: Option<&Commission>) -> ActorFacts {
    match staff.school() {
        Some(theirs) => ActorFacts::of_staff(
            Person { id: staff.id, name: staff.short_name() },
            staff.role,
            theirs,
            school.id,
            commission,
        ),
        None => ActorFacts::Outsider,
    }
}

fn section(text: Option<String>) -> Result<Option<Section>, ApiError> {
    text.map(|t| Section::parse(&t).map_err(|e| ApiError::internal("report narrative", e))).transpose()
}

/// Starts a report with fresh figures as `author` and submits it at `at`, dated `on` (a paper
/// year entered afterwards) or `at`'s day, as its author would through the API: the
/// commission's report by its head, the school's by the deputy.
///
/// # Errors
/// The domain's refusal (e.g. 403 when `author` may not write it), `report_exists`, or a
/// storage failure.
#[allow(clippy::too_many_arguments)]
pub async fn file_submitted(
    store: &Store,
    school: &School,
    commission: Option<&Commission>,
    year: AcademicYear,
    author: &Staff,
    narrative: Narrative,
    (at, on): (DateTime<Utc>, Option<NaiveDate>),
    audit: &Audit,
) -> Result<Report, ApiError> {
    let facts = facts_of(author, school, commission);
    let input = StartReport {
        kind: if commission.is_some() { ReportKind::Commission } else { ReportKind::School },
        year,
        achievements: section(narrative.achievements)?,
        problems: section(narrative.problems)?,
        proposals: section(narrative.proposals)?,
    };
    let start = report::start(school.id, input, commission, &facts, at.date_naive())?;
    let figures = store.report_figures(school.id, start.scope(), year, at.date_naive()).await?;
    let draft = store.create_report(&start.with_figures(figures.clone(), at), audit).await?;
    // The same records, the same day: the figures taken at the start are the ones frozen.
    let (submitted, t) = draft
        .submit(&facts)?
        .freeze(None, figures, at, Dated::on(on, at.date_naive()))
        .map_err(|e| ApiError::internal("submission date", e))?;
    Ok(store.save_report(&draft, &submitted, Some(&t), None, audit).await?)
}

/// The director accepts a submitted report now, dated `on`, with a comment.
///
/// # Errors
/// The domain's refusal (403 unless `director` directs the report's school, 409 unless it is
/// submitted), or a storage failure.
pub async fn accept(
    store: &Store,
    school: &School,
    r: &Report,
    director: &Staff,
    comment: &str,
    on: NaiveDate,
    audit: &Audit,
) -> Result<Report, ApiError> {
    let at = usul_persistence::now();
    let comment = Comment::parse(comment).map_err(|e| ApiError::internal("acceptance comment", e))?;
    let (accepted, t) = r
        .accept(&facts_of(director, school, None))?
        .on(Some(comment), at, Dated::on(Some(on), at.date_naive()))
        .map_err(|e| ApiError::internal("acceptance date", e))?;
    Ok(store.save_report(r, &accepted, Some(&t), None, audit).await?)
}
