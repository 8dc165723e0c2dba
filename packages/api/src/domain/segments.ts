import { kpiKey, type HealthSettings } from '@pulse/scoring';
import { segments, type Db, type SegmentRow } from '@pulse/db';
import { MAX_SEGMENTS } from '../limits.js';
import { badRequest, conflict, invalid, isUniqueViolation, notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { catalogueCategories } from './ranges.js';
import { recomputeAccounts, type RecomputeOutcome } from './recompute-jobs.js';
import { loadScoringContext } from './scoring-context.js';

/**
 * Segments (issue #18): an admin's rule on account fields (tier, industry, region, lifecycle
 * stage, annual revenue band) with optional category weights and tier thresholds. An account
 * is scored with the first segment (lowest position) whose rule it matches, else with the
 * organisation's settings. Matching runs in SQL (repos/segments.ts, assignSegments) and is
 * stored on the account (accounts.segment_id); every change here places the accounts again
 * and recomputes those whose segment or segment settings changed.
 */

export interface SegmentRule {
  tiers?: string[];
  industries?: string[];
  regions?: string[];
  lifecycleStages?: string[];
  /** Annual revenue band: min inclusive, max exclusive. */
  revenue?: { min?: number | null; max?: number | null };
}

export interface Tiers {
  healthy: number;
  atRisk: number;
}

export type Segment = SegmentRow;

export interface SegmentInput {
  name: string;
  rule: SegmentRule;
  categoryWeights?: Record<string, number> | null | undefined;
  tiers?: Tiers | null | undefined;
  /** 1 is first; absent: after the others (create) or where it is (update). */
  position?: number | undefined;
}

export type SegmentChange = Partial<SegmentInput> & { id: string };

export const segmentNameKey = (name: string): string => name.trim().toLowerCase();

const textFields = ['tiers', 'industries', 'regions', 'lifecycleStages'] as const;

/** The rule as stored: values trimmed, blank and repeated (any case) values dropped, empty lists and bands left out. */
export function normaliseRule(rule: SegmentRule): SegmentRule {
  const out: SegmentRule = {};
  for (const field of textFields) {
    const seen = new Set<string>();
    const values = (rule[field] ?? []).map((v) => v.trim()).filter((v) => v !== '' && !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
    if (values.length > 0) out[field] = values;
  }
  const min = rule.revenue?.min ?? null;
  const max = rule.revenue?.max ?? null;
  if (min !== null || max !== null) out.revenue = { min, max };
  return out;
}

function ruleProblems(rule: SegmentRule): { field: string; message: string }[] {
  const { min, max } = rule.revenue ?? {};
  if (min != null && max != null && min >= max) {
    return [{ field: 'rule.revenue', message: `The revenue band's minimum (${min}) must be below its maximum (${max}).` }];
  }
  return [];
}

/**
 * Weights checked and spelled as the categories they name: every category one the organisation
 * knows (the catalogue's or one it weights), each weight 0 or more, and at least one above 0.
 */
function checkedWeights(weights: Record<string, number>, known: readonly string[]): Record<string, number> {
  const byKey = new Map(known.map((name) => [kpiKey(name), name]));
  const problems: { field: string; message: string }[] = [];
  const out: Record<string, number> = {};
  for (const [category, weight] of Object.entries(weights)) {
    const name = byKey.get(kpiKey(category));
    if (!name) problems.push({ field: `categoryWeights.${category}`, message: `"${category}" is not a category (known: ${known.join(', ')}).` });
    else if (name in out) problems.push({ field: `categoryWeights.${category}`, message: `The category "${name}" is given twice.` });
    else if (!Number.isFinite(weight) || weight < 0)
      problems.push({ field: `categoryWeights.${category}`, message: `The weight of ${name} (${weight}) must be a number of 0 or more.` });
    else out[name] = weight;
  }
  if (problems.length === 0 && !Object.values(out).some((w) => w > 0)) {
    problems.push({ field: 'categoryWeights', message: 'Give at least one category a weight above 0.' });
  }
  if (problems.length) throw invalid(problems);
  return out;
}

function tierProblems(tiers: Tiers): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [field, label] of [
    ['healthy', 'healthy'],
    ['atRisk', 'at-risk'],
  ] as const) {
    const value = tiers[field];
    if (!Number.isFinite(value) || value < 0 || value > 100)
      problems.push({ field: `tiers.${field}`, message: `The ${label} threshold (${value}) must be from 0 to 100.` });
  }
  if (problems.length === 0 && !(tiers.healthy > tiers.atRisk)) {
    problems.push({ field: 'tiers', message: `The healthy threshold (${tiers.healthy}) must be above the at-risk threshold (${tiers.atRisk}).` });
  }
  return problems;
}

