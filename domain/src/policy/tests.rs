//! The policy as a table: role × action × ownership.

use super::*;
use crate::meeting::BodyKind;
use Decision::{Allow, Forbidden, NotFound};
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const D1: u128 = 1;
const D2: u128 = 2;
const S1: u128 = 11;
const S2: u128 = 12;

fn staff(role: Role, school: u128) -> Actor {
    Actor::SchoolStaff {
        id: StaffId::from_uuid(id(100 + school)),
        school: SchoolId::from_uuid(id(school)),
        district: DistrictId::from_uuid(id(if school == S1 { D1 } else { D2 })),
        role,
    }
}
fn admin() -> Actor {
    Actor::Admin { id: StaffId::from_uuid(id(999)) }
}
fn methodologist(d: u128) -> Actor {
    Actor::DistrictUser { id: StaffId::from_uuid(id(500 + d)), district: DistrictId::from_uuid(id(d)) }
}
fn service(d: u128) -> Actor {
    Actor::DistrictService { id: ServiceAccountId::from_uuid(id(600 + d)), district: DistrictId::from_uuid(id(d)) }
}
fn school(s: u128) -> Resource {
    Resource::School {
        school: SchoolId::from_uuid(id(s)),
        district: DistrictId::from_uuid(id(if s == S1 { D1 } else { D2 })),
    }
}
fn member(role: Role, s: u128) -> Resource {
    Resource::StaffMember {
        staff: StaffId::from_uuid(id(700)),
        role,
        school: SchoolId::from_uuid(id(s)),
        district: DistrictId::from_uuid(id(if s == S1 { D1 } else { D2 })),
    }
}
fn body(kind: BodyKind, s: u128, led_by_actor: bool, actor_is_member: bool) -> Resource {
    Resource::Body {
        school: SchoolId::from_uuid(id(s)),
        district: DistrictId::from_uuid(id(if s == S1 { D1 } else { D2 })),
        kind,
        led_by_actor,
        actor_is_member,
    }
}
fn district(d: u128) -> Resource {
    Resource::District(DistrictId::from_uuid(id(d)))
}

