import { useState, type FormEvent } from 'react';
import { accountStatuses } from '@pulse/api/vocabulary';
import { textLimits } from '@pulse/api/limits';
import { CORRECT_FIELDS, formErrors, type ErrorLike } from '../errors.js';
import { humanize } from '../format.js';
import type { RouterInputs, RouterOutputs } from '../trpc.js';
import { Field, FormError, SelectField, TextAreaField } from './Field.js';
import { formText } from '../form.js';

export type Account = RouterOutputs['accounts']['byId'];
export type AccountFields = Required<Omit<RouterInputs['accounts']['update'], 'id'>>;
export type AccountStatus = Account['status'];

const text = (form: FormData, name: string): string | null => {
  const value = formText(form, name).trim();
  return value === '' ? null : value;
};

/** The form's values as accounts.update fields: blank means cleared (null). */
function accountFieldsFrom(form: FormData): AccountFields {
  const revenue = text(form, 'revenue');
  return {
    name: formText(form, 'name').trim(),
    externalId: text(form, 'externalId'),
    industry: text(form, 'industry'),
    region: text(form, 'region'),
    status: (text(form, 'status') ?? 'active') as AccountStatus,
    tier: text(form, 'tier'),
    revenue: revenue === null ? null : Number(revenue.replace(/[,\s$]/g, '')),
    csmOwner: text(form, 'csmOwner'),
    renewalDate: text(form, 'renewalDate'),
    lifecycleStage: text(form, 'lifecycleStage'),
    champions: text(form, 'champions'),
  };
}

export interface AccountFormProps {
  /** Values to start from (editing); a new account otherwise. */
  account?: Account;
  submitLabel: string;
  pending: boolean;
  error: ErrorLike | null;
  onSubmit: (fields: AccountFields) => void;
  onCancel: () => void;
}

/** Every profile field of an account, for creating one and for editing it in place. */
export function AccountForm({ account, submitLabel, pending, error, onSubmit, onCancel }: AccountFormProps) {
  const [notANumber, setNotANumber] = useState(false);
  const server = formErrors(error);
  const message = notANumber ? CORRECT_FIELDS : server.message;
  const fieldErrors = notANumber ? { revenue: ['Enter an amount, e.g. 250000.'] } : server.fieldErrors;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = accountFieldsFrom(new FormData(event.currentTarget));
    setNotANumber(Number.isNaN(fields.revenue));
    if (!Number.isNaN(fields.revenue)) onSubmit(fields);
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError message={message} />
      <div className="form-grid">
        <Field label="Name" name="name" required maxLength={textLimits.name} defaultValue={account?.name} errors={fieldErrors.name} fieldClassName="span-2" />
        <SelectField label="Status" name="status" defaultValue={account?.status ?? 'active'} errors={fieldErrors.status}>
          {accountStatuses.map((status) => (
            <option key={status} value={status}>
              {humanize(status)}
            </option>
          ))}
        </SelectField>
        <Field
          label="External ID"
          name="externalId"
          maxLength={textLimits.externalId}
          defaultValue={account?.externalId ?? ''}
          errors={fieldErrors.externalId}
        />
        <Field label="Industry" name="industry" maxLength={textLimits.text} defaultValue={account?.industry ?? ''} errors={fieldErrors.industry} />
        <Field label="Region" name="region" maxLength={textLimits.text} defaultValue={account?.region ?? ''} errors={fieldErrors.region} />
        <Field
          label="Tier"
          name="tier"
          maxLength={textLimits.accountTier}
          hint="e.g. Enterprise, Mid-Market"
          defaultValue={account?.tier ?? ''}
          errors={fieldErrors.tier}
        />
        <Field label="Annual revenue (USD)" name="revenue" inputMode="decimal" defaultValue={account?.revenue ?? ''} errors={fieldErrors.revenue} />
        <Field label="CSM owner" name="csmOwner" maxLength={textLimits.text} defaultValue={account?.csmOwner ?? ''} errors={fieldErrors.csmOwner} />
        <Field label="Renewal date" name="renewalDate" type="date" defaultValue={account?.renewalDate ?? ''} errors={fieldErrors.renewalDate} />
        <Field
          label="Lifecycle stage"
          name="lifecycleStage"
          maxLength={textLimits.lifecycleStage}
          defaultValue={account?.lifecycleStage ?? ''}
          errors={fieldErrors.lifecycleStage}
        />
        <TextAreaField
          label="Champions"
          name="champions"
          maxLength={textLimits.champions}
          defaultValue={account?.champions ?? ''}
          errors={fieldErrors.champions}
          fieldClassName="span-3"
        />
      </div>
      <div className="form-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
