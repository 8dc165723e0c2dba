import { errorMessage } from '../errors.js';
import { sentence } from '../format.js';
import { Link, useNavigate } from '@tanstack/react-router';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc.js';
import { HealthBadge } from './HealthBadge.js';
import { RenewalDate } from './RenewalDate.js';

export type Recommendation = RouterOutputs['playbooks']['recommendations']['items'][number];
export type PlaybookKey = RouterInputs['playbooks']['start']['playbookKey'];

/** Starts a playbook run (for a recommendation or not) and opens it. */
export function useStartPlaybook() {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  return trpc.playbooks.start.useMutation({
    onSuccess: async (execution) => {
      await utils.playbooks.invalidate();
      await navigate({ to: '/playbooks/$executionId', params: { executionId: execution.id } });
    },
  });
}

function RecommendationItem({ recommendation, showAccount, compact }: { recommendation: Recommendation; showAccount: boolean; compact: boolean }) {
  const start = useStartPlaybook();
  const [first, ...others] = recommendation.reasons;
  return (
    <li className="recommendation">
      <div className="recommendation-main">
        <p className="recommendation-title">
          <strong>{recommendation.playbookName}</strong>
          {showAccount && (
            <>
              {' for '}
              <Link to="/accounts/$accountId" params={{ accountId: recommendation.account.id }}>
                {recommendation.account.name}
              </Link>
            </>
          )}
        </p>
        {compact ? (
          <p className="reason-line">
            {first?.message}
            {others.length > 0 && ` (+${others.length} more)`}
          </p>
        ) : (
          <ul className="reason-list" aria-label="Why">
            {recommendation.reasons.map((reason) => (
              <li key={reason.triggerId}>{reason.message}</li>
            ))}
          </ul>
        )}
        {!compact && (
          <p className="recommendation-meta">
            <HealthBadge score={recommendation.account.healthOverall} tier={recommendation.account.healthTier} />
            {recommendation.account.renewalDate && <RenewalDate date={recommendation.account.renewalDate} prefix="Renews " />}
            {recommendation.urgencyReasons.length > 0 && <span>Why now: {sentence(recommendation.urgencyReasons)}</span>}
          </p>
        )}
        {start.error && (
          <p className="form-error" role="alert">
            {errorMessage(start.error)}
          </p>
        )}
      </div>
      <button
        type="button"
        className="button button-secondary"
        disabled={start.isPending}
        onClick={() =>
          start.mutate({ accountId: recommendation.account.id, playbookKey: recommendation.playbookKey as PlaybookKey, recommendationId: recommendation.id })
        }
      >
        {start.isPending ? 'Starting…' : 'Start'}
        <span className="visually-hidden">
          {' '}
          {recommendation.playbookName} for {recommendation.account.name}
        </span>
      </button>
    </li>
  );
}

export interface RecommendationListProps {
  recommendations: Recommendation[];
  /** Name the account (lists across accounts). */
  showAccount?: boolean;
  /** Only the most important reason, no badges (the dashboard). */
  compact?: boolean;
}

/** Recommended playbooks with the reasons they fired, each with a Start button. */
export function RecommendationList({ recommendations, showAccount = true, compact = false }: RecommendationListProps) {
  return (
    <ul className="recommendations">
      {recommendations.map((recommendation) => (
        <RecommendationItem key={recommendation.id} recommendation={recommendation} showAccount={showAccount} compact={compact} />
      ))}
    </ul>
  );
}
