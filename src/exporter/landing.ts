import type { Report } from '../diagnosis/report.js';
import { renderLandingPage, PAGE_CSP } from '../render/landing-page.js';
import { probeAgeMs } from '../render/probe-time.js';
import { RUNBOOKS_URL } from '../render/runbook-links.js';

/** The Content-Security-Policy the `/` page is served with (nothing loads; its one stylesheet by hash). */
export const LANDING_CSP = PAGE_CSP;

/** The `/` page: the daemon's last report as src/render/landing-page.ts lays it out, its age taken now. */
export function landingPage(telemetryPath: string, report: Report | null, now: Date = new Date()): string {
  return renderLandingPage(report, report ? probeAgeMs(report.generatedAt, now) : null, {
    metrics: telemetryPath,
    health: '/health',
    healthz: '/healthz',
    runbooks: RUNBOOKS_URL,
  });
}
