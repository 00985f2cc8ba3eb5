//! Staff (people with logins) and district service accounts.

use crate::entities::{service_account, staff, staff_subject};
use crate::keys::{self, RowKey};
use crate::memo::Account;
use crate::org::{bump, check_version};
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;
use usul_domain::ids::{DistrictId, SchoolId, ServiceAccountId, StaffId, SubjectId};
use usul_domain::org::ServiceAccount;
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role, Staff};
use usul_domain::values::{Email, Name};
use uuid::Uuid;

/// A person to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub affiliation: Affiliation,
    pub email: Email,
    pub password_hash: String,
    pub last_name: Name,
    pub first_name: Name,
    pub patronymic: Option<Name>,
    pub position: Option<Name>,
    pub role: Role,
    pub subjects: Vec<SubjectId>,
    pub category: QualificationCategory,
    pub experience: Experience,
}

/// Changes to a person; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct StaffPatch {
    pub email: Option<Email>,
    pub last_name: Option<Name>,
    pub first_name: Option<Name>,
    pub patronymic: Option<Option<Name>>,
    pub position: Option<Option<Name>>,
    pub role: Option<Role>,
    pub subjects: Option<Vec<SubjectId>>,
    pub category: Option<QualificationCategory>,
    pub experience: Option<Experience>,
    pub active: Option<bool>,
    /// A new argon2 hash.
    pub password_hash: Option<String>,
}

/// Filters of the staff list.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaffFilter {
    pub role: Option<Role>,
    pub subject: Option<SubjectId>,
    pub active: Option<bool>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// What a login needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub staff: Staff,
    pub password_hash: String,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

