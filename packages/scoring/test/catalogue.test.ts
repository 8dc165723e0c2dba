import { describe, expect, it } from 'vitest';
import catalogueJson from '../src/kpi-catalogue.json' with { type: 'json' };
import {
  defaultCatalogue,
  defaultRangeFor,
  defaultSettings,
  impactWeights,
  kpiKey,
  resolveRange,
  validateRange,
  validateSettings,
  type ReferenceRange,
} from '../src/index.js';

describe('default catalogue', () => {
  it('holds the 69 catalogue KPIs (the 68 of the shared catalogue and Manager Sentiment) with unique names', () => {
    expect(defaultCatalogue).toHaveLength(69);
    expect(new Set(defaultCatalogue.map((r) => kpiKey(r.kpiName))).size).toBe(69);
  });

  it.each(defaultCatalogue.map((range) => [range.kpiName, range] as const))('%s passes validateRange', (_name, range) => {
    expect(validateRange(range)).toEqual([]);
  });

  it('places every KPI in a weighted category', () => {
    for (const range of defaultCatalogue) {
      expect(defaultSettings.categoryWeights[range.category]).toBeGreaterThan(0);
    }
  });

  it('takes settings and impact weights from the catalogue file', () => {
    expect(defaultSettings).toEqual({
      categoryWeights: {
        'Product Usage': 30,
        Support: 20,
        'Customer Sentiment': 20,
        'Business Outcomes': 15,
        'Relationship Strength': 15,
      },
      tiers: { healthy: 80, atRisk: 60 },
    });
    expect(impactWeights).toEqual({ High: 3, Medium: 2, Low: 1 });
    expect(catalogueJson.kpis[0]?.name).toBe(defaultCatalogue[0]?.kpiName);
    expect(validateSettings(defaultSettings)).toEqual([]);
  });
});

describe('KPI lookup', () => {
  it('normalises names by trimming and lowercasing', () => {
    expect(kpiKey('  Net Promoter Score (NPS) ')).toBe('net promoter score (nps)');
  });

  it('finds default ranges case-insensitively', () => {
    expect(defaultRangeFor('  first RESPONSE time ')).toEqual({
      kpiName: 'First Response Time',
      category: 'Support',
      unit: 'hours',
      higherIsBetter: false,
      scaleMin: 0,
      riskThreshold: 8,
      healthyThreshold: 2,
      scaleMax: 999,
    });
    expect(defaultRangeFor('Unknown KPI')).toBeUndefined();
  });

  it("prefers the tenant's range over the default", () => {
    const tenant: ReferenceRange = { ...defaultCatalogue[0]!, kpiName: 'product activation rate', riskThreshold: 40 };
    expect(resolveRange('Product Activation Rate', [tenant])).toEqual({ range: tenant, source: 'tenant' });
    expect(resolveRange('Renewal Rate', [tenant])).toEqual({ range: defaultRangeFor('Renewal Rate'), source: 'default' });
    expect(resolveRange('Unknown KPI', [tenant])).toBeUndefined();
  });
});
