import { useState } from 'react';
import { Card } from '../components/Card.js';
import { FormError } from '../components/Field.js';
import { Page } from '../components/Page.js';
import { QueryView } from '../components/states.js';
import { formErrors } from '../errors.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Preferences = RouterOutputs['notifications']['preferences'];

const CHOICES: { key: keyof Preferences; label: string; hint: string }[] = [
  {
    key: 'criticalAlerts',
    label: 'When an account I own turns critical',
    hint: 'One email at once. Admins also get it for accounts without an owner.',
  },
  {
    key: 'dailyDigest',
    label: 'Daily digest',
    hint: 'Every morning: tier changes and new recommendations of my accounts, and my overdue tasks. Admins also get accounts without an owner and rejected uploads.',
  },
];

function EmailForm({ preferences }: { preferences: Preferences }) {
  const utils = trpc.useUtils();
  const [choices, setChoices] = useState(preferences);
  const update = trpc.notifications.updatePreferences.useMutation({
    onSuccess: (saved) => {
      setChoices(saved);
      utils.notifications.preferences.setData(undefined, saved);
    },
    onError: () => setChoices(preferences),
  });
  const { message } = formErrors(update.error);
  return (
    <form className="form" onSubmit={(event) => event.preventDefault()}>
      <FormError message={message} />
      {CHOICES.map((choice) => (
        <label key={choice.key} className="checkbox">
          <input
            type="checkbox"
            name={choice.key}
            checked={choices[choice.key]}
            onChange={(event) => {
              setChoices({ ...choices, [choice.key]: event.target.checked });
              update.mutate({ [choice.key]: event.target.checked });
            }}
          />
          <span>
            {choice.label}
            <span className="field-hint">{choice.hint}</span>
          </span>
        </label>
      ))}
      {update.isSuccess && (
        <p className="notice notice-success" role="status">
          Your email choices are saved.
        </p>
      )}
    </form>
  );
}

/** Any signed-in user chooses which emails Pulse sends them (reached from the user menu). */
export function EmailPage() {
  const preferences = trpc.notifications.preferences.useQuery();
  return (
    <Page title="Email alerts" description="Choose which emails Pulse sends you about the accounts you own.">
      <Card title="Your emails" className="narrow-card">
        <QueryView query={preferences} loadingLabel="Loading your email choices…" errorTitle="Your email choices could not be loaded">
          {(data) => <EmailForm preferences={data} />}
        </QueryView>
      </Card>
    </Page>
  );
}
