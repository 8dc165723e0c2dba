import type { FormEvent } from 'react';
import { MAX_PASSWORD_BYTES, PASSWORD_RULE, textLimits } from '@pulse/api/limits';
import { useQueryClient } from '@tanstack/react-query';
import { AuthLayout } from '../components/AuthLayout.js';
import { Field, FormError } from '../components/Field.js';
import { formErrors } from '../errors.js';
import { Link } from '@tanstack/react-router';
import { replaceSession } from '../session.js';
import { trpc } from '../trpc.js';
import { formText } from '../form.js';

export function RegisterPage() {
  const client = useQueryClient();
  const register = trpc.auth.register.useMutation({ onSuccess: (status) => replaceSession(client, status) });
  const { message, fieldErrors } = formErrors(register.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    register.mutate({
      organisationName: formText(form, 'organisationName'),
      name: formText(form, 'name'),
      email: formText(form, 'email'),
      password: formText(form, 'password'),
    });
  };

  return (
    <AuthLayout
      title="Register your organisation"
      footer={
        <>
          Already using Pulse? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <p className="auth-lead">You will be the first admin of your organisation&rsquo;s workspace.</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field
          label="Organisation name"
          name="organisationName"
          autoComplete="organization"
          required
          maxLength={textLimits.name}
          errors={fieldErrors.organisationName}
        />
        <Field label="Your name" name="name" autoComplete="name" required maxLength={textLimits.name} errors={fieldErrors.name} />
        <Field label="Work email" name="email" type="email" autoComplete="email" required maxLength={textLimits.email} errors={fieldErrors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={MAX_PASSWORD_BYTES}
          hint={PASSWORD_RULE}
          errors={fieldErrors.password}
        />
        <button type="submit" className="button button-primary button-block" disabled={register.isPending}>
          {register.isPending ? 'Creating workspace…' : 'Create workspace'}
        </button>
      </form>
    </AuthLayout>
  );
}