/** The categories a segment may weigh: the catalogue's and those the organisation weights. */
function knownCategories(settings: HealthSettings): string[] {
  const names = [...catalogueCategories];
  for (const name of Object.keys(settings.categoryWeights)) if (!names.some((n) => kpiKey(n) === kpiKey(name))) names.push(name);
  return names;
}

/** Every category key weighted by the organisation or any segment: what a recombination may have to rename. */
function weightedKeys(settings: HealthSettings, rows: readonly { categoryWeights: Record<string, number> | null }[]): string[] {
  const keys = new Set([...catalogueCategories, ...Object.keys(settings.categoryWeights)].map(kpiKey));
  for (const row of rows) for (const name of Object.keys(row.categoryWeights ?? {})) keys.add(kpiKey(name));
  return [...keys];
}

/** The tenant's segments in matching order, each with how many accounts use it. */
export async function listSegments(db: Db, tenantId: string): Promise<{ items: Segment[] }> {
  return { items: await segments.listSegments(db, tenantId) };
}

/** Distinct values of the fields a rule names, in the tenant's accounts (for the rule editor). */
export async function segmentFieldValues(db: Db, tenantId: string): Promise<segments.SegmentFieldValues> {
  return segments.segmentFieldValues(db, tenantId);
}

async function getSegment(db: Db, tenantId: string, id: string): Promise<Segment> {
  const row = await segments.findSegment(db, tenantId, id);
  if (!row) throw notFound('Segment');
  return row;
}

function nameTaken(name: string) {
  return conflict(`A segment named "${name.trim()}" already exists; choose another name.`);
}

async function assertNameFree(db: Db, tenantId: string, name: string, exceptId: string | null): Promise<void> {
  if (await segments.findSegmentIdByNameKey(db, tenantId, segmentNameKey(name), exceptId)) throw nameTaken(name);
}

