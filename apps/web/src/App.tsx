import { useState } from 'react';
import { RouterProvider } from '@tanstack/react-router';
import { ApiProvider } from './api.js';
import { createAppRouter } from './router.js';

export function App() {
  const [router] = useState(createAppRouter);
  return (
    <ApiProvider>
      <RouterProvider router={router} />
    </ApiProvider>
  );
}
