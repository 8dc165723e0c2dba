import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy* waits up to 5 s (default 1 s): a busy CI machine can take longer than a second to render a page.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});
