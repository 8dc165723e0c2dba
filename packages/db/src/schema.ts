import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CategoryHealth, Impact, ReadingStatus as ScoredReadingStatus, Tier } from '@pulse/scoring';
import type { AccountStatus, RenewalOutcome } from './vocabulary.js';
import type { AccountListFilters } from './repos/accounts.js';

/**
 * Hand-written Kysely types for the schema that migrations/ creates.
 * test/schema.test.ts migrates a fresh database and checks every table, column, type and
 * nullability here against information_schema (read from these types by the TypeScript checker).
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** DATE columns are read as 'YYYY-MM-DD' strings on both drivers (see connection.ts). */
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>;
type Json<T> = ColumnType<T, string, string>;

export type UserRole = 'admin' | 'member';
export { accountStatuses, renewalOutcomes, type AccountStatus, type RenewalOutcome } from './vocabulary.js';
export type HealthTier = Tier;
export type ReadingStatus = ScoredReadingStatus;
export type ImpactLevel = Impact;
export type ExecutionStatus = 'active' | 'paused' | 'completed' | 'cancelled';
export type StepStatus = 'pending' | 'done' | 'skipped';
export type TaskStatus = 'open' | 'done' | 'cancelled';
export type TaskPriority = 'low' | 'normal' | 'high';
export type TaskSource = 'manual' | 'playbook_step' | 'trigger';

/** A stored category score: exactly what the scoring package's roll-up produces. */
export type CategoryScore = CategoryHealth;

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  created_at: Generated<Date>;
}

export interface UsersTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  name: string;
  role: UserRole;
  active: Generated<boolean>;
  password_hash: string;
  last_login_at: TimestampNullable;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  sid: string;
  tenant_id: string;
  user_id: string;
  data: Json<Record<string, unknown>>;
  remember_me: boolean;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  blocked_until: TimestampNullable;
}

export interface TenantSettingsTable {
  tenant_id: string;
  category_weights: Json<Record<string, number>>;
  tier_healthy: number;
  tier_at_risk: number;
  updated_at: Generated<Date>;
}

export interface AccountsTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  name_key: string;
  external_id: string | null;
  industry: string | null;
  region: string | null;
  status: Generated<AccountStatus>;
  tier: string | null;
  revenue: number | null;
  /** The imported free-text owner; owner_user_id is the user it was matched to (or assigned). */
  csm_owner: string | null;
  owner_user_id: string | null;
  renewal_date: DateOnly;
  lifecycle_stage: string | null;
  champions: string | null;
  archived_at: TimestampNullable;
  health_overall: number | null;
  health_tier: Generated<HealthTier>;
  health_period: string | null;
  /** Account-level health of the period before health_period (null when there is none). */
  health_previous_overall: number | null;
  health_previous_period: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** The segment whose settings score the account now (the first whose rule it matches); null: the organisation's. */
  segment_id: string | null;
}

export interface ProductsTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  name: string;
  name_key: string;
  created_at: Generated<Date>;
}

export interface KpiUploadsTable {
  tenant_id: string;
  id: Generated<string>;
  uploaded_by: string;
  filename: string;
  format: 'csv' | 'xlsx';
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Uint8Array;
  period: string | null;
  account_name: string | null;
  status: 'accepted' | 'rejected';
  report: Json<unknown>;
  created_at: Generated<Date>;
}

/** The bytes of a streamed upload, in order of position (its kpi_uploads.content is empty). */
export interface KpiUploadPartsTable {
  tenant_id: string;
  upload_id: string;
  position: number;
  content: Uint8Array;
}

export interface KpiUploadVersionsTable {
  tenant_id: string;
  id: Generated<string>;
  upload_id: string;
  account_id: string;
  period: string;
  version: number;
  reading_count: number;
  created_at: Generated<Date>;
}

export interface KpiReadingsTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  product_id: string | null;
  /** The upload that brought the reading; null for a manager's sentiment (sentiment_id). */
  upload_id: string | null;
  /** The sentiment entry this reading is the current value of; null for uploaded readings. */
  sentiment_id: string | null;
  period: string;
  category: string;
  kpi_name: string;
  kpi_key: string;
  /** The value as parsed: text as written, or a numeric cell's exact number in its format's unit. */
  raw: string;
  /** What the spreadsheet showed for a numeric cell when that reads as another number than raw; else null. */
  displayed: string | null;
  value: number | null;
  unit: string | null;
  status: ReadingStatus;
  score: number | null;
  impact: ImpactLevel;
  weight: number | null;
  source: string | null;
  frequency: string | null;
  warning: string | null;
}

