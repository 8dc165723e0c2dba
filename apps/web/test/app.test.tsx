import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../src/App.js';
import { badRequest, fakeApi, signedIn } from './fake-api.js';

function renderAt(path: string) {
  window.history.replaceState(null, '', path);
  return render(<App />);
}

const here = () => window.location.pathname + window.location.search;

describe('session guard', () => {
  it('sends signed-out visitors to login, remembering the page, without the "ended" message', async () => {
    fakeApi({ status: () => ({ signedIn: false }) });
    renderAt('/accounts');
    await screen.findByRole('heading', { name: 'Sign in to Pulse' });
    expect(here()).toBe('/login?next=%2Faccounts');
    expect(screen.queryByText(/session ended/)).toBeNull();
  });

  it('returns to the wanted page after signing in', async () => {
    let status: ReturnType<typeof signedIn> | { signedIn: false } = { signedIn: false };
    fakeApi({
      status: () => status,
      login: () => (status = signedIn()),
    });
    renderAt('/login?next=%2Faccounts');
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'nora@northwind.example' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pulse-demo-2026' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: 'Accounts' });
    expect(here()).toBe('/accounts');
  });

  it('shows admin pages to members as not allowed, and no admin navigation', async () => {
    fakeApi({ status: () => signedIn({ role: 'member' }) });
    renderAt('/users');
    await screen.findByRole('heading', { name: 'Not allowed' });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Users' })).toBeNull();
    expect(within(nav).getByRole('link', { name: 'Accounts' })).toBeTruthy();
  });
});

describe('login form', () => {
  it('shows the session-ended message and the field errors of a BAD_REQUEST', async () => {
    fakeApi({
      status: () => ({ signedIn: false }),
      login: () => {
        throw badRequest({ email: ['Enter a valid email address.'] });
      },
    });
    renderAt('/login?next=%2Faccounts&reason=expired');
    await screen.findByRole('heading', { name: 'Sign in to Pulse' });
    expect(screen.getByRole('status').textContent).toBe('Your session ended, please sign in again.');

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Please correct the highlighted fields.');
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Enter a valid email address.');
  });
});

describe('idle warning', () => {
  it('counts down and extends the session on "Stay signed in"', async () => {
    let status = signedIn({ idleInMs: 90_000 });
    fakeApi({ status: () => status, refresh: () => (status = signedIn()) });
    renderAt('/');

    const dialog = await screen.findByRole('alertdialog', { name: 'Are you still there?' });
    expect(dialog.textContent).toMatch(/You will be signed out in 1:(29|30)\./);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stay signed in' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  });

  it('goes to login with the message when the session has already ended', async () => {
    fakeApi({ status: () => signedIn({ idleInMs: 60_000 }) });
    renderAt('/accounts');

    fireEvent.click(await screen.findByRole('button', { name: 'Stay signed in' }));

    await screen.findByRole('heading', { name: 'Sign in to Pulse' });
    expect(here()).toBe('/login?next=%2Faccounts&reason=expired');
    expect(screen.getByRole('status').textContent).toBe('Your session ended, please sign in again.');
  });

  it('at the absolute limit, only warns', async () => {
    fakeApi({ status: () => signedIn({ idleInMs: 60_000, absoluteInMs: 60_000 }) });
    renderAt('/');
    const dialog = await screen.findByRole('alertdialog', { name: 'Your session is about to end' });
    expect(within(dialog).queryByRole('button', { name: 'Stay signed in' })).toBeNull();
  });
});
