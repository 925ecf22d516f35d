//! Table and column names for the query builder.

use sea_query::Iden;

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Departments {
    Table,
    Id,
    Name,
    ParentId,
    HeadId,
    SortOrder,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Users {
    Table,
    Id,
    Phone,
    PasswordHash,
    Name,
    Gender,
    Email,
    DepartmentId,
    Post,
    SuperiorId,
    Status,
    Locale,
    SearchText,
    LastLoginAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Roles {
    Table,
    Id,
    Name,
    Kind,
    Code,
    Description,
    Permissions,
    Scopes,
    Version,
    CreatedAt,
    UpdatedAt,
    OwnName,
    OwnDescription,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserRoles {
    Table,
    UserId,
    RoleId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sessions {
    Table,
    TokenHash,
    UserId,
    Kind,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginThrottle {
    Table,
    Phone,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeLogs {
    Table,
    Id,
    Kind,
    RecordId,
    ActorId,
    Action,
    Changes,
    RequestId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Customers {
    Table,
    Id,
    Name,
    NameKey,
    LevelId,
    IndustryId,
    SourceId,
    Phone,
    PhoneKey,
    Mobile,
    MobileKey,
    Email,
    Website,
    Address,
    Postcode,
    Province,
    City,
    District,
    RegionPending,
    TaxId,
    Notes,
    Custom,
    OwnerId,
    PoolId,
    PoolEnteredAt,
    FormerOwnerId,
    Locked,
    Dealt,
    DealtAt,
    LastFollowUpAt,
    LastFollowUpText,
    NextContactAt,
    ReleasedAt,
    OwnedSince,
    RecycleRemindedFor,
    SearchText,
    SearchPending,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamMembers {
    Table,
    Kind,
    RecordId,
    UserId,
    CanWrite,
    ExpiresOn,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUps {
    Table,
    Id,
    Kind,
    RecordId,
    MethodId,
    Content,
    HappenedAt,
    NextContactAt,
    AuthorId,
    CreatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Options {
    Table,
    Id,
    Kind,
    Field,
    Label,
    SortOrder,
    Active,
    BuiltinKey,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefs {
    Table,
    Id,
    Kind,
    Key,
    Label,
    FieldType,
    Required,
    IsUnique,
    DefaultValue,
    Options,
    SortOrder,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pools {
    Table,
    Id,
    Name,
    Rules,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug)]
pub enum PoolMembers {
    Table,
    PoolId,
    Role,
    MemberKind,
    MemberId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolClaims {
    Table,
    Id,
    PoolId,
    CustomerId,
    UserId,
    ClaimedAt,
}

/// Releases into a pool and assignments out of it (`move`: `release`,
/// `assign`), each one kept.
#[derive(Iden, Clone, Copy, Debug)]
pub enum PoolMoves {
    Table,
    Id,
    PoolId,
    CustomerId,
    UserId,
    Move,
    MovedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contacts {
    Table,
    Id,
    CustomerId,
    Name,
    Mobile,
    Phone,
    PhoneKey,
    Email,
    Post,
    DecisionMaker,
    IsPrimary,
    Address,
    Postcode,
    Notes,
    NextContactAt,
    OwnerId,
    SearchText,
    SearchPending,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
    Custom,
    LastFollowUpAt,
    LastFollowUpText,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leads {
    Table,
    Id,
    Name,
    ContactName,
    Mobile,
    Phone,
    Email,
    Address,
    Postcode,
    LevelId,
    IndustryId,
    SourceId,
    Notes,
    NextContactAt,
    LastFollowUpAt,
    LastFollowUpText,
    OwnerId,
    Converted,
    CustomerId,
    ConvertedAt,
    SearchText,
    SearchPending,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
    Custom,
    NameKey,
    PhoneKey,
    MobileKey,
}

/// Which customer custom field a lead custom field becomes on conversion.
#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadFieldMaps {
    Table,
    LeadKey,
    CustomerKey,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attachments {
    Table,
    Id,
    Kind,
    RecordId,
    FileName,
    ContentType,
    Size,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductCategories {
    Table,
    Id,
    Name,
    ParentId,
    SortOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Products {
    Table,
    Id,
    CategoryId,
    Code,
    Name,
    NameKey,
    Unit,
    Price,
    Currency,
    OnSale,
    Description,
    Custom,
    SearchText,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pipelines {
    Table,
    Id,
    Name,
    IsDefault,
    Active,
    Departments,
    SortOrder,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stages {
    Table,
    Id,
    PipelineId,
    Name,
    WinRate,
    SortOrder,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opportunities {
    Table,
    Id,
    Name,
    CustomerId,
    PipelineId,
    StageId,
    Outcome,
    OutcomeReason,
    ClosedAt,
    Amount,
    AmountByHand,
    Currency,
    ExpectedCloseOn,
    NextContactAt,
    LastFollowUpAt,
    LastFollowUpText,
    Notes,
    Custom,
    OwnerId,
    SearchText,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpportunityContacts {
    Table,
    OpportunityId,
    ContactId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageChanges {
    Table,
    Id,
    OpportunityId,
    FromStageId,
    ToStageId,
    FromOutcome,
    ToOutcome,
    Reason,
    Via,
    ChangedBy,
    ChangedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineItems {
    Table,
    Id,
    Kind,
    RecordId,
    ProductId,
    ListPrice,
    Price,
    Quantity,
    Discount,
    Subtotal,
    SortOrder,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberRules {
    Table,
    Kind,
    Prefix,
    DatePart,
    Reset,
    Width,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberSequences {
    Table,
    Kind,
    Period,
    Last,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalFlows {
    Table,
    Id,
    Kind,
    Name,
    Active,
    Definition,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approvals {
    Table,
    Id,
    FlowId,
    Kind,
    RecordId,
    Title,
    SubmitterId,
    Status,
    State,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
    Facts,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalWaits {
    Table,
    ApprovalId,
    UserId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalActions {
    Table,
    Id,
    ApprovalId,
    Step,
    Action,
    ActorId,
    TargetId,
    Comment,
    CreatedAt,
    FromId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contracts {
    Table,
    Id,
    Number,
    Name,
    CustomerId,
    OpportunityId,
    SignedOn,
    StartsOn,
    EndsOn,
    Amount,
    AmountByHand,
    Currency,
    Received,
    CustomerSignerId,
    CompanySignerId,
    PaymentMethodId,
    Status,
    ApprovedAt,
    Notes,
    Custom,
    OwnerId,
    SearchText,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentPlans {
    Table,
    Id,
    ContractId,
    Instalment,
    Amount,
    PlannedOn,
    MethodId,
    RemindDays,
    Received,
    Status,
    Notes,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payments {
    Table,
    Id,
    Number,
    ContractId,
    PlanId,
    ReceivedOn,
    MethodId,
    Amount,
    Currency,
    Status,
    ApprovedAt,
    Notes,
    OwnerId,
    SearchText,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
    ExceedingConfirmed,
    Custom,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jobs {
    Table,
    Id,
    Kind,
    UniqueKey,
    Payload,
    RunAt,
    Attempts,
    LeasedUntil,
    LeasedBy,
    DoneAt,
    LastError,
    CreatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targets {
    Table,
    Id,
    Year,
    Month,
    DepartmentId,
    UserId,
    Measure,
    Amount,
    Currency,
    UpdatedAt,
    Version,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedViews {
    Table,
    Id,
    UserId,
    Kind,
    Name,
    Query,
    CreatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    RecordKind,
    RecordId,
    Params,
    DedupeKey,
    CreatedAt,
    ReadAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKinds {
    Table,
    Id,
    Kind,
    Name,
    Fields,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requests {
    Table,
    Id,
    Kind,
    Title,
    Fields,
    Amount,
    Currency,
    Status,
    OwnerId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedReports {
    Table,
    Id,
    Name,
    Kind,
    Definition,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportShares {
    Table,
    ReportId,
    TargetKind,
    TargetId,
}

#[derive(Iden, Clone, Copy, Debug)]
pub enum ListColumns {
    Table,
    UserId,
    Kind,
    Columns,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy, Debug)]
pub enum FollowUpLinks {
    Table,
    FollowUpId,
    Kind,
    RecordId,
}

#[derive(Iden, Clone, Copy, Debug)]
pub enum Events {
    Table,
    Id,
    OwnerId,
    Title,
    StartsAt,
    EndsAt,
    AllDay,
    RelatedKind,
    RelatedId,
    FromFollowUpId,
    NextContact,
    Notes,
    Done,
    DoneAt,
    Version,
    CreatedAt,
    UpdatedAt,
    RemindMinutes,
    RemindAt,
    RemindedAt,
}

#[derive(Iden, Clone, Copy, Debug)]
pub enum EventParticipants {
    Table,
    EventId,
    UserId,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormTokens {
    Table,
    Token,
    UserId,
    Result,
    CreatedAt,
    BodyDigest,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomUniqueValues {
    Table,
    Kind,
    Field,
    RecordId,
    ValueKey,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomUniquePending {
    Table,
    Kind,
    Field,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanySettings {
    Table,
    Key,
    Value,
}

#[derive(Iden, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingUpgrades {
    Table,
    Name,
}