fn to_staff(m: staff::Model, subjects: Vec<SubjectId>) -> StoreResult<Staff> {
    let affiliation = match (m.school_id, m.district_id) {
        (Some(s), Some(d)) => {
            Affiliation::School { school: SchoolId::from_uuid(s), district: DistrictId::from_uuid(d) }
        }
        (None, Some(d)) => Affiliation::District(DistrictId::from_uuid(d)),
        (None, None) => Affiliation::Service,
        (Some(_), None) => return Err(StoreError::Corrupt("staff: school without district".into())),
    };
    Ok(Staff {
        id: StaffId::from_uuid(m.id),
        affiliation,
        email: stored("staff.email", Email::parse(&m.email))?,
        last_name: stored("staff.last_name", Name::parse(&m.last_name))?,
        first_name: stored("staff.first_name", Name::parse(&m.first_name))?,
        patronymic: m.patronymic.map(|p| stored("staff.patronymic", Name::parse(&p))).transpose()?,
        position: m.position.map(|p| stored("staff.position", Name::parse(&p))).transpose()?,
        role: Role::parse(&m.role).ok_or_else(|| StoreError::Corrupt(format!("staff.role: {}", m.role)))?,
        subjects,
        category: QualificationCategory::parse(&m.category)
            .ok_or_else(|| StoreError::Corrupt(format!("staff.category: {}", m.category)))?,
        experience: stored("staff.experience_years", Experience::parse(i64::from(m.experience_years)))?,
        active: m.active,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Loads the subjects of many staff members in one query.
async fn subjects_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Vec<SubjectId>>> {
    let mut map: HashMap<Uuid, Vec<SubjectId>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let rows = staff_subject::Entity::find()
        .filter(staff_subject::Column::StaffId.is_in(ids.iter().copied()))
        .order_by_asc(staff_subject::Column::SubjectId)
        .all(db)
        .await?;
    for r in rows {
        map.entry(r.staff_id).or_default().push(SubjectId::from_uuid(r.subject_id));
    }
    Ok(map)
}

pub(crate) async fn load_many(db: &impl ConnectionTrait, rows: Vec<staff::Model>) -> StoreResult<Vec<Staff>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut subjects = subjects_of(db, &ids).await?;
    rows.into_iter()
        .map(|m| {
            let s = subjects.remove(&m.id).unwrap_or_default();
            to_staff(m, s)
        })
        .collect()
}

async fn load_one(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Staff>> {
    let Some(row) = staff::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(load_many(db, vec![row]).await?.pop())
}

pub(crate) async fn set_subjects(db: &impl ConnectionTrait, staff_id: Uuid, subjects: &[SubjectId]) -> StoreResult<()> {
    staff_subject::Entity::delete_many().filter(staff_subject::Column::StaffId.eq(staff_id)).exec(db).await?;
    let mut unique: Vec<Uuid> = subjects.iter().map(|s| s.uuid()).collect();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(());
    }
    staff_subject::Entity::insert_many(
        unique
            .into_iter()
            .map(|subject_id| staff_subject::ActiveModel { staff_id: Set(staff_id), subject_id: Set(subject_id) }),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The stored row of a new person: active, at version 1, with no failed sign-ins. One place for
/// a single creation, the generator's batches and the staff import.
pub(crate) fn new_staff_row(id: Uuid, new: &NewStaff, at: DateTime<Utc>) -> staff::ActiveModel {
    let (school_id, district_id) = affiliation_ids(new.affiliation);
    staff::ActiveModel {
        id: Set(id),
        school_id: Set(school_id),
        district_id: Set(district_id),
        email_key: Set(new.email.normalized()),
        email: Set(new.email.as_str().to_owned()),
        password_hash: Set(new.password_hash.clone()),
        last_name: Set(new.last_name.as_str().to_owned()),
        first_name: Set(new.first_name.as_str().to_owned()),
        patronymic: Set(new.patronymic.as_ref().map(|p| p.as_str().to_owned())),
        position: Set(new.position.as_ref().map(|p| p.as_str().to_owned())),
        role: Set(new.role.code().to_owned()),
        category: Set(new.category.code().to_owned()),
        experience_years: Set(i32::from(new.experience.years())),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

pub(crate) fn affiliation_ids(a: Affiliation) -> (Option<Uuid>, Option<Uuid>) {
    match a {
        Affiliation::Service => (None, None),
        Affiliation::District(d) => (None, Some(d.uuid())),
        Affiliation::School { school, district } => (Some(school.uuid()), Some(district.uuid())),
    }
}

impl Store {
    /// Creates a person with a login.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `email_taken` when the address is in use (case-insensitively).
    pub async fn create_staff(&self, new: NewStaff, audit: &Audit) -> StoreResult<Staff> {
        let txn = self.write().await?;
        let at = now();
        let id = Uuid::now_v7();
        let (school_id, district_id) = affiliation_ids(new.affiliation);
        new_staff_row(id, &new, at)
            .insert(&txn)
            .await
            .map_err(|e| StoreError::unique(e, crate::Conflict::EmailTaken))?;
        set_subjects(&txn, id, &new.subjects).await?;
        record_audit(&txn, audit, "staff.create", "staff", Some(id), school_id, district_id).await?;
        let created = load_one(&txn, id).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        Ok(created)
    }

    /// Reads a person.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_staff(&self, id: StaffId) -> StoreResult<Option<Staff>> {
        load_one(&self.lane, id.uuid()).await
    }

    /// A person as authentication reads them: from memory when read in the last moments and
    /// not changed since by this store (see [`Store::with_cache_ttl`]).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn account_staff(&self, id: StaffId) -> StoreResult<Option<Staff>> {
        if let Some(Account::Staff(s)) = self.accounts.get(id.uuid()) {
            return Ok(Some(s));
        }
        let (read_at, generation) = (std::time::Instant::now(), self.accounts.generation());
        let staff = load_one(&self.lane, id.uuid()).await?;
        if let Some(s) = &staff {
            self.accounts.put(id.uuid(), Account::Staff(s.clone()), read_at, generation);
        }
        Ok(staff)
    }

    /// A service account as authentication reads it, like [`Store::account_staff`].
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn account_service(&self, id: ServiceAccountId) -> StoreResult<Option<ServiceAccount>> {
        if let Some(Account::Service(a)) = self.accounts.get(id.uuid()) {
            return Ok(Some(a));
        }
        let (read_at, generation) = (std::time::Instant::now(), self.accounts.generation());
        let account = self.get_service_account(id).await?;
        if let Some(a) = &account {
            self.accounts.put(id.uuid(), Account::Service(a.clone()), read_at, generation);
        }
        Ok(account)
    }

    /// The people with these ids (any school; the caller checks), in one round of queries.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn staff_by_ids(&self, ids: &[StaffId]) -> StoreResult<Vec<Staff>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows =
            staff::Entity::find().filter(staff::Column::Id.is_in(ids.iter().map(|i| i.uuid()))).all(&self.db).await?;
        load_many(&self.db, rows).await
    }

    /// Every active member of a school's staff with a school role: the pedagogical council
    ///
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn active_school_staff(&self, school: SchoolId) -> StoreResult<Vec<Staff>> {
        let rows = staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(school.uuid()))
            .filter(staff::Column::Active.eq(true))
            .order_by_asc(staff::Column::Id)
            .all(&self.db)
            .await?;
        load_many(&self.db, rows).await
    }

    /// Finds an account by login (case-insensitively), with what a login check needs.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn find_login(&self, email: &str) -> StoreResult<Option<LoginRecord>> {
        let Some(row) =
            staff::Entity::find().filter(staff::Column::EmailKey.eq(email.trim().to_lowercase())).one(&self.db).await?
        else {
            return Ok(None);
        };
        let (hash, failed, locked) = (row.password_hash.clone(), row.failed_logins, row.locked_until);
        let staff = load_many(&self.db, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
        Ok(Some(LoginRecord { staff, password_hash: hash, failed_logins: failed, locked_until: locked }))
    }

    /// A page of a school's staff, named by the people's keys, in one statement of one row.
    /// [`Store::staff_keyed`] reads the people.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn staff_page(
        &self,
        school: SchoolId,
        filter: StaffFilter,
        page: PageRequest,
    ) -> StoreResult<Page<RowKey>> {
        let select = staff_listing(school, filter, page)
            .select_only()
            .column_as(staff::Column::Id, keys::ID)
            .column_as(staff::Column::Version, keys::VERSION)
            .expr_as(Expr::cust("NULL"), keys::EXTRA)
            .into_query();
        keys::page_keys(&self.lane, &select, page).await
    }

    /// The people of `ids` with their keys as [`Store::staff_page`] names them, in two
    /// statements; an id no longer there is left out.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn staff_keyed(&self, ids: &[Uuid]) -> StoreResult<Vec<(RowKey, Staff)>> {
        let rows = staff::Entity::find().filter(staff::Column::Id.is_in(ids.iter().copied())).all(&self.lane).await?;
        let keys: Vec<RowKey> = rows.iter().map(|r| RowKey { id: r.id, version: r.version, extra: None }).collect();
        Ok(keys.into_iter().zip(load_many(&self.lane, rows).await?).collect())
    }

    /// Changes a person if still at `expected` (when given). A new password or e-mail, or a
    /// deactivation, revokes every refresh token the person holds, in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`], [`StoreError::Conflict`]
    /// `email_taken`.
    pub async fn update_staff(
        &self,
        id: StaffId,
        expected: Option<i32>,
        patch: StaffPatch,
        action: &str,
        audit: &Audit,
    ) -> StoreResult<Staff> {
        let txn = self.write().await?;
        let current = staff::Entity::find_by_id(id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut am = staff::ActiveModel { id: Set(current.id), ..Default::default() };
        if let Some(e) = &patch.email {
            am.email = Set(e.as_str().to_owned());
            am.email_key = Set(e.normalized());
        }
        if let Some(n) = &patch.last_name {
            am.last_name = Set(n.as_str().to_owned());
        }
        if let Some(n) = &patch.first_name {
            am.first_name = Set(n.as_str().to_owned());
        }
        if let Some(p) = &patch.patronymic {
            am.patronymic = Set(p.as_ref().map(|p| p.as_str().to_owned()));
        }
        if let Some(p) = &patch.position {
            am.position = Set(p.as_ref().map(|p| p.as_str().to_owned()));
        }
        if let Some(r) = patch.role {
            am.role = Set(r.code().to_owned());
        }
        if let Some(c) = patch.category {
            am.category = Set(c.code().to_owned());
        }
        if let Some(x) = patch.experience {
            am.experience_years = Set(i32::from(x.years()));
        }
        if let Some(a) = patch.active {
            am.active = Set(a);
        }
        let email_changed = patch.email.as_ref().is_some_and(|e| e.normalized() != current.email_key);
        let revoke = patch.password_hash.is_some() || email_changed || patch.active == Some(false);
        if let Some(h) = patch.password_hash {
            am.password_hash = Set(h);
        }
        am.version = Set(current.version + 1);
        am.updated_at = Set(now());
        let n = bump(
            staff::Entity::update_many()
                .set(am)
                .filter(staff::Column::Id.eq(current.id))
                .filter(staff::Column::Version.eq(current.version))
                .exec(&txn)
                .await,
            crate::Conflict::EmailTaken,
        )?;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        if let Some(subjects) = &patch.subjects {
            set_subjects(&txn, current.id, subjects).await?;
        }
        if revoke {
            crate::tokens::revoke_staff(&txn, id).await?;
        }
        record_audit(&txn, audit, action, "staff", Some(current.id), current.school_id, current.district_id).await?;
        let updated = load_one(&txn, current.id).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        self.accounts.clear();
        Ok(updated)
    }

    /// Creates a district's service account.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] `client_id_taken`.
    pub async fn create_service_account(
        &self,
        district: Option<DistrictId>,
        name: Name,
        client_id: String,
        secret_hash: String,
        audit: &Audit,
    ) -> StoreResult<ServiceAccount> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let m = service_account::ActiveModel {
            id: Set(id),
            district_id: Set(district.map(DistrictId::uuid)),
            name: Set(name.as_str().to_owned()),
            client_id: Set(client_id),
            secret_hash: Set(secret_hash),
            active: Set(true),
            created_at: Set(now()),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::ClientIdTaken))?;
        record_audit(
            &txn,
            audit,
            "service_account.create",
            "service_account",
            Some(id),
            None,
            district.map(DistrictId::uuid),
        )
        .await?;
        txn.commit().await?;
        to_service_account(m)
    }

    /// Finds a service account and its secret hash by client id.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn find_service_account(&self, client_id: &str) -> StoreResult<Option<(ServiceAccount, String)>> {
        let Some(m) = service_account::Entity::find()
            .filter(service_account::Column::ClientId.eq(client_id))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let hash = m.secret_hash.clone();
        Ok(Some((to_service_account(m)?, hash)))
    }

    /// Reads a service account.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_service_account(&self, id: ServiceAccountId) -> StoreResult<Option<ServiceAccount>> {
        service_account::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(to_service_account).transpose()
    }

    /// A district's service accounts, or (`None`) the ministry's.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_service_accounts(&self, district: Option<DistrictId>) -> StoreResult<Vec<ServiceAccount>> {
        let of = match district {
            Some(d) => service_account::Column::DistrictId.eq(d.uuid()),
            None => service_account::Column::DistrictId.is_null(),
        };
        service_account::Entity::find()
            .filter(of)
            .order_by_asc(service_account::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_service_account)
            .collect()
    }

    /// Whether any admin account exists.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn count_staff(&self) -> StoreResult<u64> {
        use sea_orm::PaginatorTrait;
        Ok(staff::Entity::find().count(&self.db).await?)
    }
}

