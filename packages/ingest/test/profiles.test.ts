import { describe, expect, it } from 'vitest';
import { parseCustomerProfiles } from '../src/index.js';
import { buildWorkbook, editSample, sample } from './helpers.js';

const FILE = 'customer-profile.xlsx';
const PROFILE = 'Customer Profile Input';
const CHAMPIONS = 'Champion & Stakeholder Input';
const ENGAGEMENT = 'Engagement Tracking Input';

describe('parseCustomerProfiles: the sample workbook', () => {
  it('reads all 36 accounts without problems', async () => {
    const { profiles, problems } = await parseCustomerProfiles(sample(FILE));
    expect(problems).toEqual([]);
    expect(profiles).toHaveLength(36);
    expect(profiles.map((p) => p.row)).toEqual(Array.from({ length: 36 }, (_, i) => i + 5));
    for (const p of profiles) {
      expect(p.renewalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.arr).toBeGreaterThan(0);
      expect(p.primaryChampion).not.toBeNull();
      expect(p.lifecycleStage).not.toBeNull();
    }
  });

  it('joins the three input sheets by Account ID', async () => {
    const { profiles } = await parseCustomerProfiles(sample(FILE));
    expect(profiles[0]).toEqual({
      row: 5,
      externalId: '11',
      accountName: 'TechCorp Solutions',
      industry: 'Manufacturing',
      region: 'Europe',
      status: 'active',
      tier: 'Enterprise',
      csmOwner: 'Emma Schmidt',
      csmManager: 'Tom Anderson',
      executiveSponsor: 'Jennifer Williams',
      strategicAccount: true,
      products: ['Core Platfom'],
      contractStartDate: '2024-02-23',
      contractEndDate: '2026-02-22',
      renewalDate: '2026-02-22',
      arr: 2468639,
      mrr: 205719,
      primaryChampion: 'John Rodriguez',
      championTitle: 'Senior Manager',
      championEmail: 'john.rodriguez@techcorpsolutions.com',
      championStatus: 'Active',
      championTenureMonths: 46,
      championInfluence: 'Medium',
      economicBuyer: 'Priya Schmidt',
      economicBuyerTitle: 'Controller',
      customerSponsor: 'James Miller',
      customerSponsorTitle: 'President',
      technicalChampion: 'Jennifer Brown',
      activeChampions: 5,
      lastTouchpointDate: '2025-10-26',
      nextTouchpointDate: '2025-12-11',
      lastBusinessReviewDate: '2025-09-15',
      nextBusinessReviewDate: '2025-12-14',
      activeUsers: 106,
      totalLicenses: 150,
      licenseUtilizationPct: 70.7,
      daysSinceLastLogin: 13,
      lifecycleStage: 'Growth',
      onboardingStatus: 'Not Started',
      openSupportTickets: 0,
    });
    const byName = new Map(profiles.map((p) => [p.accountName, p]));
    expect(byName.get('TechVision')).toMatchObject({
      externalId: '23',
      products: ['Core Platform', 'Mobile App', 'Analytics Dashboard'],
      strategicAccount: false,
    });
    expect(byName.get('CloudMaster')).toMatchObject({ tier: 'SMB', lifecycleStage: 'At-Risk', arr: 172386 });
    expect(byName.get('DataCo Inc')).toMatchObject({ championStatus: 'At Risk', lifecycleStage: 'Adoption', renewalDate: '2026-10-20' });
    expect(byName.get('TechMasters Group')).toMatchObject({ row: 40, externalId: '56', csmOwner: 'James Wilson', activeChampions: 5 });
  });

  it('accepts date cells, money as text and allowed values in any case', async () => {
    const file = await editSample(FILE, (wb) => {
      const sheet = wb.getWorksheet(PROFILE);
      if (!sheet) throw new Error('sample sheet missing');
      sheet.getCell('N5').value = new Date(Date.UTC(2027, 0, 31));
      sheet.getCell('N5').style = { ...sheet.getCell('N5').style, numFmt: 'dd/mm/yyyy' };
      sheet.getCell('O5').value = '$1,200,000';
      sheet.getCell('F5').value = 'mid-market';
    });
    const { profiles, problems } = await parseCustomerProfiles(file);
    expect(problems).toEqual([]);
    expect(profiles[0]).toMatchObject({ renewalDate: '2027-01-31', arr: 1200000, tier: 'Mid-Market' });
  });
});

