import { Router, type Request, type Response } from 'express';
import { exportFilename, exportTenant, recordExport } from '@pulse/api';
import type { Db } from '@pulse/db';
import { requireAdmin, type ContextResolver, type SignedIn } from '../refusals.js';

export interface ExportRouteDeps {
  db: Db;
  /** Resolves user and tenant from the session (createContext), as for tRPC calls. */
  contextFor: ContextResolver;
}

const ADMINS_ONLY = 'Only admins can export the organisation’s data.';

/** The signed-in admin an export is for; otherwise the refusal (401, 403 or the token's 429) is sent and null returned. */
function exporter(req: Request, res: Response, contextFor: ContextResolver): Promise<SignedIn | null> {
  return requireAdmin(req, res, contextFor, ADMINS_ONLY);
}

function zipHeaders(res: Response, { tenant }: SignedIn): Response {
  return res
    .status(200)
    .set('Content-Type', 'application/zip')
    .set('Content-Disposition', `attachment; filename="${exportFilename(tenant.name)}"`);
}

/**
 * GET /api/export: an admin downloads all of their organisation's data as a zip of CSV
 * files, streamed. HEAD answers the same status and headers without building the export or
 * logging it (Express would otherwise run the GET handler for HEAD). Mount after the session
 * middleware: app.use(exportRouter(deps)).
 */
export function exportRouter({ db, contextFor }: ExportRouteDeps): Router {
  const router = Router();
  router.head('/api/export', async (req, res, next) => {
    try {
      const caller = await exporter(req, res, contextFor);
      if (caller) zipHeaders(res, caller).end();
    } catch (error) {
      next(error);
    }
  });
  router.get('/api/export', async (req, res, next) => {
    try {
      const caller = await exporter(req, res, contextFor);
      if (!caller) return;
      await recordExport(db, { tenantId: caller.tenant.id, userId: caller.user.id, ip: caller.ip, tokenId: caller.token?.id ?? null });
      zipHeaders(res, caller);
      await exportTenant(db, caller.tenant.id, res);
    } catch (error) {
      if (!res.headersSent) return next(error);
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return router;
}
