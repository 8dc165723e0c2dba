import { useEffect } from 'react';
import { Link } from '@tanstack/react-router';
import { trpc } from '../trpc.js';
import { ProgressBar } from './ProgressBar.js';

export interface RecomputeEffect {
  accountsRescored: number;
  tierChanges: number;
}

/** What saving a range or the settings answered: its effect, or queued when a job re-scores a large organisation. */
export interface RecomputeSaved {
  effect: RecomputeEffect | null;
  queued: boolean;
}

/** Polling interval of a running recompute job's progress. */
const PROGRESS_POLL_MS = 1000;

const accounts = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'account' : 'accounts'}`;

/**
 * What saving a range or the settings is doing (re-scoring), then what it did to the
 * accounts. On a large organisation the change is saved at once and re-scored by a job:
 * the notice shows its progress (accounts done of all), first of every account's current
 * health, then of the older months, then its effect; the screens reload when the current
 * scores are done and again at the end, and show the previous scores until then.
 */
export function RecomputeNotice({ pending, saved }: { pending: boolean; saved: RecomputeSaved | null }) {
  if (pending) {
    return (
      <div className="notice" role="status">
        <ProgressBar label="Saving and re-scoring" percent={null} />
        Saving and re-scoring the stored health of your accounts…
      </div>
    );
  }
  if (!saved) return null;
  if (saved.queued) return <RecomputeProgress />;
  return saved.effect ? <EffectNotice effect={saved.effect} /> : null;
}

function EffectNotice({ effect }: { effect: RecomputeEffect }) {
  return (
    <p className="notice notice-success" role="status">
      Saved. {accounts(effect.accountsRescored)} rescored;{' '}
      {effect.tierChanges === 0 ? 'no account changed tier.' : <Link to="/accounts">{accounts(effect.tierChanges)} changed tier</Link>}
      {effect.tierChanges === 0 ? '' : '.'}
    </p>
  );
}

function RecomputeProgress() {
  const utils = trpc.useUtils();
  const status = trpc.recompute.status.useQuery(undefined, {
    refetchInterval: (query) => (query.state.data && query.state.data.current === null ? false : PROGRESS_POLL_MS),
  });
  const finished = status.data && status.data.current === null ? status.data.last : null;
  const current = status.data?.current ?? null;
  // The screens reload when every account's current health is done, and again at the end.
  const reloadAt = finished?.id ?? (current?.phase === 'history' ? `${current.id}:current` : null);
  useEffect(() => {
    if (reloadAt !== null) void utils.invalidate();
  }, [reloadAt, utils]);

  if (finished?.status === 'completed') return <EffectNotice effect={finished.effect} />;
  if (finished?.status === 'failed') {
    return (
      <p className="notice notice-danger" role="alert">
        Saved, but re-scoring stopped after {accounts(finished.accountsDone)}
        {finished.phase === 'history' ? ' of the older months (current scores are up to date)' : ''}: {finished.error} Save again to re-score the rest.
      </p>
    );
  }
  const running = current?.status === 'running';
  const percent = current && current.accountsTotal > 0 ? (100 * current.accountsDone) / current.accountsTotal : null;
  const progress = running ? ` (${current.accountsDone.toLocaleString('en')} of ${accounts(current.accountsTotal)})` : '';
  return (
    <div className="notice" role="status">
      <ProgressBar
        label={current?.phase === 'history' ? 'Re-scoring older months' : 'Re-scoring'}
        percent={running ? percent : null}
        {...(current ? { valueText: `${current.accountsDone.toLocaleString('en')} of ${current.accountsTotal.toLocaleString('en')} accounts` } : {})}
      />
      {current?.phase === 'history' ? (
        <>
          Saved. Current scores and tiers are up to date
          {current.effect.tierChanges === 0 ? '' : ` (${accounts(current.effect.tierChanges)} changed tier)`}; re-scoring the older months
          {progress}, whose trends show the previous scores until it is done.
        </>
      ) : (
        <>Saved. Re-scoring your accounts in the background{progress}; screens show the previous scores until it is done.</>
      )}
    </div>
  );
}
