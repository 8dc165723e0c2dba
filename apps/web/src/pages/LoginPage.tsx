import type { FormEvent } from 'react';
import { textLimits } from '@pulse/api/limits';
import { useQueryClient } from '@tanstack/react-query';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field, FormError } from '../components/Field.js';
import { formErrors } from '../errors.js';
import { getRouteApi, Link } from '@tanstack/react-router';
import { replaceSession, signInMessages } from '../session.js';
import { trpc } from '../trpc.js';
import { formText } from '../form.js';

const route = getRouteApi('/login');

/** On success the session guard sends the user on to ?next (see GuestOnly). */
export function LoginPage() {
  const reason = route.useSearch({ select: (search) => search.reason });
  const client = useQueryClient();
  const login = trpc.auth.login.useMutation({ onSuccess: (status) => replaceSession(client, status) });
  const { message, fieldErrors } = formErrors(login.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    login.mutate({
      email: formText(form, 'email'),
      password: formText(form, 'password'),
      rememberMe: form.get('rememberMe') === 'on',
    });
  };

  return (
    <AuthLayout
      title="Sign in to Pulse"
      footer={
        <>
          New to Pulse? <Link to="/register">Register your organisation</Link>
        </>
      }
    >
      {reason && !login.error && (
        <p className={reason === 'expired' ? 'notice notice-warning' : 'notice'} role="status">
          {signInMessages[reason]}
        </p>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field label="Email" name="email" type="email" autoComplete="username" required maxLength={textLimits.email} errors={fieldErrors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={textLimits.password}
          errors={fieldErrors.password}
        />
        <label className="checkbox">
          <input type="checkbox" name="rememberMe" />
          <span>
            Remember me
            <span className="field-hint">Stay signed in on this device for up to 7 days.</span>
          </span>
        </label>
        <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
