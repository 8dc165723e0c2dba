import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** IntersectionObserver stand-in: `reveal(which?)` reports the observed elements (all, or those `which` accepts) as visible. */
export function stubIntersectionObserver() {
  const observers = new Set<{ callback: IntersectionObserverCallback; targets: Element[] }>();
  class FakeObserver {
    private readonly entry: { callback: IntersectionObserverCallback; targets: Element[] };
    constructor(callback: IntersectionObserverCallback) {
      this.entry = { callback, targets: [] };
      observers.add(this.entry);
    }
    observe(target: Element) {
      this.entry.targets.push(target);
    }
    disconnect() {
      observers.delete(this.entry);
    }
  }
  vi.stubGlobal('IntersectionObserver', FakeObserver);
  return {
    reveal: (which: (target: Element) => boolean = () => true) =>
      act(() => {
        for (const { callback, targets } of [...observers]) {
          const visible = targets.filter(which);
          if (visible.length)
            callback(
              visible.map((target) => ({ target, isIntersecting: true }) as IntersectionObserverEntry),
              {} as IntersectionObserver,
            );
        }
      }),
    get watching() {
      return observers.size;
    },
  };
}
