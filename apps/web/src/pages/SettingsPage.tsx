import { useState, type FormEvent } from 'react';
import { BandBar } from '../components/BandBar.js';
import { Card } from '../components/Card.js';
import { Field, FormError, FormErrors } from '../components/Field.js';
import { Page } from '../components/Page.js';
import { QueryView } from '../components/states.js';
import { CORRECT_FIELDS, formErrors } from '../errors.js';
import { formatPercent } from '../format.js';
import { Link } from '@tanstack/react-router';
import { RecomputeNotice, type RecomputeSaved } from '../components/RecomputeNotice.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Settings = RouterOutputs['ranges']['settings'];

const asNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

function SettingsForm({ settings }: { settings: Settings }) {
  const utils = trpc.useUtils();
  const [weights, setWeights] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(settings.categoryWeights).map(([category, weight]) => [category, String(weight)])),
  );
  const [healthy, setHealthy] = useState(String(settings.tiers.healthy));
  const [atRisk, setAtRisk] = useState(String(settings.tiers.atRisk));
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const [saved, setSaved] = useState<RecomputeSaved | null>(null);
  const update = trpc.ranges.updateSettings.useMutation({
    onSuccess: async (result) => {
      setSaved(result);
      await utils.invalidate();
    },
  });
  const server = formErrors(update.error);
  const fieldErrors = { ...server.fieldErrors, ...localErrors };
  const general = fieldErrors.categoryWeights ?? [];
  const message = Object.keys(localErrors).length ? CORRECT_FIELDS : server.message;

  const numbers = Object.fromEntries(Object.entries(weights).map(([category, text]) => [category, asNumber(text)]));
  const total = Object.values(numbers).reduce((sum, weight) => sum + (Number.isFinite(weight) && weight > 0 ? weight : 0), 0);
  const tiers = { healthy: asNumber(healthy), atRisk: asNumber(atRisk) };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const errors: Record<string, string[]> = {};
    for (const [category, weight] of Object.entries(numbers)) if (!Number.isFinite(weight)) errors[`categoryWeights.${category}`] = ['Enter a number.'];
    if (!Number.isFinite(tiers.healthy)) errors['tiers.healthy'] = ['Enter a number.'];
    if (!Number.isFinite(tiers.atRisk)) errors['tiers.atRisk'] = ['Enter a number.'];
    setLocalErrors(errors);
    if (Object.keys(errors).length === 0) update.mutate({ categoryWeights: numbers, tiers });
  };

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <FormError message={message} />
      <FormErrors messages={general} alert />
      <RecomputeNotice pending={update.isPending} saved={saved} />
      <div className="settings-grid">
        <Card title="Category weights" description="How much each category counts in the overall score. Categories without a score share out their weight.">
          <div className="weights">
            {Object.keys(weights).map((category) => (
              <div key={category} className="weight-row">
                <Field
                  label={category}
                  name={`weight-${category}`}
                  inputMode="decimal"
                  value={weights[category]}
                  onChange={(event) => setWeights((current) => ({ ...current, [category]: event.target.value }))}
                  errors={fieldErrors[`categoryWeights.${category}`]}
                />
                <span className="weight-share" aria-label={`Share of ${category}`}>
                  {total > 0 && Number.isFinite(numbers[category]) ? formatPercent((numbers[category] ?? 0) / total) : '—'}
                </span>
              </div>
            ))}
          </div>
        </Card>
        <Card title="Tier thresholds" description="The lowest overall score of each tier, from 0 to 100.">
          <div className="form">
            <Field
              label="Healthy from"
              name="healthy"
              inputMode="decimal"
              value={healthy}
              onChange={(event) => setHealthy(event.target.value)}
              errors={fieldErrors['tiers.healthy']}
            />
            <Field
              label="At risk from"
              name="atRisk"
              inputMode="decimal"
              value={atRisk}
              onChange={(event) => setAtRisk(event.target.value)}
              errors={fieldErrors['tiers.atRisk']}
              hint="Below this, an account is critical."
            />
            {Number.isFinite(tiers.healthy) && Number.isFinite(tiers.atRisk) && (
              <div className="tier-preview">
                <BandBar range={{ higherIsBetter: true, scaleMin: 0, riskThreshold: tiers.atRisk, healthyThreshold: tiers.healthy, scaleMax: 100 }} />
                <span className="cell-muted">0 – 100</span>
              </div>
            )}
          </div>
        </Card>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving and rescoring…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

export function SettingsPage() {
  const settings = trpc.ranges.settings.useQuery();
  return (
    <Page title="Settings" description="How health is scored for the whole organisation, and its data.">
      <QueryView query={settings} loadingLabel="Loading settings…" errorTitle="Settings could not be loaded">
        {(data) => <SettingsForm settings={data} />}
      </QueryView>
      <div className="settings-grid">
        <Card
          title="Export data"
          description="The organisation’s accounts, readings, uploads, settings, playbook runs, users and activity log, as CSV files in one zip."
        >
          <a className="button button-secondary" href="/api/export" download>
            Download export (.zip)
          </a>
        </Card>
        <Card title="Your password" description="Change the password you sign in with.">
          <Link to="/settings/password" className="button button-secondary">
            Change password
          </Link>
        </Card>
      </div>
    </Page>
  );
}