export interface AccountHealthTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  product_id: string | null;
  period: string;
  overall: number | null;
  tier: HealthTier;
  coverage: number | null;
  scored_count: number;
  reading_count: number;
  categories: Json<CategoryScore[]>;
  computed_at: Generated<Date>;
  /** The segment whose weights and tiers produced this health; null: the organisation's. */
  segment_id: string | null;
}

export interface ReferenceRangesTable {
  tenant_id: string;
  id: Generated<string>;
  kpi_key: string;
  kpi_name: string;
  category: string;
  unit: string;
  higher_is_better: boolean;
  scale_min: number;
  risk_threshold: number;
  healthy_threshold: number;
  scale_max: number;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export type TriggerComparison = 'below' | 'above';

/** A trigger's thresholds per kind, as the api package's triggerParamSchemas validate them. */
export interface TriggerParamsByKind {
  health_tier: { tiers: HealthTier[] };
  health_score: { comparison: TriggerComparison; value: number };
  health_drop: { points: number };
  kpi_threshold: { kpi: string; comparison: TriggerComparison; value: number };
  renewal_within: { days: number };
}
export type TriggerKind = keyof TriggerParamsByKind;
export type TriggerParams<K extends TriggerKind = TriggerKind> = TriggerParamsByKind[K];
/** A trigger's kind with its thresholds. */
export type TriggerRule = { [K in TriggerKind]: { kind: K; params: TriggerParams<K> } }[TriggerKind];

/** One crossed threshold of a recommendation: what was observed, the threshold, and by how much it was crossed. */
export interface RecommendationReason {
  triggerId: string;
  kind: TriggerKind;
  trigger: string;
  message: string;
  observed: number | string | null;
  threshold: number | string;
  /** How far past the threshold, in the unit of the measure (points, KPI unit, days). */
  margin: number;
  unit: string | null;
  /** 10 for firing plus up to 90 for how far past the threshold, relative to the measure's scale. */
  severity: number;
}

export interface PlaybookTriggersTable {
  tenant_id: string;
  id: Generated<string>;
  playbook_key: string;
  kind: TriggerKind;
  params: Json<TriggerParams>;
  enabled: Generated<boolean>;
  /** When the trigger fires for an account, a task is created for the account's owner. */
  create_task: Generated<boolean>;
  last_fired_at: TimestampNullable;
  updated_at: Generated<Date>;
}

export interface PlaybookRecommendationsTable {
  tenant_id: string;
  id: Generated<string>;
  trigger_id: string;
  playbook_key: string;
  account_id: string;
  urgency: number;
  reasons: Json<RecommendationReason[]>;
  fired_at: Generated<Date>;
  /** Set when a later evaluation replaced it; null for current recommendations. */
  superseded_at: TimestampNullable;
}

export interface PlaybookExecutionsTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  playbook_key: string;
  status: ExecutionStatus;
  recommendation_id: string | null;
  started_by: string;
  started_at: Generated<Date>;
  ended_at: TimestampNullable;
  health_at_start: number | null;
  /** The reason given when cancelled, or the summary given when completed. */
  closing_note: string | null;
}

export interface PlaybookExecutionStepsTable {
  tenant_id: string;
  id: Generated<string>;
  execution_id: string;
  position: number;
  title: string;
  status: StepStatus;
  note: string | null;
  outcome: string | null;
  completed_by: string | null;
  completed_at: TimestampNullable;
}

export interface TasksTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  title: string;
  assignee_id: string | null;
  due_date: ColumnType<string, string, string>;
  priority: Generated<TaskPriority>;
  status: Generated<TaskStatus>;
  source: TaskSource;
  execution_step_id: string | null;
  trigger_id: string | null;
  completion_note: string | null;
  completed_by: string | null;
  completed_at: TimestampNullable;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RenewalOutcomesTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  outcome: RenewalOutcome;
  /** The renewal date this outcome closed. */
  renewal_date: DateOnly;
  amount: number | null;
  previous_revenue: number | null;
  reason: string | null;
  next_renewal_date: DateOnly;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface ActivityLogTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  before: Json<Record<string, unknown>> | null;
  after: Json<Record<string, unknown>> | null;
  ip: string | null;
  created_at: Generated<Date>;
  seq: Generated<number>;
  /** The API token that acted; null when a person acted through a session. */
  api_token_id: string | null;
}

