//! Plans made and moved outside a request — by the demo loader and the data generator —
//! through the same domain commands as the API, as the people the route table names, with their
//! facts loaded as for a request: they can only reach states the API allows.

use crate::problem::ApiError;
use usul_domain::year::AcademicYear;
use usul_persistence::{Audit, Store};

/// A school's plans, moved on behalf of its people.
pub struct PlanDesk<'a> {
    pub store: &'a Store,
    pub school: &'a usul_domain::org::School,
    pub audit: &'a Audit,
}

impl PlanDesk<'_> {
    fn actor(who: &usul_domain::staff::Staff) -> Result<usul_domain::policy::Actor, ApiError> {
        crate::auth::actor_of(who).ok_or_else(|| ApiError::bug("a plan's actor without a role"))
    }

    async fn facts(
        &self,
        who: &usul_domain::staff::Staff,
        p: &usul_domain::plan::Plan,
    ) -> Result<usul_persistence::Surroundings, ApiError> {
        let (_, around) = self.store.plan_for(p.id, Self::actor(who)?).await?.ok_or(ApiError::NotFound)?;
        Ok(around)
    }

    /// `who` starts a plan of `kind` for `owner`.
    pub async fn start(
        &self,
        who: &usul_domain::staff::Staff,
        (kind, owner, year): (usul_domain::plan::PlanKind, usul_domain::plan::Owner, AcademicYear),
        header: usul_domain::plan::Header,
    ) -> Result<usul_domain::plan::Plan, ApiError> {
        let around = self.store.plan_surroundings(Self::actor(who)?, self.school.id, owner, year).await?;
        let new = usul_domain::plan::start(kind, owner, year, header, &around.actor)?;
        Ok(self.store.insert_version(self.school, &new, self.audit).await?)
    }

    /// `who` adds items to a draft, all in one write.
    pub async fn add(
        &self,
        who: &usul_domain::staff::Staff,
        p: usul_domain::plan::Plan,
        items: Vec<usul_domain::plan::Item>,
    ) -> Result<usul_domain::plan::Plan, ApiError> {
        p.check_edit(&self.facts(who, &p).await?.actor)?;
        Ok(self.store.add_items(&p, None, &items, self.audit).await?)
    }

    /// `who` submits a draft on `day`.
    pub async fn submit(
        &self,
        who: &usul_domain::staff::Staff,
        p: usul_domain::plan::Plan,
        day: chrono::NaiveDate,
    ) -> Result<usul_domain::plan::Plan, ApiError> {
        let around = self.facts(who, &p).await?;
        let t = p.submit(&around.actor, around.context, None, day)?;
        Ok(self.store.transition_plan(&p, None, &t, self.audit).await?)
    }

    /// `who` takes the plan's next step of `kind` on `day` (a review cites `meeting`).
    pub async fn step(
        &self,
        who: &usul_domain::staff::Staff,
        p: usul_domain::plan::Plan,
        kind: usul_domain::plan::StepKind,
        meeting: Option<&usul_domain::meeting::Meeting>,
        day: chrono::NaiveDate,
    ) -> Result<usul_domain::plan::Plan, ApiError> {
        let around = self.facts(who, &p).await?;
        let t = p.take_step(kind, &around.actor, meeting, None, day)?;
        Ok(self.store.transition_plan(&p, None, &t, self.audit).await?)
    }

    /// `who` records the progress of an approved plan's items, in order: each mark allowed by
    /// the same rule as over HTTP, all written at once.
    pub async fn progress(
        &self,
        who: &usul_domain::staff::Staff,
        p: usul_domain::plan::Plan,
        marks: &[usul_persistence::ItemProgress],
    ) -> Result<usul_domain::plan::Plan, ApiError> {
        let actor = self.facts(who, &p).await?.actor;
        let mut checked = Vec::with_capacity(marks.len());
        for (item, mark) in p.items.iter().zip(marks) {
            p.check_progress(item.id, &actor)?;
            checked.push((item.id, mark.clone()));
        }
        Ok(self.store.set_progress_many(&p, None, &checked, self.audit).await?)
    }
}
