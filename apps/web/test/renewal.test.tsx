import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RenewalDate, renewalPassed } from '../src/components/RenewalDate.js';
import { sentence } from '../src/format.js';

describe('renewal dates', () => {
  it('count as passed from the day after, on the reader’s calendar', () => {
    const now = new Date(2026, 11, 1, 9, 30);
    expect(renewalPassed('2026-11-30', now)).toBe(true);
    expect(renewalPassed('2026-12-01', now)).toBe(false);
    expect(renewalPassed('2027-01-15', now)).toBe(false);
  });

  it('flag a date in the past and keep "Renews" for one to come', () => {
    render(
      <>
        <RenewalDate date="2001-03-01" prefix="Renews " />
        <RenewalDate date="2999-03-01" prefix="Renews " />
      </>,
    );
    expect(screen.getAllByText('Renewal date passed')).toHaveLength(1);
    expect(screen.getByText(/^Renews /).textContent).toMatch(/2999/);
  });
});

describe('sentence', () => {
  it('joins the urgency phrases into one sentence', () => {
    expect(sentence(['renews in 23 days', 'health fell 12 points in a period'])).toBe('Renews in 23 days; health fell 12 points in a period.');
  });
});