export type TokenScope = 'read' | 'read-write';

export interface ApiTokensTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  scope: TokenScope;
  /** Keyed hash (HMAC-SHA256) of the secret; the secret itself is never stored. */
  token_hash: string;
  /** The first characters of the secret, so people can tell their tokens apart. */
  hint: string;
  created_by: string;
  created_at: Generated<Date>;
  expires_at: TimestampNullable;
  last_used_at: TimestampNullable;
  revoked_at: TimestampNullable;
  window_started_at: TimestampNullable;
  window_count: Generated<number>;
}

/** One run (attempt) of a scheduled job; not tenant data. */
export interface JobRunsTable {
  id: Generated<string>;
  job: string;
  /** pg-boss's job id: its retries share it, each with the next attempt number. */
  job_id: string;
  attempt: number;
  status: 'running' | 'completed' | 'failed';
  started_at: Timestamp;
  finished_at: TimestampNullable;
  duration_ms: number | null;
  error: string | null;
}

export type WebhookEvent = 'account.tier_changed' | 'recommendation.fired' | 'task.overdue' | 'upload.rejected';
export const webhookEvents: WebhookEvent[] = ['account.tier_changed', 'recommendation.fired', 'task.overdue', 'upload.rejected'];

export interface WebhooksTable {
  tenant_id: string;
  id: Generated<string>;
  url: string;
  events: WebhookEvent[];
  format: 'json' | 'slack';
  /** The HMAC signing secret: kept to sign every delivery, shown to the admin only at creation. */
  secret: string;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** What a delivery sends (with its id added; a Slack delivery sends the summary only). */
export type WebhookPayload = { event: WebhookEvent; occurredAt: string; summary: string; data: Record<string, unknown> };

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: Generated<string>;
  webhook_id: string;
  event: WebhookEvent;
  dedupe_key: string | null;
  payload: Json<WebhookPayload>;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  response_code: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  last_attempt_at: TimestampNullable;
  delivered_at: TimestampNullable;
}

export interface NotificationEventsTable {
  tenant_id: string;
  id: Generated<string>;
  event: WebhookEvent;
  summary: string;
  data: Json<Record<string, unknown>>;
  /** The account the event is about (its owner hears of it); null for an upload. */
  account_id: string | null;
  /** One event per fact detected repeatedly (an overdue task's id). */
  dedupe_key: string | null;
  created_at: Generated<Date>;
}

export interface EmailPreferencesTable {
  tenant_id: string;
  user_id: string;
  daily_digest: Generated<boolean>;
  critical_alerts: Generated<boolean>;
  updated_at: Generated<Date>;
}

export type NoteKind = 'call' | 'meeting' | 'email' | 'note';
export const noteKinds: NoteKind[] = ['call', 'meeting', 'email', 'note'];

export interface NotesTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  author_id: string;
  kind: NoteKind;
  occurred_at: Timestamp;
  participants: ColumnType<string[], string[] | undefined, string[]>;
  /** Markdown, rendered safely by the web app. */
  body: string;
  /** Generated: notes_document(body, participants), the full-text search vector. */
  search: ColumnType<string, never, never>;
  created_at: Generated<Date>;
}

export interface SentimentEntriesTable {
  tenant_id: string;
  id: Generated<string>;
  account_id: string;
  period: string;
  /** 1 (red) to 5 (green). */
  value: number;
  /** The period's value before this entry; null when it had none. */
  previous_value: number | null;
  comment: string;
  set_by: string;
  set_at: Generated<Date>;
}

export const accountColumns = ['health', 'status', 'tier', 'owner', 'revenue', 'renewal', 'industry', 'region', 'lifecycleStage'] as const;
export type AccountColumn = (typeof accountColumns)[number];

/** The accounts list as a saved view holds it; owner 'me' is resolved when the view is used. */
export interface ViewState extends Omit<AccountListFilters, 'ownerUserId'> {
  owner?: string | null | undefined;
  columns: AccountColumn[];
}