describe('parseCustomerProfiles: problems', () => {
  it('reports each bad cell with its sheet, row and column', async () => {
    const file = await editSample(FILE, (wb) => {
      const profile = wb.getWorksheet(PROFILE);
      const champions = wb.getWorksheet(CHAMPIONS);
      const engagement = wb.getWorksheet(ENGAGEMENT);
      if (!profile || !champions || !engagement) throw new Error('sample sheets missing');
      profile.getCell('F5').value = 'Gold+';
      profile.getCell('L6').value = '2024-02-30';
      profile.getCell('M7').value = 'next year';
      profile.getCell('O8').value = 'lots';
      profile.getCell('P9').value = -5;
      profile.getCell('B10').value = null;
      profile.getCell('D12').value = 'Antarctica';
      profile.getCell('J13').value = 'Maybe';
      profile.getCell('C14').value = null;
      profile.getCell('B15').value = 'techcorp solutions';
      champions.getCell('F6').value = 'Gone';
      champions.getCell('G6').value = 2.5;
      champions.getCell('E7').value = 'not-an-email';
      champions.getCell('B9').value = 'Wrong Name';
      engagement.getCell('K5').value = 'Zombie';
      engagement.getCell('A8').value = 999;
    });
    const { profiles, problems } = await parseCustomerProfiles(file);
    expect(problems).toEqual([
      { sheet: PROFILE, row: 5, column: 'Account Tier', message: "Account Tier 'Gold+' is not one of: Enterprise, Mid-Market, SMB, Strategic" },
      { sheet: PROFILE, row: 6, column: 'Contract Start Date', message: "Contract Start Date '2024-02-30' is not a date (expected YYYY-MM-DD)" },
      { sheet: PROFILE, row: 7, column: 'Contract End Date', message: "Contract End Date 'next year' is not a date (expected YYYY-MM-DD)" },
      { sheet: PROFILE, row: 8, column: 'ARR', message: "ARR 'lots' is not a number" },
      { sheet: PROFILE, row: 9, column: 'MRR', message: 'MRR must not be negative (got -5)' },
      { sheet: PROFILE, row: 10, column: 'Account Name', message: 'Account Name is required' },
      {
        sheet: PROFILE,
        row: 12,
        column: 'Region',
        message: "Region 'Antarctica' is not one of: North America, Europe, Asia Pacific, Latin America, Middle East",
      },
      { sheet: PROFILE, row: 13, column: 'Strategic Account', message: "Strategic Account 'Maybe' is not one of: Yes, No" },
      { sheet: PROFILE, row: 14, column: 'Industry', message: 'Industry is required' },
      { sheet: PROFILE, row: 15, column: 'Account Name', message: "Account Name 'techcorp solutions' appears twice (rows 5 and 15)" },
      { sheet: CHAMPIONS, row: 6, column: 'Champion Status', message: "Champion Status 'Gone' is not one of: Active, At Risk, Departed, Unknown" },
      { sheet: CHAMPIONS, row: 6, column: 'Champion Tenure (months)', message: 'Champion Tenure (months) must be a whole number (got 2.5)' },
      { sheet: CHAMPIONS, row: 7, column: 'Champion Email', message: "Champion Email 'not-an-email' is not an email address" },
      {
        sheet: CHAMPIONS,
        row: 9,
        column: 'Account Name',
        message: "Account Name 'Wrong Name' does not match 'GlobalSystems', the name of Account ID '15' in sheet 'Customer Profile Input'",
      },
      {
        sheet: CHAMPIONS,
        row: 15,
        column: 'Account Name',
        message: "Account Name 'DataDrive' does not match 'techcorp solutions', the name of Account ID '21' in sheet 'Customer Profile Input'",
      },
      {
        sheet: ENGAGEMENT,
        row: 5,
        column: 'Lifecycle Stage',
        message: "Lifecycle Stage 'Zombie' is not one of: Onboarding, Adoption, Growth, Renewal, At-Risk, Expansion",
      },
      { sheet: ENGAGEMENT, row: 8, column: 'Account ID', message: "Account ID '999' is not in sheet 'Customer Profile Input'" },
      {
        sheet: ENGAGEMENT,
        row: 15,
        column: 'Account Name',
        message: "Account Name 'DataDrive' does not match 'techcorp solutions', the name of Account ID '21' in sheet 'Customer Profile Input'",
      },
    ]);
    expect(profiles).toHaveLength(35);
    expect(profiles.find((p) => p.externalId === '14')).toMatchObject({ accountName: 'InnovateTech', arr: null, lifecycleStage: null, activeUsers: null });
  });

  it('reports a missing profile or reference sheet', async () => {
    const file = await buildWorkbook({ Accounts: [['Account Name'], ['Acme']] });
    const { profiles, problems } = await parseCustomerProfiles(file);
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      { sheet: null, row: null, column: null, message: "The workbook has no 'Customer Profile Input' sheet (sheets found: 'Accounts')" },
      { sheet: null, row: null, column: null, message: "The workbook has no 'Reference Data' sheet (sheets found: 'Accounts')" },
    ]);
  });

  it('reports a profile sheet without an Account Name column', async () => {
    const file = await buildWorkbook({ [PROFILE]: [['Customer'], ['Acme']], 'Reference Data': [] });
    const { problems } = await parseCustomerProfiles(file);
    expect(problems).toEqual([
      { sheet: PROFILE, row: null, column: 'Account Name', message: "Sheet 'Customer Profile Input' has no header row with an 'Account Name' column" },
    ]);
  });

  it('reports a file that is not a workbook', async () => {
    const { profiles, problems } = await parseCustomerProfiles(Buffer.from('Account Name\nAcme\n'));
    expect(profiles).toEqual([]);
    expect(problems).toEqual([
      { sheet: null, row: null, column: null, message: 'The file is not a readable .xlsx workbook: it is a text (CSV) file; upload it as CSV instead' },
    ]);
  });
});
