import { useState, type FormEvent } from 'react';
import { MAX_PASSWORD_BYTES, PASSWORD_RULE, textLimits } from '@pulse/api/limits';
import { Card } from '../components/Card.js';
import { Field, FormError } from '../components/Field.js';
import { Page } from '../components/Page.js';
import { CORRECT_FIELDS, formErrors } from '../errors.js';
import { trpc } from '../trpc.js';
import { formText } from '../form.js';

/** Any signed-in user changes their own password (reached from the user menu). */
export function PasswordPage() {
  const [mismatch, setMismatch] = useState(false);
  const change = trpc.users.changePassword.useMutation();
  const server = formErrors(change.error);
  const fieldErrors = mismatch ? { ...server.fieldErrors, confirmPassword: ['The two new passwords differ.'] } : server.fieldErrors;
  const message = mismatch ? CORRECT_FIELDS : server.message;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = formText(form, 'newPassword');
    const differ = newPassword !== formText(form, 'confirmPassword');
    change.reset();
    setMismatch(differ);
    if (differ) return;
    change.mutate(
      { currentPassword: formText(form, 'currentPassword'), newPassword, endOtherSessions: form.get('endOtherSessions') === 'on' },
      { onSuccess: () => formElement.reset() },
    );
  };

  return (
    <Page title="Change password" description="Choose a new password for signing in to Pulse.">
      <Card title="Your password" className="narrow-card">
        <form className="form" onSubmit={submit} noValidate>
          <FormError message={message} />
          {change.isSuccess && (
            <p className="notice notice-success" role="status">
              Your password has been changed{change.data.otherSessionsEnded ? ' and your other sessions have ended' : ''}.
            </p>
          )}
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            maxLength={textLimits.password}
            errors={fieldErrors.currentPassword}
          />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            maxLength={MAX_PASSWORD_BYTES}
            hint={PASSWORD_RULE}
            errors={fieldErrors.newPassword}
          />
          <Field
            label="Repeat the new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            maxLength={MAX_PASSWORD_BYTES}
            errors={fieldErrors.confirmPassword}
          />
          <label className="checkbox">
            <input type="checkbox" name="endOtherSessions" defaultChecked />
            <span>
              Sign out everywhere else
              <span className="field-hint">End your sessions on other devices and browsers; this one stays signed in.</span>
            </span>
          </label>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={change.isPending}>
              {change.isPending ? 'Changing…' : 'Change password'}
            </button>
          </div>
        </form>
      </Card>
    </Page>
  );
}
