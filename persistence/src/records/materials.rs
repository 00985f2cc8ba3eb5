//! The materials bank and card index.

use super::{MaterialFilter, stored_file, to_json};
use crate::entities::{material, material_author};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use usul_domain::ids::{MaterialId, MeetingId, SchoolId, StaffId, SubjectId};
use usul_domain::org::School;
use usul_domain::records::material::{MaterialTransition, MaterialVisibility};
use usul_domain::records::{Material, MaterialStatus, StoredFile};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

async fn load_materials(db: &impl ConnectionTrait, rows: Vec<material::Model>) -> StoreResult<Vec<Material>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut authors: HashMap<Uuid, Vec<StaffId>> = HashMap::new();
    if !ids.is_empty() {
        for a in material_author::Entity::find()
            .filter(material_author::Column::MaterialId.is_in(ids))
            .order_by_asc(material_author::Column::StaffId)
            .all(db)
            .await?
        {
            authors.entry(a.material_id).or_default().push(StaffId::from_uuid(a.staff_id));
        }
    }
    rows.into_iter()
        .map(|m| {
            let tags: Vec<String> = stored("material.tags", serde_json::from_str(&m.tags))?;
            let file = stored_file(m.file_name, m.content_type, m.file_size, m.sha256, m.storage_key);
            Ok(Material {
                id: MaterialId::from_uuid(m.id),
                school: SchoolId::from_uuid(m.school_id),
                kind: m.kind,
                title: m.title,
                authors: authors.remove(&m.id).unwrap_or_default(),
                subject: m.subject_id.map(SubjectId::from_uuid),
                grades: m.grades,
                year: stored("material.start_year", AcademicYear::starting(m.start_year))?,
                tags,
                annotation: m.annotation,
                status: MaterialStatus::parse(&m.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("material.status: {}", m.status)))?,
                review_meeting: m.review_meeting_id.map(MeetingId::from_uuid),
                link: m.link_url,
                file,
                version: m.version,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect()
}

impl Store {
    /// Adds a material to the bank, as a draft.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_material(&self, school: &School, m: &Material, audit: &Audit) -> StoreResult<Material> {
        let txn = self.write().await?;
        let at = now();
        material::ActiveModel {
            id: Set(m.id.uuid()),
            school_id: Set(school.id.uuid()),
            kind: Set(m.kind.clone()),
            title: Set(m.title.clone()),
            search_text: Set(Material::search_text(&m.title, m.annotation.as_deref(), &m.tags)),
            subject_id: Set(m.subject.map(SubjectId::uuid)),
            grades: Set(m.grades.clone()),
            start_year: Set(m.year.start_year()),
            tags: Set(to_json(&m.tags)),
            annotation: Set(m.annotation.clone()),
            status: Set(MaterialStatus::Draft.code().into()),
            review_meeting_id: Set(None),
            link_url: Set(m.link.clone()),
            file_name: Set(None),
            content_type: Set(None),
            file_size: Set(None),
            sha256: Set(None),
            storage_key: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        if !m.authors.is_empty() {
            material_author::Entity::insert_many(
                m.authors
                    .iter()
                    .map(|a| material_author::ActiveModel { material_id: Set(m.id.uuid()), staff_id: Set(a.uuid()) }),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        record_audit(
            &txn,
            audit,
            "material.create",
            "material",
            Some(m.id.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        let row = material::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_materials(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }

    /// Reads a material.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_material(&self, id: MaterialId) -> StoreResult<Option<Material>> {
        let Some(row) = material::Entity::find_by_id(id.uuid()).one(&self.db).await? else { return Ok(None) };
        Ok(load_materials(&self.db, vec![row]).await?.pop())
    }

    /// Searches a school's card index, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_materials(
        &self,
        school: SchoolId,
        f: &MaterialFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Material>> {
        let mut q = material::Entity::find()
            .filter(material::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(material::Column::Id)
            .limit(page.limit + 1);
        for word in &f.text {
            // `%` and `_` in a search word are themselves, not wildcards.
            let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let pattern = sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\');
            q = q.filter(sea_orm::sea_query::ExprTrait::like(
                sea_orm::sea_query::Expr::col(material::Column::SearchText),
                pattern,
            ));
        }
        if let Some(k) = &f.kind {
            q = q.filter(material::Column::Kind.eq(k.clone()));
        }
        if let Some(s) = f.subject {
            q = q.filter(material::Column::SubjectId.eq(s.uuid()));
        }
        if let Some(s) = f.status {
            q = q.filter(material::Column::Status.eq(s.code()));
        }
        if let Some(y) = f.year {
            q = q.filter(material::Column::StartYear.eq(y.start_year()));
        }
        if let Some(t) = f.updated_since {
            q = q.filter(material::Column::UpdatedAt.gte(t));
        }
        if let Some(a) = f.author {
            q = q.filter(material::Column::Id.in_subquery(authored_by(&[a])));
        }
        if let MaterialVisibility::PublishedOrBy(people) = &f.visibility {
            q = q.filter(
                Condition::any()
                    .add(material::Column::Status.eq(MaterialStatus::Published.code()))
                    .add(material::Column::Id.in_subquery(authored_by(people))),
            );
        }
        if let Some(after) = page.after {
            q = q.filter(material::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let items = load_materials(&self.db, rows).await?;
        Ok(Page::from_rows(items, page.limit, |m| m.id.uuid()))
    }

    /// Records the file of a material (already written completely to storage).
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn set_material_file(
        &self,
        m: &Material,
        expected: Option<i32>,
        file: &StoredFile,
        audit: &Audit,
    ) -> StoreResult<Material> {
        self.change_material(m, expected, "material.file", audit, |q| {
            q.col_expr(material::Column::FileName, Expr::value(file.name.clone()))
                .col_expr(material::Column::ContentType, Expr::value(file.content_type.clone()))
                .col_expr(material::Column::FileSize, Expr::value(i64::try_from(file.size).unwrap_or(i64::MAX)))
                .col_expr(material::Column::Sha256, Expr::value(file.sha256.clone()))
                .col_expr(material::Column::StorageKey, Expr::value(file.key.clone()))
        })
        .await
    }

    /// Stores a material's transition if it is still in the state the rules saw.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed meanwhile.
    pub async fn transition_material(
        &self,
        m: &Material,
        expected: Option<i32>,
        t: &MaterialTransition,
        audit: &Audit,
    ) -> StoreResult<Material> {
        let action = if t.to == MaterialStatus::Published { "material.publish" } else { "material.review" };
        self.change_material(m, expected, action, audit, |q| {
            let q = q.col_expr(material::Column::Status, Expr::value(t.to.code()));
            match t.review_meeting {
                Some(mt) => q.col_expr(material::Column::ReviewMeetingId, Expr::value(mt.uuid())),
                None => q,
            }
        })
        .await
    }

    async fn change_material(
        &self,
        m: &Material,
        expected: Option<i32>,
        action: &str,
        audit: &Audit,
        set: impl FnOnce(sea_orm::UpdateMany<material::Entity>) -> sea_orm::UpdateMany<material::Entity>,
    ) -> StoreResult<Material> {
        let txn = self.write().await?;
        let current = material::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let q = material::Entity::update_many()
            .col_expr(material::Column::Version, Expr::value(current.version + 1))
            .col_expr(material::Column::UpdatedAt, Expr::value(now()))
            .filter(material::Column::Id.eq(current.id))
            .filter(material::Column::Version.eq(current.version))
            .filter(material::Column::Status.eq(m.status.code()));
        if set(q).exec(&txn).await?.rows_affected == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        record_audit(&txn, audit, action, "material", Some(current.id), Some(current.school_id), None).await?;
        let row = material::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        let out = load_materials(&txn, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(out)
    }
}

/// The ids of the materials one of `people` authored, as a subquery.
fn authored_by(people: &[StaffId]) -> SelectStatement {
    Query::select()
        .column(material_author::Column::MaterialId)
        .from(material_author::Entity)
        .and_where(material_author::Column::StaffId.is_in(people.iter().map(|p| p.uuid())))
        .to_owned()
}