/** Ids in matching order with `id` moved to 1-based `position` (clamped to the list). */
function reordered(ids: readonly string[], id: string, position: number): string[] {
  const rest = ids.filter((other) => other !== id);
  const at = Math.min(Math.max(Math.trunc(position), 1), rest.length + 1) - 1;
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/**
 * Places every account again and recomputes those whose segment changed, with `alsoAffected`
 * (the accounts of a segment whose settings changed): inline, or by a job when large.
 */
async function placeAndRecompute(
  db: Db,
  actor: Actor,
  alsoAffected: readonly string[],
  previousKeys: readonly string[],
  jobThreshold: number | undefined,
): Promise<RecomputeOutcome> {
  const moves = await segments.assignSegments(db, actor.tenantId, null);
  const affected = [...new Set([...alsoAffected, ...moves.map((m) => m.accountId)])];
  return recomputeAccounts(db, actor, affected, previousKeys, jobThreshold);
}

function values(input: SegmentInput, settings: HealthSettings, position: number): segments.SegmentValues {
  const rule = normaliseRule(input.rule);
  const tiers = input.tiers ?? null;
  const problems = [...ruleProblems(rule), ...(tiers ? tierProblems(tiers) : [])];
  if (problems.length) throw invalid(problems);
  const weights = input.categoryWeights ? checkedWeights(input.categoryWeights, knownCategories(settings)) : null;
  return { name: input.name.trim(), position, rule, categoryWeights: weights, tiers };
}

/** Creates a segment (admins), places the accounts again and recomputes those it takes. */
export async function createSegment(
  db: Db,
  actor: Actor,
  input: SegmentInput,
  jobThreshold?: number,
): Promise<{ segment: Segment; recompute: RecomputeOutcome }> {
  const existing = await segments.listSegments(db, actor.tenantId);
  if (existing.length >= MAX_SEGMENTS) throw badRequest(`An organisation can have at most ${MAX_SEGMENTS} segments; delete one before creating another.`);
  const { settings } = await loadScoringContext(db, actor.tenantId);
  const next = values(input, settings, existing.length + 1);
  await assertNameFree(db, actor.tenantId, next.name, null);
  const id = await segments.insertSegment(db, actor.tenantId, next, segmentNameKey(next.name)).catch((error: unknown) => {
    throw isUniqueViolation(error) ? nameTaken(next.name) : error;
  });
  if (input.position !== undefined) {
    await segments.setSegmentPositions(db, actor.tenantId, reordered([...existing.map((s) => s.id), id], id, input.position));
  }
  await recordActivity(db, {
    ...actor,
    action: 'segment.create',
    resourceType: 'segment',
    resourceId: id,
    after: { ...next, position: input.position ?? next.position },
  });
  const recompute = await placeAndRecompute(db, actor, [], weightedKeys(settings, [...existing, next]), jobThreshold);
  return { segment: await getSegment(db, actor.tenantId, id), recompute };
}

/** Changes a segment (admins); its accounts are recomputed when its settings change, and every account that changes segment. */
export async function updateSegment(
  db: Db,
  actor: Actor,
  change: SegmentChange,
  jobThreshold?: number,
): Promise<{ segment: Segment; recompute: RecomputeOutcome }> {
  const before = await getSegment(db, actor.tenantId, change.id);
  const existing = await segments.listSegments(db, actor.tenantId);
  const { settings } = await loadScoringContext(db, actor.tenantId);
  const next = values(
    {
      name: change.name ?? before.name,
      rule: change.rule ?? before.rule,
      categoryWeights: change.categoryWeights === undefined ? before.categoryWeights : change.categoryWeights,
      tiers: change.tiers === undefined ? before.tiers : change.tiers,
    },
    settings,
    before.position,
  );
  await assertNameFree(db, actor.tenantId, next.name, before.id);
  await segments.updateSegment(db, actor.tenantId, before.id, next, segmentNameKey(next.name)).catch((error: unknown) => {
    throw isUniqueViolation(error) ? nameTaken(next.name) : error;
  });
  if (change.position !== undefined) {
    await segments.setSegmentPositions(
      db,
      actor.tenantId,
      reordered(
        existing.map((s) => s.id),
        before.id,
        change.position,
      ),
    );
  }
  const previous = { name: before.name, position: before.position, rule: before.rule, categoryWeights: before.categoryWeights, tiers: before.tiers };
  await recordActivity(db, { ...actor, action: 'segment.update', resourceType: 'segment', resourceId: before.id, before: previous, after: change });
  const settingsChanged =
    JSON.stringify(next.categoryWeights) !== JSON.stringify(before.categoryWeights) || JSON.stringify(next.tiers) !== JSON.stringify(before.tiers);
  const members = settingsChanged ? await segments.accountIdsInSegment(db, actor.tenantId, before.id) : [];
  const recompute = await placeAndRecompute(db, actor, members, weightedKeys(settings, [...existing, next]), jobThreshold);
  return { segment: await getSegment(db, actor.tenantId, before.id), recompute };
}

/** Deletes a segment (admins); its accounts move to the next segment they match (or the organisation's settings) and are recomputed. */
export async function deleteSegment(db: Db, actor: Actor, id: string, jobThreshold?: number): Promise<{ recompute: RecomputeOutcome }> {
  const before = await getSegment(db, actor.tenantId, id);
  const existing = await segments.listSegments(db, actor.tenantId);
  const { settings } = await loadScoringContext(db, actor.tenantId);
  const members = await segments.accountIdsInSegment(db, actor.tenantId, id);
  await segments.deleteSegment(db, actor.tenantId, id);
  await segments.setSegmentPositions(
    db,
    actor.tenantId,
    existing.filter((s) => s.id !== id).map((s) => s.id),
  );
  await recordActivity(db, { ...actor, action: 'segment.delete', resourceType: 'segment', resourceId: id, before: { name: before.name, rule: before.rule } });
  return { recompute: await placeAndRecompute(db, actor, members, weightedKeys(settings, existing), jobThreshold) };
}

/**
 * After profile fields of these accounts changed (an edit or a profile import): places them
 * again and recomputes the stored health of those that changed segment.
 */
export async function placeAccounts(db: Db, actor: Actor, accountIds: readonly string[], jobThreshold?: number): Promise<RecomputeOutcome> {
  const moves = await segments.assignSegments(db, actor.tenantId, accountIds);
  if (moves.length === 0) return { effect: { accountsRescored: 0, tierChanges: 0 }, queued: false };
  const { settings, segments: bySegment } = await loadScoringContext(db, actor.tenantId);
  const keys = weightedKeys(
    settings,
    [...bySegment.values()].map((s) => ({ categoryWeights: s.settings.categoryWeights })),
  );
  return recomputeAccounts(
    db,
    actor,
    moves.map((m) => m.accountId),
    keys,
    jobThreshold,
  );
}