fn to_service_account(m: service_account::Model) -> StoreResult<ServiceAccount> {
    Ok(ServiceAccount {
        id: ServiceAccountId::from_uuid(m.id),
        district: m.district_id.map(DistrictId::from_uuid),
        name: stored("service_account.name", Name::parse(&m.name))?,
        client_id: m.client_id,
        active: m.active,
        created_at: m.created_at,
    })
}

/// A school's staff a list reads under `filter`, in id order, `page.limit + 1` at most.
fn staff_listing(school: SchoolId, filter: StaffFilter, page: PageRequest) -> sea_orm::Select<staff::Entity> {
    let mut q = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school.uuid()))
        .order_by_asc(staff::Column::Id)
        .limit(page.limit + 1);
    if let Some(r) = filter.role {
        q = q.filter(staff::Column::Role.eq(r.code()));
    }
    if let Some(a) = filter.active {
        q = q.filter(staff::Column::Active.eq(a));
    }
    if let Some(t) = filter.updated_since {
        q = q.filter(staff::Column::UpdatedAt.gte(t));
    }
    if let Some(s) = filter.subject {
        q = q.filter(
            staff::Column::Id.in_subquery(
                Query::select()
                    .column(staff_subject::Column::StaffId)
                    .from(staff_subject::Entity)
                    .and_where(staff_subject::Column::SubjectId.eq(s.uuid()))
                    .to_owned(),
            ),
        );
    }
    if let Some(after) = page.after {
        q = q.filter(staff::Column::Id.gt(after));
    }
    q
}
