import { createBrowserHistory } from '@tanstack/react-router';

/** The browser history the router follows; code outside components (ending a session) navigates through it too. */
export const history = createBrowserHistory();