#[test]
fn the_policy_table_holds() {
    let director = staff(Role::Director, S1);
    let deputy = staff(Role::Deputy, S1);
    let teacher = staff(Role::Teacher, S1);
    let table: Vec<(&str, Actor, Action, Resource, Decision)> = vec![
        // districts: the admin writes, district users read their own
        ("admin creates a district", admin(), Action::CreateDistrict, Resource::Service, Allow),
        (
            "methodologist cannot create a district",
            methodologist(D1),
            Action::CreateDistrict,
            Resource::Service,
            Forbidden,
        ),
        ("director cannot create a district", director, Action::CreateDistrict, Resource::Service, Forbidden),
        ("methodologist reads own district", methodologist(D1), Action::Read, district(D1), Allow),
        ("methodologist does not see another district", methodologist(D1), Action::Read, district(D2), NotFound),
        ("methodologist cannot edit own district", methodologist(D1), Action::UpdateDistrict, district(D1), Forbidden),
        ("admin manages district accounts", admin(), Action::ManageDistrictAccounts, district(D2), Allow),
        ("director cannot manage district accounts", director, Action::ManageDistrictAccounts, district(D1), Forbidden),
        // the district's summary compares schools: the district's people read it
        (
            "methodologist reads own district's summary",
            methodologist(D1),
            Action::ReadDistrictSummary,
            district(D1),
            Allow,
        ),
        ("service account reads own district's summary", service(D1), Action::ReadDistrictSummary, district(D1), Allow),
        (
            "methodologist does not see another district's summary",
            methodologist(D1),
            Action::ReadDistrictSummary,
            district(D2),
            NotFound,
        ),
        ("director cannot read the district's summary", director, Action::ReadDistrictSummary, district(D1), Forbidden),
        ("teacher cannot read the district's summary", teacher, Action::ReadDistrictSummary, district(D1), Forbidden),
        (
            "school staff do not see another district",
            staff(Role::Director, S2),
            Action::ReadDistrictSummary,
            district(D1),
            NotFound,
        ),
        // knowledge quality is a record the school's leaders keep
        ("deputy manages records", deputy, Action::ManageRecords, school(S1), Allow),
        ("teacher does not manage records", teacher, Action::ManageRecords, school(S1), Forbidden),
        ("methodologist only reads records", methodologist(D1), Action::ManageRecords, school(S1), Forbidden),
        // schools
        ("admin creates a school", admin(), Action::CreateSchool, Resource::Service, Allow),
        ("methodologist cannot create a school", methodologist(D1), Action::CreateSchool, Resource::Service, Forbidden),
        ("director cannot create a school", director, Action::CreateSchool, Resource::Service, Forbidden),
        ("director edits own school", director, Action::UpdateSchool, school(S1), Allow),
        ("deputy cannot edit the school", deputy, Action::UpdateSchool, school(S1), Forbidden),
        ("director does not see another school", director, Action::UpdateSchool, school(S2), NotFound),
        ("teacher reads own school", teacher, Action::Read, school(S1), Allow),
        ("teacher does not see another school", teacher, Action::Read, school(S2), NotFound),
        ("methodologist reads a school of the district", methodologist(D1), Action::Read, school(S1), Allow),
        (
            "methodologist does not see a school of another district",
            methodologist(D1),
            Action::Read,
            school(S2),
            NotFound,
        ),
        ("service account reads a school of its district", service(D2), Action::Read, school(S2), Allow),
        ("service account does not see another district's school", service(D2), Action::Read, school(S1), NotFound),
        ("service account writes nothing", service(D1), Action::WriteSchoolYear, school(S1), Forbidden),
        // school years (R-3.2.1: the theme is the school's)
        ("deputy writes the year's theme", deputy, Action::WriteSchoolYear, school(S1), Allow),
        ("director writes the year's theme", director, Action::WriteSchoolYear, school(S1), Allow),
        ("teacher cannot write the year's theme", teacher, Action::WriteSchoolYear, school(S1), Forbidden),
        ("admin does not write the year's theme", admin(), Action::WriteSchoolYear, school(S1), Forbidden),
        // subjects
        ("deputy adds a subject", deputy, Action::CreateSubject, school(S1), Allow),
        ("teacher cannot add a subject", teacher, Action::CreateSubject, school(S1), Forbidden),
        // staff
        ("director hires a deputy", director, Action::CreateStaff(Role::Deputy), school(S1), Allow),
        ("deputy hires a teacher", deputy, Action::CreateStaff(Role::Teacher), school(S1), Allow),
        ("deputy cannot hire a director", deputy, Action::CreateStaff(Role::Director), school(S1), Forbidden),
        ("teacher cannot hire", teacher, Action::CreateStaff(Role::Teacher), school(S1), Forbidden),
        ("director cannot make an admin", director, Action::CreateStaff(Role::Admin), school(S1), Forbidden),
        ("admin appoints a director", admin(), Action::CreateStaff(Role::Director), school(S2), Allow),
        ("director hires nobody at another school", director, Action::CreateStaff(Role::Teacher), school(S2), NotFound),
        ("deputy edits a teacher", deputy, Action::UpdateStaff, member(Role::Teacher, S1), Allow),
        ("deputy cannot edit the director", deputy, Action::UpdateStaff, member(Role::Director, S1), Forbidden),
        (
            "deputy cannot promote to deputy",
            deputy,
            Action::AssignRole(Role::Deputy),
            member(Role::Teacher, S1),
            Forbidden,
        ),
        ("director promotes to deputy", director, Action::AssignRole(Role::Deputy), member(Role::Teacher, S1), Allow),
        (
            "director cannot make a district methodologist",
            director,
            Action::AssignRole(Role::DistrictMethodologist),
            member(Role::Teacher, S1),
            Forbidden,
        ),
        ("director deactivates a teacher", director, Action::DeactivateStaff, member(Role::Teacher, S1), Allow),
        ("deputy deactivates a teacher", deputy, Action::DeactivateStaff, member(Role::Teacher, S1), Allow),
        (
            "deputy cannot deactivate the director",
            deputy,
            Action::DeactivateStaff,
            member(Role::Director, S1),
            Forbidden,
        ),
        ("teacher cannot deactivate", teacher, Action::DeactivateStaff, member(Role::Teacher, S1), Forbidden),
        ("teacher reads a colleague", teacher, Action::Read, member(Role::Teacher, S1), Allow),
        ("teacher does not see another school's staff", teacher, Action::Read, member(Role::Teacher, S2), NotFound),
        (
            "methodologist reads staff of the district",
            methodologist(D2),
            Action::Read,
            member(Role::Teacher, S2),
            Allow,
        ),
        (
            "methodologist cannot edit staff",
            methodologist(D2),
            Action::UpdateStaff,
            member(Role::Teacher, S2),
            Forbidden,
        ),
        // audit trail
        ("director reads the audit trail", director, Action::ReadAudit, school(S1), Allow),
        ("deputy reads the audit trail", deputy, Action::ReadAudit, school(S1), Allow),
        ("teacher does not read the audit trail", teacher, Action::ReadAudit, school(S1), Forbidden),
        (
            "methodologist reads a district school's audit trail",
            methodologist(D1),
            Action::ReadAudit,
            school(S1),
            Allow,
        ),
        ("director does not see another school's audit trail", director, Action::ReadAudit, school(S2), NotFound),
        // commissions
        ("deputy drafts a commission", deputy, Action::DraftCommission, school(S1), Allow),
        ("director drafts a commission", director, Action::DraftCommission, school(S1), Allow),
        ("teacher does not draft a commission", teacher, Action::DraftCommission, school(S1), Forbidden),
        ("director approves by order r_3_2_2d", director, Action::DecideCommission, school(S1), Allow),
        ("deputy does not approve r_3_2_2c", deputy, Action::DecideCommission, school(S1), Forbidden),
        ("admin does not approve", admin(), Action::DecideCommission, school(S1), Forbidden),
        ("methodologist does not approve", methodologist(D1), Action::DecideCommission, school(S1), Forbidden),
        ("director approves nothing at another school", director, Action::DecideCommission, school(S2), NotFound),
        // meetings
        (
            "deputy runs the pedagogical council",
            deputy,
            Action::RunMeetings,
            body(BodyKind::PedagogicalCouncil, S1, false, true),
            Allow,
        ),
        (
            "deputy runs the methodological council",
            deputy,
            Action::RunMeetings,
            body(BodyKind::MethodologicalCouncil, S1, false, true),
            Allow,
        ),
        (
            "deputy does not run a commission's meetings",
            deputy,
            Action::RunMeetings,
            body(BodyKind::Commission, S1, false, false),
            Forbidden,
        ),
        (
            "director runs a commission's meetings",
            director,
            Action::RunMeetings,
            body(BodyKind::Commission, S1, false, false),
            Allow,
        ),
        (
            "a head runs their commission's meetings",
            teacher,
            Action::RunMeetings,
            body(BodyKind::Commission, S1, true, true),
            Allow,
        ),
        (
            "a member reads but does not run",
            teacher,
            Action::RunMeetings,
            body(BodyKind::Commission, S1, false, true),
            Forbidden,
        ),
        (
            "a member reads the meetings",
            teacher,
            Action::ReadMeetings,
            body(BodyKind::Commission, S1, false, true),
            Allow,
        ),
        (
            "a non-member does not see a commission's meetings",
            teacher,
            Action::ReadMeetings,
            body(BodyKind::Commission, S1, false, false),
            NotFound,
        ),
        (
            "a teacher does not run the pedagogical council",
            teacher,
            Action::RunMeetings,
            body(BodyKind::PedagogicalCouncil, S1, false, true),
            Forbidden,
        ),
        (
            "methodologist reads meetings of the district",
            methodologist(D1),
            Action::ReadMeetings,
            body(BodyKind::Commission, S1, false, false),
            Allow,
        ),
        (
            "methodologist runs nothing",
            methodologist(D1),
            Action::RunMeetings,
            body(BodyKind::PedagogicalCouncil, S1, false, false),
            Forbidden,
        ),
        (
            "another school's director sees nothing",
            staff(Role::Director, S2),
            Action::ReadMeetings,
            body(BodyKind::PedagogicalCouncil, S1, false, false),
            NotFound,
        ),
        ("deputy edits the methodological council", deputy, Action::EditCouncil, school(S1), Allow),
        ("teacher does not edit the council", teacher, Action::EditCouncil, school(S1), Forbidden),
        // records
        ("deputy manages records", deputy, Action::ManageRecords, school(S1), Allow),
        ("teacher does not manage the school's records", teacher, Action::ManageRecords, school(S1), Forbidden),
        ("methodologist does not manage records", methodologist(D1), Action::ManageRecords, school(S1), Forbidden),
        // catalogue
        ("everyone reads the catalogue", teacher, Action::Read, Resource::Catalogue, Allow),
        ("a service account reads the catalogue", service(D1), Action::Read, Resource::Catalogue, Allow),
    ];
    let failures: Vec<String> = table
        .iter()
        .filter(|(_, actor, action, resource, want)| authorize(*actor, *action, *resource) != *want)
        .map(|(name, actor, action, resource, want)| {
            format!("{name}: want {want:?}, got {:?}", authorize(*actor, *action, *resource))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

fn ministry() -> Actor {
    Actor::MinistryUser { id: StaffId::from_uuid(id(800)) }
}

fn ministry_service() -> Actor {
    Actor::MinistryService { id: ServiceAccountId::from_uuid(id(801)) }
}

/// issue 11 point 14: the ministry's machine client reads as its methodologists do, and
/// writes nothing.
#[test]
fn a_ministry_service_account_reads_every_district_and_writes_nothing_r_3_1() {
    let table: Vec<(&str, Actor, Action, Resource, Decision)> = vec![
        ("reads any district", ministry_service(), Action::Read, district(D2), Allow),
        ("reads any school", ministry_service(), Action::Read, school(S2), Allow),
        ("reads a district's summary", ministry_service(), Action::ReadDistrictSummary, district(D1), Allow),
        ("reads the national summary", ministry_service(), Action::ReadNationalSummary, Resource::Service, Allow),
        ("keeps no records", ministry_service(), Action::ManageRecords, school(S1), Forbidden),
        ("edits no school", ministry_service(), Action::UpdateSchool, school(S1), Forbidden),
        (
            "creates no ministry accounts",
            ministry_service(),
            Action::ManageMinistryAccounts,
            Resource::Service,
            Forbidden,
        ),
        ("admin creates ministry accounts", admin(), Action::ManageMinistryAccounts, Resource::Service, Allow),
    ];
    for (what, actor, action, resource, expected) in table {
        assert_eq!(authorize(actor, action, resource), expected, "{what}");
    }
    assert_eq!(person(&ministry_service()), None, "a machine, not a person");
}

/// the ministry's methodological centres read every district and school and the national
/// summary, and write nothing; nobody below the ministry reads the national summary.
#[test]
fn the_ministry_reads_every_district_and_writes_nothing_r_3_1() {
    let table: Vec<(&str, Actor, Action, Resource, Decision)> = vec![
        ("ministry reads any district", ministry(), Action::Read, district(D2), Allow),
        ("ministry reads any district's summary", ministry(), Action::ReadDistrictSummary, district(D1), Allow),
        ("ministry reads any school", ministry(), Action::Read, school(S2), Allow),
        ("ministry reads a school's staff", ministry(), Action::Read, member(Role::Teacher, S1), Allow),
        (
            "ministry reads a commission's meetings",
            ministry(),
            Action::ReadMeetings,
            body(BodyKind::Commission, S1, false, false),
            Allow,
        ),
        ("ministry reads the national summary", ministry(), Action::ReadNationalSummary, Resource::Service, Allow),
        ("admin reads the national summary", admin(), Action::ReadNationalSummary, Resource::Service, Allow),
        (
            "methodologist cannot read the national summary",
            methodologist(D1),
            Action::ReadNationalSummary,
            Resource::Service,
            Forbidden,
        ),
        (
            "service cannot read the national summary",
            service(D1),
            Action::ReadNationalSummary,
            Resource::Service,
            Forbidden,
        ),
        (
            "director cannot read the national summary",
            staff(Role::Director, S1),
            Action::ReadNationalSummary,
            Resource::Service,
            Forbidden,
        ),
        ("admin creates the ministry's people", admin(), Action::ManageMinistryAccounts, Resource::Service, Allow),
        (
            "ministry creates no ministry people",
            ministry(),
            Action::ManageMinistryAccounts,
            Resource::Service,
            Forbidden,
        ),
        (
            "methodologist creates no ministry people",
            methodologist(D1),
            Action::ManageMinistryAccounts,
            Resource::Service,
            Forbidden,
        ),
        ("ministry creates no district", ministry(), Action::CreateDistrict, Resource::Service, Forbidden),
        ("ministry creates no school", ministry(), Action::CreateSchool, Resource::Service, Forbidden),
        ("ministry edits no district", ministry(), Action::UpdateDistrict, district(D1), Forbidden),
        ("ministry manages no accounts", ministry(), Action::ManageDistrictAccounts, district(D1), Forbidden),
        ("ministry edits no school", ministry(), Action::UpdateSchool, school(S1), Forbidden),
        ("ministry keeps no records", ministry(), Action::ManageRecords, school(S1), Forbidden),
        ("ministry adds no staff", ministry(), Action::CreateStaff(Role::Teacher), school(S1), Forbidden),
        ("ministry writes no school year", ministry(), Action::WriteSchoolYear, school(S1), Forbidden),
        ("ministry drafts no commission", ministry(), Action::DraftCommission, school(S1), Forbidden),
        ("ministry decides no commission", ministry(), Action::DecideCommission, school(S1), Forbidden),
        (
            "ministry runs no meeting",
            ministry(),
            Action::RunMeetings,
            body(BodyKind::PedagogicalCouncil, S1, false, false),
            Forbidden,
        ),
        ("ministry records no district support", ministry(), Action::RecordDistrictSupport, district(D1), Forbidden),
        // the district's own support events
        (
            "methodologist records own district's support",
            methodologist(D1),
            Action::RecordDistrictSupport,
            district(D1),
            Allow,
        ),
        (
            "methodologist does not see another district's support",
            methodologist(D1),
            Action::RecordDistrictSupport,
            district(D2),
            NotFound,
        ),
        ("service account records no support", service(D1), Action::RecordDistrictSupport, district(D1), Forbidden),
        (
            "director records no district support",
            staff(Role::Director, S1),
            Action::RecordDistrictSupport,
            district(D1),
            Forbidden,
        ),
        ("admin records no district support", admin(), Action::RecordDistrictSupport, district(D1), Forbidden),
    ];
    let failures: Vec<String> = table
        .iter()
        .filter(|(_, actor, action, resource, want)| authorize(*actor, *action, *resource) != *want)
        .map(|(name, actor, action, resource, want)| {
            format!("{name}: want {want:?}, got {:?}", authorize(*actor, *action, *resource))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
