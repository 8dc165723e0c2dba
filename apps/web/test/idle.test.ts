import { describe, expect, it } from 'vitest';
import { formatCountdown, IDLE_WARNING_MS, idlePhase } from '../src/idle.js';

describe('formatCountdown', () => {
  it('shows minutes and zero-padded seconds', () => {
    expect(formatCountdown(120_000)).toBe('2:00');
    expect(formatCountdown(65_000)).toBe('1:05');
    expect(formatCountdown(9_000)).toBe('0:09');
  });

  it('rounds up, so 0:00 means the time is up', () => {
    expect(formatCountdown(119_001)).toBe('2:00');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });
});

describe('idlePhase', () => {
  it('warns in the last two minutes and expires at zero', () => {
    expect(idlePhase(IDLE_WARNING_MS + 1)).toBe('active');
    expect(idlePhase(IDLE_WARNING_MS)).toBe('warning');
    expect(idlePhase(1)).toBe('warning');
    expect(idlePhase(0)).toBe('expired');
  });
});
