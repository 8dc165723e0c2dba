import { Router } from 'express';
import { exportFilename, exportTenant, recordExport } from '@pulse/api';
import type { Db } from '@pulse/db';
import type { ContextResolver } from '../app.js';
import { refuse } from '../http-session.js';

export interface ExportRouteDeps {
  db: Db;
  /** Resolves user and tenant from the session (createContext), as for tRPC calls. */
  contextFor: ContextResolver;
}

/**
 * GET /api/export: an admin downloads all of their organisation's data as a zip of CSV
 * files, streamed. Mount after the session middleware: app.use(exportRouter(deps)).
 */
export function exportRouter({ db, contextFor }: ExportRouteDeps): Router {
  const router = Router();
  router.get('/api/export', async (req, res, next) => {
    try {
      const ctx = await contextFor(req, res);
      if (!ctx.user || !ctx.tenant) return void refuse(res, ctx);
      if (ctx.user.role !== 'admin') return void res.status(403).json({ error: 'Only admins can export the organisation’s data.' });
      await recordExport(db, { tenantId: ctx.tenant.id, userId: ctx.user.id, ip: ctx.ip, tokenId: ctx.token?.id ?? null });
      res
        .status(200)
        .set('Content-Type', 'application/zip')
        .set('Content-Disposition', `attachment; filename="${exportFilename(ctx.tenant.name)}"`);
      await exportTenant(db, ctx.tenant.id, res);
    } catch (error) {
      if (!res.headersSent) return next(error);
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return router;
}
