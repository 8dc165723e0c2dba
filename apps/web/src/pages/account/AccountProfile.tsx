import { useState, type ReactNode } from 'react';
import { AccountForm, type Account } from '../../components/AccountForm.js';
import { Card } from '../../components/Card.js';
import { Dialog } from '../../components/Dialog.js';
import { RenewalDate } from '../../components/RenewalDate.js';
import { errorMessage } from '../../errors.js';
import { DASH, formatMoney, humanize } from '../../format.js';
import { trpc } from '../../trpc.js';

function ProfileFacts({ account }: { account: Account }) {
  const facts: [string, ReactNode][] = [
    ['Status', humanize(account.status)],
    ['External ID', account.externalId ?? DASH],
    ['Industry', account.industry ?? DASH],
    ['Region', account.region ?? DASH],
    ['Tier', account.tier ?? DASH],
    ['Annual revenue', formatMoney(account.revenue)],
    ['CSM owner', account.csmOwner ?? DASH],
    ['Renewal date', <RenewalDate key="renewal" date={account.renewalDate} />],
    ['Lifecycle stage', account.lifecycleStage ?? DASH],
  ];
  return (
    <dl className="facts">
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      <div className="facts-wide">
        <dt>Champions</dt>
        <dd>{account.champions ?? DASH}</dd>
      </div>
    </dl>
  );
}

function ArchiveButton({ account }: { account: Account }) {
  const [confirming, setConfirming] = useState(false);
  const utils = trpc.useUtils();
  const archive = trpc.accounts.archive.useMutation({
    onSuccess: async (updated) => {
      utils.accounts.byId.setData({ id: updated.id }, updated);
      setConfirming(false);
      await Promise.all([utils.accounts.list.invalidate(), utils.health.summary.invalidate(), utils.playbooks.recommendations.invalidate()]);
    },
  });
  if (account.archivedAt) {
    return (
      <button
        type="button"
        className="button button-secondary"
        disabled={archive.isPending}
        onClick={() => archive.mutate({ id: account.id, archived: false })}
      >
        {archive.isPending ? 'Restoring…' : 'Restore'}
      </button>
    );
  }
  return (
    <>
      <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
        Archive
      </button>
      <Dialog open={confirming} title={`Archive ${account.name}?`} onClose={() => setConfirming(false)}>
        <p>Archived accounts leave the lists, the dashboard and playbook recommendations. Their history is kept and you can restore them at any time.</p>
        {archive.error && (
          <p className="form-error" role="alert">
            {errorMessage(archive.error)}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={archive.isPending}
            onClick={() => archive.mutate({ id: account.id, archived: true })}
          >
            {archive.isPending ? 'Archiving…' : 'Archive account'}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** The account's profile, edited in place. */
export function AccountProfile({ account }: { account: Account }) {
  const [editing, setEditing] = useState(false);
  const utils = trpc.useUtils();
  const update = trpc.accounts.update.useMutation({
    onSuccess: async (updated) => {
      utils.accounts.byId.setData({ id: updated.id }, updated);
      setEditing(false);
      await utils.accounts.list.invalidate();
    },
  });
  const cancel = () => {
    update.reset();
    setEditing(false);
  };
  return (
    <Card
      title="Profile"
      actions={
        !editing && (
          <>
            <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
              Edit profile
            </button>
            <ArchiveButton account={account} />
          </>
        )
      }
    >
      {editing ? (
        <AccountForm
          account={account}
          submitLabel="Save profile"
          pending={update.isPending}
          error={update.error}
          onCancel={cancel}
          onSubmit={(fields) => update.mutate({ id: account.id, ...fields })}
        />
      ) : (
        <ProfileFacts account={account} />
      )}
    </Card>
  );
}
