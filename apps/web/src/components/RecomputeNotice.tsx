import { Link } from '../router.js';
import { ProgressBar } from './ProgressBar.js';

export interface RecomputeEffect {
  accountsRescored: number;
  tierChanges: number;
}

const accounts = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'account' : 'accounts'}`;

/** What saving a range or the settings is doing (re-scoring), then what it did to the accounts. */
export function RecomputeNotice({ pending, effect }: { pending: boolean; effect: RecomputeEffect | null }) {
  if (pending) {
    return (
      <div className="notice" role="status">
        <ProgressBar label="Saving and re-scoring" percent={null} />
        Saving and re-scoring the stored health of your accounts…
      </div>
    );
  }
  if (!effect) return null;
  return (
    <p className="notice notice-success" role="status">
      Saved. {accounts(effect.accountsRescored)} rescored;{' '}
      {effect.tierChanges === 0 ? 'no account changed tier.' : <Link to="/accounts">{accounts(effect.tierChanges)} changed tier</Link>}
      {effect.tierChanges === 0 ? '' : '.'}
    </p>
  );
}