export interface SavedViewsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  name: string;
  /** Lowercased, trimmed name: unique per user. */
  name_key: string;
  /** Seen by everyone in the organisation; only its owner changes it. */
  shared: Generated<boolean>;
  /** Filters, sort and visible columns of the accounts list, as the API validated them. */
  state: Json<ViewState>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type EmailKind = 'critical_alert' | 'daily_digest';

/** The outbox of emails: each is sent at most once (status), by a job of the email.send queue. */
export interface EmailMessagesTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  kind: EmailKind;
  /** The account's event for a critical alert, the day for a digest: one email per user, kind and key. */
  dedupe_key: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: TimestampNullable;
}

export type RecomputeRunStatus = 'queued' | 'running' | 'completed' | 'failed';
/** A running recompute's phase: every account's current health (newest two periods) first, then its whole history. */
export type RecomputePhase = 'current' | 'history';

/** A recompute that runs as a job (migrations/2026-12-01T1000_recompute_runs.ts): what it does and how far it got. */
export interface RecomputeRunsTable {
  tenant_id: string;
  id: Generated<string>;
  status: Generated<RecomputeRunStatus>;
  /** Keys of the KPIs whose readings are re-scored with their current ranges. */
  kpi_keys: Generated<string[]>;
  /** Whether every health is recombined under the current settings (a weight or tier change). */
  recombine: Generated<boolean>;
  /** Category keys weighted before the settings change (their names come from readings again when they leave the weights). */
  previous_category_keys: Generated<string[]>;
  accounts_total: Generated<number>;
  accounts_done: Generated<number>;
  /** The phase running (migrations/2026-12-02T0500_recompute_phases.ts). */
  phase: Generated<RecomputePhase>;
  /** The last account of the phase's last committed batch (accounts are worked in id order); a retry goes on after it. */
  last_account_id: string | null;
  accounts_rescored: Generated<number>;
  tier_changes: Generated<number>;
  attempts: Generated<number>;
  error: string | null;
  requested_by: string | null;
  requested_at: Generated<Date>;
  started_at: TimestampNullable;
  /** When every account's current health had been recomputed (the first phase ended). */
  current_done_at: TimestampNullable;
  finished_at: TimestampNullable;
}

/** A segment's rule on account fields, stored as the api package normalises it. */
export interface SegmentRuleJson {
  tiers?: string[];
  industries?: string[];
  regions?: string[];
  lifecycleStages?: string[];
  revenue?: { min?: number | null; max?: number | null };
}

export interface SegmentsTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  name_key: string;
  position: number;
  rule: Json<SegmentRuleJson>;
  category_weights: ColumnType<Record<string, number> | null, string | null, string | null>;
  tier_healthy: number | null;
  tier_at_risk: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  tenant_settings: TenantSettingsTable;
  accounts: AccountsTable;
  products: ProductsTable;
  kpi_uploads: KpiUploadsTable;
  kpi_upload_parts: KpiUploadPartsTable;
  kpi_upload_versions: KpiUploadVersionsTable;
  kpi_readings: KpiReadingsTable;
  account_health: AccountHealthTable;
  reference_ranges: ReferenceRangesTable;
  playbook_triggers: PlaybookTriggersTable;
  playbook_recommendations: PlaybookRecommendationsTable;
  playbook_executions: PlaybookExecutionsTable;
  playbook_execution_steps: PlaybookExecutionStepsTable;
  tasks: TasksTable;
  renewal_outcomes: RenewalOutcomesTable;
  activity_log: ActivityLogTable;
  api_tokens: ApiTokensTable;
  job_runs: JobRunsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notification_events: NotificationEventsTable;
  email_preferences: EmailPreferencesTable;
  notes: NotesTable;
  sentiment_entries: SentimentEntriesTable;
  saved_views: SavedViewsTable;
  email_messages: EmailMessagesTable;
  recompute_runs: RecomputeRunsTable;
  segments: SegmentsTable;
}

export type TableName = keyof Database;
export type Row<T extends TableName> = Selectable<Database[T]>;
export type NewRow<T extends TableName> = Insertable<Database[T]>;
export type RowUpdate<T extends TableName> = Updateable<Database[T]>;
